"""Build the Cython search core in ext/ and lay out the installed packages.

Metadata lives in pyproject.toml. This file declares what pyproject.toml
cannot: the compiled extensions, and the repository's top-level data folders
installed inside the planner namespace (nothing with a generic name such as
`domains` lands in site-packages):

    heuristics/  ->  planner.shipped_heuristics   (stored heuristics + sidecars)
    domains/     ->  planner.domains              (domain files and generators)
"""
import os
from pathlib import Path

from Cython.Build import cythonize
from setuptools import Extension, find_packages, setup
from setuptools.command.build_ext import build_ext

EXT_DIR = Path("ext")
CORE_DIR = EXT_DIR / "planner" / "core"
COMPILE_ARGS = ["-O3"]
MAPPED = {"planner.shipped_heuristics": "heuristics", "planner.domains": "domains"}


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


class ParallelBuildExt(build_ext):
    """build_ext compiling the extensions on every core unless told otherwise.

    pip's build (`pip install .`, `pip install -e .`) cannot pass `-j`, and
    the 19 C++ modules took 106 s of CPU one after another; CI builds them
    twice (the wheel, then the editable install), so on its 2 cores this
    halves about 4 minutes of compiling.
    """

    def finalize_options(self) -> None:
        super().finalize_options()
        if not self.parallel:
            self.parallel = os.cpu_count() or 1


def packages() -> list[str]:
    """planner's own packages plus the mapped folders and their subpackages."""
    found = find_packages(include=["planner", "planner.*"])
    for package, folder in MAPPED.items():
        found += [package] + [f"{package}.{sub}" for sub in find_packages(folder)]
    return found


setup(
    packages=packages(),
    package_dir=dict(MAPPED),
    package_data={
        "planner": ["py.typed"],
        "planner.llm": ["templates/*.md"],
        "planner.shipped_heuristics": ["README.md", "*/*.py", "*/*.py.json", "*/*.py.ext/*",
                                       "*/*.subroutines.json",
                                       "pools/*/*.md", "pools/*/kernel/*.md"],
        "planner.domains": ["README.md", "*/domain.pddl", "*/examples/*.pddl"],
    },
    cmdclass={"build_ext": ParallelBuildExt},
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
        nthreads=os.cpu_count() or 1,
    ),
)
