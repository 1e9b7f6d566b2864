"""Overhead lab, the analysis: summaries, ratios with bootstrap CIs, selections and the memory table."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from vlab.core import stats
from vlab.core.errors import BadParameter
from vlab.core.i18n import _
from vlab.core.results import Results
from vlab.labs.overhead.workloads import CONFIGS, EXTRA_PAIRS, GROUPS, WHAT, split_config

__all__ = ["memory_table", "ratio_table", "ratios", "seconds_to_rate", "select", "summary"]


def summary(samples: pd.DataFrame, *, seed: int = 0) -> pd.DataFrame:
    """Median, CI, … per (metric, config), in display order, with the time ratio to native and its CI."""
    df = stats.summarize_frame(samples, by=["metric", "config"], value="value")
    if df.empty:
        return df
    rank = {(m, c): i for i, (m, c) in enumerate((m, c) for m, cs in CONFIGS.items() for c in cs)}
    df = df.assign(_r=[rank.get((m, c), 10**6 + i) for i, (m, c) in enumerate(zip(df.metric, df.config,
                                                                                 strict=True))])
    df = df.sort_values("_r", kind="stable").drop(columns="_r").reset_index(drop=True)
    r = ratios(samples, seed=seed)
    r = r[r.baseline == "native"][["metric", "config", "ratio", "ci_low", "ci_high"]].rename(
        columns={"ratio": "ratio_to_native", "ci_low": "ratio_ci_low", "ci_high": "ratio_ci_high"})
    return df.merge(r, on=["metric", "config"], how="left")


def ratios(samples: pd.DataFrame, *, seed: int = 0) -> pd.DataFrame:
    """Ratio of medians config/baseline (time, so >1 means slower) with bootstrap 95% CIs."""
    cols = ["metric", "config", "baseline", "ratio", "ci_low", "ci_high", "n_num", "n_den"]
    if samples.empty:
        return pd.DataFrame(columns=cols)
    pairs = [(m, c, cs[0]) for m, cs in CONFIGS.items() for c in cs[1:]] + list(EXTRA_PAIRS)
    for m, c in samples[["metric", "config"]].drop_duplicates().itertuples(index=False):
        base_cfg, rt = split_config(c)
        if rt is not None and m in CONFIGS:  # another runtime: vs native, and vs the same thing under runc
            pairs += [(m, c, CONFIGS[m][0]), (m, c, base_cfg)]
    rows = []
    for metric, cfg, base in pairs:
        sel = samples[samples.metric == metric]
        num, den = sel[sel.config == cfg]["value"], sel[sel.config == base]["value"]
        if num.empty or den.empty:
            continue
        rows.append({"metric": metric, "config": cfg, "baseline": base, **stats.ratio_ci(num, den, seed=seed)})
    return pd.DataFrame(rows, columns=cols)


def ratio_table(res: Results) -> pd.DataFrame:
    """The ratios of a Results (recomputed from the samples), readable: what, config, ratio, CI."""
    df = ratios(res.samples, seed=int(res.extra.get("order_seed", 0) or 0))
    df.insert(0, "what", df.metric.map(lambda m: _(WHAT[m]) if m in WHAT else None))
    return df


def select(res: Results, groups: Iterable[str]) -> Results:
    """A copy of ``res`` keeping only the metrics of ``groups`` (cpu, syscall, io, net, memory)."""
    groups = list(groups)
    bad = [g for g in groups if g not in GROUPS]
    if bad:
        raise BadParameter(_("unknown group(s) {names}").format(names=bad),
                           _("Choose among: {names}.").format(names=" ".join(GROUPS)))
    keep = {m for g in groups for m in GROUPS[g]}
    samples = res.samples[res.samples.metric.isin(keep)].reset_index(drop=True) if not res.samples.empty \
        else res.samples
    summ = res.summary[res.summary.metric.isin(keep)].reset_index(drop=True) if not res.summary.empty \
        else res.summary
    extra = dict(res.extra)
    extra["ratios"] = [r for r in extra.get("ratios", []) if r.get("metric") in keep]
    out = Results(res.kind, samples, summ, res.provenance, extra, res.partial)
    out.replayed = res.replayed
    return out


def memory_table(res: Results) -> pd.DataFrame:
    """Median MiB per memory item (per idle container, native process, engine daemons)."""
    mem = res.samples[res.samples.metric == "memory"] if not res.samples.empty else res.samples
    if mem.empty:
        return pd.DataFrame(columns=["item", "MiB", "n"])
    g = mem.groupby("config", sort=False)["value"]
    return pd.DataFrame({"item": list(g.groups), "MiB": g.median().round(2).values, "n": g.count().values})


def seconds_to_rate(ms: float, mib: int) -> float:
    """MiB/s for ``mib`` MiB moved in ``ms`` milliseconds."""
    if ms <= 0:
        raise BadParameter(_("a transfer time must be positive"))
    return mib / (ms / 1000.0)
