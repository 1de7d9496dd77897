"""Build the Cython search core in ext/ and lay out the installed packages.

Metadata lives in pyproject.toml. This file declares what pyproject.toml
cannot: the compiled extensions, and the repository's top-level data folders
installed inside the planner namespace (nothing with a generic name such as
`domains` lands in site-packages):

    heuristics/  ->  planner.shipped_heuristics   (stored heuristics + sidecars)
    domains/     ->  planner.domains              (domain files and generators)
"""
from pathlib import Path

from Cython.Build import cythonize
from setuptools import Extension, find_packages, setup

EXT_DIR = Path("ext")
COMPILE_ARGS = ["-O3"]
MAPPED = {"planner.shipped_heuristics": "heuristics", "planner.domains": "domains"}


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
                                       "pools/*/*.md"],
        "planner.domains": ["README.md", "*/domain.pddl", "*/examples/*.pddl"],
    },
    exclude_package_data={"planner.shipped_heuristics": ["_src/*"]},
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
