"""Issue 10, availability: the chain's settings (the shift-trade rules and their limits).

``GET /chain/settings`` shows them to anyone signed in (devices also pull them as
``chain_setting`` changes); ``PUT /chain/settings/shift-trades`` lets HQ replace them. A bad
value is refused whole with ``chain_settings_invalid`` and what is wrong; nothing is stored.
"""

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Body

from app.domain.access import AccessDenied
from app.domain.availability import AvailabilityInvalid
from app.domain.photo_checks import PHOTO_SETTINGS
from app.domain.tasks.departments import DEPARTMENTS
from app.domain.tasks.model import TASK_SETTINGS
from app.domain.urgent_repeats import URGENT_REPEATS
from app.protocol import Reason
from backend_stub.deps import CurrentUser, DbRead, DbSession
from backend_stub.errors import BadRequest, Forbidden
from backend_stub.openapi import errors
from backend_stub.services import availability, photo_checks, task_board, task_departments, urgent_repeats

router = APIRouter(prefix="/chain", tags=["chain"])


@router.get("/settings", responses=errors(401))
def chain_settings(caller: CurrentUser, conn: DbRead) -> dict[str, Any]:
    """The chain's settings, with the defaults filled in."""
    return {**availability.settings_view(conn), URGENT_REPEATS: urgent_repeats.load(conn).to_dict(),
            PHOTO_SETTINGS: photo_checks.load(conn).to_dict(),  # issue 12, photoprep
            TASK_SETTINGS: task_board.load_settings(conn).to_dict(),  # issue 12, taskboard
            DEPARTMENTS: task_departments.load(conn).to_dict()}  # issue 12, taskrecur


def _change(change, caller, conn, body: dict[str, Any]) -> dict[str, Any]:
    """Run one settings change: bad settings are ``400``, someone other than HQ ``403``."""
    try:
        return change(conn, caller.actor, body, datetime.now(UTC))
    except AvailabilityInvalid as exc:
        raise BadRequest(Reason(exc.reason), exc.message) from None
    except AccessDenied as exc:
        raise Forbidden(Reason(exc.reason), exc.message) from None


@router.put("/settings/shift-trades", responses=errors(400, 401, 403))
def change_shift_trade_settings(caller: CurrentUser, conn: DbSession,
                                body: dict[str, Any] = Body(...)) -> dict[str, Any]:
    """HQ replaces the shift-trade settings (missing keys take the defaults)."""
    return _change(availability.change_settings, caller, conn, body)


@router.put("/settings/urgent-repeats", responses=errors(400, 401, 403))
def change_urgent_repeats(caller: CurrentUser, conn: DbSession, body: dict[str, Any] = Body(...)) -> dict[str, Any]:
    """Issue 11, bcfollow: HQ sets how often (and how long) an urgent broadcast put off comes back."""
    return _change(urgent_repeats.change, caller, conn, body)


@router.put("/settings/photos", responses=errors(400, 401, 403))
def change_photo_settings(caller: CurrentUser, conn: DbSession, body: dict[str, Any] = Body(...)) -> dict[str, Any]:
    """Issue 12, photoprep: HQ sets what a task photo keeps (GPS, camera time) and how far its
    camera time may be from the completion before the reviewer is told."""
    return _change(photo_checks.change, caller, conn, body)


@router.put("/settings/tasks", responses=errors(400, 401, 403))
def change_task_settings(caller: CurrentUser, conn: DbSession, body: dict[str, Any] = Body(...)) -> dict[str, Any]:
    """Issue 12, taskboard: HQ sets how many hours a corrective task (from a failed inspection
    item) has before it is overdue (``corrective_due_hours``, 1..336, default 24)."""
    return _change(task_board.change_settings, caller, conn, body)


@router.put("/settings/departments", responses=errors(400, 401, 403))
def change_departments(caller: CurrentUser, conn: DbSession, body: dict[str, Any] = Body(...)) -> dict[str, Any]:
    """Issue 12, taskrecur: HQ sets the chain's departments an equipment repair can be sent to
    (``{"departments": [{"id": "facilities", "name": "Facilities"}]}``, at most 30, names unique)."""
    return _change(task_departments.change, caller, conn, body)
