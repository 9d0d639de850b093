"""Issue 8, my-punches: "this looks wrong" requests about one's own timesheet.

The person's request is kept and sent to the managers of the store it names (they see it in
Approvals) and back to the person's own devices.
"""

from sqlalchemy.engine import Connection

from app.domain.timesheet_query import check_timesheet_query
from app.domain.attendance import HONG_KONG
from app.protocol import mutations as m
from backend_stub import db
from backend_stub.services.changes import emit
from backend_stub.services.handlers import Context, person_store_ids


def timesheet_query(conn: Connection, p: m.TimesheetQuery, ctx: Context) -> None:
    """Own records only, at one of the person's stores, for a recent day."""
    today = ctx.received_at.astimezone(HONG_KONG).date()
    # AccessDenied is answered per item by the push layer, like every handler's.
    check_timesheet_query(ctx.actor, p.user_id, person_store_ids(conn, p.user_id), p.store_id, p.day, today)
    row = {"id": p.query_id, "user_id": p.user_id, "store_id": p.store_id, "day": p.day.isoformat(),
           "message": p.message, "status": "open", "created_at": ctx.received_at}
    # An existing id fails the primary key; the push layer turns that into a per-item conflict.
    conn.execute(db.timesheet_queries.insert(), row)
    emit(conn, "timesheet_query", p.query_id, row, audience="managers", store_ids=[p.store_id])
    emit(conn, "timesheet_query", p.query_id, row, audience="user", user_id=p.user_id)
