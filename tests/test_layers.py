"""The dependency direction between planner's parts (setup.cfg [importlinter]).

Fast Downward guards the dependencies between its plug-ins with a test; this is
ours. The contract lists the layers, top to bottom:
cli | up_engine -> llm -> bench -> search -> heuristics -> plans -> frontend
-> task -> util -> errors -> exitcodes. A module may import only from its own
layer or below; imports inside functions count as much as those at the top.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent


def lint_imports(config_filename: str) -> int:
    """import-linter's exit code, in a subprocess: in-process it reconfigures
    logging (dictConfig disables every existing logger, which later tests of
    log messages would see)."""
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(config_filename=sys.argv[1]))"
    return subprocess.run([sys.executable, "-c", code, config_filename], cwd=ROOT,
                          capture_output=True, text=True, timeout=300).returncode


def test_the_layer_contract_holds():
    assert lint_imports(config_filename=str(ROOT / "setup.cfg")) == 0


def test_imports_inside_functions_are_part_of_the_graph():
    # run_learn imports the response cache inside the function: the contract
    # must see such imports, or a layer could be crossed by deferring an import.
    graph = grimp.build_graph("planner")
    assert graph.direct_import_exists(importer="planner.cli.learn", imported="planner.llm.cache")


def test_no_module_of_the_package_imports_the_tests_or_the_repository_folders():
    graph = grimp.build_graph("planner", include_external_packages=True)
    for name in ("tests", "domains", "heuristics", "bench"):
        importers = graph.find_modules_that_directly_import(name) if name in graph.modules else set()
        assert not importers, (name, importers)


def test_the_check_fails_when_a_lower_part_imports_a_higher_one(tmp_path):
    # planner.frontend imports planner.task; declaring task above frontend must break.
    config = tmp_path / "inverted.ini"
    config.write_text("[importlinter]\nroot_package = planner\n\n"
                      "[importlinter:contract:inverted]\nname = inverted\ntype = layers\n"
                      "layers =\n    planner.task\n    planner.frontend\n")
    assert lint_imports(config_filename=str(config)) == 1
