"""Small helpers every notebook starts with: the mode banner, quick mode, glossary link."""

from __future__ import annotations

from vlab.core import settings
from vlab.core.i18n import N_, _, set_language
from vlab.core.mode import Mode, banner, current

GLOSSARY = "99_glossary.ipynb"


class _ShownMode(Mode):
    """The Mode that ``begin()`` returns: its banner is already on screen, so it shows nothing more."""

    def _ipython_display_(self) -> None:
        return None


def begin(title: str = "", *, lang: str | None = None) -> Mode:
    """Show the live/replay banner and a glossary link. Returns the mode.

    ``lang`` (``"en"`` or ``"ko"``) chooses the language of everything vlab shows; by default it is the
    notebook's edition (``notebooks/ko/`` is Korean), else ``VLAB_LANG`` or the locale (``vlab.core.i18n``).

    The plot style is not set here: every vlab figure draws inside ``vlab.plots.common.style()``.

    Also the notebook's one start-up side effect: the run id goes into ``VLAB_RUN_ID`` (so helper
    processes tag their containers alike) and exit/SIGTERM clean-up is installed. Importing vlab does neither.
    """
    from IPython.display import HTML, display

    from vlab.core.sandbox import install_cleanup_handlers

    if lang is not None:
        set_language(lang)
    settings.export_run_id()
    install_cleanup_handlers()
    _register_solution_magic()
    mode = current()
    display(banner(mode))
    quick = _(" · <b>quick mode</b> (VLAB_QUICK=1): fewer trials") if settings.quick() else ""
    glossary = _("Glossary · 용어집")
    display(HTML(f'<small>📖 <a href="{GLOSSARY}">{glossary}</a>{quick}</small>'))
    return _ShownMode(mode.name, mode.reason, mode.fix)


SOLUTION_NOTE = N_("🔒 Solution: hidden and not run, so it never overwrites your own answer. Click the cell to "
                   "reveal it; if you are stuck, copy it into the exercise cell above.")


def solution(line: str, cell: str) -> None:
    """The ``%%solution`` cell magic: shows a note instead of running the cell.

    With ``VLAB_SOLUTIONS=1`` (the exercise tests) the cell runs, so every checker can be
    tested against its solution.
    """
    from IPython import get_ipython
    from IPython.display import HTML, display

    if settings.get().solutions:
        result = get_ipython().run_cell(cell)
        result.raise_error()
    else:
        display(HTML(f"<small>{_(SOLUTION_NOTE)}</small>"))


def _register_solution_magic() -> None:
    from IPython import get_ipython

    ip = get_ipython()
    if ip is not None:
        ip.register_magic_function(solution, magic_kind="cell", magic_name="solution")


def tr(text: str) -> str:
    """``text`` in this notebook's language: the notebooks print their labels with it (``print(tr("…"), x)``).

    Both editions run the same code; the Korean words live in the message catalog (``vlab/locale``).
    """
    return _(text)


def trials(full: int, quick_n: int = 3) -> int:
    """Trials for a notebook measurement: ``full`` for learners, ``quick_n`` in CI quick mode."""
    return settings.trials(full, quick_n)


def ulimits() -> list:
    """``ulimits=course.ulimits()`` for the notebooks' plain docker-py cells: explicit ``nofile``/``nproc``.

    With ``cap_drop=["ALL"]`` a Podman service whose hard limits are below its default (1048576) cannot
    start the container otherwise; on Docker it changes nothing (the same limits are inherited).
    See ``vlab.core.limits.docker_ulimits``.
    """
    from vlab.core.limits import docker_ulimits

    return docker_ulimits()
