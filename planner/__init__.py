"""planner: a classical planner with LLM-written heuristics and a compiled search core.

`planner.solve(domain, problem, ...)` is the library entry point
(planner.subroutines.solve: planner.search.solve.solve plus the `subroutines`
option); it is imported lazily so that `import planner` stays light
for tools that only need the front-end.
"""
__version__ = "0.1.0"


def __getattr__(name: str):
    if name == "solve":
        from planner.subroutines.solve import solve

        return solve
    raise AttributeError(f"module 'planner' has no attribute {name!r}")
