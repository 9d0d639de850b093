"""Issue 12, taskboard: a store's task board for its managers (``GET /stores/{store_id}/tasks``).
Tasks are created, completed and reviewed through sync push (``task.*`` mutations); see docs/tasks.md."""

from datetime import UTC, datetime
from typing import Literal

from fastapi import APIRouter, Query

from app.domain.access import AccessDenied
from app.protocol import Reason
from app.protocol.tasks import TaskPublic
from backend_stub.deps import CurrentUser, DbRead
from backend_stub.errors import Forbidden
from backend_stub.openapi import errors
from backend_stub.services import task_board, task_departments

router = APIRouter(prefix="/stores", tags=["tasks"])

Shown = Literal["to_do", "in_progress", "waiting_review", "done", "cant_do", "overdue"]


@router.get("/{store_id}/tasks", responses=errors(401, 403))
def store_tasks(store_id: str, caller: CurrentUser, conn: DbRead,
                status: Shown | None = Query(default=None, description="Only tasks shown with this status")) -> list[TaskPublic]:
    """The store's board: every task by due time, with the status shown (``overdue`` derived
    from the due time and now); for managers of the store, its area manager and HQ."""
    try:
        board = task_board.board(conn, caller.actor, store_id, datetime.now(UTC), status)
        return task_departments.named(conn, board)  # issue 12, taskrecur: "Sent to Facilities"
    except AccessDenied as exc:
        raise Forbidden(Reason(exc.reason), exc.message) from None
