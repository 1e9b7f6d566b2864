"""Notebook 07, learning by doing: the glass box's replay stand-in, predictions and exercise checkers.

Every checker runs on the learner's own ``measure_start`` results (live or replayed) and never raises
(:func:`vlab.core.exercise.checker`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vlab.core.exercise import Feedback, checker, is_blank, passed, wrong
from vlab.core.i18n import N_, _
from vlab.core.lifecycle import HOST_PHASES
from vlab.core.results import Results

__all__ = ["baseline_start", "check_bridge_ratio", "check_start_stats", "compare_predictions", "recorded_trial"]

#: numpy's percentile methods: a p95 computed with any of them is accepted.
_METHODS = ("linear", "lower", "higher", "nearest", "midpoint", "inverted_cdf", "averaged_inverted_cdf",
            "closest_observation", "interpolated_inverted_cdf", "hazen", "weibull", "median_unbiased",
            "normal_unbiased")


def recorded_trial() -> tuple[dict[str, float], str]:
    """Replay stand-in for the glass-box cell: one recorded baseline trial's phases (ms) and a note."""
    from vlab.core import replay

    res = replay.load("start")
    s = res.samples
    rows = s[(s["config"] == "baseline") & ~s["warmup"].astype(bool) & s["phase"].isin(HOST_PHASES)]
    first = rows[rows["trial"] == rows["trial"].min()]
    phases = {p: float(first.loc[first["phase"] == p, "ms"].iloc[0]) for p in HOST_PHASES if p in set(first["phase"])}
    return phases, _("replay: no engine here; one baseline trial as recorded on a real machine.")


def baseline_start(res: Results, phase: str = "start", config: str = "baseline") -> pd.Series:
    """The measured (not warm-up) times of one phase in one configuration, in ms."""
    s = res.samples
    return s[(s["config"] == config) & (s["phase"] == phase) & ~s["warmup"].astype(bool)]["ms"]


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


@checker
def check_start_stats(median_ms, p95_ms, res: Results) -> Feedback:
    """Exercise: the median and p95 of the baseline's `start` phase, warm-up excluded."""
    x = baseline_start(res).to_numpy(dtype=float)
    if x.size == 0:
        return wrong(_("these results have no baseline `start` trials"), _("Run measure_start() first."))
    if not isinstance(median_ms, int | float | np.number) or not isinstance(p95_ms, int | float | np.number):
        return wrong(_("give two numbers (milliseconds)"), _("A Series' .median() and .quantile(0.95) return numbers."))
    median = float(np.median(x))
    p95s = [float(np.percentile(x, 95, method=m)) for m in _METHODS]
    if not _close(median_ms, median):
        s = res.samples
        with_warm = s[(s["config"] == "baseline") & (s["phase"] == "start")]["ms"]
        every_config = s[(s["phase"] == "start") & ~s["warmup"].astype(bool)]["ms"]
        if _close(median_ms, float(with_warm.median())):
            return wrong(_("your median includes the warm-up trial"), _("Keep only rows where warmup is False."))
        if _close(median_ms, float(every_config.median())):
            return wrong(_("your median mixes every configuration"), _("Keep only config == 'baseline'."))
        if _close(median_ms, float(x.mean())):
            return wrong(_("{median_ms:.2f} ms is the mean, not the median").format(median_ms=median_ms),
                         _("Use .median()."))
        return wrong(_("{median_ms:.2f} ms is not the median of your {size} baseline start trials").format(
                         median_ms=median_ms, size=x.size),
                     _("Filter config == 'baseline', phase == 'start', warmup False; then take the `ms` column."))
    if not any(_close(p95_ms, p) for p in p95s):
        if _close(p95_ms, float(x.max())):
            return wrong(_("that is the maximum; p95 is the time that 95 in 100 trials stay under"),
                         _("Use .quantile(0.95)."))
        if _close(p95_ms, float(np.percentile(x, 5))):
            return wrong(_("that is the 5th percentile, not the 95th"), _("quantile takes a fraction: 0.95."))
        return wrong(_("{p95_ms:.2f} ms is not the p95 of your trials (pandas gives {p95s:.2f} ms)").format(
                         p95_ms=p95_ms, p95s=p95s[0]),
                     _("Use .quantile(0.95) on the same filtered times."))
    return passed(_("median {median:.1f} ms, p95 {p95_ms:.1f} ms over {size} trials: half of your starts "
                    "took under {median:.1f} ms, and the slowest 5 % took longer than {p95_ms:.1f} ms.").format(
                      median=median, p95_ms=p95_ms, size=x.size))


def _median_total(res: Results, config: str) -> float:
    return float(baseline_start(res, "total", config).median())


@checker
def check_bridge_ratio(ratio, extra_ms, res: Results) -> Feedback:
    """Exercise: median total with a bridge network over the baseline's, and the extra milliseconds."""
    configs = set(res.samples["config"])
    if "network:bridge" not in configs:
        return wrong(_("these results have no network:bridge configuration"), _("Run measure_start() with defaults."))
    bridge, base = _median_total(res, "network:bridge"), _median_total(res, "baseline")
    if not isinstance(ratio, int | float | np.number) or not isinstance(extra_ms, int | float | np.number):
        return wrong(_("give two numbers: a ratio and milliseconds"), _("Divide and subtract two medians."))
    if not _close(ratio, bridge / base):
        if _close(ratio, base / bridge):
            return wrong(_("{ratio:.3f} is baseline / bridge, upside down").format(ratio=ratio),
                         _("ratio = bridge median / baseline median."))
        return wrong(_("{ratio:.3f} is not your bridge/baseline ratio of median totals").format(ratio=ratio),
                     _("Use the `total` phase, warm-up excluded, median per configuration."))
    if not _close(extra_ms, bridge - base):
        return wrong(_("{extra_ms:.2f} ms is not the difference of the two medians").format(extra_ms=extra_ms),
                     _("extra = bridge median − baseline median."))
    return passed(_("a bridge network makes your median start {ratio:.2f}× as long, {extra_ms:+.1f} ms: a"
                    " veth pair, an address and a bridge port are set up on every start.").format(
                      ratio=ratio, extra_ms=extra_ms))


_WHY = {
    "start": N_("In *start* runc builds the namespaces and cgroups, mounts the root filesystem and executes the "
                "program; create and remove are the engine's bookkeeping on disk."),
    "exit": N_("*exit* covers the program's run and the engine noticing its end; a slow wake-up of the engine's "
               "event path makes it long on some machines."),
    "create": N_("*create* prepares the writable layer and the configuration on disk; a slow disk makes it long."),
    "remove": N_("*remove* deletes the writable layer; a slow disk makes it long."),
}


def compare_predictions(longest, bridge_extra_ms, res: Results) -> str:
    """Set the learner's predictions (longest phase; extra ms of a bridge) against the measurement."""
    s = res.samples
    base = s[(s["config"] == "baseline") & ~s["warmup"].astype(bool) & s["phase"].isin(HOST_PHASES)]
    med = base.groupby("phase")["ms"].median()
    top = str(med.idxmax())
    lines = [_("Longest baseline phase on your machine: {top} ({ms:.1f} ms of {total:.1f} ms).").format(
        top=top, ms=med.max(), total=float(med.sum()))]
    if is_blank(longest) or longest is None:
        lines.append(_("  You made no prediction."))
    elif longest == top:
        lines.append(_("  You predicted {longest!r}: right.").format(longest=longest))
    else:
        lines.append(_("  You predicted {longest!r} ({ms:.1f} ms). {why}").format(
                         longest=longest, ms=med.get(longest, float("nan")), why=_(_WHY[top]) if top in _WHY else ""))
    if "network:bridge" in set(s["config"]):
        extra = _median_total(res, "network:bridge") - _median_total(res, "baseline")
        lines.append(_("A bridge network added {extra:+.1f} ms to the median start.").format(extra=extra))
        if is_blank(bridge_extra_ms) or bridge_extra_ms is None:
            lines.append(_("  You made no prediction."))
        else:
            lines.append(_("  You predicted {bridge_extra_ms:+.1f} ms (off by {value:+.1f} ms). A bridge "
                           "costs real work on every start: a virtual ethernet pair, moving one end into "
                           "the container's network namespace, an address and a port on the bridge; that "
                           "is tens of ms on most machines, not microseconds.").format(
                             bridge_extra_ms=float(bridge_extra_ms), value=extra - float(bridge_extra_ms)))
    return "\n".join(lines)
