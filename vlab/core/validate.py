"""One place for the argument checks every lab repeats, with one message style.

Each check returns the value when it is good and raises ``BadParameter`` otherwise, as
``name=value must be …`` plus a hint (the default hint gives a valid example). ``bool`` is
never accepted as a number (``True`` is an ``int`` in Python, and ``trials=True`` is a mistake).

>>> whole_number("trials", 5, 1, 100)
5
>>> number("cpus", 0.5, 0.01, 64)
0.5
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from vlab.core.errors import BadParameter

__all__ = ["choice", "flag", "is_number", "number", "whole_number"]


def is_number(value: object) -> bool:
    """An int or float that is not a bool (finite or not)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def whole_number(name: str, value: object, lo: int, hi: int, hint: str | None = None) -> int:
    """``value`` as a whole number from ``lo`` to ``hi`` (bools and floats refused), else BadParameter."""
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise BadParameter(f"{name}={value!r} must be a whole number from {lo} to {hi}",
                           hint or f"For example {name}={lo}.")
    return value


def number(name: str, value: object, lo: float, hi: float, hint: str | None = None, *,
           lo_open: bool = False) -> float:
    """A finite int or float from ``lo`` to ``hi`` (above ``lo`` when ``lo_open``), else BadParameter."""
    finite = is_number(value) and not (isinstance(value, float) and not math.isfinite(value))  # huge ints are fine
    ok = finite and (lo < value if lo_open else lo <= value) and value <= hi
    if not ok:
        span = f"above {lo} and up to {hi}" if lo_open else f"from {lo} to {hi}"
        raise BadParameter(f"{name}={value!r} must be a number {span}", hint or f"For example {name}={hi}.")
    return value  # type: ignore[return-value]


def flag(name: str, value: object, hint: str | None = None) -> bool:
    """``True`` or ``False`` only (not 0/1, not a string), else BadParameter."""
    if not isinstance(value, bool):
        raise BadParameter(f"{name}={value!r} must be True or False", hint or f"For example {name}=True.")
    return value


def choice(name: str, value: object, options: Iterable[object], hint: str | None = None):
    """One of ``options``, else BadParameter naming them."""
    options = list(options)
    if not any(value == o and isinstance(value, bool) == isinstance(o, bool) for o in options):  # True is not 1
        example = f"For example {name}={options[0]!r}." if options else None
        raise BadParameter(f"{name}={value!r} must be one of {', '.join(map(repr, options))}", hint or example)
    return value
