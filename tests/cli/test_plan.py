"""`planner plan DK DOMAIN TASK PLAN` with a kernel form beside DK: DK.kernel.py
(what `planner learn --kernel` writes) stands in for DK's own heuristic only
under `--heuristic auto`'s rules (selected, made from DK's current code), and
otherwise plan says why and searches with the Python form."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.heuristics.format import (domain_fingerprint, file_digest, kernel_form_path, stored_code,
                                       write_heuristic)
from planner.heuristics.kernel import KERNEL_CLASS_NAME
from tests.fixtures import GOALCOUNT_KERNEL, GOALCOUNT_PYTHON_FORM, benchmark, run_planner

pytest.importorskip("numba")

PYTHON_FORM = GOALCOUNT_PYTHON_FORM

KERNEL = GOALCOUNT_KERNEL


@pytest.fixture
def bw() -> tuple[Path, Path]:
    folder = benchmark("blocksworld")
    return folder / "domain.pddl", folder / "training" / "easy" / "p05.pddl"


def write_dk(folder: Path, domain: Path, python_code: str = PYTHON_FORM, kernel_of: str | None = PYTHON_FORM,
             selected: bool = True) -> Path:
    """DK with its Python form, and (kernel_of given) the kernel form learn --kernel
    would write beside it, recording the digest of kernel_of as its Python form's."""
    fingerprint = domain_fingerprint(domain.read_text(encoding="utf-8"))
    meta = {"domain_fingerprint": fingerprint, "solved": 3, "agile": 3.0}
    dk = write_heuristic(folder / "dk.py", kernel_of or python_code, "DomainHeuristic", meta)
    if kernel_of is not None:  # as learn --kernel records it: the digest of DK's code then
        write_heuristic(kernel_form_path(dk), KERNEL, KERNEL_CLASS_NAME,
                        {"domain_fingerprint": fingerprint, "form": "kernel", "selected": selected,
                         "python_form": dk.name, "python_form_sha256": file_digest(stored_code(dk))})
    return write_heuristic(dk, python_code, "DomainHeuristic", meta)  # relearned, when it differs


def plan(dk: Path, domain: Path, problem: Path, out: Path, cache: Path) -> tuple[dict, str]:
    done = run_planner("plan", dk, domain, problem, out, "--json", "--time-limit", "60",
                       timeout=180, PLANNER_KERNEL_CACHE=str(cache))
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert run_planner("validate", domain, problem, out).returncode == 0  # the independent check
    return summary, done.stderr


def test_plan_searches_with_the_kernel_form_made_from_dk(tmp_path, bw):
    domain, problem = bw
    dk = write_dk(tmp_path, domain)
    summary, stderr = plan(dk, domain, problem, tmp_path / "plan", tmp_path / "cache")
    assert summary["heuristic_form"]["form"] == "kernel"
    assert "Kernel form: using dk.kernel.py" in stderr
    # the jailed child compiled the kernel program and searched with it
    assert summary["heuristic"] == "kernel" and summary["jail"]["kernel_compile_time"] > 0


@pytest.mark.parametrize("case, reason", [
    ("stale", "stale: translated from another version"),
    ("not selected", "not selected"),
    ("edited kernel", "the file changed after its record was written"),
    ("absent", "no kernel form dk.kernel.py beside DK"),
    ("unsafe kernel", "safety check"),
])
def test_plan_ignores_a_kernel_form_it_must_not_trust_and_says_why(tmp_path, bw, case, reason):
    domain, problem = bw
    if case == "stale":  # DK relearned (another program) after the kernel was translated
        dk = write_dk(tmp_path, domain, PYTHON_FORM.replace("Unsatisfied", "Open"), kernel_of=PYTHON_FORM)
    elif case == "absent":
        dk = write_dk(tmp_path, domain, kernel_of=None)
    else:
        dk = write_dk(tmp_path, domain, selected=case != "not selected")
    kernel = kernel_form_path(dk)
    if case == "edited kernel":
        kernel.write_text(kernel.read_text() + "\n# edited\n")
    if case == "unsafe kernel":  # a program the static check refuses, its record rewritten to match
        text = kernel.read_text().replace("import numpy as np", "import os")
        kernel.write_text(text)
        record = json.loads(kernel.with_name(kernel.name + ".json").read_text())
        record["file_sha256"] = file_digest(text)
        kernel.with_name(kernel.name + ".json").write_text(json.dumps(record))
    summary, stderr = plan(dk, domain, problem, tmp_path / "plan", tmp_path / "cache")
    assert summary["heuristic_form"]["form"] == "python" and reason in summary["heuristic_form"]["reason"]
    assert "Kernel form: " in stderr and "searching with the Python form" in stderr
    assert summary["heuristic"] == "DomainHeuristic" and "kernel_compile_time" not in (summary["jail"] or {})
