"""Issue 11, bcsaved: saved audiences. A manager saves the audience of a broadcast under a name
and chooses it again later. Each is its owner's only, and it is checked again, with the same
rule as any audience (``broadcasts.check_may_address``), whenever it is listed or sent to: a saved
audience naming a store or person the manager no longer manages is refused, saying so.
"""

from collections.abc import Iterable, Mapping

from app.domain.access import AccessDenied
from app.domain.broadcasts import Audience, Person, check_may_address
from app.domain.roles import Actor

MAX_NAME = 80
REASON_OUT_OF_SCOPE = "saved_audience_out_of_scope"


def check_still_addressable(actor: Actor, audience: Audience, area_stores: Mapping[str, Iterable[str]],
                            named: Iterable[Person]) -> None:
    """``check_may_address`` for a saved audience: going outside the manager's stores is
    ``saved_audience_out_of_scope`` (it was theirs when saved: their stores changed since)."""
    try:
        check_may_address(actor, audience, area_stores, named)
    except AccessDenied as exc:
        if exc.reason == "forbidden_role" and actor.role.is_manager:
            raise AccessDenied(REASON_OUT_OF_SCOPE, f"This saved audience is no longer yours to send to: {exc.message}") \
                from None
        raise
