"""The stopping rule of interleaved rounds, fed synthetic sample streams (deterministic, no engine)."""

from __future__ import annotations

import json
import math
from collections import Counter

import numpy as np
import pytest

from vlab.core import interleave
from vlab.core.errors import BadParameter
from vlab.core.interleave import Rounds, StopRule, relative_half_width


class FakeClock:
    """A clock that advances only when a trial 'runs'."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def drive(rule: StopRule, streams: dict[str, np.ndarray], *, seconds_per_trial: float = 0.1, warmup: int = 0,
          seed: int = 0, round_estimate_s: float | None = None) -> tuple[Rounds, list[tuple[int, int, str]]]:
    """Run ``Rounds`` over synthetic streams: each trial of ``name`` takes the next value of its stream."""
    clock = FakeClock()
    pos = Counter()
    r = Rounds(list(streams), rule, seed, warmup=warmup, clock=clock, round_estimate_s=round_estimate_s)
    seen = []
    for rnd, slot, name in r:
        seen.append((rnd, slot, name))
        clock.t += seconds_per_trial
        if rnd >= 0:
            r.add(name, streams[name][pos[name]])
            pos[name] += 1
    return r, seen


def stream(median: float, rel_noise: float, n: int = 1000, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return median * (1 + rel_noise * rng.standard_normal(n))


def test_quiet_streams_stop_on_precision_soon_after_min_trials():
    rule = StopRule(precision=0.05, budget_s=None, min_trials=5, max_trials=200)
    r, seen = drive(rule, {"a": stream(100, 0.01), "b": stream(300, 0.01, seed=2)})
    assert r.reason == "precision"
    # 1 % noise: ±5 % is known as soon as a 95 % interval exists; the rule must not keep going
    assert r.done == max(rule.min_trials, interleave.MIN_VALUES_FOR_CI)
    assert all(p <= 0.05 for p in r.precision.values())
    assert Counter(n for rnd, _, n in seen if rnd >= 0) == {"a": r.done, "b": r.done}


def test_never_stops_on_precision_before_min_trials():
    rule = StopRule(precision=0.5, budget_s=None, min_trials=12, max_trials=50)
    r, _ = drive(rule, {"a": np.full(100, 7.0), "b": np.full(100, 9.0)})  # zero noise: precise after 2
    assert r.reason == "precision" and r.done == 12


def test_noisy_streams_run_until_max_trials_and_say_so():
    rule = StopRule(precision=0.01, budget_s=None, min_trials=3, max_trials=40)
    r, _ = drive(rule, {"quiet": stream(100, 0.001), "noisy": stream(100, 0.5)})
    assert r.reason == "max_trials" and r.done == 40
    assert r.precision["noisy"] > 0.01 >= r.precision["quiet"]  # the worst configuration decides
    assert "max trials" in r.summary() and "40 rounds" in r.summary()


def test_precision_narrows_as_trials_grow():
    rule = StopRule(precision=0.05, budget_s=None, min_trials=5, max_trials=1000)
    r, _ = drive(rule, {"a": stream(100, 0.3)})
    assert r.reason == "precision"
    assert 20 < r.done < 1000  # 30 % noise needs a few dozen trials, not five and not all
    vals = r.values["a"]
    assert relative_half_width(vals[:5]) > 0.05 >= relative_half_width(vals)


def test_budget_stops_a_noisy_run_without_overrunning():
    rule = StopRule(precision=0.001, budget_s=10.0, min_trials=3, max_trials=1000)
    r, seen = drive(rule, {"a": stream(100, 0.3), "b": stream(50, 0.3, seed=3)}, seconds_per_trial=0.5, warmup=1)
    assert r.reason == "budget"
    assert r.elapsed() <= 10.0  # a round that would not fit is not started (warm-up counted)
    assert r.elapsed() + 1.0 > 10.0  # …but the budget is used
    assert r.done == 9 and len([s for s in seen if s[0] < 0]) == 2


@pytest.mark.parametrize("hint", [True, False])
@pytest.mark.parametrize("n_items", [1, 2, 6])
@pytest.mark.parametrize("warmup", [0, 1, 2])
@pytest.mark.parametrize("round_s", [0.3, 2.0, 7.0, 12.0, 40.0])
def test_a_run_whose_rounds_take_x_ends_within_budget_plus_x(round_s, warmup, n_items, hint):
    budget = 10.0
    rule = StopRule(precision=0.001, budget_s=budget, min_trials=5, max_trials=1000)
    streams = {f"c{i}": stream(100, 0.3, seed=i + 1) for i in range(n_items)}
    r, seen = drive(rule, streams, seconds_per_trial=round_s / n_items, warmup=warmup,
                    round_estimate_s=round_s if hint else None)
    assert r.reason == "budget" and r.done >= 1  # one timed round always runs, even a round longer than the budget
    if hint or not warmup:
        assert r.elapsed() <= budget + round_s + 1e-9  # warm-up included
    else:  # nothing known before the first warm-up trial: it may add one trial (a round / n) more
        assert r.elapsed() <= budget + round_s + round_s / n_items + 1e-9
    if r.done > 1 or not r.warmup_skipped and warmup and round_s * 2 <= budget:
        assert r.elapsed() <= budget + 1e-9  # rounds that fit: the budget itself is kept
    warm = [s for s in seen if s[0] < 0]
    assert (r.warmup_skipped > 0) == (len(warm) < warmup * n_items)  # a shortened warm-up is reported
    assert r.report()["warmup_skipped"] == r.warmup_skipped


def test_the_budget_may_stop_a_run_after_one_round_before_min_trials():
    rule = StopRule(precision=0.05, budget_s=1.0, min_trials=4, max_trials=10)
    r, _ = drive(rule, {"a": stream(100, 0.3)}, seconds_per_trial=2.0)
    assert r.reason == "budget" and r.done == 1 and r.elapsed() == 2.0
    r, _ = drive(StopRule(precision=0.05, budget_s=5.0, min_trials=1, max_trials=10), {"a": stream(100, 0.3)},
                 seconds_per_trial=2.0)
    assert r.reason == "budget" and r.done == 2  # 2 s per round, 5 s budget: a third round would not fit


def test_a_warmup_that_leaves_no_room_for_a_round_is_skipped_and_said():
    rule = StopRule(precision=0.05, budget_s=20.0, min_trials=3, max_trials=50)
    boots = {"boot": stream(15_000, 0.1)}
    r, seen = drive(rule, boots, seconds_per_trial=15.0, warmup=1, round_estimate_s=15.0)
    assert not [s for s in seen if s[0] < 0] and r.warmup_skipped == 1
    assert r.done == 1 and r.reason == "budget" and r.elapsed() == 15.0
    assert "warm-up shortened or skipped" in r.summary() and "warm-up" in interleave.describe(r.report())
    r, seen = drive(StopRule(precision=0.05, budget_s=60.0, min_trials=3, max_trials=50), boots,
                    seconds_per_trial=15.0, warmup=1, round_estimate_s=15.0)
    assert len([s for s in seen if s[0] < 0]) == 1 and r.warmup_skipped == 0  # room enough: the warm-up runs
    assert r.elapsed() <= 60.0 and "warm-up" not in r.summary()
    # a multi-configuration warm-up round is cut as soon as a timed round would no longer fit
    r, seen = drive(rule, {k: stream(100, 0.1) for k in "abcd"}, seconds_per_trial=4.0, warmup=1)
    assert len([s for s in seen if s[0] < 0]) == 2 and r.warmup_skipped == 1 and r.done == 1
    assert r.elapsed() == 24.0  # 2 warm-up slots (8 s) left 12 s, less than a 16 s round: cut; then one round


def test_no_precision_is_claimed_from_fewer_than_six_values():
    vals = [100.0, 101.0, 102.0, 103.0, 104.0, 105.0]
    assert all(math.isinf(relative_half_width(vals[:n])) for n in range(1, interleave.MIN_VALUES_FOR_CI))
    assert math.isfinite(relative_half_width(vals[:interleave.MIN_VALUES_FOR_CI]))
    lo, hi = interleave.order_stat_ci(vals)  # six values: the range covers the median with 1 - 2/64 ≥ 95 %
    assert (lo, hi) == (100.0, 105.0)
    # zero noise looks precise after two values, yet the rule waits for a real 95 % interval
    r, _ = drive(StopRule(precision=0.5, budget_s=None, min_trials=3, max_trials=50), {"a": np.full(100, 7.0)})
    assert r.reason == "precision" and r.done == interleave.MIN_VALUES_FOR_CI
    # a budget stop after three rounds says "± ?", not a 95 % interval made of a range
    r, _ = drive(StopRule(precision=0.05, budget_s=3.0, min_trials=3, max_trials=50), {"a": stream(100, 0.01)},
                 seconds_per_trial=1.0)
    assert r.reason == "budget" and r.done == 3
    assert r.report()["precision"] == {"a": None} and "± ?" in r.summary() and "precision reached" not in r.summary()


def test_exactly_n_is_exactly_n():
    r, seen = drive(StopRule.exactly(7), {"a": np.full(10, 1.0), "b": stream(10, 0.9)})
    assert r.reason == "fixed" and r.done == 7 and len(seen) == 14
    assert "fixed number of trials" in r.summary()


def test_rounds_are_whole_seeded_and_interleaved():
    rule = StopRule(precision=0.05, budget_s=None, min_trials=5, max_trials=30)
    streams = {k: stream(100, 0.2, seed=i) for i, k in enumerate("abcd")}
    r1, s1 = drive(rule, streams, seed=4)
    r2, s2 = drive(rule, streams, seed=4)
    _, s3 = drive(rule, streams, seed=5)
    assert s1 == s2 and s1 != s3
    for rnd in range(r1.done):
        assert sorted(n for x, _, n in s1 if x == rnd) == list("abcd")
    # the same order as the plain fixed-count helper
    assert s1 == list(interleave.rounds(list(streams), r1.done, 4))


def test_interrupt_is_recorded_with_the_precision_so_far():
    rule = StopRule(precision=0.05, budget_s=None, min_trials=5, max_trials=100)
    clock = FakeClock()
    r = Rounds(["a"], rule, 0, clock=clock)
    for rnd, _, _ in r:
        r.add("a", 10.0 + rnd)
        if rnd == 6:
            r.interrupted()
            break
    rep = r.report()
    assert rep["reason"] == "interrupt" and rep["rounds"] == 6 and rep["precision"]["a"] is not None
    json.dumps(rep, allow_nan=False)  # saved results refuse NaN/inf


def test_report_never_holds_nan_or_inf():
    r = Rounds(["a", "b"], StopRule.exactly(1), 0, clock=FakeClock())
    for _, _, n in r:
        r.add(n, 1.0)
    rep = r.report()
    assert rep["precision"] == {"a": None, "b": None} and rep["worst_precision"] is None
    json.dumps(rep, allow_nan=False)
    assert "too few trials" in rep["summary"]


def test_summary_lines_match_the_course_text():
    assert interleave.summary_line(0.031, 14, 9.0, "precision") == "±3.1 % after 14 rounds (precision reached)"
    assert interleave.summary_line(0.084, 33, 60.2, "budget") == \
        "±8.4 % after 60 s (33 rounds) (budget spent: more trials would narrow it)"
    assert interleave.describe(None) == ""


@pytest.mark.parametrize("kw", [dict(precision=0), dict(precision=1.5), dict(precision=True), dict(budget_s=0),
                                dict(budget_s=-3), dict(budget_s=float("nan")), dict(min_trials=0),
                                dict(max_trials=1001), dict(min_trials=9, max_trials=3), dict(min_trials=2.5)])
def test_bad_rules_are_refused_with_a_fix(kw):
    with pytest.raises(BadParameter) as err:
        StopRule(**kw)
    assert err.value.hint


def test_choose_trials_means_exactly_and_refuses_a_mix():
    default = StopRule(budget_s=20, min_trials=5, max_trials=100)
    assert StopRule.choose(default, 12) == StopRule.exactly(12)
    assert StopRule.choose(default) == default
    got = StopRule.choose(default, budget=8, precision=0.1, max_trials=3)
    assert (got.budget_s, got.precision, got.min_trials, got.max_trials) == (8, 0.1, 3, 3)
    with pytest.raises(BadParameter):
        StopRule.choose(default, 12, budget=8)


def test_relative_half_width_of_too_few_values_is_unknown():
    assert math.isinf(relative_half_width([5.0])) and math.isinf(relative_half_width([]))
    assert relative_half_width([0.0, 0.0, 0.0]) == math.inf  # a zero median has no relative precision


# ---------------------------------------------------------------- command line
@pytest.mark.parametrize("bench", ["start", "vm", "overhead"])
def test_every_bench_takes_the_rule_options(bench):
    from vlab.cli import build_parser

    args = build_parser().parse_args(["bench", bench, "--budget", "20", "--precision", "3", "--min-trials", "4",
                                      "--max-trials", "9"])
    assert interleave.cli_options(args) == {"budget": 20.0, "precision": 0.03, "min_trials": 4, "max_trials": 9}
    assert build_parser().parse_args(["bench", bench, "--trials", "7"]).trials == 7


@pytest.mark.parametrize("argv", [["--trials", "5", "--budget", "10"], ["--precision", "0"], ["--precision", "150"],
                                  ["--budget", "-1"], ["--min-trials", "9", "--max-trials", "3"]])
def test_bad_rule_options_stop_the_start_bench_before_any_engine_call(monkeypatch, argv):
    from vlab.cli import build_parser
    from vlab.labs.start_time import cli

    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    args = build_parser().parse_args(["bench", "start", "--no-progress", *argv])
    with pytest.raises(BadParameter) as err:
        cli.run_cli(args)
    assert err.value.hint


def test_start_summary_claims_no_ratio_interval_from_fewer_than_six_trials():
    from types import SimpleNamespace

    from vlab.labs.start_time.cli import ratio_line

    few = SimpleNamespace(config="network:bridge", ratio=2.2, ci_low=1.9, ci_high=2.5, n_num=3, n_den=5)
    enough = SimpleNamespace(config="network:bridge", ratio=2.2, ci_low=1.9, ci_high=2.5, n_num=6, n_den=30)
    assert "[?, ?]" in ratio_line(few) and "1.90" not in ratio_line(few)
    assert "[1.90, 2.50]" in ratio_line(enough)
