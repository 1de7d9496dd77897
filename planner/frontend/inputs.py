"""Reading a planning task: parse the PDDL (planner.frontend.parsing), then
check it (planner.frontend.checks). The entry points of the front-end."""
from __future__ import annotations

import logging
import re
from pathlib import Path

from planner.frontend.checks import check_task
from planner.frontend.parsing import (ParsedTask, SourceFile, parse_domain_source, parse_problem_source,
                                      read_source, source_from_bytes)

log = logging.getLogger("planner.frontend.parsing")

_DEFINE = re.compile(r"\(\s*define\b", re.IGNORECASE)


def looks_like_pddl(text: str) -> bool:
    """True for PDDL text (a '(define' form), as opposed to a file name: the
    library and `--heuristic auto` accept either."""
    return "(" in text and _DEFINE.search(text) is not None


def parse_files(domain_path: str | Path, problem_path: str | Path) -> ParsedTask:
    """Parse and check a domain and problem file."""
    return _parse(read_source(domain_path), read_source(problem_path))


def parse_strings(domain_text: str, problem_text: str,
                  domain_name: str = "<domain>", problem_name: str = "<problem>") -> ParsedTask:
    """Parse and check PDDL given as strings (for the library API and tests)."""
    return _parse(
        source_from_bytes(domain_text.encode("utf-8"), domain_name),
        source_from_bytes(problem_text.encode("utf-8"), problem_name),
    )


def _parse(dsrc: SourceFile, psrc: SourceFile) -> ParsedTask:
    domain = parse_domain_source(dsrc)
    problem, init = parse_problem_source(psrc, domain)
    parsed = ParsedTask(domain, problem, dsrc, psrc, init)
    check_task(parsed)
    _warn_on_domain_name_mismatch(parsed)
    return parsed


_PROBLEM_DOMAIN = re.compile(r"\(\s*:domain\s+([^\s()]+)")


def _warn_on_domain_name_mismatch(parsed: ParsedTask) -> None:
    """Fast Downward's translator refuses a problem whose (:domain x) names
    another domain; such pairs do occur in old benchmark sets and plan fine, so
    we only warn, naming where, so a wrong file pairing is not silent."""
    match = _PROBLEM_DOMAIN.search(parsed.problem_source.text)
    wanted = str(parsed.domain.name).lower()
    if match is None or match.group(1).lower() == wanted:
        return
    line, col = parsed.problem_source.position(match.start(1))
    log.warning("planner: warning: %s:%d:%d: the problem is for domain '%s', but the domain file "
                "defines '%s'", parsed.problem_path, line, col, match.group(1), wanted)
