"""Subroutine libraries on disk: keys, stale and corrupt files, concurrent
usage counters, retirement, and the solve option."""
from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from planner.errors import ArgumentError
from planner.subroutines.library import (
    FORMAT_VERSION, RETIRE_AFTER, Library, LibraryError, active_subroutines, config_key,
    domain_fingerprint, find_library, library_path, read_library, read_usage, record_usage,
    resolve_subroutines)
from planner.subroutines.lifted import Subroutine

DOMAIN = """; a comment
(define (domain toy) (:requirements :strips)
  (:predicates (p ?x) (q ?x))
  (:action a :parameters (?x) :precondition (p ?x) :effect (q ?x))
  (:action b :parameters (?x) :precondition (q ?x) :effect (not (p ?x))))
"""
SUB = Subroutine((("a", (0,)), ("b", (0,))), ("object",))
OTHER = Subroutine((("b", (0,)), ("a", (0,))), ("object",))


@pytest.fixture
def libdir(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_SUBROUTINES_DIR", str(tmp_path / "libs"))
    return tmp_path / "libs"


def _lib(domain_text=DOMAIN, search="lazy-gbfs", heuristic="ff", subs=(SUB,)) -> Library:
    return Library(domain_fingerprint(domain_text), config_key(search, heuristic), list(subs),
                   [{"subroutine": "(b ?0) (b ?0)", "reason": "undoes itself"}])


def test_fingerprint_ignores_comments_case_and_spacing():
    assert domain_fingerprint(DOMAIN.upper().replace("; A COMMENT", "")) == domain_fingerprint(DOMAIN)


def test_key_depends_on_domain_and_configuration(libdir):
    p = library_path(DOMAIN, "lazy-gbfs", "ff")
    assert p.parent == libdir and p.name.startswith("toy-")
    assert library_path(DOMAIN, "astar", "ff") != p
    assert library_path(DOMAIN, "lazy-gbfs", "lmcut") != p
    assert library_path(DOMAIN.replace("(q ?x))", "(q ?x) (r ?x))"), "lazy-gbfs", "ff") != p


def test_round_trip_and_auto_lookup(libdir):
    _lib().write(library_path(DOMAIN, "lazy-gbfs", "ff"))
    lib = find_library(DOMAIN, "lazy-gbfs", "ff")
    assert lib is not None and lib.subroutines == [SUB] and lib.rejected[0]["reason"] == "undoes itself"
    subs, path = resolve_subroutines("auto", DOMAIN, "lazy-gbfs", "ff")
    assert subs == [SUB] and path == lib.path
    # Another configuration has no library: auto means none, not an error.
    assert resolve_subroutines("auto", DOMAIN, "astar", "lmcut") == ([], None)
    assert resolve_subroutines("off", DOMAIN, "lazy-gbfs", "ff") == ([], None)


@pytest.mark.parametrize("content", ["{not json", json.dumps({"format": FORMAT_VERSION + 1}), "\x00\x01"])
def test_corrupt_or_stale_files_are_ignored_by_auto_and_named_by_path(libdir, content, caplog):
    path = library_path(DOMAIN, "lazy-gbfs", "ff")
    path.parent.mkdir(parents=True)
    path.write_text(content)
    assert find_library(DOMAIN, "lazy-gbfs", "ff") is None
    assert "ignoring" in caplog.text
    assert resolve_subroutines("auto", DOMAIN, "lazy-gbfs", "ff") == ([], None)
    with pytest.raises(LibraryError) as err:
        resolve_subroutines(str(path), DOMAIN, "lazy-gbfs", "ff")
    assert str(path) in str(err.value)


def test_library_of_another_domain_is_refused(tmp_path):
    path = _lib(domain_text=DOMAIN.replace("toy", "other")).write(tmp_path / "lib.json")
    with pytest.raises(LibraryError, match="another domain"):
        read_library(path, DOMAIN)
    with pytest.raises(ArgumentError, match="not found"):
        resolve_subroutines(str(tmp_path / "missing.json"), DOMAIN, "lazy-gbfs", "ff")


def _count(args):
    path, n = args
    for _ in range(n):
        record_usage(Path(path), [SUB], {"path": "fast", "used": {SUB.name: 1}})


def test_concurrent_usage_counters_add_up(tmp_path):
    path = _lib().write(tmp_path / "lib.json")
    with multiprocessing.get_context("fork").Pool(4) as pool:
        pool.map(_count, [(str(path), 25)] * 4)
    usage = read_usage(path)
    assert usage[SUB.key]["fast_paths"] == 100 and usage[SUB.key]["steps_used"] == 100
    assert "retired" not in usage[SUB.key]


def test_subroutines_that_stop_paying_are_retired(tmp_path):
    path = _lib(subs=(SUB, OTHER)).write(tmp_path / "lib.json")
    lib = read_library(path)
    for _ in range(RETIRE_AFTER):
        record_usage(path, [SUB, OTHER], {"path": "fast", "used": {SUB.name: 2}})
    usage = read_usage(path)
    assert "retired" not in usage[SUB.key]
    assert "unused" in usage[OTHER.key]["retired"]["reason"]
    assert active_subroutines(lib) == [SUB]
    for _ in range(3 * RETIRE_AFTER):
        record_usage(path, [SUB], {"path": "fast-failed", "used": {}})
    assert "failed" in read_usage(path)[SUB.key]["retired"]["reason"]
    assert active_subroutines(lib) == []


def test_corrupt_usage_file_is_ignored(tmp_path):
    path = _lib().write(tmp_path / "lib.json")
    path.with_name(path.name + ".usage.json").write_text("garbage")
    assert read_usage(path) == {}
    record_usage(path, [SUB], {"path": "fast", "used": {}})
    assert read_usage(path)[SUB.key]["fast_paths"] == 1
