"""Push mutations, pull changes."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.protocol import MAX_PULL_PAGE, PullResponse, PushRequest, PushResponse, Reason
from backend_stub.deps import DatabaseGate, SettingsDep
from backend_stub.errors import BadRequest, Conflict, Forbidden, PayloadTooLarge
from backend_stub.openapi import errors
from backend_stub.services import broadcast_schedule, broadcasts
from backend_stub.services.changes import decode_cursor, pull
from backend_stub.services.push import apply_batch

router = APIRouter(prefix="/sync", tags=["sync"])


@router.post("/push", response_model=PushResponse,
             responses=errors(BadRequest, Forbidden, Conflict, PayloadTooLarge))
def push(body: PushRequest, gate: DatabaseGate, settings: SettingsDep) -> Response:
    """Apply a batch of consecutive mutations from the caller's device, each exactly once."""
    with gate.write() as tx:  # committed at the end of the block, before the answer is sent
        if len(body.mutations) > settings.max_batch:
            raise PayloadTooLarge(Reason.PAYLOAD_TOO_LARGE,
                                  f"A batch holds at most {settings.max_batch} actions",
                                  {"max_batch": settings.max_batch})
        if body.device_id != tx.caller.device_id:
            raise Forbidden(Reason.DEVICE_MISMATCH, "This token was issued to another device")
        results, last = apply_batch(tx.conn, tx.caller, body, settings)
    answer = PushResponse(results=results, last_applied_seq=last, server_time=datetime.now(UTC))
    # Serialise once here: FastAPI would otherwise re-validate 500 results against the
    # response model (the model still documents the endpoint in OpenAPI).
    return Response(answer.model_dump_json(), media_type="application/json")


def _move_due_broadcasts(gate: DatabaseGate) -> None:
    """Issue 11, bcwrite: broadcasts due to be sent or to expire go on before a pull; asked of
    the database only when this process's watch says one may be due (not on every pull)."""
    now = datetime.now(UTC)
    if not broadcast_schedule.due_watch.should_look(now):
        return
    with gate.read() as tx:
        due = broadcast_schedule.next_due(tx.conn)
    if due is not None and due <= now:
        with gate.write() as tx:
            broadcast_schedule.move_due(tx.conn, now)
            due = broadcast_schedule.next_due(tx.conn)
    broadcast_schedule.due_watch.looked(now, due)


@router.get("/pull", response_model=PullResponse, responses=errors(BadRequest))
def pull_changes(
    gate: DatabaseGate,
    cursor: str = "",
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_PAGE)] = 500,
) -> Response:
    """Changes since ``cursor`` that the caller's role and stores may see."""
    _move_due_broadcasts(gate)
    with gate.read() as tx:
        after, tag = decode_cursor(cursor)
        page = pull(tx.conn, tx.caller.actor, tx.caller.device_id, after, limit, tag)
    if page.broadcast_ids:  # issue 11, broadcasts: delivered = the person's phone pulled it
        with gate.write() as tx:
            broadcasts.mark_delivered(tx.conn, tx.caller.actor.user_id, page.broadcast_ids, datetime.now(UTC))
    return Response(page.to_json(), media_type="application/json")  # already PullResponse's JSON
