"""Heuristics compiled to machine code ("kernels"), called by the search core
through a C function pointer: no interpreter, no Python object per state.

A kernel program is a module with two functions::

    import numpy as np

    PREFERRED = False          # True: h also writes preferred operator ids

    def prepare(task):         # plain Python, once per task (a TaskView)
        goal = task.fact_ids(task.goal_atoms)
        return (goal,)         # a tuple of numpy arrays (1-d or 2-d)

    def h(state, goal):        # Numba nopython subset; state: uint8 per fact
        n = 0
        for i in range(goal.shape[0]):
            if state[goal[i]] == 0:
                n += 1
        return float(n)

With PREFERRED = True the kernel is ``h(state, preferred, *arrays)``, writes
operator ids into ``preferred`` (int32, one slot per operator) and returns
``(h, number of ids written)``. Module-level helper functions that h calls are
compiled with it. Every array access is bounds-checked (an out-of-range index
makes the call fail; it never reads foreign memory) and a failing call is
that heuristic's failure: the evaluator raises and a portfolio drops it.

Why: Python heuristics cost ~30-40 us per call and Cython-compiling them
gains only 1.3x; compiled h^FF needs a few us per state (bench/kernel_speed.py
has the figures for the shipped heuristics).

Where it runs: a kernel is LLM-written code, so it is compiled and evaluated
only inside the jailed child (planner.jail; planner.heuristics.untrusted
builds its evaluator there). compile_kernel() refuses to run anywhere else
unless the caller vouches for the code (trusted=True: our own shipped
kernels in bench/ and the build script).

The machine-code cache (compiling takes 5-30 s, loading 10 ms): Numba's own
on-disk cache is pickles plus object code that the process loading it runs,
and a jailed child cannot write files anyway. So the child that compiled a
kernel sends the object code back in its result (new_objects(), at most
MAX_OBJECT_BYTES each); the trusted parent writes those bytes, never
reading them back, into cache_root()/<code_key(code)>/<signature key>.bin,
where code_key hashes the code text the *parent* handed to the jail and the
toolchain versions, and only when that run had exactly one untrusted
heuristic (planner.search.solve). A later jailed child for the same code
reads the files of that one folder into memory in its trusted preparation
(preload_cache) and loads them after the lock-down, in the jail. So the
parent never loads anything a jailed process wrote, and what a candidate
puts in the cache is only ever run by jailed runs of that same candidate.
"""
from __future__ import annotations

import ast
import base64
import builtins
import functools
import hashlib
import os
import pickle
import linecache
import logging
import re
import sys
import threading
import time
import types
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from planner.errors import PlannerError
from planner.exitcodes import ExitCode

log = logging.getLogger(__name__)

KERNEL_CLASS_NAME = "<kernel>"
"""The class name recorded for a kernel program (it has no heuristic class)."""

ENTRY_VERSION = 2
"""Bumped whenever the generated entry point changes."""

ARRAY_DTYPES = {"uint8": "uint8", "bool": "bool_", "int32": "int32", "int64": "int64",
                "float64": "float64"}
"""dtypes prepare() may return (numpy name -> numba type name)."""

FAILED = -3.0
"""What the entry point returns when the kernel raised (planner._core.KERNEL_FAILED)."""

_SIGNATURE = ("double(CPointer(uint8), int64, CPointer(voidptr), CPointer(int64), "
              "CPointer(int32), int64, CPointer(int64))")


class KernelError(PlannerError):
    """A kernel program that does not prepare, compile or run; the message says why."""

    exit_code = ExitCode.SEARCH_INPUT_ERROR


ArraySignature = tuple[tuple[str, int], ...]


def is_kernel_program(code: str | ast.Module) -> bool:
    """True when the module defines top-level functions `prepare` and `h`."""
    try:
        tree = ast.parse(code) if isinstance(code, str) else code
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    return {"prepare", "h"} <= names


def kernel_functions(tree: ast.Module) -> list[str]:
    """Top-level functions compiled with h: h and every top-level function it
    reaches through calls (prepare and its own helpers stay plain Python)."""
    defs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    todo, seen = ["h"], []
    while todo:
        name = todo.pop()
        if name in seen or name not in defs or name == "prepare":
            continue
        seen.append(name)
        for node in ast.walk(defs[name]):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in defs:
                todo.append(node.func.id)
    return seen


def preferred_flag(tree: ast.Module) -> bool:
    """The module's `PREFERRED = True/False` (default False)."""
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "PREFERRED"
                and isinstance(node.value, ast.Constant)):
            return bool(node.value.value)
    return False


def normalize_arrays(result: Any) -> tuple[np.ndarray, ...]:
    """prepare()'s result as C-contiguous arrays of the supported dtypes, or KernelError."""
    if isinstance(result, np.ndarray):
        result = (result,)
    if not isinstance(result, (tuple, list)):
        raise KernelError(f"prepare() returned {type(result).__name__}; expected a tuple of numpy arrays")
    out = []
    for i, a in enumerate(result):
        if not isinstance(a, np.ndarray):
            raise KernelError(f"prepare() item {i} is {type(a).__name__}; expected a numpy array")
        if a.dtype.name not in ARRAY_DTYPES:
            raise KernelError(f"prepare() item {i} has dtype {a.dtype.name}; use one of "
                              f"{', '.join(ARRAY_DTYPES)}")
        if a.ndim not in (1, 2):
            raise KernelError(f"prepare() item {i} has {a.ndim} dimensions; use 1 or 2")
        # A private, writable copy: the kernel may use arrays as scratch space.
        out.append(np.array(a, order="C", copy=True))
    return tuple(out)


def array_signature(arrays: Sequence[np.ndarray]) -> ArraySignature:
    return tuple((a.dtype.name, a.ndim) for a in arrays)


def toolchain_versions() -> dict[str, str]:
    """Numba, llvmlite and LLVM versions (reported with compile times)."""
    import llvmlite
    import llvmlite.binding as llvm
    import numba

    return {"numba": numba.__version__, "llvmlite": llvmlite.__version__,
            "llvm": ".".join(map(str, llvm.llvm_version_info)),
            "python": "%d.%d" % sys.version_info[:2], "numpy": np.__version__}


def entry_source(code: str, signature: ArraySignature, preferred: bool) -> str:
    """The candidate's code followed by the generated entry point (never cached on disk)."""
    tree = ast.parse(code)
    jitted = kernel_functions(tree)
    lines = [code.rstrip("\n"), "", "",
             f"# ---- entry point generated by planner.heuristics.kernel (v{ENTRY_VERSION}) ----",
             "import numba as _planner_nb",
             "import numpy as _planner_np",
             "_planner_jit = _planner_nb.njit(boundscheck=True, nogil=True, cache=False)"]
    lines += [f"{name} = _planner_jit({name})" for name in jitted]
    args = ["state"] + (["pref"] if preferred else [])
    lines += ["",
              f"@_planner_nb.cfunc({_SIGNATURE!r}, boundscheck=True, nogil=True, cache=False)",
              "def _planner_entry(state_p, n_facts, ptrs, shapes, pref_p, pref_cap, n_pref):",
              "    state = _planner_nb.carray(state_p, (n_facts,))",
              "    pref = _planner_nb.carray(pref_p, (pref_cap,))"]
    for i, (dtype, ndim) in enumerate(signature):
        shape = f"(shapes[{2 * i}],)" if ndim == 1 else f"(shapes[{2 * i}], shapes[{2 * i + 1}])"
        lines.append(f"    a{i} = _planner_nb.carray(ptrs[{i}], {shape}, _planner_np.{ARRAY_DTYPES[dtype]})")
        args.append(f"a{i}")
    call = f"h({', '.join(args)})"
    lines += ["    n_pref[0] = 0", "    try:"]
    if preferred:
        lines += [f"        r = {call}", "        n_pref[0] = r[1]", "        return float(r[0])"]
    else:
        lines += [f"        return float({call})"]
    lines += ["    except Exception:", f"        return {FAILED!r}", ""]
    return "\n".join(lines)


MAX_OBJECT_BYTES = 4 << 20
"""Largest cached object code accepted (the shipped kernels' are 60-200 KB)."""
MAX_CACHED_SIGNATURES = 8
"""Files per code folder read by preload_cache (one per array signature)."""
_HEX = re.compile(r"^[0-9a-f]{32}$")


@functools.lru_cache(maxsize=1)
def toolchain_tag() -> str:
    """Numba, llvmlite, numpy and Python versions, from package metadata (this
    does not import Numba: the parent never needs it). Cached: the jailed child
    computes it in its preparation, since after the chroot the metadata is gone."""
    from importlib import metadata

    parts = [f"python {sys.version_info[0]}.{sys.version_info[1]}", f"numpy {np.__version__}"]
    for name in ("numba", "llvmlite"):
        try:
            parts.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} missing")
    return ", ".join(parts)


def code_key(code: str) -> str:
    """The cache folder of a kernel program: sha256 of the entry version, the code
    text and the toolchain."""
    text = f"entry v{ENTRY_VERSION}\0{toolchain_tag()}\0{code}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def signature_key(signature: ArraySignature, preferred: bool) -> str:
    """The file of one compiled form within the code's folder."""
    return hashlib.sha256(repr((tuple(signature), bool(preferred))).encode("utf-8")).hexdigest()[:32]


def cache_root() -> str:
    """PLANNER_KERNEL_CACHE, else platformdirs.user_cache_dir("planner")/kernels."""
    env = os.environ.get("PLANNER_KERNEL_CACHE")
    if env:
        return env
    import platformdirs

    return os.path.join(platformdirs.user_cache_dir("planner", appauthor=False), "kernels")


_preloaded: dict[tuple[str, str], bytes] = {}
_new_objects: dict[tuple[str, str], bytes] = {}


def preload_cache(code: str) -> int:
    """Read this code's cached object files into memory (the jailed child's trusted
    preparation, before the chroot; nothing is loaded here). Returns how many."""
    folder = os.path.join(cache_root(), code_key(code))
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".bin") and _HEX.match(n[:-4]))
    except OSError:
        return 0
    count = 0
    for name in names[:MAX_CACHED_SIGNATURES]:
        try:
            with open(os.path.join(folder, name), "rb") as f:
                data = f.read(MAX_OBJECT_BYTES + 1)
        except OSError:
            continue
        if len(data) <= MAX_OBJECT_BYTES:
            _preloaded[(code_key(code), name[:-4])] = data
            count += 1
    return count


def new_objects() -> dict[str, dict[str, str]]:
    """Object code compiled in this (jailed) process: {code key: {signature key:
    base64}}, for the parent to store (store_objects)."""
    out: dict[str, dict[str, str]] = {}
    for (ckey, skey), data in _new_objects.items():
        out.setdefault(ckey, {})[skey] = base64.b64encode(data).decode("ascii")
    return out


def store_objects(code: str, objects: Any) -> int:
    """The parent's half: write the object code a jailed child sent for `code`
    (the text the parent itself handed over) as opaque bytes into that code's
    folder. Only well-formed entries (32-hex names, base64, size-capped) are
    written, atomically, and existing files are kept. Returns how many were written."""
    if not isinstance(objects, dict):
        return 0
    folder = os.path.join(cache_root(), code_key(code))
    written = 0
    for skey, text in list(objects.items())[:MAX_CACHED_SIGNATURES]:
        if not (isinstance(skey, str) and _HEX.match(skey) and isinstance(text, str)
                and len(text) <= MAX_OBJECT_BYTES * 4 // 3 + 4):
            continue
        try:
            data = base64.b64decode(text, validate=True)
        except ValueError:
            continue
        path = os.path.join(folder, f"{skey}.bin")
        if os.path.exists(path):
            continue
        try:
            os.makedirs(folder, mode=0o700, exist_ok=True)
            partial = os.path.join(folder, f".{skey}.{os.getpid()}.tmp")
            with open(partial, "wb") as f:
                f.write(data)
            os.replace(partial, path)
            written += 1
        except OSError:
            continue
    return written


@dataclass
class CompiledKernel:
    """A compiled entry point: its address and what keeps its code alive."""

    address: int
    key: str
    seconds: float
    """Wall time of this compilation or cache load."""
    cached: bool = False
    """Loaded from object code a jailed run of the same code compiled earlier."""
    owner: Any = field(repr=False, default=None)


_compiled: dict[str, CompiledKernel] = {}
_lock = threading.Lock()


def compile_kernel(code: str, signature: ArraySignature, preferred: bool,
                   trusted: bool = False) -> CompiledKernel:
    """Compile a kernel program for the given array types, in memory.

    Only in a jailed child (planner.jail.in_jailed_child), unless trusted:
    the caller vouches the code is the project's own. The code must have
    passed planner.heuristics.static_check; its module level runs here.
    Raises KernelError with Numba's message when the code is outside its subset.
    """
    from planner.jail import in_jailed_child

    if not trusted and not in_jailed_child():
        raise KernelError("kernel programs are compiled and run only inside the jail "
                          "(planner.search.jailed); refusing to compile one in this process")
    ckey, skey = code_key(code), signature_key(signature, preferred)
    key = f"{ckey}/{skey}"
    with _lock:
        known = _compiled.get(key)
        if known is not None:
            return known
        start = time.perf_counter()
        blob = _preloaded.pop((ckey, skey), None)
        if blob is not None:
            loaded = _load_object_code(blob)
            if loaded is not None:
                address, owner = loaded
                compiled = CompiledKernel(address, key, time.perf_counter() - start, True, owner)
                _compiled[key] = compiled
                return compiled
        if PREPARATION and PREPARATION[-1] == "loading" and in_jailed_child():
            raise KernelError(f"{CACHE_MISS} (the jailed run is repeated with Numba fully prepared)")
        source = entry_source(code, signature, preferred)
        module_name = f"planner_kernel_{skey[:16]}"
        try:
            module = _exec_source(module_name, source)
            entry = module.__dict__["_planner_entry"]
        except Exception as err:  # numba's TypingError, LoweringError, ... or the code's own
            raise KernelError(f"compiling the kernel failed: {_numba_message(err)}") from None
        compiled = CompiledKernel(int(entry.address), key, time.perf_counter() - start, False,
                                  owner=(module, entry))
        _compiled[key] = compiled
        if not trusted or in_jailed_child():
            try:
                data = pickle.dumps((entry._library.serialize_using_object_code(), entry.native_name))
                if len(data) <= MAX_OBJECT_BYTES:
                    _new_objects[(ckey, skey)] = data
            except Exception:  # noqa: BLE001 - not cacheable: compiled again next time
                pass
        return compiled


def _load_object_code(blob: bytes) -> tuple[int, Any] | None:
    """(address, owner) from cached object code, or None (then it is compiled).
    Only in the jailed child: this runs machine code a jailed run produced."""
    from planner.jail import in_jailed_child

    if not in_jailed_child():
        return None
    try:
        from numba.core.registry import cpu_target

        serialized, name = pickle.loads(blob)  # noqa: S301 - in the jail, written for this code
        library = cpu_target.target_context.codegen().unserialize_library(serialized)
        address = int(library.get_pointer_to_function(name))
    except Exception:  # noqa: BLE001 - a corrupt or foreign entry: compile instead
        return None
    return (address, library) if address else None


def _exec_source(module_name: str, source: str) -> types.ModuleType:
    filename = f"<{module_name}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    module = types.ModuleType(module_name)
    module.__dict__["__builtins__"] = builtins
    sys.modules[module_name] = module
    try:
        exec(compile(source, filename, "exec"), module.__dict__)  # noqa: S102 - checked, jailed
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module


def _numba_message(err: BaseException) -> str:
    """Numba's error without its long help footer and ANSI colours."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(err))
    cut = text.find("\n\nDuring:")
    if cut > 0:
        text = text[:cut]
    text = text.replace("<planner_kernel_", "<kernel_")
    return f"{type(err).__name__}: {text.strip()}"[:2000]


def compile_seconds() -> tuple[float, int]:
    """(seconds spent compiling or loading kernels, how many came from the cache)
    in this process: the jailed search reports both."""
    with _lock:
        return (sum(c.seconds for c in _compiled.values()),
                sum(1 for c in _compiled.values() if c.cached))


WARM_UP = '''
PREFERRED = True


def prepare(task):
    return ()


def h(state, preferred, a):
    preferred[0] = a[0]
    return float(state.shape[0]), 1
'''
"""The warm-up kernel: small on purpose (1.4 s of CPU for the first compilation,
which loads Numba's typing and lowering modules; a kernel using a dozen numpy
functions took 6.5 s, paid by every jailed run)."""


def warm_up() -> float:
    """Import Numba and compile a trivial kernel, in the jailed child's trusted
    preparation: every module Numba loads lazily is then in memory before the
    chroot hides the file system. Returns the seconds it took."""
    start = time.perf_counter()
    toolchain_tag()
    compile_kernel(WARM_UP, (("int32", 1),), True, trusted=True)
    with _lock:  # the warm-up kernel is not kept: a candidate with this code compiles anew
        _compiled.clear()
        _new_objects.clear()
    PREPARATION.append("warm-up")
    return time.perf_counter() - start


CACHE_MISS = "no cached object code for this kernel's array types"
"""The failure of a kernel that must compile in a child prepared only for
loading (prepare_loading): the parent then runs that child again with the
full warm-up (planner.search.jailed, planner.llm.jobs). A candidate writing
this text itself gains nothing but one more run of its own."""

PREPARATION: list[str] = []
"""How this jailed child prepared Numba: 'loading' (prepare_loading) or
'warm-up' (warm_up); reported with the jailed search's statistics."""


def prepare_loading() -> float:
    """Import Numba and initialise its code generator and LLVM, in the jailed
    child's trusted preparation, when the object code of every kernel it will
    run is cached (preload_cache): enough to load it after the lock-down.
    Returns the seconds it took (0.2-0.3 s of CPU against 1.0-1.5 s for
    warm_up). A kernel whose array types have no cached entry cannot compile
    after the lock-down then (Numba loads its typing and lowering modules
    lazily, and the chroot hides them): compile_kernel raises CACHE_MISS, and
    the parent runs the child again with warm_up."""
    start = time.perf_counter()
    toolchain_tag()
    from numba.core.registry import cpu_target
    from numba.core.runtime import rtsys

    cpu_target.target_context.codegen()
    # Numba's runtime (NRT) is otherwise initialised by the first compilation, which
    # the loading path never does: object code that refers to it was then linked
    # against address 0. The stored rovers kernel, loaded from the cache, called
    # address 0 at its first evaluation on generated hard tasks (SIGSEGV in every
    # jailed run, then h^FF ran out of time); with the runtime initialised here it
    # solves them (bench/examples/medium-coverage-dev/).
    rtsys.initialize(cpu_target.target_context)
    PREPARATION.append("loading")
    return time.perf_counter() - start


# -- running a kernel program as a heuristic ------------------------------------------------

def python_namespace(code: str, filename: str = "<kernel>") -> dict[str, Any]:
    """The program executed as plain Python (prepare, and h as the reference)."""
    module = types.ModuleType("planner_kernel_reference")
    module.__dict__["__builtins__"] = builtins
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    exec(compile(code, filename, "exec"), module.__dict__)  # noqa: S102 - checked, jailed
    return module.__dict__


class KernelHeuristic:
    """A kernel program in the shape of a Python heuristic class.

    Constructed with a TaskView: runs prepare() and compiles; calling it with
    a StateView runs the compiled kernel (probes, tests); evaluator() gives
    the compiled evaluator the search calls directly. Subclasses made by
    kernel_class() carry the code.
    """

    code: str = ""
    provides_preferred: bool = False
    safe_dead_ends: bool = False
    label: str = "kernel"
    trusted: bool = False

    def __init__(self, task: Any) -> None:
        ns = type(self)._namespace()
        try:
            raw = ns["prepare"](task)
        except PlannerError:
            raise
        except Exception as err:
            raise KernelError(f"prepare() failed: {type(err).__name__}: {err}") from err
        self.arrays = normalize_arrays(raw)
        self.signature = array_signature(self.arrays)
        self.num_facts = int(task.num_facts)
        self.num_operators = int(task.num_operators)
        self.compiled = compile_kernel(self.code, self.signature, self.provides_preferred,
                                       trusted=self.trusted)
        log.info("kernel %s %s in %.2f s", self.label,
                 "loaded from the cache" if self.compiled.cached else "compiled", self.compiled.seconds)
        self._evaluator = self.evaluator()

    @classmethod
    def _namespace(cls) -> dict[str, Any]:
        ns = cls.__dict__.get("_ns")
        if ns is None:
            ns = python_namespace(cls.code)
            cls._ns = ns
        return ns

    def evaluator(self, name: str | None = None) -> Any:
        """A fresh compiled evaluator for the search (planner._core.KernelEvaluator)."""
        from planner import _core

        return _core.KernelEvaluator(self.compiled.address, self.arrays, self.num_facts,
                                     self.num_operators, name=name or self.label,
                                     provides_preferred=self.provides_preferred,
                                     safe=self.safe_dead_ends, keepalive=self.compiled.owner)

    def __call__(self, state: Any) -> Any:
        h, preferred = self._evaluator.evaluate_bytes(np.ascontiguousarray(state.array, dtype=np.uint8))
        return (h, preferred) if self.provides_preferred else h

    def reference(self, state: np.ndarray) -> tuple[float, list[int]]:
        """The same program run by the interpreter (no compilation), on fresh
        copies of the arrays: what the compiled kernel must agree with."""
        h_py: Callable[..., Any] = type(self)._namespace()["h"]
        arrays = [a.copy() for a in self.arrays]
        state = np.array(state, dtype=np.uint8)
        if self.provides_preferred:
            pref = np.zeros(max(self.num_operators, 1), dtype=np.int32)
            value, n = h_py(state, pref, *arrays)
            return float(value), [int(o) for o in pref[: int(n)]]
        return float(h_py(state, *arrays)), []


def kernel_class(code: str, name: str = "Kernel", trusted: bool = False) -> type[KernelHeuristic]:
    """A KernelHeuristic subclass for this program (the code must have passed
    the static check). trusted: the project's own code, which may compile
    outside the jail (bench/, tests); never for code
    read from a heuristic file or sampled from an endpoint."""
    tree = ast.parse(code)
    if not is_kernel_program(tree):
        raise KernelError("a kernel program defines top-level functions prepare(task) and h(state, ...)")
    return type(name, (KernelHeuristic,), {"code": code, "provides_preferred": preferred_flag(tree),
                                           "label": name, "trusted": bool(trusted),
                                           "__module__": __name__})


__all__ = ["KERNEL_CLASS_NAME", "CompiledKernel", "KernelError", "KernelHeuristic", "compile_kernel",
           "compile_seconds", "is_kernel_program", "CACHE_MISS", "prepare_loading", "kernel_class", "new_objects", "preload_cache",
           "store_objects", "warm_up"]
