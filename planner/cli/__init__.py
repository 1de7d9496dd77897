"""The `planner` command (main) and one module per sub-command."""
