"""The learner's language: English or Korean, through one gettext catalog (``vlab/locale/ko/LC_MESSAGES/vlab.po``).

Mark learner-visible text with ``_("…")`` where it is shown, or ``N_("…")`` where it is defined before the
language is known (module constants), and translate those with ``_()`` when shown. Format after translating:
``_("{n} containers").format(n=n)``. ``./course.sh messages`` extracts the marks with Babel, merges them into
the Korean catalog and compiles it; tests/test_i18n.py fails on any mark left untranslated.

The language, first match wins:
1. ``set_language("ko")``, which ``course.begin(lang="ko")`` calls;
2. ``VLAB_LANG`` (``en`` or ``ko``);
3. the notebook's folder: a course notebook in ``notebooks/ko/`` is Korean, one in ``notebooks/`` English;
4. the locale (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``), as gettext reads it: the CLI's way.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import os
from pathlib import Path

__all__ = ["LANGUAGES", "N_", "_", "language", "ngettext", "set_language", "translated"]

DOMAIN = "vlab"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
LANGUAGES = ("en", "ko")
FIRST_NOTEBOOK = "00_start_here.ipynb"  # marks a folder of course notebooks

_chosen: str | None = None


def set_language(lang: str | None) -> str:
    """Choose the language for this process (``None`` goes back to detecting it). Returns the language now used."""
    global _chosen
    if lang is not None:
        lang = str(lang).strip().lower()
        if lang not in LANGUAGES:
            from vlab.core.errors import BadParameter

            raise BadParameter(f"lang={lang!r} is not a course language", "Use lang='en' or lang='ko'.")
    _chosen = lang
    return language()


def language() -> str:
    """``"en"`` or ``"ko"``: the language every learner-visible text of this process uses now."""
    if _chosen:
        return _chosen
    from vlab.core import settings
    from vlab.core.errors import BadParameter

    try:
        chosen = settings.get().lang
    except BadParameter:  # a wrong VLAB_* knob: settings.get() reports it; messages must still be shown
        chosen = ""
    return chosen or _notebook_language() or _locale_language()


def _notebook_language() -> str | None:
    """The edition of the notebook this kernel runs: its path (Jupyter's ``JPY_SESSION_NAME``) or its folder."""
    session = os.environ.get("JPY_SESSION_NAME", "")
    if session.endswith(".ipynb"):
        return "ko" if Path(session).parent.name == "ko" else "en"
    cwd = Path.cwd()
    if (cwd / FIRST_NOTEBOOK).exists():
        return "ko" if cwd.name == "ko" else "en"
    return None


def _locale_language() -> str:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "ko" if value.split(":")[0].lower().startswith("ko") else "en"
    return "en"


@functools.cache
def _catalog(lang: str) -> _gettext.NullTranslations:
    return _gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True)


def _(message: str) -> str:
    """``message`` in the current language (itself when the catalog has no translation)."""
    return _catalog(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for ``n``, in the current language."""
    return _catalog(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it yet (module constants); ``_()`` it when shown."""
    return message


def translated(lang: str, message: str) -> str:
    """``message`` in ``lang``, whatever the current language (for side-by-side displays and tests)."""
    return _catalog(lang).gettext(message)
