"""Build the Cython search core in ext/ as part of `pip install`.

Metadata lives in setup.cfg; this file only declares the compiled extensions,
which setup.cfg cannot express.
"""
from pathlib import Path

from Cython.Build import cythonize
from setuptools import Extension, setup

EXT_DIR = Path("ext")
COMPILE_ARGS = ["-O3"]


def extensions() -> list[Extension]:
    """One extension module, planner._core, built from ext/_core.pyx.

    The search core's parts (registry, successor generator, open lists,
    searches, heuristics) are .pxi files included by _core.pyx, so that they
    share cdef classes without cross-module cimport plumbing.
    """
    return [
        Extension(
            "planner._core",
            [str(EXT_DIR / "_core.pyx")],
            extra_compile_args=COMPILE_ARGS,
            language="c++",
        )
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
