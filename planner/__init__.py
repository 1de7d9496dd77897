"""planner: a classical planner with LLM-written heuristics and a compiled search core.

`planner.search.solve(domain, problem, ...)` is the library entry point (see
planner.search.solve); it is imported lazily so that `import planner` stays light
for tools that only need the front-end.
"""
__version__ = "0.1.0"


def __getattr__(name: str):
    if name == "solve":
        from planner.search.solve import solve

        return solve
    raise AttributeError(f"module 'planner' has no attribute {name!r}")
