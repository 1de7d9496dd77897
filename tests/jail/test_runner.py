"""The jail itself (planner.jail): layers, identity, limits, deadline, result channel."""
from __future__ import annotations

import os
import time

import pytest

from planner.jail import HeuristicFailure, JailLimits, check_host, run_jailed
from planner.jail.host import ALL_LAYERS
from planner.jail.layers import JOB_UID_BASE, REQUIRED

QUICK = JailLimits(wall_seconds=3.0, memory_mb=512)


def test_every_layer_holds_as_root():
    report = check_host(refresh=True)
    assert os.geteuid() == 0, "the CI and these tests run as root"
    assert report.jail_ok, report.as_dict()
    # The network namespace is left out where seccomp denies every socket (planner.jail.layers).
    assert report.layers == {name: name != "net_namespace" for name in ALL_LAYERS}
    assert "seccomp denies every socket" in report.notes["net_namespace"]
    assert report.probes["pid"] == 1 and report.probes["uid"] >= JOB_UID_BASE
    assert {report.probes[k] for k in ("write", "socket", "fork")} == {"denied"}


def _identity():
    return {"uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups(), "pid": os.getpid(),
            "ppid": os.getppid(), "cwd": os.getcwd(), "root": os.listdir("/")}


def test_child_identity_is_unprivileged_distinct_and_alone():
    first, second = (run_jailed(_identity, QUICK).unwrap() for _ in range(2))
    assert first["uid"] != second["uid"] and first["uid"] >= JOB_UID_BASE
    assert first["gid"] == first["uid"] and first["groups"] == []
    assert first["pid"] == 1 and first["ppid"] == 0  # init of its own PID namespace
    assert first["root"] == []  # chroot into an empty directory


def test_value_round_trip_and_output_kept_apart():
    def target():
        print("hello from the child")
        return {"plan": [1, 2, 3], "x": 1.5}

    result = run_jailed(target, QUICK)
    assert result.ok and result.value == {"plan": [1, 2, 3], "x": 1.5}
    assert "hello from the child" in result.output
    assert set(REQUIRED) <= {k for k, v in result.layers["held"].items() if v}


@pytest.mark.parametrize("exc", [SystemExit(0), GeneratorExit(), KeyboardInterrupt(), ValueError("v")])
def test_exceptions_are_errors_not_results(exc):
    def target():
        raise exc

    result = run_jailed(target, QUICK)
    assert result.outcome == "error" and type(exc).__name__ in result.detail
    with pytest.raises(HeuristicFailure) as info:
        result.unwrap("h")
    assert info.value.reason == "error"


def test_deadline_is_held_within_a_second_whatever_the_child_does():
    def stubborn():
        import signal

        signal.pthread_sigmask(signal.SIG_BLOCK, set(signal.Signals))
        for s in (signal.SIGXCPU, signal.SIGTERM, signal.SIGINT):
            signal.signal(s, signal.SIG_IGN)
        while True:
            try:
                time.sleep(0.01)
            except BaseException:  # noqa: BLE001
                pass

    start = time.monotonic()
    result = run_jailed(stubborn, JailLimits(wall_seconds=1.5))
    assert result.outcome == "timeout"
    assert time.monotonic() - start <= 1.5 + 1.0


def test_crash_garbage_and_oversize_are_typed_failures():
    import ctypes

    assert run_jailed(lambda: ctypes.string_at(0), QUICK).outcome == "crash"
    assert run_jailed(lambda: os._exit(0), QUICK).outcome == "crash"

    def garbage():
        for fd in range(3, 1024):  # the result pipe keeps the number it had in the parent
            try:
                os.write(fd, b"\x00\x00\x00\x00\x00\x00\x00\x05nope!")
            except OSError:
                pass
        os._exit(0)

    assert run_jailed(garbage, QUICK).outcome == "garbage"
    big = run_jailed(lambda: "x" * (5 << 20), QUICK)
    assert big.outcome == "oversize"


def test_memory_limit_is_enforced():
    def bomb():
        blocks = []
        while True:
            blocks.append(bytearray(1 << 26))

    result = run_jailed(bomb, JailLimits(wall_seconds=10, memory_mb=256))
    assert result.outcome == "error" and "MemoryError" in result.detail


def test_forbidden_system_calls_fail():
    def attempts():
        import socket

        out = {}
        for name, call in (("open-write", lambda: open("/x", "w")),
                           ("socket", lambda: socket.socket()),
                           ("fork", os.fork),
                           ("kill-init-of-host", lambda: os.kill(-1, 9)),
                           ("setuid", lambda: os.setuid(0)),
                           ("chroot", lambda: os.chroot("/")),
                           ("unshare-user", lambda: os.unshare(0x10000000) if hasattr(os, "unshare") else (_ for _ in ()).throw(PermissionError()))):
            try:
                call()
                out[name] = "allowed"
            except (OSError, RuntimeError) as err:
                out[name] = type(err).__name__
        return out

    result = run_jailed(attempts, QUICK).unwrap()
    assert "allowed" not in result.values(), result


def test_prepare_runs_before_the_lock_down_and_its_failure_is_reported():
    seen = {}

    def prepare():
        seen["uid"] = os.getuid()

    result = run_jailed(lambda: seen.get("uid"), QUICK, prepare=prepare)
    assert result.unwrap() == 0  # root before the lock-down, in the child
    failed = run_jailed(lambda: 1, QUICK, prepare=lambda: 1 / 0)
    assert failed.outcome == "prepare-failed" and "ZeroDivisionError" in failed.detail


def test_doctor_reports_and_exits_zero_here(capsys):
    from planner.cli.main import main

    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "seccomp" in out and "The jail is complete" in out
    assert main(["doctor", "--json"]) == 0
    import json

    assert json.loads(capsys.readouterr().out)["jail_ok"] is True


def test_output_lines_are_offered_as_they_come_and_the_rest_kept():
    """on_line sees each complete line while the child runs (a long search shows
    progress); lines it takes are not kept, the others are, and so are a last
    line without its newline and a run of output too long to be a line."""
    seen: list[tuple[float, bytes]] = []

    def on_line(line: bytes) -> bool:
        seen.append((time.monotonic(), line))
        return line.startswith(b"progress")

    def target():
        import sys
        import time as t

        print("progress 1", flush=True)
        t.sleep(1.0)
        print("the heuristic's own line")
        sys.stdout.write("x" * 5000 + "\nprogress 2\nlast, without newline")
        sys.stdout.flush()
        return 1

    start = time.monotonic()
    result = run_jailed(target, QUICK, on_line=on_line)
    end = time.monotonic()
    assert result.ok
    lines = [line for _, line in seen]
    assert lines[0] == b"progress 1" and seen[0][0] < end - 0.5  # offered before the child ended
    assert b"progress 2" in lines and b"the heuristic's own line" in lines
    assert "progress" not in result.output
    assert "the heuristic's own line\n" in result.output
    assert "x" * 4096 in result.output and result.output.endswith("last, without newline")
    assert not any(len(line) > 4096 for line in lines)
    assert start < seen[0][0]


_ONE_JOB = """
from planner.jail import JailLimits, run_jailed
import os
print(run_jailed(os.getpid, JailLimits(wall_seconds=5.0, memory_mb=512)).unwrap())
"""


@pytest.mark.parametrize("poisoned", [False, True], ids=["shared-root", "poisoned-shared-root"])
def test_the_chroot_root_is_shared_or_removed_at_exit(tmp_path, poisoned):
    """Jobs chroot into one empty per-user directory under the temp directory. When that one
    cannot be trusted (here: not empty) a process makes its own, and must not leave it behind."""
    import subprocess
    import sys

    shared = tmp_path / f"planner-jail-root-{os.geteuid()}"
    if poisoned:
        shared.mkdir()
        (shared / "left-by-someone").write_text("")
        shared.chmod(0o555)
    for _ in range(2):
        proc = subprocess.run([sys.executable, "-c", _ONE_JOB], capture_output=True, text=True,
                              env={**os.environ, "TMPDIR": str(tmp_path)}, timeout=60)
        assert proc.returncode == 0 and proc.stdout.strip() == "1", proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [shared.name]
    assert sorted(p.name for p in shared.iterdir()) == (["left-by-someone"] if poisoned else [])
    shared.chmod(0o755)  # so that pytest can remove tmp_path
