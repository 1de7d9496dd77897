"""`planner learn DK DOMAIN TASK...`: the IPC learning interface (see planner.llm.commands)."""
from planner.llm.commands import register_learn as register, run_learn as run

__all__ = ["register", "run"]
