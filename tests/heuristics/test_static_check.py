from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fixtures import DATA
from planner.llm import prompt
from planner.llm.extract import code_blocks, extract
from planner.heuristics.static_check import check
from tests.llm.replay_server import recorded, recorded_names

EXPECTED = json.loads((DATA / "expected.json").read_text())


@pytest.mark.parametrize("name", recorded_names())
def test_recorded_candidates_get_the_expected_verdict(name):
    got = extract(recorded(name), "DomainHeuristic")
    if got.code is None:
        verdict = "no-code"
    else:
        result = check(got.code)
        verdict = "ok" if result.ok else result.reason.rule
        if not result.ok:
            assert result.reason.line >= 1 and result.reason.message
    assert verdict == EXPECTED[name]["static"]


def test_every_recording_has_an_expectation():
    assert set(recorded_names()) == set(EXPECTED) - {"_comment"}


@pytest.mark.parametrize("name", prompt.DEFAULT_EXAMPLES)
def test_worked_examples_in_the_prompt_pass_the_check(name):
    [code] = code_blocks(prompt.load_template(name))
    assert check(code).ok, check(code).violations


REJECTED = {
    "().__class__.__bases__[0].__subclasses__()": "dunder-attribute",
    "f = lambda: 0\ng = f.__globals__": "dunder-attribute",
    "b = __builtins__": "denied-name",
    "m = __import__('os')": "denied-name",
    "x = eval('1 + 1')": "denied-name",
    "exec('x = 1')": "denied-name",
    "c = compile('1', 'f', 'eval')": "denied-name",
    "g = globals()": "denied-name",
    "l = locals()": "denied-name",
    "v = vars()": "denied-name",
    "f = open('/etc/passwd')": "denied-name",
    "x = input()": "denied-name",
    "breakpoint()": "denied-name",
    "n = 'x'\ny = getattr(object, n)": "computed-attribute",
    "y = getattr(object, '__dict__')": "dunder-attribute",
    "setattr(object, 'x' + 'y', 1)": "computed-attribute",
    "import os": "import",
    "import sys": "import",
    "import subprocess": "import",
    "from socket import socket": "import",
    "import ctypes": "import",
    "import importlib": "import",
    "import builtins": "import",
    "import pickle": "import",
    "import numpy.ctypeslib": "import",
    "from numpy import load": "denied-attribute",
    "import numpy as np\na = np.load('x.npy')": "denied-attribute",
    "import numpy as np\nnp.zeros(3).tofile('x')": "denied-attribute",
    "import numpy as np\np = np.zeros(3).ctypes": "denied-attribute",
    "import numpy as np\ns = np.os.system": "denied-attribute",
    "import collections\ns = collections.sys": "denied-attribute",
    "import networkx as nx\nnx.write_gml(nx.Graph(), 'g.gml')": "denied-attribute",
    "import networkx as nx\ng = nx.read_edgelist('e')": "denied-attribute",
    "g = (x for x in ()).gi_frame.f_globals": "denied-attribute",
    "s = '{0.__class__}'.format(1)": "dunder-string",
    "from typing import get_type_hints": "denied-attribute",
    "from . import sibling": "import",
    "from math import *": "import",
    "async def f():\n    pass": "construct",
    "while True:\n    pass": "module-level-code",
    "for i in range(10):\n    pass": "module-level-code",
    "class M(type):\n    pass\nclass A(metaclass=M):\n    pass": "construct",
    "def f():\n    global X\n    X = 1": "construct",
    "class A:\n    def __reduce__(self):\n        return 1": "dunder-attribute",
    "def f(:\n    pass": "syntax",
}


@pytest.mark.parametrize("code,rule", REJECTED.items())
def test_escape_attempts_are_rejected_with_rule_and_line(code, rule):
    result = check(code)
    assert not result.ok
    assert result.reason.rule == rule, result.violations
    assert 1 <= result.reason.line <= code.count("\n") + 1
    assert re.match(r"line \d+: \[[\w-]+\] ", str(result.reason))


ACCEPTED = '''\
"""Mentions __call__ and __globals__ in a docstring, which is harmless."""
from __future__ import annotations
import math
import heapq
import itertools
import functools
from collections import defaultdict, deque
from typing import Dict
import numpy as np
import networkx as nx
from planner.heuristics.api import Heuristic

INF = float("inf")


class H(Heuristic):
    """Uses the allowed libraries the way real heuristics do."""
    __slots__ = ("dist", "goals")

    def __init__(self, task):
        super().__init__(task)
        g = nx.Graph()
        g.add_edge("a", "b")
        self.dist = dict(nx.all_pairs_shortest_path_length(g))
        self.goals = np.array([1, 2, 3])
        self.name = type(self).__name__

    @functools.lru_cache(maxsize=None)
    def helper(self, x):
        return math.sqrt(x) + heapq.nsmallest(1, [x])[0]

    def __call__(self, state):
        counts = defaultdict(int)
        for atom in state:
            counts[atom[0]] += 1
        if getattr(self, "goals", None) is None:
            return INF
        return sum(counts.values()) + len(list(itertools.islice(deque([1]), 1)))


if __name__ == "__main__":
    print(H(None)(set()))
'''


def test_ordinary_heuristic_code_passes_and_main_guard_is_dropped():
    result = check(ACCEPTED)
    assert result.ok, result.violations
    assert "__main__" not in result.code and "class H(Heuristic)" in result.code


def test_print_is_a_warning_not_a_rejection():
    result = check("class H:\n    def __call__(self, s):\n        print(s)\n        return 0\n")
    assert result.ok and [w.rule for w in result.warnings] == ["print"]


def test_oversized_and_deeply_nested_code_is_rejected_without_crashing():
    assert check("x = 1\n" * 50_000).reason.rule == "too-large"
    deep = "x = " + "(" * 5000 + "1" + ")" * 5000
    assert not check(deep).ok


@given(st.text())
def test_check_never_raises(text):
    result = check(text)
    assert result.ok or result.reason.rule
