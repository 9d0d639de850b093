"""Issue 12, taskrecur: a store's recurring task schedules (``/stores/{store_id}/task-schedules``),
for the store's managers, its area manager and HQ. The tasks themselves are put on the board by
the server's task pass (see docs/tasks.md). Also an equipment repair sent to another department
(``PUT /stores/{store_id}/tasks/{task_id}/department``)."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, StringConstraints

from app.domain.access import AccessDenied
from app.protocol import Reason
from app.protocol.task_schedules import TaskScheduleIn, TaskSchedulePublic
from app.protocol.tasks import TaskPublic
from backend_stub.deps import CurrentUser, DbRead, DbSession
from backend_stub.errors import BadRequest, Conflict, Forbidden, NotFound
from backend_stub.openapi import errors
from backend_stub.services import task_departments, task_schedules
from backend_stub.services.outcomes import Rejected
from backend_stub.services.task_schedules import ScheduleNotFound

router = APIRouter(prefix="/stores", tags=["tasks"])
_BAD = {Reason.TASK_BAD_TASK, Reason.TASK_BAD_SCHEDULE}


def _run(call):
    """A refused rule is ``400`` (a bad schedule) or ``403`` (not a manager of the store, an
    assignee who does not work there); an unknown schedule ``404``."""
    try:
        return call()
    except AccessDenied as exc:
        reason = Reason(exc.reason)
        raise (BadRequest if reason in _BAD else Forbidden)(reason, exc.message) from None
    except ScheduleNotFound:
        raise NotFound(Reason.NOT_FOUND, "No such task schedule at this store.") from None


@router.get("/{store_id}/task-schedules", responses=errors(401, 403))
def list_schedules(store_id: str, caller: CurrentUser, conn: DbRead) -> list[TaskSchedulePublic]:
    """The store's recurring tasks, by time of day."""
    return _run(lambda: task_schedules.list_for(conn, caller.actor, store_id))


@router.post("/{store_id}/task-schedules", status_code=201, responses=errors(400, 401, 403))
def add_schedule(store_id: str, body: TaskScheduleIn, caller: CurrentUser, conn: DbSession) -> TaskSchedulePublic:
    """Add a recurring task: its tasks appear on the board ``lead_minutes`` before each due time."""
    return _run(lambda: task_schedules.add(conn, caller.actor, store_id, body, datetime.now(UTC)))


@router.put("/{store_id}/task-schedules/{schedule_id}", responses=errors(400, 401, 403, 404))
def change_schedule(store_id: str, schedule_id: str, body: TaskScheduleIn, caller: CurrentUser,
                    conn: DbSession) -> TaskSchedulePublic:
    """Change or pause (``paused: true``) a recurring task; tasks already on the board stay."""
    return _run(lambda: task_schedules.replace(conn, caller.actor, store_id, schedule_id, body, datetime.now(UTC)))


@router.delete("/{store_id}/task-schedules/{schedule_id}", status_code=204, responses=errors(401, 403, 404))
def delete_schedule(store_id: str, schedule_id: str, caller: CurrentUser, conn: DbSession) -> Response:
    """Delete a recurring task: no more occurrences; tasks already on the board stay."""
    _run(lambda: task_schedules.delete(conn, caller.actor, store_id, schedule_id))
    return Response(status_code=204)


# -- equipment repairs sent to another department ------------------------------------------------

class SendToDepartment(BaseModel):
    """The chain department (``GET /v1/chain/settings`` ``departments``) to send the repair to;
    ``null`` takes it back."""

    model_config = ConfigDict(extra="forbid")

    department_id: Annotated[str, StringConstraints(max_length=32)] | None


@router.put("/{store_id}/tasks/{task_id}/department", responses=errors(400, 401, 403, 404, 409))
def send_to_department(store_id: str, task_id: str, body: SendToDepartment, caller: CurrentUser,
                       conn: DbSession) -> TaskPublic:
    """A manager of the store sends an open equipment repair to another department (the board
    then shows "Sent to {department}"), or takes it back; for the store's managers, its area
    manager and HQ."""
    try:
        return task_departments.send(conn, caller.actor, store_id, task_id, body.department_id, datetime.now(UTC))
    except AccessDenied as exc:
        reason = Reason(exc.reason)
        kind = {Reason.TASK_NOT_OPEN: Conflict, Reason.TASK_NOT_REPAIR: BadRequest,
                Reason.TASK_UNKNOWN_DEPARTMENT: BadRequest}.get(reason, Forbidden)
        raise kind(reason, exc.message) from None
    except Rejected as exc:
        raise NotFound(Reason(exc.reason), exc.message) from None
