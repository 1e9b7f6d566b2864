"""Interleaved run order: every configuration once per round, in a fresh seeded shuffle each round.

Slow drifts of a shared machine then hit all configurations alike, and a run stopped early
still holds whole rounds of every configuration.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from typing import TypeVar

T = TypeVar("T")


def rounds(items: Sequence[T] | Mapping[T, object], repeats: int, seed: int, *,
           first: int = 0) -> Iterator[tuple[int, int, T]]:
    """Yield ``(round, slot, item)``: each item once per round, shuffled per round with ``seed``.

    Rounds are numbered from ``first`` (negative numbers for warm-up rounds). ``items`` is read
    afresh at the start of every round, so an item the caller removes (a configuration this
    engine cannot run, say) is left out of the later rounds.
    """
    rng = random.Random(seed)
    for rnd in range(first, first + repeats):
        order = list(items)
        rng.shuffle(order)
        for slot, item in enumerate(order):
            yield rnd, slot, item
