"""The compiled search core's parts, one extension module each.

Built from ext/planner/core/*.pyx (see ext/README.md); the Python side imports
them through the facade planner._core, which also holds the tables of
heuristic and search names.
"""
