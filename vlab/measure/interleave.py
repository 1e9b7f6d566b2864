"""Interleaved run order: every configuration once per round, in a fresh seeded shuffle each round.

Slow drifts of a shared machine then hit all configurations alike, and a run stopped early
still holds whole rounds of every configuration.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


def rounds(items: Sequence[T], repeats: int, seed: int) -> Iterator[tuple[int, T]]:
    """Yield ``(round, item)``: each item once per round, shuffled per round with ``seed``."""
    rng = random.Random(seed)
    for rep in range(repeats):
        order = list(items)
        rng.shuffle(order)
        for item in order:
            yield rep, item
