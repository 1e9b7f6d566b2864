"""Honest summary statistics for noisy timings: median, p95, min, IQR, bootstrap CI, MAD outliers.

Every raw sample is kept; outliers are flagged, never dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from vlab.core.errors import BadParameter

__all__ = [
    "MAD_Z_LIMIT", "MEANAD_SCALE", "SUMMARY_COLUMNS", "bootstrap_ci", "ecdf", "mad_z", "outliers", "ratio_ci",
    "summarize", "summarize_frame"
]

MAD_Z_LIMIT = 3.5  # Iglewicz & Hoaglin's modified z-score cut-off


def _as_array(values: Sequence[float]) -> np.ndarray:
    arr = np.asarray(list(values), dtype=float)
    arr = arr[~np.isnan(arr)]
    return arr


def bootstrap_ci(
    values: Sequence[float], stat=np.median, *, n_boot: int = 2000, level: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of ``stat`` (the median by default)."""
    if not 0 < level < 1:
        raise BadParameter(f"level={level!r} must be between 0 and 1")
    arr = _as_array(values)
    if arr.size == 0:
        return (float("nan"), float("nan"))
    if arr.size == 1:
        return (float(arr[0]), float(arr[0]))
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, arr.size, size=(n_boot, arr.size))
    stats = stat(arr[idx], axis=1)
    lo, hi = np.quantile(stats, [(1 - level) / 2, 1 - (1 - level) / 2])
    return float(lo), float(hi)


MEANAD_SCALE = 1.253314  # E|x − median| = 0.7979·σ for a normal sample, so σ ≈ 1.2533·MeanAD


def mad_z(values: Sequence[float]) -> np.ndarray:
    """Modified z-scores, 0.6745·(x − median)/MAD. Robust to the outliers they flag.

    When more than half the samples are equal the MAD is 0; then the mean absolute deviation
    stands in (Iglewicz & Hoaglin; IBM SPSS): (x − median)/(1.2533·MeanAD). Only when every
    sample is equal are all scores 0. NaN samples keep a NaN score.
    """
    arr = np.asarray(list(values), dtype=float)
    if arr.size == 0 or np.isnan(arr).all():
        return np.zeros_like(arr)
    med = np.nanmedian(arr)
    dev = np.abs(arr - med)
    mad = np.nanmedian(dev)
    if mad:
        return 0.6745 * (arr - med) / mad
    mean_ad = np.nanmean(dev)
    if not mean_ad:
        return np.where(np.isnan(arr), np.nan, 0.0)
    return (arr - med) / (MEANAD_SCALE * mean_ad)


def outliers(values: Sequence[float], limit: float = MAD_Z_LIMIT) -> np.ndarray:
    """Boolean mask of outliers (|modified z| > limit)."""
    return np.abs(mad_z(values)) > limit


def summarize(values: Sequence[float]) -> dict:
    """n, median, mean, p95, min, max, IQR, bootstrap 95% CI of the median, outlier count."""
    arr = _as_array(values)
    if arr.size == 0:
        nan = float("nan")
        return dict(n=0, median=nan, mean=nan, p95=nan, min=nan, max=nan, iqr=nan,
                    ci_low=nan, ci_high=nan, outliers=0)
    q1, q3 = np.quantile(arr, [0.25, 0.75])
    lo, hi = bootstrap_ci(arr)
    return dict(
        n=int(arr.size),
        median=float(np.median(arr)),
        mean=float(arr.mean()),
        p95=float(np.quantile(arr, 0.95)),
        min=float(arr.min()),
        max=float(arr.max()),
        iqr=float(q3 - q1),
        ci_low=lo,
        ci_high=hi,
        outliers=int(outliers(arr).sum()),
    )


SUMMARY_COLUMNS = tuple(summarize([]))  # n, median, mean, p95, min, max, iqr, ci_low, ci_high, outliers


def summarize_frame(df: pd.DataFrame, by: list[str], value: str = "ms") -> pd.DataFrame:
    """``summarize`` for every group of a tidy DataFrame; one row per group."""
    if df.empty:
        return pd.DataFrame(columns=[*by, *SUMMARY_COLUMNS])
    rows = []
    for key, group in df.groupby(by, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(by, key, strict=True)), **summarize(group[value])})
    return pd.DataFrame(rows)


def ratio_ci(
    numerator: Sequence[float], denominator: Sequence[float], *, n_boot: int = 2000, seed: int = 0
) -> dict:
    """Ratio of medians with a bootstrap 95% CI (resampling both sides independently)."""
    a, b = _as_array(numerator), _as_array(denominator)
    if a.size == 0 or b.size == 0:
        raise BadParameter("ratio_ci needs at least one sample on each side")
    rng = np.random.default_rng(seed)
    ma = np.median(a[rng.integers(0, a.size, size=(n_boot, a.size))], axis=1)
    mb = np.median(b[rng.integers(0, b.size, size=(n_boot, b.size))], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = ma / mb
    ratios = ratios[np.isfinite(ratios)]
    ratio = float(np.median(a) / np.median(b)) if np.median(b) else float("inf")
    lo, hi = (np.quantile(ratios, [0.025, 0.975]) if ratios.size else (float("nan"), float("nan")))
    return {"ratio": ratio, "ci_low": float(lo), "ci_high": float(hi), "n_num": int(a.size), "n_den": int(b.size)}


def ecdf(values: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Sorted values and their empirical cumulative probabilities."""
    arr = np.sort(_as_array(values))
    return arr, np.arange(1, arr.size + 1) / max(arr.size, 1)
