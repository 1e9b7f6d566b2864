"""Shared plot style: the Okabe–Ito colour-blind-safe palette and a clean default look."""

from __future__ import annotations

import matplotlib as mpl

# Okabe & Ito (2008), safe for the common colour-vision deficiencies.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
HATCHES = ["", "//", "..", "xx", "\\\\", "oo", "--", "++"]


def use_style() -> None:
    """Apply the course style to matplotlib (safe to call many times)."""
    mpl.rcParams.update({
        "axes.prop_cycle": mpl.cycler(color=OKABE_ITO),
        "figure.figsize": (7.5, 4.2),
        "figure.dpi": 100,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "font.size": 10,
    })


def colour(i: int) -> str:
    return OKABE_ITO[i % len(OKABE_ITO)]


def provenance_note(ax, text: str) -> None:
    """Small grey provenance/replay note under a plot."""
    ax.annotate(text, xy=(0, -0.18), xycoords="axes fraction", fontsize=7, color="#555555", ha="left", va="top")
