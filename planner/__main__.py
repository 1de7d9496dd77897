"""`python -m planner` is the `planner` command."""
from planner.cli.main import entry_point

entry_point()
