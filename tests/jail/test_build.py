"""The build jail of `planner learn --compile` (planner.jail.build): the command
forks and execs as the C toolchain does, but writes only into its build
directory, reaches no network, and nothing it starts outlives it."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planner.jail.build import check_build_jail, run_build
from tests.jail.harness import job_processes

HOSTILE = r"""
import json, os, socket, subprocess, sys
seen = {"uid": os.getuid(), "groups": os.getgroups()}
open("inside.txt", "w").write("ok")  # the build directory: allowed
for name, path in (("marker", sys.argv[1]), ("tmp", "/tmp/planner-build-jail-marker"),
                   ("shm", "/dev/shm/planner-build-jail-marker")):
    try:
        open(path, "w").write("PWNED")
        seen[name] = "written"
    except OSError as err:
        seen[name] = type(err).__name__
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=2)
    seen["tcp"] = "connected"
except OSError as err:
    seen["tcp"] = type(err).__name__
try:
    seen["home"] = os.listdir(os.path.expanduser("~root"))
except OSError as err:
    seen["home"] = type(err).__name__
# a process that would outlive the build, in its own session
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"], start_new_session=True)
print(json.dumps(seen))
"""


@pytest.fixture()
def listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    yield server
    server.close()


def test_build_jail_confines_a_compiler_like_command(tmp_path: Path, listener: socket.socket):
    if check_build_jail():
        pytest.fail(f"this test runs where the build jail can be built: {check_build_jail()}")
    build = tmp_path / "build"
    build.mkdir()
    marker = tmp_path / "marker.txt"
    home_file = Path(os.path.expanduser("~root")) / ".planner-build-jail-probe"
    home_file.write_text("secret")
    try:
        done = run_build([sys.executable, "-c", HOSTILE, str(marker), str(listener.getsockname()[1])],
                         str(build), timeout=60, env={"PATH": "/usr/bin:/bin", "HOME": str(build)})
    finally:
        home_file.unlink()
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["uid"] == done.uid and seen["groups"] == []
    assert (build / "inside.txt").read_text() == "ok"
    assert seen["marker"] != "written" and not marker.exists()
    assert seen["tmp"] != "written" and not Path("/tmp/planner-build-jail-marker").exists()
    assert seen["shm"] != "written" and not Path("/dev/shm/planner-build-jail-marker").exists()
    assert seen["tcp"] != "connected"
    with pytest.raises(socket.timeout):
        listener.accept()
    assert ".planner-build-jail-probe" not in seen["home"]  # the rest of /root is out of sight
    deadline = time.monotonic() + 5
    while job_processes([os.getpid()]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job_processes([os.getpid()]) == [], "a process of the build outlived it"


def test_build_jail_time_limit_kills_everything(tmp_path: Path):
    build = tmp_path / "build"
    build.mkdir()
    start = time.monotonic()
    done = run_build([sys.executable, "-c", "import subprocess, sys, time; "
                      "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)']); "
                      "time.sleep(300)"], str(build), timeout=2, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode is None and time.monotonic() - start < 10
    deadline = time.monotonic() + 5
    while job_processes([os.getpid()]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job_processes([os.getpid()]) == []


def test_build_jail_refused_without_root(tmp_path: Path):
    """An unprivileged planner does not compile (a compile failure only costs speed)."""
    script = ("import sys; from planner.heuristics.compile import compile_heuristic\n"
              "from planner.errors import LLMError\n"
              "try:\n    compile_heuristic('class H:\\n    def __call__(self, s):\\n        return 0\\n', sys.argv[1])\n"
              "except LLMError as err:\n    print('refused:', err)\n")
    import tempfile

    shared = Path(tempfile.mkdtemp(prefix="planner-build-jail-"))  # pytest's tmp_path is root's only
    os.chmod(shared, 0o777)
    dk = shared / "dk.py"
    proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable,
                           "-c", script, str(dk)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    assert "refused: not compiled: the build jail needs root" in proc.stdout, proc.stderr
    assert not Path(f"{dk}.ext").exists()
    import shutil

    shutil.rmtree(shared)
