"""LLM heuristic synthesis: prompt, sampling, static checking and sandboxed evaluation.

The pipeline is prompt -> sampler (cached, resumable) -> extract -> static_check
-> sandbox (probe, then search). Each stage is its own module so that a
candidate's fate can be traced to one rule or one measured outcome.
"""
