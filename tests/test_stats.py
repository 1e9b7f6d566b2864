"""vlab.core.stats: edge cases, and cross-checks against SciPy's reference implementations (tests only)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vlab.core import stats

scipy_stats = pytest.importorskip("scipy.stats")

samples = st.lists(st.floats(min_value=0.01, max_value=1e5, allow_nan=False), min_size=3, max_size=80)


# ---------------------------------------------------------------- MAD outliers
def test_mad_of_zero_still_flags_an_outlier():
    values = [10.0] * 8 + [11.0, 500.0]  # more than half equal: the MAD is 0
    assert scipy_stats.median_abs_deviation(values) == 0
    flags = stats.outliers(values)
    assert flags.tolist() == [False] * 9 + [True]
    assert stats.summarize(values)["outliers"] == 1


def test_identical_samples_have_no_outliers():
    assert not stats.outliers([7.0] * 12).any()
    assert stats.mad_z([7.0] * 12).tolist() == [0.0] * 12


@settings(max_examples=200, deadline=None)
@given(samples)
def test_mad_z_matches_scipy(values):
    arr = np.asarray(values)
    med = np.median(arr)
    mad = scipy_stats.median_abs_deviation(arr)  # unscaled, like Iglewicz & Hoaglin's MAD
    z = stats.mad_z(values)
    if mad > 0:
        np.testing.assert_allclose(z, 0.6745 * (arr - med) / mad, rtol=1e-9, atol=1e-9)
    else:
        mean_ad = np.mean(np.abs(arr - med))
        expected = (arr - med) / (1.253314 * mean_ad) if mean_ad else np.zeros_like(arr)
        np.testing.assert_allclose(z, expected, rtol=1e-9, atol=1e-9)


@given(st.integers(3, 40), st.floats(1, 1e4), st.floats(10, 1e4))
def test_mad_zero_branch_is_exercised_and_flags_the_far_point(n_equal, base, jump):
    values = [base] * n_equal + [base + jump]
    assert scipy_stats.median_abs_deviation(values) == 0  # the branch under test really runs
    assert stats.outliers(values)[-1] == (jump / (1.253314 * jump / (n_equal + 1)) > stats.MAD_Z_LIMIT)


# ---------------------------------------------------------------- bootstrap CI of the median
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bootstrap_ci_agrees_with_scipy(seed):
    rng = np.random.default_rng(100 + seed)
    values = rng.lognormal(mean=3, sigma=0.4, size=60)
    lo, hi = stats.bootstrap_ci(values, n_boot=4000, seed=seed)
    ref = scipy_stats.bootstrap((values,), np.median, n_resamples=4000, method="percentile",
                                confidence_level=0.95, rng=np.random.default_rng(seed)).confidence_interval
    width = ref.high - ref.low
    assert lo <= np.median(values) <= hi
    # two independent resamplings of one percentile bootstrap: the ends agree to a fraction of the width
    assert abs(lo - ref.low) <= 0.25 * width and abs(hi - ref.high) <= 0.25 * width


@settings(max_examples=30, deadline=None)
@given(samples)
def test_bootstrap_ci_lies_within_scipys_range_of_medians(values):
    lo, hi = stats.bootstrap_ci(values, n_boot=500)
    ref = scipy_stats.bootstrap((np.asarray(values),), np.median, n_resamples=500, method="percentile",
                                rng=np.random.default_rng(0), vectorized=True).bootstrap_distribution
    assert min(values) <= lo <= hi <= max(values)
    assert ref.min() <= np.median(values) <= ref.max()


# ---------------------------------------------------------------- summaries
def test_empty_summary_has_every_column():
    keys = set(stats.summarize([1.0, 2.0, 3.0]))
    empty = stats.summarize([])
    assert set(empty) == keys and empty["n"] == 0 and np.isnan(empty["median"])
    frame = stats.summarize_frame(pd.DataFrame({"config": [], "ms": []}), by=["config"])
    full = stats.summarize_frame(pd.DataFrame({"config": ["a", "a"], "ms": [1.0, 2.0]}), by=["config"])
    assert list(frame.columns) == list(full.columns) == ["config", *stats.SUMMARY_COLUMNS]
    assert frame.empty


def test_summarize_quantiles_match_numpy_and_scipy():
    values = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]
    s = stats.summarize(values)
    assert s["median"] == np.median(values) and s["iqr"] == pytest.approx(scipy_stats.iqr(values))
    assert s["p95"] == pytest.approx(np.quantile(values, 0.95)) and s["mean"] == pytest.approx(np.mean(values))
