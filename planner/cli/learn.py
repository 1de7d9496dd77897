"""`planner learn DK DOMAIN TASK1 TASK2 ...`: learn a heuristic into the file DK
(the IPC 2023 learning-track interface; `planner plan` uses it).

learn writes DK atomically whenever a better heuristic is found, and DK.1,
DK.2, ... beside it (the IPC keeps the last complete one); on SIGTERM it stops
its sandbox workers and exits 0 if DK exists.

Before its first LLM request learn sends one minimal request to the endpoint:
an unreachable server or a refused URL, key or model stops it at once with one
error line and exit code 36. A sample whose request failed after its retries
says so on its line ("API error: ...").

With --kernel, learn then asks the endpoint for the kernel form of the
selected heuristic (a program compiled to machine code, planner.heuristics.kernel;
prompt template translate_kernel_v1): each answer is statically checked,
compiled in the jail, compared with the Python form on random-walk states of
the largest training tasks (every value must be equal) and timed against it;
failures get the repair prompt. The fastest equal answer is written beside DK
as DK.kernel.py (DK.py -> DK.kernel.py) with its provenance, marked selected
only when it is faster on every task measured (`--heuristic auto` then prefers
it after --install). --kernel-only translates the heuristic already in DK
without sampling new ones:

    planner learn dk.py domain.pddl p1.pddl p2.pddl p3.pddl --kernel-only --model M
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
from pathlib import Path
from typing import Any, Iterator

from contextlib import contextmanager

from planner.errors import ArgumentError
from planner.exitcodes import ExitCode
from planner.errors import LLMError
from planner.util.limits import parse_memory, parse_time

MODEL_ENV = "PLANNER_LLM_MODEL"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("learn", help="learn a domain heuristic with an LLM (IPC learning track)",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dk", help="file to write the learned heuristic to")
    p.add_argument("domain", help="domain file")
    p.add_argument("tasks", nargs="+", help="training problem files")
    p.add_argument("--model", default=os.environ.get(MODEL_ENV),
                   help=f"model name at the endpoint (default ${MODEL_ENV})")
    p.add_argument("--base-url", default=None, help="OpenAI-compatible endpoint with /v1 "
                   "(default $OPENAI_BASE_URL); the key is read from $OPENAI_API_KEY")
    p.add_argument("--samples", type=int, default=25, help="candidates to sample (default 25)")
    p.add_argument("--temperature", type=float, default=1.0,
                   help="sampling temperature (default 1.0: diverse candidates)")
    p.add_argument("--max-tokens", type=int, default=8192,
                   help="completion tokens per response (default 8192)")
    p.add_argument("--concurrency", type=int, default=4, help="LLM requests at once (default 4)")
    p.add_argument("--request-timeout", type=float, default=600.0, help="seconds per LLM request")
    p.add_argument("--max-retries", type=int, default=5,
                   help="retries of a failed or rate-limited request, with backoff (default 5)")
    p.add_argument("--offline", action="store_true",
                   help="use cached responses only (no request, not even the endpoint check "
                        "that otherwise precedes the first request)")
    p.add_argument("--cache-dir", default=None, help="response cache (default: per-user cache dir)")
    p.add_argument("--price-input", type=float, default=None, help="USD per million prompt tokens")
    p.add_argument("--price-output", type=float, default=None, help="USD per million completion tokens")
    p.add_argument("--time-limit", type=parse_time, default=300.0,
                   help="per training task, e.g. 300, 30s, 5m (default 300 s)")
    p.add_argument("--memory-limit", type=parse_memory, default=2048 * 2**20,
                   help="per training run, e.g. 2048, 512M, 2G (default 2G)")
    p.add_argument("--search", default="gbfs", help="search used to evaluate candidates (default gbfs)")
    p.add_argument("--workers", type=int, default=1, help="candidates evaluated at once (default 1)")
    p.add_argument("--repair-rounds", type=int, default=1,
                   help="follow-up rounds showing failed candidates their error (default 1; 0 = off)")
    p.add_argument("--portfolio-size", type=int, default=3, metavar="K",
                   help="keep up to K heuristics that together solve the most training tasks "
                        "(greedy cover), run in alternation by `planner plan`, if that measured "
                        "better on the training tasks than the best alone (default 3; 1 = only "
                        "the best, as the reference method)")
    p.add_argument("--compile", action="store_true",
                   help="also compile the learned heuristic with Cython (used by `planner plan`)")
    p.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                   help="run the training-task evaluations on this Dask cluster "
                        "(as `planner bench --scheduler`)")
    p.add_argument("--install", action="store_true",
                   help="also store the learned heuristic in the per-user heuristic store, "
                        "where `planner solve --heuristic auto` finds it for this domain")
    p.add_argument("--subroutines", action="store_true",
                   help="after learning, mine macro subroutines from the learned heuristic's "
                        "validated training plans, keep those that pass the utility gate on "
                        "held-out training tasks (every third task) and put the library in DK, "
                        "where `planner plan` uses it for a fast path first")
    p.add_argument("--kernel", action="store_true",
                   help="after selection, ask the endpoint for the kernel form of the selected "
                        "heuristic (compiled to machine code; prompt translate_kernel_v1), check it "
                        "(static check, compiled in the jail, values equal to the Python form on "
                        "sampled training states, faster) with repair rounds, and write it beside "
                        "DK as DK.kernel.py")
    p.add_argument("--kernel-only", action="store_true",
                   help="do not sample heuristics: translate the heuristic already in DK into its "
                        "kernel form (as --kernel)")
    p.add_argument("--kernel-samples", type=int, default=1, metavar="N",
                   help="translation answers to request with --kernel (default 1)")
    p.add_argument("--kernel-tasks", type=int, default=3, metavar="N",
                   help="the N largest training tasks the kernel form is checked and timed on "
                        "(default 3)")
    p.add_argument("--json", action="store_true", help="print one JSON summary on stdout")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from planner.llm.cache import ResponseCache
    from planner.llm.evaluate import EvaluationSettings
    from planner.llm.learn import LearnSettings, learn
    from planner.llm.sampler import Sampler, SamplerConfig
    from planner.util.atomic import atomic_write_text

    _check_learn_args(args)
    dk = Path(args.dk)
    work = dk.parent / f"{dk.name}.work"
    config = SamplerConfig(
        model=args.model, n=args.samples, temperature=args.temperature, max_tokens=args.max_tokens,
        concurrency=args.concurrency, timeout=args.request_timeout, max_retries=args.max_retries,
        base_url=args.base_url, offline=args.offline, price_input_per_mtok=args.price_input,
        price_output_per_mtok=args.price_output)
    # The sampler checks the endpoint with one minimal request before its first
    # real one (never offline): a wrong URL, key or model is one error line and
    # exit 36 at once, not silence and a failure per sample.
    sampler = Sampler(config, ResponseCache(args.cache_dir), usage_path=work / "llm_usage.json",
                      notify=lambda line: print(line, file=sys.stderr, flush=True))
    settings = LearnSettings(EvaluationSettings(time_limit=args.time_limit, memory_mb=args.memory_limit // 2**20,
                                                search=args.search, workers=args.workers,
                                                scheduler=args.scheduler),
                             repair_rounds=args.repair_rounds, portfolio_size=args.portfolio_size)
    versions = [0]

    def numbered_copy(path: Path, record: Any) -> None:
        from planner.heuristics.format import read_provenance

        versions[0] += 1
        atomic_write_text(dk.parent / f"{dk.name}.{versions[0]}", path.read_text(encoding="utf-8"))
        meta = read_provenance(path)
        what = (f"New best heuristic: sample {record.sample_index}, solved {len(record.solved)}"
                if not meta.get("portfolio") else
                f"Portfolio of {1 + len(meta['portfolio'])} heuristics: solved "
                f"{meta.get('portfolio_solved')}")
        print(f"{what} of {len(record.runs)} training tasks -> {dk}.{versions[0]}", file=sys.stderr)

    if args.kernel_only:
        _check_kernel_only(dk, Path(args.domain))
        with _stop_on_sigterm(dk):
            kernel = _translate(args, dk, sampler, work)
        summary = {"kernel": kernel, "usage": sampler.usage.totals()}
        if args.install:
            summary["installed"] = str(_install(dk, Path(args.domain)))
            print(f"Installed for `--heuristic auto`: {summary['installed']}", file=sys.stderr)
        if args.json:
            print(json.dumps(summary, default=str))
        return int(ExitCode.SUCCESS if kernel.get("output") else ExitCode.SEARCH_UNSOLVED_INCOMPLETE)
    with _stop_on_sigterm(dk):
        result = learn(args.domain, args.tasks, dk, sampler, settings, work, numbered_copy)
        kernel = _translate(args, dk, sampler, work) if args.kernel and dk.exists() else None
    summary: dict[str, Any] = {**result.summary(), "usage": sampler.usage.totals()}
    if kernel is not None:
        summary["kernel"] = kernel
    if args.compile and dk.exists():
        compiled = _compile(dk)
        summary["compiled"] = compiled[0] if compiled else None
        summary["compiled_members"] = compiled[1:]
    if getattr(args, "subroutines", False) and dk.exists():
        summary["subroutines"] = _learn_subroutines(dk, Path(args.domain), [Path(t) for t in args.tasks],
                                                    args.search, min(float(args.time_limit), 60.0))
    if args.install and dk.exists():
        summary["installed"] = str(_install(dk, Path(args.domain)))
        print(f"Installed for `--heuristic auto`: {summary['installed']}", file=sys.stderr)
    if args.json:
        print(json.dumps(summary, default=str))
    for record in result.records:
        print(f"sample {record.sample_index:3d} round {record.provenance.get('repair_round', 0)}: "
              f"{record.reason()}", file=sys.stderr)
    if dk.exists():
        if len(result.portfolio) > 1:
            print(f"Portfolio: samples {', '.join(str(r.sample_index) for r in result.portfolio)} "
                  f"together solve {summary['portfolio_solved']} training tasks "
                  f"(the best alone {summary['best_solved']}).", file=sys.stderr)
        return int(ExitCode.SUCCESS)
    print("No candidate solved any training task.", file=sys.stderr)
    return int(ExitCode.SEARCH_UNSOLVED_INCOMPLETE)


def _translate(args: argparse.Namespace, dk: Path, sampler: Any, work: Path) -> dict[str, Any]:
    """The kernel translation of DK's heuristic (planner.llm.translate); prints
    one line per answer and the outcome on stderr."""
    from planner.llm.translate import TranslationSettings, translate

    settings = TranslationSettings(samples=args.kernel_samples, repair_rounds=args.repair_rounds,
                                   tasks=args.kernel_tasks, memory_mb=args.memory_limit // 2**20)
    say = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    result = translate(args.domain, args.tasks, dk, sampler, settings, work, notify=say)
    summary = result.summary()
    if result.error:
        say(f"Kernel form: not checked: {result.error}")
    elif result.output is None:
        say("Kernel form: no answer computed the Python form's values; none written.")
    else:
        say(f"Kernel form ({'selected' if result.selected else 'kept, not selected: not faster everywhere'})"
            f": sample {summary['best_sample']} round {summary['best_round']}, speed-up "
            f"{', '.join(f'{x}x' for x in summary['speedups'])} -> {result.output}")
    return summary


def _check_kernel_only(dk: Path, domain: Path) -> None:
    """--kernel-only needs DK: a Python heuristic learned for this domain."""
    from planner.heuristics.format import domain_fingerprint, read_provenance
    from planner.heuristics.kernel import KERNEL_CLASS_NAME

    if not dk.is_file():
        raise ArgumentError("--kernel-only translates the heuristic in DK, and there is none", path=dk)
    try:
        meta = read_provenance(dk)
    except LLMError as err:
        raise ArgumentError(str(err), path=dk) from None
    if meta.get("class_name") == KERNEL_CLASS_NAME:
        raise ArgumentError("DK is already a kernel program", path=dk)
    if meta.get("domain_fingerprint") != domain_fingerprint(domain.read_text(encoding="utf-8")):
        raise ArgumentError("DK was learned for another domain", path=dk)


def _learn_subroutines(dk: Path, domain: Path, tasks: list[Path], search: str,
                       time_limit: float) -> dict[str, Any]:
    """Mine and gate subroutines with DK's heuristic (jailed, as `planner
    plan` runs it) and put the library, even an empty one with the rejected
    candidates and reasons, in DK's header. Held out: every third training
    task (at least one); mined: the others (all tasks when there are fewer
    than three). Per run at most 60 s (or --time-limit): the gate compares
    runs, it needs no long ones."""
    from planner.heuristics.format import add_to_provenance
    from planner.heuristics.loader import load_learned_portfolio
    from planner.subroutines.learn import learn_library

    heldout = tasks[2::3] or tasks[-1:]
    mining = [t for t in tasks if t not in heldout] or tasks
    portfolio = load_learned_portfolio(dk, domain)
    report = learn_library(domain, mining, heldout, search=search, heuristic=portfolio,
                           time_limit=time_limit, write=False, config_heuristic="dk",
                           progress=lambda line: print(f"subroutines: {line}", file=sys.stderr, flush=True))
    add_to_provenance(dk, subroutines=report.library.to_json())
    kept = [s.describe() for s in report.library.subroutines]
    print(f"Subroutines kept in {dk}: {len(kept)}" + (f" ({'; '.join(kept)})" if kept else ""),
          file=sys.stderr)
    return {"kept": kept, "rejected": len(report.library.rejected), "time": round(report.time, 2)}


def _install(dk: Path, domain: Path) -> Path:
    """Copy DK (and its provenance sidecar) into the per-user heuristic store,
    never into the installed package."""
    from planner.heuristics.store import user_heuristics_dir
    from planner.heuristics.format import default_path
    from planner.util.atomic import atomic_write_text

    root = user_heuristics_dir()
    if root is None:
        raise ArgumentError("--install needs platformdirs to locate the per-user data directory")
    target = default_path(domain, root=root)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, dk.read_text(encoding="utf-8"))
    compiled = Path(f"{dk}.ext")
    if compiled.is_dir():  # modules are named by the code's sha256, so they stay valid
        shutil.copytree(compiled, Path(f"{target}.ext"), dirs_exist_ok=True)
    sidecar = dk.with_name(dk.name + ".json")
    if sidecar.exists():
        atomic_write_text(target.with_name(target.name + ".json"), sidecar.read_text(encoding="utf-8"))
    _install_kernel(dk, target)
    return target


def _install_kernel(dk: Path, target: Path) -> None:
    """DK.kernel.py (if --kernel wrote one for DK's current heuristic) beside the
    installed copy, its record naming that copy as its Python form."""
    from planner.heuristics.format import file_digest, stored_code, write_heuristic
    from planner.heuristics.kernel import KERNEL_CLASS_NAME
    from planner.llm.translate import kernel_path, stored_kernel_meta

    source = kernel_path(dk)
    if not source.is_file():
        return
    record = stored_kernel_meta(source)
    code = stored_code(dk)
    if record.get("python_form_sha256") != file_digest(code):
        return  # the kernel form of an earlier DK: not this heuristic's
    record.pop("file_sha256", None)
    record.pop("class_name", None)
    record["python_form"] = target.name
    write_heuristic(kernel_path(target), stored_code(source), KERNEL_CLASS_NAME, record)


def _compile(dk: Path) -> list[str | None]:
    """Compile DK's heuristic and each portfolio member with Cython (one
    module per code hash, beside DK); a failure only costs speed, so it is a
    warning. Returns the module paths, DK's first (None where it failed)."""
    from planner.heuristics.compile import compile_heuristic
    from planner.heuristics.static_check import check
    from planner.heuristics.format import read_provenance

    codes = [dk.read_text(encoding="utf-8")]
    codes += [m["code"] for m in read_provenance(dk).get("portfolio") or [] if isinstance(m.get("code"), str)]
    out: list[str | None] = []
    for code in codes:
        try:
            out.append(str(compile_heuristic(check(code).code, dk)))
        except LLMError as err:
            print(f"planner: warning: {err}; `planner plan` will use the Python heuristic",
                  file=sys.stderr)
            out.append(None)
    return out


def _check_learn_args(args: argparse.Namespace) -> None:
    if not args.model:
        raise ArgumentError(f"no model given: use --model or set {MODEL_ENV}")
    for path in [args.domain, *args.tasks]:
        if not Path(path).is_file():
            raise ArgumentError(f"file not found: {path}", path=path)
    for name in ("samples", "concurrency", "workers", "portfolio_size", "kernel_samples", "kernel_tasks"):
        if getattr(args, name) < 1:
            raise ArgumentError(f"--{name.replace('_', '-')} must be at least 1")
    if args.repair_rounds < 0:
        raise ArgumentError("--repair-rounds must be >= 0")


@contextmanager
def _stop_on_sigterm(dk: Path) -> Iterator[None]:
    """On SIGTERM (the IPC's learning limit) kill the sandbox workers and exit at
    once: everything worth keeping (DK, DK.N, cache, results) is already written
    atomically, and waiting for in-flight LLM requests could outlast the grace period."""
    from planner.llm.sandbox import kill_all_workers

    def handler(signum: int, frame: Any) -> None:
        kill_all_workers()
        kept = dk.exists()
        print(f"Terminated; {'keeping ' + str(dk) if kept else 'no heuristic learned yet'}.",
              file=sys.stderr, flush=True)
        os._exit(int(ExitCode.SUCCESS if kept else ExitCode.SEARCH_UNSOLVED_INCOMPLETE))

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        kill_all_workers()
