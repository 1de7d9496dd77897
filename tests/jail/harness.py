"""The hostile-heuristic corpus (tests/jail/corpus/*.py) and what it may touch.

Each corpus program is a heuristic file with one attack. The harness makes
every attack harmless if it succeeds (its targets are a world-writable marker
folder in a temp dir, a listener on 127.0.0.1 the test started, a decoy
process the test started, copies of a DK file, a cache and a store) and
prepends `_proof(step)`, which prints "PROOF <name> <step> <checksum>" (the
jailed child's stdout, which the parent keeps off its own stdout): the checksum is computed when the code runs, so its presence proves
the attack was executed, not just read.
"""
from __future__ import annotations

import hashlib
import os
import signal
import socket
import stat
import string
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from contextlib import contextmanager
from typing import Iterator, Sequence

import pytest

CORPUS = Path(__file__).parent / "corpus"
BLOCKSWORLD = (Path(__file__).resolve().parents[2] / "../shared/benchmarks/ipc2023-learning/blocksworld").resolve()
PRELUDE = '''def _proof(step):
    print("PROOF $NAME %s %d" % (step, sum(map(ord, "$NAME" + step))), flush=True)
'''


def corpus_names() -> list[str]:
    return sorted(p.stem for p in CORPUS.glob("*.py"))


def proof(name: str, step: str = "attempt") -> str:
    """The line only running the program's _proof(step) can produce."""
    return f"PROOF {name} {step} {sum(map(ord, name + step))}"


def category(name: str) -> str:
    doc = (CORPUS / f"{name}.py").read_text().split('"""')[1]
    return doc.split(":", 1)[0]


HANGS = {"catch_baseexception", "block_signals", "class_body_loop", "sleeping_constructor"}
"""Programs that never return: the deadline must stop them."""
SLOW_CRASHES = {"deep_recursion", "memory_bomb"}
"""Programs that crash, or run to the deadline first: unbounded recursion with the
limit lifted segfaults, and a memory bomb hits the address-space limit, unless on a
busy machine filling memory takes longer than the deadline (both seen in CI runs), or
the child catches the MemoryError and reports the heuristic failed (seen in CI too)."""


class Listener:
    """TCP and UDP on one 127.0.0.1 port; records every connection and datagram."""

    def __init__(self) -> None:
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(8)
        self.tcp.settimeout(0.1)
        self.port = self.tcp.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", self.port))
        self.udp.setblocking(False)
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.tcp.accept()
                self.connections += 1
                conn.close()
            except OSError:
                pass

    def datagrams(self) -> int:
        count = 0
        while True:
            try:
                self.udp.recvfrom(4096)
                count += 1
            except BlockingIOError:
                return count

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.tcp.close()
        self.udp.close()


DECOY = """
import signal, sys, time
log = open(sys.argv[1], "a", buffering=1)
for s in (signal.SIGUSR1, signal.SIGUSR2, signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(s, lambda n, f: log.write(f"signal {n}\\n"))
print("ready", flush=True)
while True:
    time.sleep(0.05)
"""


def job_processes(owners: Sequence[int] | None = None) -> list[str]:
    """Live processes owned by a jail job uid (planner.jail.layers.JOB_UID_BASE and
    above); with owners, only those of jobs started by these pids (the job uids are
    JOB_UID_BASE + (pid % 10**6) * 100 + a counter, planner.jail.runner.next_job_uid):
    other people's jail tests run beside ours on a shared machine. A killed one still
    freeing gigabytes of memory (SIGKILL pending, or a zombie) is dying, not surviving:
    it cannot run another instruction."""
    from planner.jail.layers import JOB_UID_BASE

    bases = None if owners is None else {JOB_UID_BASE + (p % 1_000_000) * 100 for p in owners}

    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = dict(line.split(":", 1) for line in (entry / "status").read_text().splitlines()
                          if ":" in line)
        except OSError:
            continue
        uid = int(fields.get("Uid", "0").split()[0])
        if uid < JOB_UID_BASE or (bases is not None and uid - uid % 100 not in bases):
            continue
        state = fields.get("State", "").split()[0] if fields.get("State") else ""
        pending = int(fields.get("ShdPnd", "0").strip(), 16) | int(fields.get("SigPnd", "0").strip(), 16)
        if state in ("Z", "X") or pending & (1 << (9 - 1)):
            continue
        found.append(f"{entry.name}: {fields.get('Name', '').strip()} {state}")
    return found


def sysv_objects() -> dict[str, list[str]]:
    out = {}
    for kind in ("shm", "sem", "msg"):
        try:
            out[kind] = sorted(Path(f"/proc/sysvipc/{kind}").read_text().splitlines()[1:])
        except OSError:
            out[kind] = []
    return out


def digest(folder: Path) -> dict[str, str]:
    """Every file under folder with its sha256 (and the folder listing itself)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        out[str(path.relative_to(folder))] = (hashlib.sha256(path.read_bytes()).hexdigest()
                                              if path.is_file() else "dir")
    return out


@dataclass
class Arena:
    """Everything a hostile program might reach, and a snapshot to compare with."""

    root: Path
    marker_dir: Path
    protected: Path
    """Files the parent alone may write: DK, cache, store, plan, victim, secret."""
    listener: Listener
    decoy: subprocess.Popen
    decoy_log: Path
    values: dict[str, str] = field(default_factory=dict)
    before: dict = field(default_factory=dict)

    def program(self, name: str) -> Path:
        """The corpus program with its targets filled in, as a heuristic file."""
        source = (CORPUS / f"{name}.py").read_text()
        _, doc, body = source.split('"""', 2)  # the docstring becomes a comment after the prelude
        text = string.Template(f"# {doc}\n" + PRELUDE + body)
        path = self.root / "programs" / f"{name}.py"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text.safe_substitute(NAME=name, **self.values))
        return path

    def snapshot(self) -> dict:
        return {"protected": digest(self.protected), "sysv": sysv_objects()}

    def assert_untouched(self, before: dict, owners: Sequence[int] | None = None) -> None:
        """Nothing written, connected, signalled, left running or left in IPC.
        owners: the pids that started the jobs (None: any job on the host)."""
        assert list(self.marker_dir.iterdir()) == [], "the program wrote into the marker folder"
        assert self.snapshot() == before, "a protected file or SysV IPC object changed"
        assert self.listener.connections == 0 and self.listener.datagrams() == 0, "it reached the listener"
        assert self.decoy.poll() is None and self.decoy_log.read_text() == "", "the decoy got a signal"
        assert not Path("/dev/shm/planner-pwned").exists()
        deadline = time.monotonic() + 5.0
        while job_processes(owners) and time.monotonic() < deadline:  # reaping is asynchronous
            time.sleep(0.05)
        assert job_processes(owners) == [], "a jailed process survived"


@contextmanager
def make_arena(tmp_path: Path) -> Iterator[Arena]:
    """The targets of one hostile run (used by the `arena` fixture in conftest.py)."""
    if not BLOCKSWORLD.is_dir():
        pytest.fail(f"shared benchmarks missing: {BLOCKSWORLD}")
    marker = tmp_path / "markers"
    marker.mkdir()
    os.chmod(tmp_path, 0o755)
    os.chmod(marker, 0o777)  # writable by anyone: only the jail can stop a write here
    protected = tmp_path / "protected"
    (protected / "cache" / "ab").mkdir(parents=True)
    (protected / "store" / "blocksworld").mkdir(parents=True)
    for folder in (protected, protected / "cache", protected / "cache" / "ab", protected / "store",
                   protected / "store" / "blocksworld"):
        os.chmod(folder, 0o777)
    (protected / "cache" / "ab" / "entry.json").write_text('{"content": "kept"}')
    (protected / "dk.py").write_text("# the learned heuristic\n")
    (protected / "victim.txt").write_text("still here\n")
    (protected / "secret.txt").write_text("42\n")
    for f in protected.rglob("*"):
        if f.is_file():
            os.chmod(f, 0o666)
    decoy_log = tmp_path / "decoy.log"
    decoy_log.write_text("")
    decoy = subprocess.Popen([sys.executable, "-c", DECOY, str(decoy_log)], stdout=subprocess.PIPE,
                             start_new_session=True)
    assert decoy.stdout is not None and decoy.stdout.readline().strip() == b"ready"
    listener = Listener()
    arena = Arena(tmp_path, marker, protected, listener, decoy, decoy_log)
    arena.values = {"MARKER_DIR": str(marker), "PORT": str(listener.port), "DECOY_PID": str(decoy.pid),
                    "VICTIM": str(protected / "victim.txt"), "DK": str(protected / "dk.py"),
                    "CACHE_DIR": str(protected / "cache"), "STORE_DIR": str(protected / "store"),
                    "SECRET_FILE": str(protected / "secret.txt"), "PLAN_FILE": str(tmp_path / "sas_plan")}
    try:
        yield arena
    finally:
        listener.close()
        decoy.send_signal(signal.SIGKILL)
        decoy.wait(5)
        if Path("/dev/shm/planner-pwned").exists():
            os.unlink("/dev/shm/planner-pwned")
        assert stat.S_IMODE(os.stat(marker).st_mode) == 0o777
