"""One place for the argument checks every lab repeats, with one message style.

Each check returns the value when it is good and raises ``BadParameter`` otherwise, as
``name=value must be …`` plus a hint (the default hint gives a valid example). ``bool`` is
never accepted as a number (``True`` is an ``int`` in Python, and ``trials=True`` is a mistake).
The messages are in the gettext catalog (shown in the learner's language); a given ``hint`` is
shown as it is, so mark it with ``_()`` where it is written.

>>> whole_number("trials", 5, 1, 100)
5
>>> number("cpus", 0.5, 0.01, 64)
0.5
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from vlab.core.errors import BadParameter
from vlab.core.i18n import _

__all__ = ["choice", "flag", "is_number", "number", "whole_number"]


def is_number(value: object) -> bool:
    """An int or float that is not a bool (finite or not)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _example(name: str, value: object) -> str:
    return _("For example {name}={value}.").format(name=name, value=value)


def whole_number(name: str, value: object, lo: int, hi: int | None, hint: str | None = None) -> int:
    """``value`` as a whole number from ``lo`` to ``hi`` (``None``: no upper bound; bools and floats refused),
    else BadParameter."""
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value or (hi is not None and value > hi):
        message = (_("{name}={value!r} must be a whole number of at least {lo}") if hi is None
                   else _("{name}={value!r} must be a whole number from {lo} to {hi}"))
        raise BadParameter(message.format(name=name, value=value, lo=lo, hi=hi), hint or _example(name, lo))
    return value


def number(name: str, value: object, lo: float, hi: float | None, hint: str | None = None, *,
           lo_open: bool = False, hi_open: bool = False) -> float:
    """A finite int or float from ``lo`` to ``hi`` (above ``lo`` when ``lo_open``, below ``hi`` when ``hi_open``;
    ``hi=None``: no upper bound), else BadParameter."""
    finite = is_number(value) and not (isinstance(value, float) and not math.isfinite(value))  # huge ints are fine
    ok = finite and (lo < value if lo_open else lo <= value) and (
        hi is None or (value < hi if hi_open else value <= hi))
    if not ok:
        if hi is None:
            message = (_("{name}={value!r} must be a finite number above {lo}") if lo_open
                       else _("{name}={value!r} must be a finite number of at least {lo}"))
        else:
            message = {(False, False): _("{name}={value!r} must be a number from {lo} to {hi}"),
                       (True, False): _("{name}={value!r} must be a number above {lo} and up to {hi}"),
                       (False, True): _("{name}={value!r} must be a number from {lo} and below {hi}"),
                       (True, True): _("{name}={value!r} must be a number above {lo} and below {hi}")}[lo_open, hi_open]
        example = lo + 1 if hi is None else (lo + hi) / 2 if hi_open else hi
        raise BadParameter(message.format(name=name, value=value, lo=lo, hi=hi), hint or _example(name, example))
    return value  # type: ignore[return-value]


def flag(name: str, value: object, hint: str | None = None) -> bool:
    """``True`` or ``False`` only (not 0/1, not a string), else BadParameter."""
    if not isinstance(value, bool):
        raise BadParameter(_("{name}={value!r} must be True or False").format(name=name, value=value),
                           hint or _example(name, True))
    return value


def choice(name: str, value: object, options: Iterable[object], hint: str | None = None):
    """One of ``options``, else BadParameter naming them."""
    options = list(options)
    if not any(value == o and isinstance(value, bool) == isinstance(o, bool) for o in options):  # True is not 1
        raise BadParameter(_("{name}={value!r} must be one of {options}").format(
            name=name, value=value, options=", ".join(map(repr, options))),
                           hint or (_example(name, repr(options[0])) if options else None))
    return value
