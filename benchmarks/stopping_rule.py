"""Benchmark of the stopping rule (a benchmark, not a test): what does stopping when precise enough cost?

In one run it measures the same start-time configurations twice with ``measure_start``:

1. under the stopping rule (default ``START_RULE``: every median total within ±5 %, or the budget spent);
2. with a fixed 30 trials (what vlab did before the rule),

and reports, for each, the rounds and seconds it took and the precision each configuration's median
reached; then, per configuration, the ratio of the two medians (rule ÷ fixed) with a bootstrap 95 % CI.
The medians agree when that CI holds 1. The rule decides per round, so its trials cannot be interleaved
with the fixed run's one by one; instead the whole runs alternate in the order rule, fixed, fixed, rule
(ABBA, ``--order``), and each arm's values are pooled, so a machine that drifts steadily during the
benchmark moves both arms alike. Seconds and rounds are given per run of each arm.

    .venv/bin/python benchmarks/stopping_rule.py [--configs network] [--fixed 30] [--budget 20] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time

from vlab.core import interleave
from vlab.core.errors import VlabError
from vlab.core.lifecycle import TOTAL
from vlab.core.results import Results, atomic_write_json, check_output_path
from vlab.core.stats import ratio_ci
from vlab.labs.start_time.phases import VARIANTS, measure_start


def totals(res: Results) -> dict[str, list[float]]:
    """Host-clock totals per configuration, warm-up left out."""
    s = res.samples
    s = s[(s["phase"] == TOTAL) & (s["clock"] == "host") & (~s["warmup"].astype(bool))]
    return {str(k): list(g["ms"]) for k, g in s.groupby("config", sort=False)}


def _finite(x: float) -> float | None:
    """Rounded, or None when unknown (fewer than six values give no 95 % interval)."""
    return round(x, 4) if math.isfinite(x) else None


def run(configs: list[str], fixed: int, budget: float | None, seed: int, order: str = "ABBA") -> dict:
    """The runs (A = rule, B = fixed, in ``order``) and the comparison, as one JSON-ready dict."""
    out: dict = {"configs": configs, "fixed_trials": fixed, "order": order}
    arms = {"A": ("rule", {"budget": budget}), "B": ("fixed", {"trials": fixed})}
    runs: dict[str, dict[str, list[float]]] = {"rule": {}, "fixed": {}}
    per_run: dict[str, list[dict]] = {"rule": [], "fixed": []}
    for i, arm in enumerate(order):
        label, kwargs = arms[arm]
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        t0 = time.monotonic()
        res = measure_start(variants=configs, seed=seed + i, progress=False, **kwargs)
        seconds = time.monotonic() - t0
        stop = res.extra.get("stopping") or {}
        vals = totals(res)
        for cfg, values in vals.items():
            runs[label].setdefault(cfg, []).extend(values)
        per_run[label].append({"rule": interleave.describe_rule(stop.get("rule")), "reason": stop.get("reason"),
                               "rounds": stop.get("rounds"), "seconds_measuring": stop.get("seconds"),
                               "seconds_total": round(seconds, 2), "summary": stop.get("summary"),
                               "precision": {k: _finite(interleave.relative_half_width(v)) for k, v in vals.items()}})
    for label, done in per_run.items():
        out[label] = {
            "runs": done,
            "rule": done[0]["rule"],
            "reason": " / ".join(dict.fromkeys(str(r["reason"]) for r in done)),
            "rounds": round(sum(r["rounds"] or 0 for r in done) / len(done), 1),
            "seconds_total": round(sum(r["seconds_total"] for r in done) / len(done), 2),
            "precision": done[0]["precision"] if len(done) == 1 else
            {k: _finite(interleave.relative_half_width(v)) for k, v in runs[label].items()},
        }
    out["ratio_rule_over_fixed"] = {}
    for cfg in runs["rule"]:
        if cfg in runs["fixed"]:
            r = ratio_ci(runs["rule"][cfg], runs["fixed"][cfg])
            kept = {k: round(v, 4) for k, v in r.items() if k.startswith(("ratio", "ci"))}
            out["ratio_rule_over_fixed"][cfg] = {**kept, "agree": bool(r["ci_low"] <= 1 <= r["ci_high"])}
    out["time_saved"] = round(1 - out["rule"]["seconds_total"] / out["fixed"]["seconds_total"], 3)
    return out


def report(out: dict) -> str:
    lines = [f"stopping rule (A) vs fixed {out['fixed_trials']} trials (B), runs in the order {out['order']}; "
             f"configurations: baseline + {', '.join(out['configs'])}"]
    for label in ("rule", "fixed"):
        r = out[label]
        prec = ", ".join(f"{k} ±{v * 100:.1f} %" if v is not None else f"{k} ± ? (under 6 trials)"
                         for k, v in r["precision"].items())
        lines.append(f"  {label:5s} {r['rounds']:>6} rounds  {r['seconds_total']:6.1f} s per run  "
                     f"({r['reason']}; {r['rule']})")
        lines.append(f"        precision of the pooled runs: {prec}")
    lines.append("  median total, rule ÷ fixed (bootstrap 95 % CI):")
    for cfg, r in out["ratio_rule_over_fixed"].items():
        lines.append(f"    {cfg:16s} {r['ratio']:.3f}  [{r['ci_low']:.3f}, {r['ci_high']:.3f}]  "
                     f"{'agree' if r['agree'] else 'DIFFER'}")
    lines.append(f"  time saved by the rule: {out['time_saved'] * 100:.0f} %")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--configs", nargs="*", default=["network"], choices=[v for v in VARIANTS if v != "runtime"],
                    help="variants beside the baseline (default: network)")
    ap.add_argument("--fixed", type=int, default=30, help="trials of the fixed run (default 30)")
    ap.add_argument("--budget", type=float, default=None, help="budget of the rule run (default: START_RULE's)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--order", default="ABBA", help="A = a rule run, B = a fixed run (default ABBA: drift cancels)")
    ap.add_argument("--json", metavar="PATH", default=None)
    args = ap.parse_args(argv)
    if not args.order or set(args.order) - {"A", "B"} or not {"A", "B"} <= set(args.order):
        ap.error("--order needs at least one A (rule run) and one B (fixed run), nothing else, e.g. ABBA")
    path = check_output_path(args.json) if args.json else None
    try:
        out = run(args.configs, args.fixed, args.budget, args.seed, args.order)
    except VlabError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(report(out))
    if path:
        atomic_write_json(path, out)
        print(f"wrote {path}")
    else:
        print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
