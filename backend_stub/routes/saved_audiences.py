"""Issue 11, bcsaved: a manager's saved audiences (``/saved-audiences``), online only.

``GET`` lists the caller's own (each with ``problem`` when it reaches outside the stores they
manage now), ``POST`` saves one under a name (the same check as sending; the same name replaces
it), ``DELETE /{id}`` removes one of theirs. Someone else's is "not found", never shown.
"""

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Response

from app.domain.access import AccessDenied
from app.protocol import Reason
from app.protocol.mutations import SavedAudienceSave
from backend_stub.deps import CurrentUser, DbRead, DbSession
from backend_stub.errors import BadRequest, Forbidden, NotFound
from backend_stub.openapi import errors
from backend_stub.services import saved_audiences

router = APIRouter(prefix="/saved-audiences", tags=["broadcasts"])


def _managers_only(caller) -> None:
    if not caller.actor.role.is_manager:
        raise Forbidden(Reason.FORBIDDEN_ROLE, "Only managers save audiences.")


@router.get("", responses=errors(401, 403))
def list_saved(caller: CurrentUser, conn: DbRead) -> list[dict[str, Any]]:
    """The caller's saved audiences by name."""
    _managers_only(caller)
    return saved_audiences.listed(conn, caller.actor)


@router.post("", responses=errors(400, 401, 403))
def save(body: SavedAudienceSave, caller: CurrentUser, conn: DbSession) -> dict[str, Any]:
    """Save the audience being written under a name (the same name replaces it)."""
    _managers_only(caller)
    try:
        return saved_audiences.save(conn, caller.actor, body, datetime.now(UTC))
    except AccessDenied as exc:
        error = BadRequest if exc.reason == Reason.BROADCAST_AUDIENCE_EMPTY else Forbidden
        raise error(Reason(exc.reason), exc.message) from None


@router.delete("/{audience_id}", status_code=204, responses=errors(401, 403, 404))
def remove(audience_id: str, caller: CurrentUser, conn: DbSession) -> Response:
    """Delete one of the caller's saved audiences."""
    _managers_only(caller)
    if not saved_audiences.remove(conn, caller.actor, audience_id):
        raise NotFound(Reason.NOT_FOUND, f"No saved audience {audience_id} of yours.")
    return Response(status_code=204)
