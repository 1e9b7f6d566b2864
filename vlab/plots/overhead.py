"""Overhead figures: time ratios container/native with CI whiskers, published ratios beside them."""

from __future__ import annotations

import pandas as pd

from vlab.core.i18n import _
from vlab.core.results import Results
from vlab.labs import overhead
from vlab.labs.overhead_published import published_ratios
from vlab.plots.common import OKABE_ITO, provenance_note, styled

_GROUP_OF = {m: g for g, ms in overhead.GROUPS.items() for m in ms}
_PUB_MARK = {"container": "s", "vm": "D", "sandboxed container": "^"}


def _rows(res: Results, with_published: bool) -> list[dict]:
    """Plot rows in display order: per group, the measured ratios, then the published ones."""
    measured = overhead.ratio_table(res)
    groups = [g for g in overhead.GROUPS if g != "memory" and any(_GROUP_OF[m] == g for m in measured.metric)]
    pub = published_ratios(groups) if with_published else pd.DataFrame(columns=["group"])
    rows: list[dict] = []
    for gi, g in enumerate(groups):
        for r in measured[measured.metric.map(_GROUP_OF) == g].itertuples():
            rows.append(dict(label=f"{r.metric}: {r.config} / {r.baseline}", ratio=r.ratio, lo=r.ci_low,
                             hi=r.ci_high, group=gi, published=False, kind="this machine"))
        for r in pub[pub.group == g].itertuples():
            label = "  " + _("published: {label}").format(label=r.label)
            rows.append(dict(label=label, ratio=r.ratio, lo=None, hi=None, group=gi,
                             published=True, kind=r.kind))
    return rows


@styled
def ratio_plot(res: Results, *, published: bool = True, ax=None):
    """Horizontal ratio plot (log scale): this machine's ratios with 95% CI, a line at 1.0, published beside."""
    import matplotlib.pyplot as plt

    rows = _rows(res, published)
    if ax is None:
        _fig, ax = plt.subplots(figsize=(8.5, max(3.0, 0.28 * len(rows) + 1.2)))
    if not rows:
        ax.text(0.5, 0.5, _("no timed measurements in these results"), ha="center", transform=ax.transAxes)
        return ax
    for y, r in enumerate(rows):
        colour = OKABE_ITO[r["group"] % len(OKABE_ITO)]
        if r["published"]:
            ax.plot(r["ratio"], y, _PUB_MARK.get(r["kind"], "s"), color=colour, mfc="white", ms=6)
        else:
            lo, hi = r["lo"], r["hi"]
            if lo is not None and hi is not None and lo == lo and hi == hi:
                ax.plot([lo, hi], [y, y], "-", color=colour, lw=2)
            ax.plot(r["ratio"], y, "o", color=colour, ms=6)
    ax.axvline(1.0, color="#333333", lw=1, ls="--")
    ax.set_xscale("log")
    values = [v for r in rows for v in (r["ratio"], r["lo"], r["hi"]) if v is not None and v == v and v > 0]
    ticks = [t for t in (0.1, 0.25, 0.5, 1, 2, 4, 10, 25, 50) if min(values) / 1.5 <= t <= max(values) * 1.5]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.set_yticks(range(len(rows)), [r["label"] for r in rows], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(_("time ratio (log scale): 1.0 = same as baseline, >1 = slower"))
    ax.set_title(_("Overhead: ● this machine with 95% CI · ◇ VM ▫ container △ gVisor (published)"),
                 fontsize=9)
    note = _("REPLAYED recording") if res.replayed else _("live measurement")
    prov = res.provenance
    text = (_("{note}: {host}, kernel {kernel}, {date} (partial). Published: FEL15, GVI, AGA20 (see table).")
            if res.partial else _("{note}: {host}, kernel {kernel}, {date}. Published: FEL15, GVI, AGA20 (see table)."))
    provenance_note(ax, text.format(note=note, host=prov.get("host", "?"), kernel=prov.get("kernel", "?"),
                                    date=prov.get("date", "?")))
    return ax


@styled
def memory_plot(res: Results, ax=None):
    """Bar chart of the memory items (MiB): idle container pieces, a native process, the engine daemons."""
    import matplotlib.pyplot as plt

    table = overhead.memory_table(res)
    if ax is None:
        _fig, ax = plt.subplots(figsize=(7.5, 3.2))
    ax.barh(table["item"], table["MiB"], color=[OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(table))])
    ax.invert_yaxis()
    ax.set_xlabel(_("MiB (median)"))
    ax.set_title(_("Memory: what an idle container and the engine cost"), fontsize=9)
    return ax
