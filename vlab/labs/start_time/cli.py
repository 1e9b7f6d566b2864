"""``vlab bench start`` and the start-time recordings."""


from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from vlab.core import interleave, settings
from vlab.core.errors import VlabError
from vlab.core.i18n import _
from vlab.core.lifecycle import HOST_PHASES, TOTAL
from vlab.core.results import Results
from vlab.core.runtimes import gvisor_if_working, not_in_recording
from vlab.core.validate import number
from vlab.labs.start_time.concurrency import default_levels, measure_concurrency
from vlab.labs.start_time.ladder import measure_ladder
from vlab.labs.start_time.phases import (
    START_RULE,
    VARIANTS,
    check_seed,
    check_warmup,
    configurations,
    measure_start,
    stop_rule,
)

__all__ = [
    "RECORDINGS", "add_cli_arguments", "daemon_event_lines", "failure_lines", "format_summary", "missing_runtimes",
    "ratio_line", "run_cli", "side_path", "stopping_lines"
]

# ---------------------------------------------------------------- recordings and command line
def _record_start(quick: bool) -> Results:
    """Every variant, ``runtime`` included: each runtime the engine lists beside runc (gVisor's ``runsc`` when it
    is registered; a listed one that cannot run is skipped with its reason), so a re-recording captures it."""
    variants = list(VARIANTS) + [f"runtime:{r}" for r in gvisor_if_working()]
    return measure_start(10 if quick else 30, variants=variants, progress=False)


RECORDINGS: dict[str, Callable[[bool], Results]] = {
    "start": _record_start,
    "ladder": lambda quick: measure_ladder(10 if quick else 30, progress=False),
    "concurrency": lambda quick: measure_concurrency([1, 2, 4, 8, 16] if quick else default_levels(False),
                                                     rounds=1 if quick else 3, progress=False, budget=None),
}


def add_cli_arguments(parser) -> None:
    """Options of ``vlab bench start``."""
    parser.add_argument("--trials", type=int, default=None, metavar="N",
                        help="exactly N timed rounds per configuration after the warm-up (default: the "
                             "stopping rule below; 3 with --quick)")
    parser.add_argument("--network", choices=["none", "bridge"], default="none",
                        help="network of the baseline configuration; the 'network' variant uses the other one "
                             "(default none)")
    parser.add_argument("--configs", nargs="+", choices=VARIANTS, default=None, metavar="VARIANT",
                        help=f"variants compared with the baseline, each changing one factor: {', '.join(VARIANTS)} "
                             "(default: all; runtime = every other runtime the engine lists)")
    parser.add_argument("--runtime", action="append", default=None, metavar="NAME",
                        help="compare the baseline (runc) with this runtime, e.g. runsc (gVisor); repeatable. "
                             "Without --configs only the runtimes are compared; `vlab doctor` lists working ones")
    parser.add_argument("--warmup", type=int, default=1, metavar="N",
                        help="untimed warm-up rounds, kept in the JSON but left out of the summary (default 1)")
    parser.add_argument("--ladder", action="store_true",
                        help="also measure the latency ladder (native, runc, SDK, CLI, CLI+bridge); "
                             "saved next to --json as PATH-stem.ladder.json")
    parser.add_argument("--concurrency", action="store_true",
                        help="also run the concurrency sweep (k = 1, 2, 4 … 64; 1, 2, 4 with --quick); "
                             "saved as PATH-stem.concurrency.json")
    parser.add_argument("--concurrency-budget", type=float, default=60.0, metavar="SECONDS",
                        help="time budget of the concurrency sweep: a level that would not fit is left out and "
                             "named in the JSON (default 60)")
    parser.add_argument("--quick", action="store_true", help="few trials, for a fast look or CI")
    parser.add_argument("--seed", type=int, default=0, help="seed of the interleaving order (default 0)")
    parser.add_argument("--json", metavar="PATH", default=None,
                        help="write results as JSON (format: docs/results-format.md); written atomically, and "
                             "also after Ctrl-C with \"partial\": true")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    interleave.add_cli_arguments(parser, START_RULE)


def side_path(path: Path, kind: str) -> Path:
    """out.json → out.ladder.json: where the extra measurements of one CLI run go."""
    return path.with_name(f"{path.stem}.{kind}{path.suffix or '.json'}")


def run_cli(args) -> int:
    """``vlab bench start``: measure headless, print the summary, write JSON."""
    from vlab.core.results import check_output_path

    quick = bool(args.quick) or settings.quick()
    opts = interleave.cli_options(args)
    trials = args.trials
    if trials is None and quick and not any(v is not None for v in opts.values()):
        trials = 3
    stop_rule(trials, START_RULE, **opts)  # check before any container starts
    check_warmup(args.warmup)
    check_seed(args.seed)
    if getattr(args, "concurrency_budget", None) is not None:
        number("--concurrency-budget", args.concurrency_budget, 0, 86_400, "For example --concurrency-budget 30.",
               lo_open=True)
    path = check_output_path(args.json) if args.json else None
    variants = args.configs
    if getattr(args, "runtime", None):
        variants = [*(args.configs or []), *(f"runtime:{r}" for r in args.runtime)]
    configurations(args.network, variants)  # validate before any container starts
    progress = not args.no_progress
    interrupted = False

    def finish(res: Results, p: Path | None) -> None:
        nonlocal interrupted
        print(format_summary(res))
        if p:
            res.save(p)
            print(_("wrote {path}").format(path=p) + (_(" (partial: interrupted)") if res.partial else ""))
        interrupted = interrupted or res.partial

    try:
        res = measure_start(trials, network=args.network, variants=variants, warmup=args.warmup,
                            seed=args.seed, progress=progress, **opts)
    except VlabError as exc:
        if isinstance(exc.partial, Results) and path:
            exc.partial.save(path)
            print(_("wrote partial results to {path}").format(path=path))
        raise
    if res.replayed and getattr(args, "runtime", None):
        print(not_in_recording(missing_runtimes(res, args.runtime)))
    finish(res, path)
    if args.ladder and not interrupted:
        finish(measure_ladder(trials, seed=args.seed, warmup=args.warmup, progress=progress, **opts),
               side_path(path, "ladder") if path else None)
    if args.concurrency and not interrupted:
        finish(measure_concurrency(default_levels(quick), progress=progress, budget=args.concurrency_budget),
               side_path(path, "concurrency") if path else None)
    return 130 if interrupted else 0


def missing_runtimes(res: Results, runtimes) -> list[str]:
    """The runtimes asked for that have no ``runtime:NAME`` configuration in ``res`` (a replayed recording
    made without them)."""
    configs = set(res.samples["config"]) if "config" in res.samples else set()
    return [r for r in runtimes or () if f"runtime:{r}" not in configs]


def ratio_line(row) -> str:
    """One 'config ratio [low, high]' line; no interval claimed from fewer than MIN_VALUES_FOR_CI trials a side."""
    n = min(int(getattr(row, "n_num", 0) or 0), int(getattr(row, "n_den", 0) or 0))
    if n and n < interleave.MIN_VALUES_FOR_CI:
        return f"  {row.config:<16} {row.ratio:5.2f}  " + _("[?, ?] (too few trials for a 95 % CI)")
    return f"  {row.config:<16} {row.ratio:5.2f}  [{row.ci_low:.2f}, {row.ci_high:.2f}]"


def format_summary(res: Results) -> str:
    """A compact text table for the terminal."""
    lines = [f"vlab {res.kind}" + (_(" (partial: interrupted)") if res.partial else "")
             + (_(" (replayed recording)") if res.replayed else "")]
    s = res.summary
    if s.empty:
        return lines[0] + _(": no samples")
    if res.kind == "start":
        s = s[s["clock"] == "host"]
        table = s.pivot_table(index="config", columns="phase", values="median", sort=False)
        table = table[[p for p in (*HOST_PHASES, TOTAL) if p in table.columns]]
        lines.append(_("median ms per phase (host clock):"))
        lines.append(table.round(1).to_string())
        r = pd.DataFrame(res.extra.get("ratios") or [])
        if not r.empty:
            lines.append(_("total vs baseline (ratio of medians, 95% CI):"))
            lines += [ratio_line(row) for row in r.itertuples()]
        lines += failure_lines(res) + daemon_event_lines(res)
    elif res.kind == "ladder":
        lines.append(s[["rung", "n", "median", "p95", "min", "ci_low", "ci_high"]].round(2).to_string(index=False))
        for rung, why in (res.extra.get("skipped") or {}).items():
            lines.append(_("  skipped {rung}: {why}").format(rung=rung, why=why))
    else:
        lines.append(s.round(1).to_string(index=False))
    lines += stopping_lines(res)
    return "\n".join(lines)


def daemon_event_lines(res: Results) -> list[str]:
    """When some containers have no daemon-clock timings: how many, and why the event stream ended."""
    ev = res.extra.get("daemon_events") or {}
    if not ev.get("without_daemon_events"):
        return []
    line = _("daemon clock missing for {n} of {total} containers (their d_ phases are absent)").format(
        n=ev["without_daemon_events"], total=ev.get("containers", "?"))
    if ev.get("stream_ended_early"):
        line += _(": the event stream ended early ({why})").format(why=ev["stream_ended_early"])
    return [line]


def failure_lines(res: Results) -> list[str]:
    """Configurations skipped at warm-up and trials dropped because they failed (a non-zero exit included)."""
    lines = [_("  skipped {config}: {why}").format(config=name, why=why)
             for name, why in (res.extra.get("skipped") or {}).items()]
    failures = res.extra.get("failures") or []
    if failures:
        per = pd.Series([f["config"] for f in failures]).value_counts()
        lines.append(_("failed trials (dropped, not timed): {counts}").format(
            counts=", ".join(f"{name} {n}" for name, n in per.items())))
        lines += [f"  {f['config']} #{f['trial']}: {f['error']}" for f in failures[:3]]
    return lines


def stopping_lines(res: Results) -> list[str]:
    """How precise each median got and why the run stopped (none for recordings made before the rule)."""
    stop = res.extra.get("stopping")
    if not stop:
        return []
    prec = ", ".join(f"{k} ±{v * 100:.1f} %" if v is not None else f"{k} ± ?"
                     for k, v in (stop.get("precision") or {}).items())
    lines = [_("precision: {precision}; rule: {rule}").format(
        precision=interleave.describe(stop), rule=interleave.describe_rule(stop.get("rule")))]
    return lines + ([_("  per configuration: {precision}").format(precision=prec)] if prec else [])
