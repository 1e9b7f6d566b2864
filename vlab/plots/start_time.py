"""Figures of the start-time lab: ECDF per phase, stacked phases, the latency ladder, the concurrency curve.

Every function takes the Results of ``vlab.labs.start_time`` (live or replayed), draws on a new
figure (or the ``ax`` given) and returns the matplotlib Figure. Colours are Okabe–Ito.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from vlab.core.errors import BadParameter
from vlab.core.i18n import N_, _
from vlab.core.lifecycle import HOST_PHASES, MARKER_PHASE, TOTAL
from vlab.core.results import Results
from vlab.core.stats import ecdf
from vlab.labs.start_time.ladder import LADDER
from vlab.plots.common import HATCHES, colour, provenance_note, styled

LADDER_LABELS = {
    "native": N_("process\n(fork + exec)"),
    "runc": N_("runtime\n(runc run)"),
    "sdk": N_("engine API\n(Docker SDK)"),
    "cli": N_("CLI\n(docker run)"),
    "cli_bridge": N_("CLI + network\n(bridge)"),
}


def _note(res: Results) -> str:
    p = res.provenance
    engine = (p.get("engine") or {}).get("server_version", "?")
    how = _("replayed recording") if res.replayed else _("measured live")
    text = (_("{how}, partial (interrupted): {host}, kernel {kernel}, Docker {engine}, {date}") if res.partial
            else _("{how}: {host}, kernel {kernel}, Docker {engine}, {date}"))
    return text.format(how=how, host=p.get("host", "?"), kernel=p.get("kernel", "?"), engine=engine,
                       date=p.get("date", "?"))


def _need(res: Results, kind: str) -> pd.DataFrame:
    if res.kind != kind:
        raise BadParameter(f"expected {kind!r} results, got {res.kind!r}", f"Pass the Results of measure_{kind}().")
    if res.samples.empty:
        raise BadParameter(f"the {kind} results hold no samples", "Run the measurement again with more trials.")
    s = res.samples
    return s[~s["warmup"]] if "warmup" in s else s


def _axes(ax):
    if ax is None:
        fig, ax = plt.subplots()
        return fig, ax
    return ax.figure, ax


@styled
def phase_ecdf(res: Results, config: str = "baseline", ax=None):
    """ECDF of every host phase (and the marker) of one configuration, log time axis."""
    s = _need(res, "start")
    s = s[s["config"] == config]
    if s.empty:
        names = ", ".join(res.samples["config"].unique())
        raise BadParameter(f"no configuration named {config!r}", f"Use one of: {names}.")
    fig, ax = _axes(ax)
    for i, phase in enumerate([*HOST_PHASES, MARKER_PHASE, TOTAL]):
        values = s.loc[s["phase"] == phase, "ms"]
        if values.empty:
            continue
        x, y = ecdf(values)
        ax.step(x, y, where="post", color=colour(i), lw=2.2 if phase == TOTAL else 1.5,
                ls="--" if phase == MARKER_PHASE else "-", label=phase)
    ax.set_xscale("log")
    ax.set_xlabel(_("time (ms, log scale)"))
    ax.set_ylabel(_("fraction of trials ≤ x"))
    ax.set_title(_("Where a container's start time goes: ECDF per phase ({config})").format(config=config))
    ax.legend(title=_("phase"), fontsize=8)
    provenance_note(ax, _note(res))
    fig.tight_layout()
    return fig


@styled
def phase_breakdown(res: Results, ax=None):
    """Stacked horizontal bars: median of each host phase per configuration."""
    s = _need(res, "start")
    s = s[s["clock"] == "host"]
    med = s.pivot_table(index="config", columns="phase", values="ms", aggfunc="median", sort=False)
    fig, ax = _axes(ax)
    left = np.zeros(len(med))
    for i, phase in enumerate(HOST_PHASES):
        if phase not in med:
            continue
        vals = med[phase].fillna(0).to_numpy()
        ax.barh(med.index, vals, left=left, color=colour(i), hatch=HATCHES[i], edgecolor="white", label=phase)
        left += vals
    ax.invert_yaxis()
    ax.set_xlabel(_("median time (ms)"))
    ax.set_title(_("Phase breakdown per configuration (medians, stacked)"))
    ax.legend(title=_("phase"), fontsize=8, loc="best")
    ax.text(0.99, 0.02, _("auto_remove: exit includes the removal"), transform=ax.transAxes, ha="right",
            fontsize=7, color="#555555")
    provenance_note(ax, _note(res))
    fig.tight_layout()
    return fig


@styled
def ladder(res: Results, ax=None):
    """The latency ladder: median (dot) and interquartile range (bar) of each rung, log scale."""
    s = _need(res, "ladder")
    order = [r for r in LADDER if r in set(s["rung"])]
    fig, ax = _axes(ax)
    for i, rung in enumerate(order):
        v = s.loc[s["rung"] == rung, "ms"]
        q1, med, q3 = np.quantile(v, [0.25, 0.5, 0.75])
        ax.plot([q1, q3], [i, i], color=colour(i), lw=6, alpha=0.5, solid_capstyle="butt")
        ax.plot(med, i, "o", color=colour(i), ms=8)
        ax.annotate(f"{med:.1f} ms", (med, i), xytext=(8, 6), textcoords="offset points", fontsize=8)
    ax.set_yticks(range(len(order)), [_(LADDER_LABELS[r]) if r in LADDER_LABELS else r for r in order], fontsize=9)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel(_("time to run `adjtimex` and be done (ms, log scale)"))
    ax.set_title(_("The latency ladder: what each layer adds"))
    provenance_note(ax, _note(res))
    fig.tight_layout()
    return fig


@styled
def concurrency_curve(res: Results):
    """Two panels against k: containers per second, and start latency p50/p95."""
    _need(res, "concurrency")
    summ = res.summary
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    a.plot(summ["level"], summ["containers_per_s"], "o-", color=colour(0))
    a.set_xscale("log", base=2)
    a.set_xlabel(_("containers started at once (k)"))
    a.set_ylabel(_("containers per second"))
    a.set_title(_("Throughput"))
    b.plot(summ["level"], summ["latency_p50_ms"], "o-", color=colour(1), label="p50")
    b.plot(summ["level"], summ["latency_p95_ms"], "s--", color=colour(3), label="p95")
    b.set_xscale("log", base=2)
    b.set_xlabel(_("containers started at once (k)"))
    b.set_ylabel(_("create → start reply (ms)"))
    b.set_title(_("Latency per container"))
    b.legend()
    provenance_note(a, _note(res))
    fig.tight_layout()
    return fig
