"""Shared plot style: the Okabe–Ito colour-blind-safe palette and a clean default look."""

from __future__ import annotations

import functools
from pathlib import Path

import matplotlib as mpl

# Okabe & Ito (2008), safe for the common colour-vision deficiencies.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
HATCHES = ["", "//", "..", "xx", "\\\\", "oo", "--", "++"]


def use_style() -> None:
    """Apply the course style to matplotlib (safe to call many times).

    Korean labels fall back to an installed Hangul font, so they never draw as empty boxes.
    """
    font = hangul_font()
    if font:
        mpl.rcParams["font.family"] = ["DejaVu Sans", font]
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


# Fonts with Hangul glyphs, in order of preference, and how their files are named (lower case).
HANGUL_FONTS = ("NanumGothic", "NanumBarunGothic", "Noto Sans CJK KR", "Noto Sans KR", "Malgun Gothic",
                "AppleGothic", "UnDotum", "Baekmuk Gulim", "NanumSquareRound")
HANGUL_FILE_HINTS = ("nanum", "notosanscjk", "notosanskr", "malgun", "applegothic", "undotum")


@functools.lru_cache(maxsize=1)
@functools.lru_cache(maxsize=1)
def hangul_font() -> str | None:
    """The name of an installed font that can draw Korean, or None (figures then leave Korean out)."""
    from matplotlib import font_manager

    def known() -> str | None:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((n for n in HANGUL_FONTS if n in names), None)

    found = known()
    if found:
        return found
    added = None  # a font installed after matplotlib built its font cache
    for path in font_manager.findSystemFonts():
        if any(h in Path(path).name.lower() for h in HANGUL_FILE_HINTS):
            try:
                font_manager.fontManager.addfont(path)
                added = added or font_manager.FontProperties(fname=path).get_name()
            except (OSError, RuntimeError, ValueError):
                continue
    return known() or added


def use_hangul_style(*, hangul_first: bool = False) -> None:
    """The course style, with the Hangul font first when ``hangul_first`` (for mostly Korean figures)."""
    use_style()
    font = hangul_font()
    if font and hangul_first:
        mpl.rcParams["font.family"] = [font, "DejaVu Sans"]


def colour(i: int) -> str:
    return OKABE_ITO[i % len(OKABE_ITO)]


def provenance_note(ax, text: str) -> None:
    """Small grey provenance/replay note under a plot."""
    ax.annotate(text, xy=(0, -0.18), xycoords="axes fraction", fontsize=7, color="#555555", ha="left", va="top")
