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
    modules = []
    for pyx in sorted(EXT_DIR.glob("*.pyx")):
        modules.append(
            Extension(
                f"planner._core.{pyx.stem}",
                [str(pyx)],
                extra_compile_args=COMPILE_ARGS,
                language="c++",
            )
        )
    return modules


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
