"""Several machines side by side: one panel per headline group (start phases, ladder, VM boot, overhead ratios).

Takes the :class:`vlab.labs.machines.Comparison` of ``machines.compare([...])`` and returns the Figure.
One colour (and hatch) per machine; a missing figure is simply absent, never drawn as zero.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from vlab.core.errors import BadParameter
from vlab.core.i18n import _
from vlab.labs.machines import GROUPS, Comparison
from vlab.plots.common import HATCHES, colour, styled

__all__ = ["plot_comparison"]


@styled
def plot_comparison(comparison: Comparison):
    """Grouped horizontal bars: each headline figure, one bar per machine (medians; ratios for overhead)."""
    if not isinstance(comparison, Comparison):
        raise BadParameter(_("{value!r} is not a machines comparison").format(value=comparison),
                           _("Use vlab.labs.machines.compare([...])."))
    t = comparison.table
    groups = [g for g in GROUPS if not t.empty and g in t.index.get_level_values(0)]
    if not groups:
        raise BadParameter(_("these recordings hold no headline figures"),
                           _("Compare folders that contain start, ladder, vm_boot or overhead recordings."))
    sizes = [len(t.loc[[g]]) for g in groups]
    fig, axes = plt.subplots(len(groups), 1, figsize=(8, 1.2 + 0.45 * sum(sizes) * max(1, len(t.columns)) ** 0.5),
                             gridspec_kw={"height_ratios": sizes}, squeeze=False)
    n = len(t.columns)
    height = 0.8 / n
    for ax, group in zip(axes[:, 0], groups, strict=True):
        block = t.loc[[group]]
        y = np.arange(len(block))
        for i, label in enumerate(t.columns):
            values = pd.to_numeric(block[label], errors="coerce").to_numpy(dtype=float)
            ax.barh(y + (i - (n - 1) / 2) * height, values, height, color=colour(i), hatch=HATCHES[i % len(HATCHES)],
                    edgecolor="white", label=label)
        ax.set_yticks(y, [f for _, f in block.index])
        ax.invert_yaxis()
        unit = GROUPS[group]
        ax.set_title(_("{group} (median, {unit})").format(group=_(group), unit=_(unit)), loc="left", fontsize=10)
        numbers = block.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
        if np.nanmax(numbers) / max(np.nanmin(numbers), 1e-9) > (100 if unit == "ms" else 10):
            ax.set_xscale("log")  # e.g. the ladder's 1 ms to 500 ms, or gVisor's system-call factor beside ~1.0
        if unit != "ms":
            ax.axvline(1.0, color="black", lw=0.8, ls="--")
    axes[0, 0].legend(loc="best", fontsize=8, title=_("machine"))
    fig.tight_layout()
    return fig
