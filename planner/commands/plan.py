"""`planner plan DK DOMAIN TASK PLAN`: plan with learned domain knowledge (see planner.llm.commands)."""
from planner.llm.commands import register_plan as register, run_plan as run

__all__ = ["register", "run"]
