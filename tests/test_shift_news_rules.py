"""Issue 10, shiftnews, the shared rule (``app.domain.roster.publish_changes``): who publishing
tells what, including a published shift moved from one person to another."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain import roster

START = datetime(2027, 3, 1, 1, tzinfo=UTC)


def _shift(user: str, status: str = roster.PUBLISHED, version: int = 2, published: int = 1,
           told: str | None = None) -> roster.ShiftSpan:
    return roster.ShiftSpan("sh-1", user, "st-cwb", START, START + timedelta(hours=8), status, "Sales",
                            version, published, told)


@pytest.mark.parametrize("shift, told", [
    (_shift("A", roster.DRAFT, 1, 0), {"A": "added"}),
    (_shift("A"), {"A": "changed"}),
    (_shift("A", roster.CANCELLED), {"A": "cancelled"}),
    (_shift("A", version=1), {}),
    (_shift("B", told="A"), {"A": "cancelled", "B": "added"}),
    (_shift("A", told="A"), {"A": "changed"}),  # moved away and back before publishing
    (_shift("B", roster.CANCELLED, told="A"), {"A": "cancelled"}),  # B never had it
])
def test_publish_tells_each_person_affected(shift, told):
    """Per person, the one line publishing tells them about this shift (none when already told)."""
    out = roster.publish_changes([shift])
    assert {user: [c.kind for c in lines] for user, lines in out.items()} == {u: [k] for u, k in told.items()}
