"""Overhead lab, ``vlab bench overhead`` and the recording (``RECORDINGS``)."""

from __future__ import annotations

from vlab.core import interleave, settings
from vlab.core.i18n import _
from vlab.core.results import Results, check_output_path
from vlab.core.runtimes import gvisor_if_working, not_in_recording
from vlab.labs.overhead.analysis import memory_table, ratio_table
from vlab.labs.overhead.live import measure, run_live
from vlab.labs.overhead.workloads import GROUPS, KIND, OVERHEAD_RULE, Settings

__all__ = ["RECORDINGS", "add_cli_arguments", "format_report", "missing_runtimes", "run_cli"]


def add_cli_arguments(parser) -> None:
    """Arguments of ``vlab bench overhead``."""
    parser.add_argument("--trials", type=int, default=None,
                        help="exactly N runs per configuration (default: the stopping rule below; quick 5)")
    parser.add_argument("--only", nargs="+", metavar="GROUP", choices=list(GROUPS),
                        help=f"measure only these groups ({' '.join(GROUPS)}); default all")
    parser.add_argument("--json", metavar="PATH", help="write the results (samples, summary, ratios) as JSON")
    parser.add_argument("--quick", action="store_true", help="few trials and small sizes (also VLAB_QUICK=1)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the randomised run order (default 0)")
    parser.add_argument("--runtime", action="append", default=None, metavar="NAME",
                        help="also measure under this runtime, e.g. runsc (gVisor), interleaved with runc; "
                             "repeatable (`vlab doctor` lists the working runtimes)")
    interleave.add_cli_arguments(parser, OVERHEAD_RULE)


def run_cli(args) -> int:
    """``vlab bench overhead``: measure, print ratios with CIs, write JSON if asked."""
    path = check_output_path(args.json) if args.json else None
    quick = bool(args.quick) or settings.quick()
    extra = {"runtimes": tuple(args.runtime)} if getattr(args, "runtime", None) else {}
    extra.update({k: v for k, v in interleave.cli_options(args).items() if v is not None})
    res = measure(trials=args.trials, only=args.only, quick=quick, seed=args.seed, progress=True, save_to=path,
                  **extra)
    if res.replayed and extra.get("runtimes"):
        print(not_in_recording(missing_runtimes(res, extra["runtimes"])))
    print(format_report(res))
    if path is not None:
        print(_("wrote {path}").format(path=path))
    return 130 if res.partial else 0


def format_report(res: Results) -> str:
    """Plain-text report: ratios with CIs, then memory."""
    lines = ["vlab overhead" + (_(" (REPLAYED recording)") if res.replayed else "")
             + (_(" (PARTIAL: interrupted)") if res.partial else "") + _(": time ratio, >1 = slower than baseline")]
    rt = ratio_table(res)
    for r in rt.itertuples():
        lines.append(f"  {r.metric:15s} {r.config:21s} / {r.baseline:20s} {r.ratio:6.3f}  "
                     f"[95% CI {r.ci_low:.3f}–{r.ci_high:.3f}]  n={r.n_num}/{r.n_den}")
    mem = memory_table(res)
    for r in mem.itertuples():
        lines.append(f"  memory          {r.item:24s} {r.MiB:8.2f} MiB  (n={r.n})")
    stop = res.extra.get("stopping")
    if stop:
        lines.append("  " + _("precision: {precision}; rule: {rule}").format(
            precision=interleave.describe(stop), rule=interleave.describe_rule(stop.get("rule"))))
    return "\n".join(lines)


def missing_runtimes(res: Results, runtimes) -> list[str]:
    """The runtimes asked for with no ``CONFIG:NAME`` configuration in ``res`` (a replayed recording made
    without them)."""
    configs = set(res.samples["config"]) if "config" in res.samples else set()
    return [r for r in runtimes or () if not any(c.endswith(f":{r}") for c in configs)]


def _record(quick: bool) -> Results:
    """runc against native, and gVisor's twin configurations too when runsc works here (``vlab record``)."""
    return run_live(Settings.for_mode(quick, runtimes=gvisor_if_working(), **({} if quick else {"trials": 10})),
                    progress=True)


RECORDINGS = {KIND: _record}
