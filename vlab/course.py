"""Small helpers every notebook starts with: the mode banner, quick mode, glossary link."""

from __future__ import annotations

from vlab.core import settings
from vlab.core.mode import Mode, banner, current

GLOSSARY = "99_glossary.ipynb"


class _ShownMode(Mode):
    """The Mode that ``begin()`` returns: its banner is already on screen, so it shows nothing more."""

    def _ipython_display_(self) -> None:
        return None


def begin(title: str = "") -> Mode:
    """Show the live/replay banner and a glossary link; set the plot style. Returns the mode."""
    from IPython.display import HTML, display

    from vlab.plots.common import use_style

    use_style()
    mode = current()
    display(banner(mode))
    quick = " · <b>quick mode</b> (VLAB_QUICK=1): fewer trials" if settings.quick() else ""
    display(HTML(f'<small>📖 <a href="{GLOSSARY}">Glossary · 용어집</a>{quick}</small>'))
    return _ShownMode(mode.name, mode.reason, mode.fix)


def trials(full: int, quick_n: int = 3) -> int:
    """Trials for a notebook measurement: ``full`` for learners, ``quick_n`` in CI quick mode."""
    return settings.trials(full, quick_n)
