"""Feedback for exercises: the learner writes code with ``...`` blanks, a checker answers.

A checker never raises: an unfinished blank gets "not yet", a wrong value gets a specific
message (what is wrong, not only "wrong"), and an exception inside the checker is reported as
feedback. Lab modules write their checkers with :func:`checker`; notebooks call them::

    @checker
    def check_memory_limit(limit_bytes: int) -> Feedback:
        if limit_bytes != 32 * 1024**2:
            return wrong(f"{limit_bytes} bytes is not 32 MiB", "32 MiB = 32 * 1024 * 1024 bytes.")
        return passed("the kernel enforces exactly the limit you asked for")

Every feedback prints a fixed first word (``PASS``, ``NOT YET``, ``WRONG``; in Korean 통과, 아직, 틀림) so tests
can read it.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from vlab.core.i18n import N_, _

__all__ = ["Feedback", "checker", "is_blank", "not_yet", "passed", "wrong"]

Status = Literal["pass", "not yet", "wrong"]
_LOOK = {
    "pass": ("✅", N_("PASS"), "#009E73"),
    "not yet": ("⏳", N_("NOT YET"), "#999999"),
    "wrong": ("❌", N_("WRONG"), "#D55E00"),
}


@dataclass(frozen=True)
class Feedback:
    """A checker's answer: its status, a message about the learner's own value, and a hint."""

    status: Status
    message: str
    hint: str = ""

    def __bool__(self) -> bool:
        return self.status == "pass"

    def __repr__(self) -> str:
        icon, word, _colour = _LOOK[self.status]
        hint = "\n   " + _("hint: {hint}").format(hint=self.hint) if self.hint and self.status != "pass" else ""
        return f"{icon} {_(word)}: {self.message}{hint}"

    def _repr_html_(self) -> str:
        icon, word, colour = _LOOK[self.status]
        hint = (f"<br><small>💡 {html.escape(self.hint)}</small>" if self.hint and self.status != "pass" else "")
        return (f'<div style="border-left:4px solid {colour};padding:4px 8px">{icon} <b>{_(word)}</b>: '
                f"{html.escape(self.message)}{hint}</div>")


def passed(message: str) -> Feedback:
    return Feedback("pass", message)


def wrong(message: str, hint: str = "") -> Feedback:
    return Feedback("wrong", message, hint)


def not_yet(message: str | None = None, hint: str = "") -> Feedback:
    return Feedback("not yet", _("fill in every `...` blank, then run the cell again.") if message is None else message,
                    hint)


def is_blank(value: object) -> bool:
    """True for ``...`` itself or a list/tuple/dict/set that still holds a ``...`` somewhere."""
    if value is Ellipsis:
        return True
    if isinstance(value, dict):
        return any(is_blank(k) or is_blank(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(is_blank(v) for v in value)
    return False


def checker(func: Callable[..., Feedback]) -> Callable[..., Feedback]:
    """Wrap a checker: blanks in any argument give "not yet"; an exception gives "wrong" with its text."""

    @functools.wraps(func)
    def check(*args, **kwargs) -> Feedback:
        if any(is_blank(a) for a in (*args, *kwargs.values())):
            return not_yet()
        try:
            return func(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a checker reports, it never raises at the learner
            return wrong(_("checking your answer failed: {error}: {message}").format(error=type(exc).__name__,
                                                                                      message=exc),
                         _("Look at the value you passed in: is it the kind of thing the exercise asks for?"))

    return check
