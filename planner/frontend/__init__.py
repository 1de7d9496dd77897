"""The PDDL front-end: parse (parsing, checks) -> normalise (normalize) ->
ground (datalog, grounding, invariants, relevance) into a planner.task.GroundTask."""
