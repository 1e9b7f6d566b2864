"""Shared plot style: the Okabe–Ito colour-blind-safe palette and a clean default look."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from vlab.core.i18n import N_, _, language

__all__ = ["HATCHES", "OKABE_ITO", "STACK_TITLES", "STYLE_FILE", "colour", "hangul_font", "layer_label",
           "provenance_note", "stack_title", "style", "styled"]

STYLE_FILE = Path(__file__).with_name("vlab.mplstyle")
F = TypeVar("F", bound=Callable)

# Okabe & Ito (2008), safe for the common colour-vision deficiencies.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
HATCHES = ["", "//", "..", "xx", "\\\\", "oo", "--", "++"]


# Fonts with Hangul glyphs, in order of preference, and how their files are named (lower case).
HANGUL_FONTS = ("NanumGothic", "NanumBarunGothic", "Noto Sans CJK KR", "Noto Sans KR", "Malgun Gothic",
                "AppleGothic", "UnDotum", "Baekmuk Gulim", "NanumSquareRound")
HANGUL_FILE_HINTS = ("nanum", "notosanscjk", "notosanskr", "malgun", "applegothic", "undotum")


@functools.lru_cache(maxsize=1)
def hangul_font() -> str | None:
    """The name of an installed font that can draw Korean, or None (figures then leave Korean out)."""
    from matplotlib import font_manager

    def known() -> str | None:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((n for n in HANGUL_FONTS if n in names), None)

    found = known()
    if found:
        _register_bold(found)
        return found
    added = None  # a font installed after matplotlib built its font cache
    for path in font_manager.findSystemFonts():
        if any(h in Path(path).name.lower() for h in HANGUL_FILE_HINTS):
            try:
                font_manager.fontManager.addfont(path)
                added = added or font_manager.FontProperties(fname=path).get_name()
            except (OSError, RuntimeError, ValueError):
                continue
    found = known() or added
    if found:
        _register_bold(found)
    return found


def _register_bold(family: str) -> None:
    """Register the family's bold face as weight 700 when its file says 600 (NanumGothic Bold does).

    Otherwise every bold Korean label makes matplotlib log "findfont: Failed to find font weight bold",
    which a notebook shows as a red stderr box; the face drawn is the same one.
    """
    from matplotlib import font_manager

    entries = [f for f in font_manager.fontManager.ttflist if f.name == family and f.style == "normal"]
    if any(f.weight in (700, "bold") for f in entries):
        return
    semibold = [f for f in entries if isinstance(f.weight, int) and 600 <= f.weight < 700]
    if semibold:
        font_manager.fontManager.ttflist.append(dataclasses.replace(semibold[0], weight=700))


def _font_families(hangul_first: bool) -> list[str]:
    hangul_first = hangul_first or language() == "ko"
    font = hangul_font()
    if not font:
        return ["DejaVu Sans"]
    return [font, "DejaVu Sans"] if hangul_first else ["DejaVu Sans", font]


@contextlib.contextmanager
def style(*, hangul_first: bool = False) -> Iterator[None]:
    """The course style (``vlab.mplstyle``) for the figures drawn inside; rcParams are restored after.

    Korean labels fall back to an installed Hangul font, so they never draw as empty boxes; with
    ``hangul_first`` (mostly Korean figures), or in the Korean edition, that font comes first.
    """
    import matplotlib.pyplot as plt

    with plt.style.context([str(STYLE_FILE), {"font.family": _font_families(hangul_first)}]):
        yield


def styled(fn: F | None = None, *, hangul_first: bool = False):
    """Decorator: the plot function draws inside ``style(hangul_first=...)``. Use ``@styled`` or ``@styled(...)``."""
    def wrap(f: F) -> F:
        @functools.wraps(f)
        def inner(*args, **kwargs):
            with style(hangul_first=hangul_first):
                return f(*args, **kwargs)
        return inner  # type: ignore[return-value]
    return wrap(fn) if fn is not None else wrap


#: the stacks of ``vlab.labs.hypervisors.STACKS``, marked for the catalog (the keys stay English identifiers).
STACK_TITLES = {"bare metal": N_("bare metal"), "type-1 hypervisor": N_("type-1 hypervisor"),
                "type-2 hypervisor": N_("type-2 hypervisor"), "container": N_("container")}


def stack_title(name: str) -> str:
    """A stack's name in the learner's language."""
    return _(STACK_TITLES.get(name, name)) if name in STACK_TITLES else name


def layer_label(name: str, korean: str, *, both: bool = True) -> str:
    """A layer's label: Korean in the Korean edition; else English, with '(Korean)' when ``both`` and drawable."""
    if language() == "ko":
        return korean
    return f"{name} ({korean})" if both and hangul_font() else name


def colour(i: int) -> str:
    return OKABE_ITO[i % len(OKABE_ITO)]


def provenance_note(ax, text: str) -> None:
    """Small grey provenance/replay note under a plot."""
    ax.annotate(text, xy=(0, -0.18), xycoords="axes fraction", fontsize=7, color="#555555", ha="left", va="top")
