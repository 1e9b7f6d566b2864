"""Interleaved rounds with a stopping rule: the one run-order helper of every repeated measurement.

Every configuration runs once per round, in a fresh seeded shuffle each round, so slow drifts of
a shared machine hit all configurations alike, and a run stopped early still holds whole rounds
of every configuration (equal trial counts).

Between rounds the stopping rule (:class:`StopRule`) is checked: stop when the bootstrap 95 % CI
of every compared median is within ``precision`` (relative half-width, default ±5 %), or when
the time ``budget`` is spent, never before ``min_trials`` and never after ``max_trials`` rounds.
The budget bounds the whole run, warm-up included: a round that would not fit in what is left
is not started (its time is estimated from the rounds so far), so a run ends within about the
budget plus one round; one timed round always runs, and a warm-up round that would leave no room
for it is skipped (and the report says so). A precision is only claimed from at least
``MIN_VALUES_FOR_CI`` values: with fewer, no interval of the data reaches 95 % coverage.
The rule is fixed before the first sample is seen, and the run reports it together with the
precision it reached and why it stopped, so stopping early cannot be used to pick a result.
"""

from __future__ import annotations

import math
import random
import statistics
import time
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Generic, TypeVar

from vlab.core.errors import BadParameter
from vlab.core.i18n import N_, _
from vlab.core.stats import bootstrap_ci
from vlab.core.validate import number, whole_number

__all__ = [
    "MAX_ROUNDS", "MIN_ROUNDS_FOR_BUDGET", "MIN_VALUES_FOR_CI", "N_BOOT", "REASONS", "Rounds", "StopRule", "T",
    "add_cli_arguments", "cli_options", "describe", "describe_rule", "note", "order_stat_ci", "relative_half_width",
    "rounds", "rule_for", "summary_line"
]

T = TypeVar("T")

MAX_ROUNDS = 1000
#: The budget may end a run before ``min_trials``, but not before this many timed rounds.
MIN_ROUNDS_FOR_BUDGET = 1
#: The fewest values whose order-statistic interval covers the median with ≥ 95 % (range of 6: 96.9 %);
#: below it no precision is claimed ("± ?") and no run stops on precision.
MIN_VALUES_FOR_CI = 6
N_BOOT = 400  # resamples per check: cheap enough for every round, steady to about ±0.3 % of the median
#: Why a run stopped. "fixed" = exactly N trials were asked for (``--trials N``).
REASONS = ("precision", "budget", "max_trials", "fixed", "interrupt", "error")
_WHY = {
    "precision": N_("precision reached"),
    "budget": N_("budget spent: more trials would narrow it"),
    "max_trials": N_("max trials reached: more trials would narrow it"),
    "fixed": N_("fixed number of trials"),
    "interrupt": N_("interrupted"),
    "error": N_("stopped by an error"),
}


def rounds(items: Sequence[T] | Mapping[T, object], repeats: int, seed: int, *,
           first: int = 0) -> Iterator[tuple[int, int, T]]:
    """Yield ``(round, slot, item)``: each item once per round, shuffled per round with ``seed``.

    Exactly ``repeats`` rounds, numbered from ``first`` (negative numbers for warm-up rounds).
    ``items`` is read afresh at the start of every round, so an item the caller removes is left
    out of the later rounds. :class:`Rounds` adds the stopping rule on top of this same order.
    """
    rng = random.Random(seed)
    for rnd in range(first, first + repeats):
        order = list(items)
        rng.shuffle(order)
        for slot, item in enumerate(order):
            yield rnd, slot, item


@dataclass(frozen=True)
class StopRule:
    """When to stop repeating: precision reached, budget spent, or max trials; never before min trials.

    ``precision``: target relative half-width of the bootstrap 95 % CI of each median (0.05 = ±5 %),
    or None to stop on budget/max trials only. ``budget_s``: seconds for the whole run, warm-up
    included, or None for no limit; a round that would not fit in what is left is not started.
    ``min_trials`` is the floor for stopping on precision (few values can look precise by chance;
    never fewer than ``MIN_VALUES_FOR_CI``); the budget is kept even before it, once one timed
    round is done.
    """

    precision: float | None = 0.05
    budget_s: float | None = 60.0
    min_trials: int = 5
    max_trials: int = 100
    fixed: bool = False

    def __post_init__(self) -> None:
        if self.precision is not None:
            number("precision", self.precision, 0, 1, _("For ±5 %, use precision=0.05 (on the command line: "
                                                         "--precision 5)."), lo_open=True, hi_open=True)
        if self.budget_s is not None:
            number("budget", self.budget_s, 0, 86_400, _("A number of seconds, at most a day: for example budget=30, "
                                                         "or None for no time limit."), lo_open=True)
        whole_number("min_trials", self.min_trials, 1, MAX_ROUNDS)
        whole_number("max_trials", self.max_trials, 1, MAX_ROUNDS)
        if self.min_trials > self.max_trials:
            raise BadParameter(f"min_trials={self.min_trials} is above max_trials={self.max_trials}",
                               "Give min_trials ≤ max_trials.")

    @classmethod
    def exactly(cls, n: int) -> StopRule:
        """Exactly ``n`` rounds: no precision target, no budget (what ``trials=N`` means)."""
        n = whole_number("trials", n, 1, MAX_ROUNDS)
        return cls(precision=None, budget_s=None, min_trials=n, max_trials=n, fixed=True)

    @classmethod
    def choose(cls, default: StopRule, trials: int | None = None, *, budget: float | None = None,
               precision: float | None = None, min_trials: int | None = None,
               max_trials: int | None = None) -> StopRule:
        """``trials=N`` → exactly N; else ``default`` with any given field replaced.

        ``precision`` is a fraction (0.05); ``trials`` cannot be combined with the rule's options.
        """
        opts = {"budget_s": budget, "precision": precision, "min_trials": min_trials, "max_trials": max_trials}
        given = {k: v for k, v in opts.items() if v is not None}
        if trials is not None:
            if given:
                raise BadParameter("trials=N runs exactly N trials; it cannot be combined with "
                                   f"{', '.join(sorted(given))}",
                                   "Give either trials, or the stopping rule (budget, precision, min/max trials).")
            return cls.exactly(trials)
        d = asdict(default)
        d.update(given)
        if "min_trials" in given and "max_trials" not in given:
            d["max_trials"] = max(d["max_trials"], given["min_trials"])
        if "max_trials" in given and "min_trials" not in given:
            d["min_trials"] = min(d["min_trials"], given["max_trials"])
        return cls(**d)

    def to_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        """One line, e.g. "±5 % (95 % CI of each median), budget 20 s, 5–100 trials"."""
        if self.fixed:
            return f"exactly {self.max_trials} trials"
        parts = [f"±{self.precision * 100:g} % (95 % CI of each median)" if self.precision else "no precision target"]
        parts.append(f"budget {self.budget_s:g} s" if self.budget_s else "no time budget")
        parts.append(f"{self.min_trials}–{self.max_trials} trials")
        return ", ".join(parts)


def rule_for(default: StopRule, trials: int | None = None, *, quick_trials: int = 3, budget: float | None = None,
             precision: float | None = None, min_trials: int | None = None,
             max_trials: int | None = None) -> StopRule:
    """The rule of one measurement: ``trials=N`` → exactly N; quick mode (``VLAB_QUICK``) with no rule
    option given → exactly ``quick_trials``; else ``default`` with the given options replaced."""
    from vlab.core import settings

    opts = {"budget": budget, "precision": precision, "min_trials": min_trials, "max_trials": max_trials}
    if trials is None and settings.quick() and all(v is None for v in opts.values()):
        trials = quick_trials
    return StopRule.choose(default, trials, **opts)


def order_stat_ci(values: Sequence[float], level: float = 0.95) -> tuple[float, float]:
    """Distribution-free CI of the median: order statistics ``[x(j), x(n+1-j)]`` from Binomial(n, ½).

    With fewer than six values no such interval reaches 95 %, so the whole range is returned
    (it covers the median with only 1 − 2/2ⁿ: 50 % for 2 values, 75 % for 3);
    :func:`relative_half_width` therefore reports no precision below ``MIN_VALUES_FOR_CI`` values.
    """
    vals = sorted(values)
    n = len(vals)
    j, below = 1, 1 / 2**n  # below = P(B ≤ j-1); coverage of [x(j), x(n+1-j)] is 1 - 2·below
    while 2 * (j + 1) < n + 1:
        nxt = below + math.comb(n, j) / 2**n
        if 1 - 2 * nxt < level:
            break
        below, j = nxt, j + 1
    return vals[j - 1], vals[n - j]


def relative_half_width(values: Sequence[float], *, n_boot: int = N_BOOT, seed: int = 0) -> float:
    """Half the width of the 95 % CI of the median, relative to the median (inf when unknown).

    The CI is the bootstrap percentile interval (``stats.bootstrap_ci``), widened to at least the
    distribution-free order-statistic interval: with few values the bootstrap of a median can be
    far too narrow (when the middle values happen to lie close), which would stop a run too early.
    Fewer than ``MIN_VALUES_FOR_CI`` values give inf: no interval of them reaches 95 %.
    """
    vals = [float(v) for v in values if v == v]
    if len(vals) < MIN_VALUES_FOR_CI:
        return math.inf
    lo, hi = bootstrap_ci(vals, n_boot=n_boot, seed=seed)
    olo, ohi = order_stat_ci(vals)
    lo, hi = min(lo, olo), max(hi, ohi)
    med = statistics.median(vals)
    if not med or not math.isfinite(lo) or not math.isfinite(hi):
        return math.inf
    return (hi - lo) / 2 / abs(med)


class Rounds(Generic[T]):
    """Interleaved, seeded rounds of ``items`` that stop by ``rule``. Iterate for ``(round, slot, item)``.

    ``warmup`` rounds come first (numbered -warmup … -1) and feed no precision. Feed each timed
    value with :meth:`add` (key: the configuration it belongs to); the rule is checked after every
    whole round. Call :meth:`interrupted` or :meth:`failed` when the caller stops the run itself.
    ``items`` is read afresh every round, so a configuration the caller removes is left out.

    With a budget, every round counts (warm-up too): a round is started only when the estimate of
    its time (the median timed round so far, else the last warm-up round, else ``round_estimate_s``,
    the caller's guess before anything ran) fits in what is left. One timed round always runs; a
    warm-up round that would leave no room for it is skipped (``warmup_skipped`` in the report).
    """

    def __init__(self, items: Sequence[T] | Mapping[T, object], rule: StopRule, seed: int = 0, *,
                 warmup: int = 0, progress: bool = False, desc: str = "rounds",
                 clock: Callable[[], float] = time.monotonic, round_estimate_s: float | None = None) -> None:
        self.items = items
        self.rule = rule
        self.seed = seed
        self.warmup = whole_number("warmup", warmup, 0, 100)
        self.clock = clock
        self.values: dict[str, list[float]] = {}
        self.done = 0  # timed rounds completed
        self.reason: str | None = None
        self.precision: dict[str, float] = {}
        self._t0: float | None = None
        self._t_end: float | None = None
        self._round_s: list[float] = []
        self._warm_s: list[float] = []
        self.warmup_skipped = 0  # warm-up rounds left out because the budget had no room for them
        if round_estimate_s is not None:
            number("round_estimate_s", round_estimate_s, 0, None,
                   _("Give the expected seconds of one round, or None when unknown."), lo_open=True)
        self.round_estimate_s = round_estimate_s
        self._progress = progress
        self._desc = desc
        self._bar = None

    # ------------------------------------------------------------ feeding
    def add(self, key: Hashable, value: float) -> None:
        """Record one timed value of configuration ``key`` (used by the precision check)."""
        self.values.setdefault(_key(key), []).append(float(value))

    def interrupted(self) -> None:
        """The run was stopped by Ctrl-C: reason "interrupt"."""
        self._finish("interrupt")

    def failed(self) -> None:
        """The run was stopped by an error: reason "error" (the measured rounds are kept)."""
        self._finish("error")

    # ------------------------------------------------------------ the rule
    def elapsed(self) -> float:
        if self._t0 is None:
            return 0.0
        return (self._t_end if self._t_end is not None else self.clock()) - self._t0

    def worst(self) -> float:
        """The widest relative half-width among the configurations (inf before two values each)."""
        return max(self.precision.values(), default=math.inf)

    def _measure_precision(self) -> None:
        self.precision = {k: relative_half_width(v, seed=self.seed) for k, v in self.values.items()}

    def round_estimate(self) -> float | None:
        """Seconds the next round should take: the median timed round, else the last warm-up round,
        else the caller's ``round_estimate_s`` (None: nothing known yet)."""
        if self._round_s:
            return statistics.median(self._round_s)
        if self._warm_s:
            return self._warm_s[-1]
        return self.round_estimate_s

    def check(self) -> str | None:
        """The reason to stop now, or None to run another round (called between rounds)."""
        r = self.rule
        if self.done >= r.max_trials:
            return "fixed" if r.fixed else "max_trials"
        if self.done >= max(r.min_trials, MIN_VALUES_FOR_CI) and r.precision is not None and self.precision \
                and self.worst() <= r.precision:
            return "precision"
        if r.budget_s is not None and self.done >= MIN_ROUNDS_FOR_BUDGET:
            if self.elapsed() + (self.round_estimate() or 0.0) > r.budget_s:
                return "budget"
        return None

    def _cut_warmup(self, started: float, slots_done: int, slots: int) -> bool:
        """Mid warm-up round: True (the rest of the warm-up is then skipped) when one timed round,
        estimated from the warm-up slots so far, would no longer fit in the budget."""
        budget = self.rule.budget_s
        if budget is None:
            return False
        per_round = (self.clock() - started) / slots_done * slots
        if self.elapsed() + per_round <= budget:
            return False
        self._warm_s.append(per_round)
        return True

    def _skip_warmup(self) -> bool:
        """True when a warm-up round would leave no room in the budget for one timed round."""
        budget, est = self.rule.budget_s, self.round_estimate()
        return budget is not None and est is not None and self.elapsed() + 2 * est > budget

    def _finish(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason
            self._t_end = self.clock() if self._t0 is not None else None
            self._measure_precision()
        self._close_bar()

    # ------------------------------------------------------------ iteration
    def __iter__(self) -> Iterator[tuple[int, int, T]]:
        rng = random.Random(self.seed)
        self._t0 = self.clock()
        self._open_bar()
        try:
            rnd = -self.warmup
            while True:
                if rnd < 0 and self._skip_warmup():
                    self.warmup_skipped = -rnd
                    rnd = 0
                if rnd >= 0:
                    if rnd > 0:
                        self._measure_precision()
                    why = self.check()
                    if why is not None:
                        self._finish(why)
                        return
                started = self.clock()
                order = list(self.items)
                if not order:
                    self._finish("error")
                    return
                rng.shuffle(order)
                cut = False
                for slot, item in enumerate(order):
                    yield rnd, slot, item
                    self._tick()
                    if rnd < 0 and slot + 1 < len(order) and self._cut_warmup(started, slot + 1, len(order)):
                        cut = True  # the rest of the warm-up would leave no room for one timed round
                        break
                if cut:
                    self.warmup_skipped, rnd = -rnd, 0
                    continue
                if rnd >= 0:
                    self.done += 1
                    self._round_s.append(self.clock() - started)
                else:
                    self._warm_s.append(self.clock() - started)
                rnd += 1
        finally:
            self._close_bar()

    # ------------------------------------------------------------ reporting
    def report(self) -> dict:
        """What goes into ``Results.extra["stopping"]``: the rule, why it stopped, precision per configuration."""
        return {
            "rule": self.rule.to_dict(),
            "reason": self.reason or "interrupt",
            "rounds": self.done,
            "seconds": round(self.elapsed(), 3),
            "precision": {k: _finite(v) for k, v in self.precision.items()},
            "worst_precision": _finite(self.worst()),
            "warmup_skipped": self.warmup_skipped,
            "summary": self.summary(),
        }

    def summary(self) -> str:
        """E.g. "±3.1 % after 14 rounds (precision reached)"."""
        return summary_line(self.worst(), self.done, self.elapsed(), self.reason or "interrupt", tr=str,
                            warmup_skipped=self.warmup_skipped)

    # ------------------------------------------------------------ progress bar
    def _open_bar(self) -> None:
        if not self._progress:
            return
        from tqdm.auto import tqdm

        budget = self.rule.budget_s
        total = float(budget) if budget else float(self.rule.max_trials + self.warmup)
        self._bar = tqdm(total=total, desc=self._desc, leave=False, bar_format="{desc} |{bar}|")
        self._tick()

    def _tick(self) -> None:
        if self._bar is None:
            return
        r = self.rule
        if r.budget_s:
            self._bar.n = min(self.elapsed(), float(r.budget_s))
            left = _("{s:.0f} s left").format(s=max(r.budget_s - self.elapsed(), 0))
        else:
            self._bar.n = self.done + min(self.warmup, self.done + self.warmup)
            left = _("≤{n} rounds left").format(n=r.max_trials - self.done)
        prec = _("warming up") if self.done == 0 else (
            f"±{self.worst() * 100:.1f} %" if math.isfinite(self.worst()) else "± ?")
        target = _(" (target ±{p:g} %)").format(p=r.precision * 100) if r.precision else ""
        line = _("{desc}: round {n}, {left}, {prec}{target}").format(
            desc=_(self._desc), n=self.done, left=left, prec=prec, target=target)
        self._bar.set_description_str(line, refresh=True)

    def _close_bar(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def summary_line(worst: float | None, rounds_done: int, seconds: float, reason: str,
                 tr: Callable[[str], str] = _, *, warmup_skipped: int = 0) -> str:
    """"±3.1 % after 14 rounds (precision reached)" / "±8.4 % after 60 s (budget spent: …)".

    In the learner's language; results files keep English (``tr=str``).
    """
    prec = f"±{worst * 100:.1f} %" if worst is not None and math.isfinite(worst) else \
        tr("± ? (too few trials for a 95 % CI)")
    if reason == "budget":
        after = tr("{s:.0f} s ({n} rounds)").format(s=seconds, n=rounds_done)
    else:
        after = tr("{n} rounds").format(n=rounds_done)
    line = tr("{prec} after {after} ({why})").format(prec=prec, after=after, why=tr(_WHY.get(reason, reason)))
    if warmup_skipped:
        line += tr("; warm-up shortened or skipped to leave the budget room for a timed round")
    return line


def describe(stopping: Mapping | None) -> str:
    """The summary line of a saved ``extra["stopping"]`` (old recordings have none: "")."""
    if not stopping:
        return ""
    return summary_line(stopping.get("worst_precision"), int(stopping.get("rounds") or 0),
                        float(stopping.get("seconds") or 0.0), str(stopping.get("reason") or "?"),
                        warmup_skipped=int(stopping.get("warmup_skipped") or 0))


def note(res: object) -> str:
    """For notebooks: the stopping line of a Results, e.g. "precision: ±3.1 % after 14 rounds (precision reached)"."""
    line = describe(getattr(res, "extra", {}).get("stopping"))
    if not line:
        return _("precision: this recording was made with a fixed number of trials (before the stopping rule)")
    return _("precision: {line}").format(line=line)


def describe_rule(rule: Mapping | None) -> str:
    """The one-line description of a saved rule ("?" when missing or not a valid rule)."""
    try:
        return StopRule(**rule).describe() if isinstance(rule, Mapping) else "?"
    except (BadParameter, TypeError):
        return "?"


def _key(key: Hashable) -> str:
    if isinstance(key, tuple):
        return "/".join(str(k) for k in key)
    return str(key)


def _finite(x: float) -> float | None:
    return round(float(x), 5) if x is not None and math.isfinite(x) else None


# ---------------------------------------------------------------- command line (every `vlab bench`)
def add_cli_arguments(parser, default: StopRule) -> None:
    """``--budget``, ``--precision``, ``--min-trials``, ``--max-trials`` (defaults from ``default``)."""
    g = parser.add_argument_group(
        "stopping rule", "without --trials N: interleaved rounds run until every median is known to "
        "±PRECISION (95 % CI) or the budget is spent, between min and max trials; the JSON records why it stopped")
    budget = f"{default.budget_s:g}" if default.budget_s else "none"
    pct = f"{default.precision * 100:g}" if default.precision else "none"
    g.add_argument("--budget", type=float, default=None, metavar="SECONDS",
                   help=f"time budget of the measurement, warm-up included (default {budget})")
    g.add_argument("--precision", type=float, default=None, metavar="PERCENT",
                   help=f"target half-width of each median's 95 %% CI, in %% (default {pct})")
    g.add_argument("--min-trials", type=int, default=None, metavar="N",
                   help=f"never stop before N rounds (default {default.min_trials})")
    g.add_argument("--max-trials", type=int, default=None, metavar="N",
                   help=f"never run more than N rounds (default {default.max_trials})")


def cli_options(args) -> dict:
    """The stopping-rule options given on the command line, as keyword arguments (precision as a fraction)."""
    pct = getattr(args, "precision", None)
    if pct is not None:
        number("--precision", pct, 0, 100, _("A percentage: for ±5 %, use --precision 5."), lo_open=True, hi_open=True)
    return {"budget": getattr(args, "budget", None), "precision": None if pct is None else pct / 100,
            "min_trials": getattr(args, "min_trials", None), "max_trials": getattr(args, "max_trials", None)}
