"""The jail without root, for real: the CLI runs as uid 65534 (nobody), in a
mount namespace where only the interpreter's directories of a home it could not
pass are visible. With user namespaces the jail is complete; where the kernel
(here: a seccomp filter as container runtimes install, denying them) withholds
user namespaces or seccomp, the planner says which layers are missing, refuses
heuristic code, and runs it only with --unsafe-no-jail, with a warning."""
from __future__ import annotations

import ctypes
import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from planner.jail import layers as L
from planner.jail.build import _closed_ancestors, _reach_through, toolchain_paths
from tests.jail.harness import BLOCKSWORLD

ROOT = Path(__file__).resolve().parents[2]
NOBODY = 65534
HEURISTIC = """
class H:
    def __init__(self, task):
        self.goal = task.goal_atoms
        print("constructed in", __name__)
    def __call__(self, state):
        return sum(1 for a in self.goal if a not in state)
"""


def _deny_filter(deny: frozenset[str]):
    import pyseccomp as seccomp

    flt = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    if "userns" in deny:  # as Docker's default profile: no new user namespaces
        flt.add_rule(seccomp.ERRNO(errno.EPERM), "unshare",
                     seccomp.Arg(0, seccomp.MASKED_EQ, L.CLONE_NEWUSER, L.CLONE_NEWUSER))
        flt.add_rule(seccomp.ERRNO(errno.EPERM), "clone",
                     seccomp.Arg(0, seccomp.MASKED_EQ, L.CLONE_NEWUSER, L.CLONE_NEWUSER))
        flt.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    if "seccomp" in deny:  # a kernel without seccomp filters
        flt.add_rule(seccomp.ERRNO(errno.EINVAL), "seccomp")
        flt.add_rule(seccomp.ERRNO(errno.EINVAL), "prctl", seccomp.Arg(0, seccomp.EQ, 22))  # PR_SET_SECCOMP
    return flt


def run_unprivileged(args: list[str], home: Path, deny: frozenset[str] = frozenset()) -> subprocess.CompletedProcess:
    reach = _closed_ancestors(toolchain_paths())
    flt = _deny_filter(deny) if deny else None

    def drop() -> None:
        L.unshare(L.CLONE_NEWNS)
        L._check(L._libc.mount(None, b"/", None, ctypes.c_ulong(L.MS_REC | L.MS_PRIVATE), None), "mount")
        for hidden, paths in reach.items():
            _reach_through(hidden, paths)
        if flt is not None:
            flt.load()  # as root (CAP_SYS_ADMIN): it stays through the uid change and exec
        os.setgroups([])
        os.setresgid(NOBODY, NOBODY, NOBODY)
        os.setresuid(NOBODY, NOBODY, NOBODY)

    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8",
           "XDG_DATA_HOME": str(home / "data"), "XDG_CACHE_HOME": str(home / "cache"),
           "TMPDIR": str(home)}  # the jail's chroot root goes there, checked and removed with it
    return subprocess.run([sys.executable, "-m", "planner", *args], preexec_fn=drop, env=env,
                          capture_output=True, text=True, cwd=str(home), timeout=120)


@pytest.fixture()
def home(tmp_path_factory) -> Path:
    import shutil
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="planner-nobody-"))  # pytest's tmp_path is root's only
    os.chown(path, NOBODY, NOBODY)
    (path / "h.py").write_text(HEURISTIC)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _solve(home: Path, *extra: str) -> list[str]:
    return ["solve", str(BLOCKSWORLD / "domain.pddl"), str(BLOCKSWORLD / "testing" / "easy" / "p01.pddl"),
            "--heuristic", str(home / "h.py"), "--plan-file", str(home / "plan"), "--json", *extra]


def test_without_root_user_namespaces_give_the_whole_jail(home: Path):
    doctor = run_unprivileged(["doctor", "--json"], home)
    assert doctor.returncode == 0, doctor.stderr
    report = json.loads(doctor.stdout)
    assert report["jail_ok"] and report["layers"]["user_namespace" if "user_namespace" in report["layers"]
                                                   else "uid"]
    assert "caller's uid" in report["notes"]["uid"]
    proc = run_unprivileged(_solve(home), home)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["jail"]["outcome"] == "ok" and "user_namespace" in summary["jail"]["layers"]
    assert "constructed in" in proc.stderr  # it ran, in the jail, its output marked on stderr
    assert (home / "plan").read_text().startswith("(") and summary["plan_length"] > 0


@pytest.mark.parametrize("deny", [frozenset({"userns"}), frozenset({"seccomp"}),
                                  frozenset({"userns", "seccomp"})], ids=lambda d: "+".join(sorted(d)))
def test_missing_layers_refuse_heuristic_code_unless_the_risk_is_named(home: Path, deny: frozenset[str]):
    doctor = run_unprivileged(["doctor", "--json"], home, deny)
    assert doctor.returncode == 37, doctor.stderr  # DRIVER_UNSUPPORTED
    report = json.loads(doctor.stdout)
    assert not report["jail_ok"]
    expected = ({"pid_namespace", "uid"} if "userns" in deny else set()) | ({"seccomp"} if "seccomp" in deny else set())
    assert expected <= set(report["missing"]), report
    refused = run_unprivileged(_solve(home), home, deny)
    assert refused.returncode == 37, refused.stderr  # DRIVER_UNSUPPORTED
    assert "Traceback" not in refused.stderr and "constructed in" not in refused.stderr
    assert "--unsafe-no-jail" in refused.stderr and "missing" in refused.stderr
    assert not (home / "plan").exists()
    accepted = run_unprivileged(_solve(home, "--unsafe-no-jail"), home, deny)
    assert accepted.returncode == 0, accepted.stderr
    assert "WITHOUT a complete jail" in accepted.stderr and "constructed in" in accepted.stderr
    assert (home / "plan").exists()


def test_without_seccomp_the_job_still_holds_no_capabilities(home: Path):
    """Entering its user namespace gives the job every capability there; it must give them
    up. Kept, they let the doctor's probe create /jail-probe in the chroot's root (a 0555
    directory the job's own uid owns), and without seccomp a chroot escape was one mkdir away."""
    doctor = run_unprivileged(["doctor", "--json"], home, frozenset({"seccomp"}))
    assert doctor.returncode == 37, doctor.stderr  # seccomp is missing
    report = json.loads(doctor.stdout)
    assert report["layers"]["uid"] and "no capabilities" in report["notes"]["uid"]
    assert report["probes"]["write"] == "denied" and report["probes"]["write_errno"] == "EACCES"
    roots = list(home.glob("planner-jail-root-*"))
    assert roots and not [p for root in roots for p in root.iterdir()]


def test_a_compiled_core_planner_still_runs_builtin_heuristics_without_any_jail(home: Path):
    """Refusal concerns heuristic code only: h^FF needs no jail."""
    proc = run_unprivileged(["solve", str(BLOCKSWORLD / "domain.pddl"),
                             str(BLOCKSWORLD / "testing" / "easy" / "p01.pddl"), "--heuristic", "ff",
                             "--plan-file", str(home / "plan"), "--json"], home, frozenset({"userns", "seccomp"}))
    assert proc.returncode == 0, proc.stderr
    assert (home / "plan").exists()
