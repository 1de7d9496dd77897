"""`python -m planner` is the `planner` command."""
from planner.cli import entry_point

entry_point()
