"""Build the Cython search core in ext/ as part of `pip install`.

Metadata lives in setup.cfg; this file only declares the compiled extensions,
which setup.cfg cannot express.
"""
from pathlib import Path

from Cython.Build import cythonize
from setuptools import Extension, setup

EXT_DIR = Path("ext")
CORE_DIR = EXT_DIR / "planner" / "core"
COMPILE_ARGS = ["-O3"]


def extensions() -> list[Extension]:
    """planner._core (the facade with the name tables) and one extension
    module planner.core.<part> per ext/planner/core/<part>.pyx.

    Every .pyx there is built, so a new heuristic or search file needs no
    entry here; parts share cdef classes through their .pxd files, and the
    source tree mirrors the module names because cimport finds a .pxd by its
    module path (planner/core/task.pxd) under the include path ext/.
    """
    modules = [("planner._core", EXT_DIR / "planner" / "_core.pyx")]
    modules += [(f"planner.core.{p.stem}", p) for p in sorted(CORE_DIR.glob("*.pyx"))]
    return [
        Extension(name, [str(path)], extra_compile_args=COMPILE_ARGS, language="c++",
                  include_dirs=[str(CORE_DIR)])
        for name, path in modules
    ]


setup(
    ext_modules=cythonize(
        extensions(),
        compiler_directives={
            "language_level": 3,
            "boundscheck": False,
            "wraparound": False,
            "cdivision": True,
            "initializedcheck": False,
        },
        include_path=[str(EXT_DIR)],
    ),
)
