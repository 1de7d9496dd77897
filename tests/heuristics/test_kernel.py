"""Kernel heuristics (planner.heuristics.kernel): the compiled evaluator, bounds
checks, the static check of the kernel subset, differential testing against
the Python forms (states drawn by hypothesis), the prompt form, and the
shipped kernel forms beside the Python forms.

The kernels compiled in this process are the tests' own code or the shipped
kernels (the project's code), so they pass trusted=True; LLM-written kernels
compile only in the jail (tests/jail/test_kernel_jail.py)."""
from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import _core
from planner.errors import HeuristicError
from planner.frontend.grounding import ground_files
from planner.heuristics.api import TaskView
from planner.heuristics.format import stored_code
from planner.heuristics.kernel import KERNEL_CLASS_NAME, KernelError, compile_kernel, kernel_class
from planner.heuristics.kernel_differential import check_kernel, class_reference, compare, walk_states
from planner.heuristics.loader import load_heuristic_file
from planner.heuristics.static_check import check
from planner.search.engine import search
from tests.fixtures import HEURISTICS_FOLDER_OF as FOLDER_OF
from tests.fixtures import ROOT, benchmark

SHIPPED = ("blocksworld", "childsnack", "ferry", "floortile", "miconic", "rovers", "satellite",
           "sokoban", "spanner", "transport")
"""Benchmark folders whose shipped heuristic has a kernel form (heuristics/pools/<name>/kernel/)."""
BENCH_OF = {v: k for k, v in FOLDER_OF.items()}
PROVENANCE = "written by the project's developers, not sampled from an LLM endpoint"

GOALCOUNT = '''
import numpy as np


def prepare(task):
    return (task.fact_ids(task.goal_atoms),)


def missing(state, goal):
    n = 0
    for i in range(goal.shape[0]):
        if state[goal[i]] == 0:
            n += 1
    return n


def h(state, goal):
    return float(missing(state, goal))
'''


def _task(domain: str, problem: str = "p05"):
    folder = benchmark(domain)
    return ground_files(folder / "domain.pddl", folder / "training" / "easy" / f"{problem}.pddl")


@pytest.fixture(scope="module")
def bw_task():
    return _task("blocksworld", "p05")


@pytest.fixture(scope="module")
def goalcount(bw_task):
    return kernel_class(GOALCOUNT, "goalcount-kernel", trusted=True)(TaskView(bw_task))


def test_untrusted_kernel_never_compiles_outside_the_jail(bw_task):
    with pytest.raises(KernelError, match="only inside the jail"):
        kernel_class(GOALCOUNT, "llm-written")(TaskView(bw_task))
    with pytest.raises(KernelError, match="only inside the jail"):
        compile_kernel(GOALCOUNT, (("int32", 1),), False)


def test_kernel_matches_compiled_goalcount_and_solves(bw_task, goalcount):
    reference = _core.GoalCount(bw_task)
    evaluator = goalcount.evaluator()
    assert isinstance(evaluator, _core.KernelEvaluator)
    for state in walk_states(bw_task, seed=3, walks=5, length=20):
        ids = np.flatnonzero(state).tolist()
        assert evaluator(ids)[0] == reference(ids)[0]
    result = search(bw_task, "gbfs", evaluators=[goalcount.evaluator()])
    assert result.solved
    assert evaluator.calls > 0
    assert goalcount.compiled.seconds > 0


def test_out_of_bounds_fails_the_heuristic_not_the_process(bw_task):
    code = GOALCOUNT.replace("return float(missing(state, goal))",
                             "return float(missing(state, goal) + goal[goal.shape[0] + 3])")
    kernel = kernel_class(code, "oob", trusted=True)(TaskView(bw_task))
    evaluator = kernel.evaluator()
    with pytest.raises(RuntimeError, match="raised an error"):
        evaluator(list(bw_task.init))
    assert evaluator.failed
    with pytest.raises(HeuristicError, match="oob"):
        search(bw_task, "gbfs", evaluators=[kernel.evaluator()])


def test_kernel_cannot_write_the_search_state(bw_task):
    code = GOALCOUNT.replace("    return float(missing(state, goal))",
                             "    for i in range(state.shape[0]):\n        state[i] = 1\n"
                             "    return float(missing(state, goal))")
    kernel = kernel_class(code, "writer", trusted=True)(TaskView(bw_task))
    state = np.zeros(bw_task.num_facts, dtype=np.uint8)
    state[list(bw_task.init)] = 1
    before = state.copy()
    assert kernel.evaluator().evaluate_bytes(state)[0] == 0.0  # it saw its own all-true copy
    assert np.array_equal(state, before)


def test_compile_error_is_a_kernel_error_with_numbas_reason(bw_task):
    code = GOALCOUNT.replace("return float(missing(state, goal))", "return goal")
    with pytest.raises(KernelError, match="compiling the kernel failed"):
        kernel_class(code, "bad", trusted=True)(TaskView(bw_task))


def test_prepare_must_return_arrays(bw_task):
    code = GOALCOUNT.replace("return (task.fact_ids(task.goal_atoms),)", "return ([1, 2],)")
    with pytest.raises(KernelError, match="expected a numpy array"):
        kernel_class(code, "lists", trusted=True)(TaskView(bw_task))


@pytest.mark.parametrize("body, rule", [
    ("    d = {}\n    return 0.0", "kernel-construct"),
    ("    return float(len('abc'))", "kernel-construct"),
    ("    try:\n        return 1.0\n    except Exception:\n        return 0.0", "kernel-construct"),
    ("    return h(state, goal)", "kernel-recursion"),
    ("    return float(TABLE[0])", "kernel-name"),
    ("    return float(np.load(goal))", "denied-attribute"),
    ("    return float(np.linalg.norm(goal))", "kernel-call"),
    ("    return float(sorted(goal)[0])", "kernel-name"),
])
def test_static_check_rejects_what_numba_would(body, rule):
    code = ("import numpy as np\nTABLE = {'a': 1}\n\ndef prepare(task):\n    return ()\n\n"
            f"def h(state, goal):\n{body}\n")
    result = check(code)
    assert not result.ok
    assert rule in {v.rule for v in result.violations}, [str(v) for v in result.violations]
    assert all(v.line >= 1 for v in result.violations)


def test_static_check_accepts_the_goalcount_kernel():
    assert check(GOALCOUNT).ok, check(GOALCOUNT).violations


def _stored_kernel(domain: str) -> str:
    """The stored kernel form's code (heuristics/build_kernels.py's output)."""
    (path,) = sorted((ROOT / "heuristics" / FOLDER_OF.get(domain, domain)).glob("*.kernel.py"))
    return stored_code(path)


@pytest.mark.parametrize("domain", SHIPPED)
def test_shipped_kernels_pass_the_static_check(domain):
    code = _stored_kernel(domain)
    result = check(code)
    assert result.ok, [str(v) for v in result.violations]


_KERNELS: dict = {}


def _python_form(domain: str):
    path = next(p for p in sorted((ROOT / "heuristics" / FOLDER_OF.get(domain, domain)).glob("*.py"))
                if not p.name.endswith(".kernel.py"))
    return load_heuristic_file(f"{path}:DomainHeuristic")


def _shipped(domain: str):
    if domain not in _KERNELS:
        task = _task(domain, "p30")
        code = _stored_kernel(domain)
        kernel = kernel_class(code, f"{domain}-kernel", trusted=True)(TaskView(task))
        _KERNELS[domain] = (task, kernel, class_reference(_python_form(domain), task))
    return _KERNELS[domain]


@pytest.mark.parametrize("domain", SHIPPED)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31 - 1), walks=st.integers(1, 6), length=st.integers(1, 80))
def test_shipped_kernel_equals_python_form_on_reachable_states(domain, seed, walks, length):
    task, kernel, reference = _shipped(domain)
    states = walk_states(task, seed, walks, length)
    result = compare(kernel, reference, states)
    assert result.equal, result.reason()


@pytest.mark.parametrize("domain", ["floortile", "sokoban"])
def test_shipped_kernel_finds_exactly_the_python_forms_dead_ends(domain):
    """Both heuristics return infinity on provable dead ends (a wrongly painted
    tile, a box in a corner): the sampled states include such states, and the
    kernel's infinities are exactly the Python form's (compare() checks inf == inf)."""
    task, kernel, reference = _shipped(domain)
    states = walk_states(task, seed=0, walks=30, length=80)
    dead = [i for i, s in enumerate(states) if math.isinf(reference(s)[0])]
    assert 0 < len(dead) < len(states)
    evaluator = kernel.evaluator()
    assert [i for i, s in enumerate(states) if math.isinf(evaluator.evaluate_bytes(s)[0])] == dead
    assert compare(kernel, reference, states).equal


def test_rovers_kernel_prefers_the_python_forms_operators_under_the_same_tie_breaking():
    """The rovers kernel's preferred operators differ from the Python form's only in
    how ties are broken: the Python form iterates sets of strings (hash order). Its
    values depend on the order of its equipped rovers and their cameras (which goal
    a calibrated camera or an empty store is credited to), so the kernel takes those
    in the Python form's own order (rebuilt in prepare()); waypoints, roads and
    communication points it takes in name order. With those containers of the Python
    form put in name order, the preferred operator sets are equal."""
    task, kernel, _ = _shipped("rovers")
    python = _python_form("rovers")(TaskView(task))
    python.calib_target = {c: sorted(v) for c, v in python.calib_target.items()}
    python.visible_from = {o: sorted(v) for o, v in python.visible_from.items()}
    python.comm_points = dict(sorted(python.comm_points.items()))
    python.succ = {r: {x: sorted(v) for x, v in d.items()} for r, d in python.succ.items()}
    context = _core.ViewContext(task)

    def reference(state):
        r = python(_core.StateView.from_ids(context, np.flatnonzero(state).tolist()))
        return (float(r[0]), list(r[1])) if isinstance(r, tuple) else (float(r), [])

    states = walk_states(task, seed=0, walks=10, length=80)
    result = compare(kernel, reference, states)
    assert result.equal, result.reason()
    assert result.preferred_mismatches == 0
    assert any(reference(s)[1] for s in states)


def test_a_kernel_that_differs_from_its_reference_is_rejected(bw_task):
    code = GOALCOUNT.replace("return float(missing(state, goal))",
                             "n = missing(state, goal)\n    return float(n + 1 if n > 2 else n)")
    kernel = kernel_class(code, "off", trusted=True)(TaskView(bw_task))
    goal_count = _core.GoalCount(bw_task)
    result = check_kernel(kernel, bw_task, reference=lambda s: goal_count(np.flatnonzero(s).tolist()),
                          seed=1, walks=10, length=30)
    assert not result.equal and "disagree" in result.reason()
    # Against its own interpreted form it agrees: the difference is in the program, not the compiler.
    assert check_kernel(kernel, bw_task, seed=1, walks=3, length=10).equal


def test_compiled_and_interpreted_forms_that_differ_are_caught(bw_task):
    """int32 arithmetic wraps in numpy scalars but is widened by Numba: the
    compiled kernel's values differ from its own interpreted form's."""
    code = GOALCOUNT.replace("return (task.fact_ids(task.goal_atoms),)",
                             "return (task.fact_ids(task.goal_atoms), np.array([2**31 - 1], dtype=np.int32))")
    code = code.replace("def h(state, goal):\n    return float(missing(state, goal))",
                        "def h(state, goal, big):\n    n = missing(state, goal)\n"
                        "    if n == 0:\n        return 0.0\n"
                        "    return float(n + 1 if big[0] + big[0] > 0 else n)")
    assert check(code).ok
    kernel = kernel_class(code, "wrap", trusted=True)(TaskView(bw_task))
    with np.errstate(over="ignore"):
        result = check_kernel(kernel, bw_task, seed=2, walks=3, length=10)
    assert not result.equal and "disagree" in result.reason()


def test_kernel_candidate_is_extracted_as_a_kernel():
    from planner.heuristics.loader import load_candidate
    from planner.llm.extract import extract

    got = extract(f"Here it is.\n```python\n{GOALCOUNT}```\n")
    assert got.class_name == KERNEL_CLASS_NAME and "def prepare(task)" in got.code
    cls = load_candidate(got.code, got.class_name)  # no compilation yet: that is construction
    assert cls.code == got.code and not cls.trusted


def test_kernel_prompt_template_builds():
    from planner.llm.prompt import KERNEL_EXAMPLES, KERNEL_INTERFACE, KERNEL_TEMPLATE, build_prompt

    folder = benchmark("blocksworld")
    tasks = sorted((folder / "training" / "easy").glob("p0*.pddl"))[:3]
    prompt = build_prompt(folder / "domain.pddl", tasks, template=KERNEL_TEMPLATE,
                          examples=KERNEL_EXAMPLES, interface=KERNEL_INTERFACE)
    text = "\n".join(m["content"] for m in prompt.messages)
    assert "def prepare(task)" in text and "PREFERRED = True" in text
    assert prompt.template == KERNEL_TEMPLATE


def test_example_kernel_in_the_prompt_passes_the_static_check_and_compiles():
    from planner.llm.prompt import load_template

    code = re.search(r"```python\n(.*?)```", load_template("example_kernel_gripper_v1"), re.S).group(1)
    assert check(code).ok, check(code).violations
    from tests.fixtures import DATA

    task = ground_files(DATA / "domains" / "gripper-domain.pddl", DATA / "domains" / "gripper-p01.pddl")
    kernel = kernel_class(code, "example", trusted=True)(TaskView(task))
    result = search(task, "gbfs", evaluators=[kernel.evaluator()])
    assert result.solved
    assert check_kernel(kernel, task, seed=0, walks=5, length=10).equal


def _kernel_files() -> list:
    return sorted((ROOT / "heuristics").glob("*/*.kernel.py"))


def test_shipped_kernel_forms_exist():
    assert {p.parent.name for p in _kernel_files()} == {FOLDER_OF.get(d, d) for d in SHIPPED}


@pytest.mark.parametrize("path", _kernel_files(), ids=lambda p: p.parent.name)
def test_shipped_kernel_provenance_and_selection(path, monkeypatch):
    from planner.heuristics import store

    meta = json.loads(path.with_suffix(".py.json").read_text(encoding="utf-8"))
    assert meta["provenance"] == PROVENANCE
    assert meta["model"] is None and meta["form"] == "kernel" and meta["class_name"] == KERNEL_CLASS_NAME
    python_form = path.with_name(meta["python_form"])
    assert python_form.is_file()  # both forms are kept
    assert all(d["equal"] for d in meta["differential"].values())
    assert meta["selected"] == all(s["speedup"] > 1 for s in meta["speed"].values())
    # this checkout's heuristics/ (the installed planner.shipped_heuristics may be another's)
    monkeypatch.setattr(store, "search_roots", lambda: [ROOT / "heuristics"])
    found = store.auto_heuristic(benchmark(BENCH_OF.get(path.parent.name, path.parent.name)) / "domain.pddl")
    assert found is not None
    members, chosen = found
    assert chosen == (path if meta["selected"] else python_form)
    if meta["selected"]:
        assert members[0].class_name == KERNEL_CLASS_NAME and members[0].code.count("def prepare(task)") == 1


def test_auto_uses_the_python_form_without_numba(monkeypatch):
    from planner.heuristics import store

    monkeypatch.setattr(store, "numba_available", lambda: False)
    monkeypatch.setattr(store, "search_roots", lambda: [ROOT / "heuristics"])
    members, path = store.auto_heuristic(benchmark("blocksworld") / "domain.pddl")
    assert not path.name.endswith(".kernel.py")
    assert members[0].class_name == "DomainHeuristic"
