"""Issue 12, insptrend: which way a store's inspection scores with one template are going.

Pure, so the screen's chart and its spoken text say the same thing: the scores in time order
(oldest first), unscored inspections (nothing applicable) left out.
"""

from collections.abc import Sequence
from enum import StrEnum


class Direction(StrEnum):
    """How a run of scores moves, oldest to newest."""

    NONE = "none"  # no scored inspection
    ONE = "one"  # a single score: no direction yet
    RISING = "rising"  # never down, and up overall
    FALLING = "falling"  # never up, and down overall
    STEADY = "steady"  # every score the same
    MIXED = "mixed"  # up and down


def scored(scores: Sequence[float | None]) -> list[float]:
    """The scores that exist, in the order given."""
    return [s for s in scores if s is not None]


def direction(scores: Sequence[float | None]) -> Direction:
    """The direction of ``scores`` (oldest first; ``None``: nothing applicable, left out)."""
    values = scored(scores)
    if not values:
        return Direction.NONE
    if len(values) == 1:
        return Direction.ONE
    steps = [b - a for a, b in zip(values, values[1:])]
    if all(step == 0 for step in steps):
        return Direction.STEADY
    if all(step >= 0 for step in steps):
        return Direction.RISING
    if all(step <= 0 for step in steps):
        return Direction.FALLING
    return Direction.MIXED


__all__ = ["Direction", "direction", "scored"]
