"""Issue 12, insprun: ``inspection.record``, an inspection finished on a phone (offline first).

The handler is ``POST /v1/inspections`` itself (``inspections.record_inspection``): the same
role and store scope, the same template and answer checks with the version it was done with, the
same geofence record of where the phone was, the same corrective tasks. Its refusals become the
mutation's (same reason codes), so the phone undoes the inspection and shows why.
"""

from sqlalchemy.engine import Connection

from app.protocol.inspections import InspectionCreate
from backend_stub.errors import ApiError
from backend_stub.services import inspections
from backend_stub.services.handlers import Context
from backend_stub.services.outcomes import Rejected
from backend_stub.settings import Settings


def inspection_record(conn: Connection, p: InspectionCreate, ctx: Context) -> None:
    """Record the finished inspection as the API does; ``finished_at`` is the phone's, as sent."""
    settings = ctx.settings or Settings()
    try:
        inspections.record_inspection(conn, ctx.actor, p, ctx.received_at, settings.max_fix_accuracy_m)
    except ApiError as exc:
        raise Rejected(exc.code, exc.message) from None


INSPECTION_HANDLERS = {"inspection.record": inspection_record}
