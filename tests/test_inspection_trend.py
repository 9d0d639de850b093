"""Issue 12, insptrend: which way a store's scores with a template go (oldest first), as the
history screen draws and says it: rising, falling, steady, up and down, one score, none;
unscored inspections (nothing applicable) are left out."""

import pytest

from app.domain.inspections.trend import Direction, direction, scored


@pytest.mark.parametrize(("scores", "expected"), [
    ([], Direction.NONE), ([None, None], Direction.NONE), ([71.0], Direction.ONE), ([None, 71.0], Direction.ONE),
    ([62.0, 71.0, 85.0], Direction.RISING), ([62.0, 62.0, 85.0], Direction.RISING),
    ([85.0, 71.0, 62.0], Direction.FALLING), ([80.0, 80.0], Direction.STEADY),
    ([85.71, 42.86, 100.0], Direction.MIXED), ([62.0, None, 85.0], Direction.RISING),
])
def test_the_direction_of_a_run_of_scores(scores, expected):
    """Never down and up overall is rising (a repeat of the same score too); never up and down
    overall falling; all equal steady; both ways mixed; a missing score does not count."""
    assert direction(scores) is expected


def test_only_existing_scores_are_listed_in_order():
    """The scores spoken with the trend are the existing ones, oldest first."""
    assert scored([None, 62.0, None, 71.0]) == [62.0, 71.0]
