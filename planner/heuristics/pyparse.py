"""Parsing candidate code with `ast`, one thread at a time.

CPython 3.11's AST constructor keeps recursion-depth bookkeeping that is not
thread-safe: concurrent ast.parse calls (candidates are screened on a thread
pool) fail with "SystemError: AST constructor recursion depth mismatch".
"""
from __future__ import annotations

import ast
import threading

_LOCK = threading.Lock()


def parse_code(code: str) -> ast.Module:
    """ast.parse under a process-wide lock; raises SyntaxError as ast.parse does."""
    with _LOCK:
        return ast.parse(code)
