"""The stored domain heuristics (heuristics/<domain>/) and their lookup."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from planner.heuristics import store as heuristic_store
from planner.heuristics.store import find_stored_heuristic
from planner.heuristics.static_check import check
from planner.heuristics.format import domain_fingerprint, file_digest, write_heuristic
from tests.fixtures import HEURISTICS_FOLDER_OF as FOLDER_OF

ROOT = Path(__file__).resolve().parents[2]
HEURISTICS = ROOT / "heuristics"
BENCH = ROOT.parent / "shared" / "benchmarks" / "ipc2023-learning"
PROVENANCE = "written by the project's developers, not sampled from an LLM endpoint"
POOL_OF = {v: k for k, v in FOLDER_OF.items()}
DOMAINS = ("blocksworld", "childsnack", "ferry", "floortile", "miconic",
           "rovers", "satellite", "sokoban", "spanner", "transport")

DOMAIN = """; a comment
(define (domain toy)
  (:requirements :strips)
  (:predicates (p) (q))
  (:action a :parameters () :precondition (p) :effect (q)))
"""
PROBLEM = "(define (problem t) (:domain toy) (:init (p)) (:goal (q)))"
CODE = """from planner.heuristics.api import Heuristic


class ToyHeuristic(Heuristic):
    def __init__(self, task):
        self.goal = task.goal_atoms

    def __call__(self, state):
        return sum(1 for g in self.goal if g not in state)
"""


def shipped() -> list[Path]:
    """The stored Python forms (their kernel forms, *.kernel.py, are tested in test_kernel.py)."""
    return sorted(p for p in HEURISTICS.glob("*/*.py")
                  if not p.parent.name.startswith("_") and not p.name.endswith(".kernel.py"))


def auto_choice(path: Path) -> tuple[Path, str]:
    """What `--heuristic auto` picks for the domain of the Python form at path: its
    kernel form when one is stored and recorded as selected (and Numba is installed)."""
    kernel = path.with_name(path.name[: -len(".py")] + ".kernel.py")
    if kernel.is_file() and meta_of(kernel).get("selected") is True and heuristic_store.numba_available():
        return kernel, meta_of(kernel)["class_name"]
    return path, meta_of(path)["class_name"]


def meta_of(path: Path) -> dict:
    return json.loads(path.with_suffix(".py.json").read_text(encoding="utf-8"))


@pytest.fixture
def store(tmp_path: Path) -> Path:
    root = tmp_path / "heuristics"
    write_heuristic(root / "toy" / "x.py", CODE, "ToyHeuristic",
                    {"domain_fingerprint": domain_fingerprint(DOMAIN), "model": None,
                     "provenance": PROVENANCE, "solved": 1, "agile": 1.0})
    return root


def test_lookup_matches_by_fingerprint(store: Path, tmp_path: Path) -> None:
    found = find_stored_heuristic(DOMAIN, roots=[store])
    assert found == (store / "toy" / "x.py", "ToyHeuristic")
    # comments, case and whitespace do not matter; a path works as well as text
    reformatted = tmp_path / "domain.pddl"
    reformatted.write_text(DOMAIN.replace("  ", "\n\t").upper() + "\n; another comment\n")
    assert find_stored_heuristic(reformatted, roots=[store]) == found


def test_lookup_rejects_other_domains(store: Path, tmp_path: Path) -> None:
    other = DOMAIN.replace(":effect (q)", ":effect (and (q) (not (p)))")
    assert other != DOMAIN
    assert find_stored_heuristic(other, roots=[store]) is None
    assert find_stored_heuristic(tmp_path / "missing.pddl", roots=[store]) is None
    assert find_stored_heuristic(DOMAIN, roots=[tmp_path / "nowhere"]) is None


def test_search_order_user_dir_first(store: Path, tmp_path: Path) -> None:
    user = tmp_path / "user"
    write_heuristic(user / "toy" / "y.py", CODE, "ToyHeuristic",
                    {"domain_fingerprint": domain_fingerprint(DOMAIN), "solved": 0, "agile": 0.0})
    assert find_stored_heuristic(DOMAIN, roots=[user, store])[0] == user / "toy" / "y.py"
    assert find_stored_heuristic(DOMAIN, roots=[store, user])[0] == store / "toy" / "x.py"


def test_missing_shipped_folder_is_graceful(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(heuristic_store, "shipped_heuristics_dir", lambda: None)
    monkeypatch.setattr(heuristic_store, "user_heuristics_dir", lambda: tmp_path / "none")
    assert heuristic_store.search_roots() == []
    assert find_stored_heuristic(DOMAIN) is None
    assert heuristic_store.auto_heuristic(DOMAIN) is None


def test_auto_heuristic_returns_code_for_the_jail(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heuristic_store, "search_roots", lambda: [store])
    (source,), path = heuristic_store.auto_heuristic(DOMAIN)
    # Never imported in the planner's process: the code goes to the jail.
    assert source.class_name == "ToyHeuristic" and "class ToyHeuristic" in source.code
    assert path == store / "toy" / "x.py"


def test_shipped_folder_is_the_repository_one() -> None:
    assert heuristic_store.shipped_heuristics_dir() == HEURISTICS


@pytest.mark.parametrize("path", shipped(), ids=lambda p: p.parent.name)
def test_shipped_provenance_is_honest(path: Path) -> None:
    meta = meta_of(path)
    header = heuristic_store._provenance(path)
    # Sidecars written since the jail work also record the file's digest (the
    # header cannot hold its own file's hash); where present it must match.
    digest = meta.pop("file_sha256", None)
    assert digest in (None, file_digest(path.read_text(encoding="utf-8")))
    assert header == meta
    assert meta["provenance"] == PROVENANCE
    assert meta["model"] is None
    assert meta["class_name"] and meta["domain_fingerprint"]
    assert meta["training_table"]
    assert meta["solved"] == sum(r["outcome"] == "solved" for r in meta["training_table"].values())
    # learned by `planner learn` from the recorded pool (heuristics/build.py)
    assert meta["pool"] == f"heuristics/pools/{POOL_OF.get(path.parent.name, path.parent.name)}"
    assert (ROOT / meta["pool"] / meta["pool_file"]).is_file()
    assert meta["learn_command"].startswith("python -m planner learn ")
    assert (ROOT / meta["log"]).is_file()
    assert f"# Heuristic {PROVENANCE};" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", shipped(), ids=lambda p: p.parent.name)
def test_shipped_heuristic_matches_its_domain_and_behaves(path: Path) -> None:
    from planner.heuristics.loader import load_candidate
    from planner.llm.jobs import probe
    from planner.search.solve import solve

    meta = meta_of(path)
    task_name = next(iter(meta["training_table"]))
    bench_domain = Path(task_name).parent.parent.parent / "domain.pddl"
    domain = bench_domain if bench_domain.is_absolute() else ROOT / bench_domain
    if not domain.is_file():
        pytest.skip("IPC 2023 benchmark folder not available")
    assert find_stored_heuristic(domain) == auto_choice(path)
    result = check(path.read_text(encoding="utf-8"))
    assert result.ok, result.reason
    cls = load_candidate(result.code, meta["class_name"])
    smallest = min((domain.parent / "training" / "easy").glob("p*.pddl"), key=lambda p: p.stat().st_size)
    solved = solve(domain, smallest, search="lazy-gbfs", heuristic=cls, time_limit=20)
    assert solved.solved and solved.task is not None
    index = {name: i for i, name in enumerate(solved.task.operators)}
    plan = [index[name] for name in solved.plan]
    report = probe(cls, solved.task, plan)
    assert report["outcome"] == "ok", report
    values = report["values"]
    assert values[-1] == 0 and all(v > 0 and math.isfinite(v) for v in values[:-1])


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_domain_ships_a_heuristic_that_auto_uses(domain: str, monkeypatch: pytest.MonkeyPatch,
                                                      shipped_kernel_run) -> None:
    """`--heuristic auto` on a shared test task runs the heuristic stored in
    heuristics/<domain>/ (the per-user store is switched off so a locally
    learned one cannot stand in for it)."""
    from planner.search.solve import solve

    monkeypatch.setattr(heuristic_store, "user_heuristics_dir", lambda: None)
    domain_file = BENCH / domain / "domain.pddl"
    found = find_stored_heuristic(domain_file)
    assert found is not None, f"no stored heuristic for {domain}"
    path, class_name = found
    assert path.parent == HEURISTICS / FOLDER_OF.get(domain, domain)
    if path.name.endswith(".kernel.py"):  # the selected kernel form of the stored Python form
        assert (path, class_name) == auto_choice(path.with_name(path.name.replace(".kernel.py", ".py")))
    members = 1 + len(meta_of(path).get("portfolio") or [])
    if path.name.endswith(".kernel.py"):
        # Its cold compile (4-20 s wall) is tests/jail/test_kernel_jail.py's, once per
        # session; auto's jailed run then loads that object code from the session's cache.
        shipped_kernel_run(domain)
    result = solve(domain_file, BENCH / domain / "testing" / "easy" / "p01.pddl",
                   heuristic="auto", time_limit=60)
    assert result.statistics["heuristic_file"] == str(path)
    names = result.statistics["heuristic"].split(", ")
    assert len(names) == members
    assert class_name in names[0] or (class_name == "<kernel>" and names[0].startswith("kernel"))


@pytest.mark.parametrize("path", shipped(), ids=lambda p: p.parent.name)
def test_a_shipped_heuristic_is_exactly_what_its_pool_answer_gives(path: Path) -> None:
    """One source per shipped heuristic: the recorded answer in heuristics/pools
    (or its recorded repair). The stored file is that answer's code block under
    the provenance header, as `planner learn` wrote it, and the recorded
    code_sha256 is the code's."""
    import hashlib

    from planner.heuristics.format import HEADER_MARK
    from planner.llm.extract import extract

    meta = meta_of(path)
    answer = ROOT / meta["pool"] / meta["pool_file"]  # the repair's file when a repair was selected
    code = extract(answer.read_text(encoding="utf-8"), meta["class_name"]).code
    text = path.read_text(encoding="utf-8")
    header, _, body = text.partition(HEADER_MARK)
    stored_code = body.split("\n", 1)[1]
    assert stored_code == code
    assert hashlib.sha256(code.encode("utf-8")).hexdigest() == meta["code_sha256"]


@pytest.mark.parametrize("domain", DOMAINS)
def test_a_stored_kernel_form_carries_its_python_form(domain: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """auto's kernel form comes with the Python form its record names, which the
    search tries in the jail when the kernel fails there (before h^FF)."""
    monkeypatch.setattr(heuristic_store, "user_heuristics_dir", lambda: None)
    found = heuristic_store.auto_heuristic(BENCH / domain / "domain.pddl")
    assert found is not None
    (source,), path = found
    if not path.name.endswith(".kernel.py"):
        assert source.python_form is None
        return
    python_path, python_class = heuristic_store.python_form_of(path, heuristic_store.KERNEL_CLASS_NAME)
    assert source.python_form is not None and source.python_form.class_name == python_class
    assert source.python_form.code == heuristic_store.load_stored_heuristic(python_path, python_class).code
