"""Compiling a selected heuristic with Cython for faster per-state calls.

The heuristic's Python source compiles unchanged (Cython's pure-Python mode);
without type declarations the gain comes from removing interpreter dispatch:
measured 1.3x less search time on blocksworld (41 -> 32 us per evaluation).
Compilation runs in the build jail (planner.jail.build: a per-job uid, every
mount read-only but the job's build directory, no network, a seccomp filter,
all its processes killed at the end) with a time limit and a clean
environment; Cython and the C compiler only translate the code, they never
run it, and the planner never loads the result itself. The extension module
is named after the code's sha256, so a compiled file can only
ever be used with the exact source it came from, and it is written atomically
next to the heuristic file as `<DK>.ext/planner_h_<sha16><EXT_SUFFIX>`.

Cython obeys directive comments (`# distutils: extra_compile_args=...`,
`# cython: ...`), through which a candidate once had the compiler wrapper run
a shell. So source with such a comment is refused, and every comment is
stripped (tokenize) before Cython sees the text, and the compiler runs in
the build jail; the module it builds runs only in the search jail
(planner.heuristics.untrusted).
"""
from __future__ import annotations

import hashlib
import io
import re
import tokenize
import importlib.machinery
import importlib.util
import os
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path

from planner.errors import LLMError
from planner.jail.build import BuildJailError, run_build

COMPILE_TIMEOUT = 600.0


def module_name(code: str) -> str:
    return "planner_h_" + hashlib.sha256(code.encode("utf-8")).hexdigest()[:16]


def extension_path(heuristic_file: str | Path, code: str) -> Path:
    """Where the compiled form of `code` for this heuristic file lives."""
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    return Path(f"{heuristic_file}.ext") / f"{module_name(code)}{suffix}"


def compile_heuristic(code: str, heuristic_file: str | Path, timeout: float = COMPILE_TIMEOUT) -> Path:
    """Compile `code` into its extension module next to heuristic_file; returns its path."""
    target = extension_path(heuristic_file, code)
    if target.exists():
        return target
    name = module_name(code)
    text = strip_comments(code)
    with tempfile.TemporaryDirectory(prefix="planner-cython-") as build:
        source = Path(build) / f"{name}.py"
        source.write_text(text, encoding="utf-8")
        command = [sys.executable, "-c",
                   "import sys; from Cython.Build.Cythonize import main; "
                   "sys.exit(main(['-i', '-3', '-q', sys.argv[1]]))", str(source)]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": build, "TMPDIR": build,
               "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}
        try:
            done = run_build(command, build, timeout, env)
        except BuildJailError as err:
            raise LLMError(f"not compiled: {err.strerror}") from None
        if done.returncode is None:
            raise LLMError(f"compiling the heuristic took more than {timeout:.0f} s")
        built = list(Path(build).glob(f"{name}*{target.suffix}"))
        if done.returncode != 0 or not built:
            tail = (done.stderr or done.stdout).strip()[-1500:]
            raise LLMError(f"compiling the heuristic with Cython failed: {tail or 'no output'}")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(built[0], partial)
        os.replace(partial, target)
    return target


_DIRECTIVE = re.compile(r"^[ \t\f]*#[ \t]*(cython|distutils)[ \t]*:", re.IGNORECASE | re.MULTILINE)


def strip_comments(code: str) -> str:
    """code without comments, after refusing Cython/distutils directive comments
    (LLMError naming the line). Strings that look like directives are left alone:
    Cython reads directives only from comments."""
    match = _DIRECTIVE.search(code)
    if match:
        line = code.count("\n", 0, match.start()) + 1
        raise LLMError(f"line {line}: a `# {match.group(1)}:` directive comment is refused "
                       "(it would configure the compiler)")
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(code).readline)
                  if t.type != tokenize.COMMENT]
        return tokenize.untokenize(tokens)
    except (tokenize.TokenError, SyntaxError, IndentationError) as err:
        raise LLMError(f"compiling the heuristic with Cython failed: cannot tokenize: {err}") from None


def load_compiled(path: str | Path, class_name: str) -> type:
    """The heuristic class from a compiled extension module. This runs the
    module's code: the planner does so only in the jail (tests call it directly)."""
    path = Path(path)
    name = path.name.split(".", 1)[0]
    loader = importlib.machinery.ExtensionFileLoader(name, str(path))
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    if spec is None:
        raise LLMError("cannot load the compiled heuristic", path=path)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    cls = getattr(module, class_name, None)
    if not isinstance(cls, type):
        raise LLMError(f"compiled heuristic has no class {class_name!r}", path=path)
    return cls
