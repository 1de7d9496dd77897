"""planner: a classical planner with LLM-written heuristics and a compiled search core."""
__version__ = "0.1.0"
