"""Sub-commands of the `planner` CLI, one module each."""
