"""Every mutation type the server knows -> its handler.

Payload models live in ``app.protocol.mutations.PAYLOADS``; a type missing from either
table is rejected per item as ``unknown_mutation_type``.
"""

from app.protocol.mutations import VOID
from backend_stub.services.availability import AVAILABILITY_HANDLERS
from backend_stub.services.broadcast_edits import BROADCAST_EDIT_HANDLERS
from backend_stub.services.broadcast_reminders import REMINDER_HANDLERS
from backend_stub.services.handlers import BASIC_HANDLERS, Handler
from backend_stub.services.open_shift_edits import OPEN_SHIFT_EDIT_HANDLERS
from backend_stub.services.open_shift_handlers import OPEN_SHIFT_HANDLERS
from backend_stub.services.request_handlers import REQUEST_HANDLERS
from backend_stub.services.punch_handlers import punch_confirm, punch_correct, punch_record
from backend_stub.services.roster_handlers import ROSTER_HANDLERS
from backend_stub.services.timesheet_handlers import timesheet_query
from backend_stub.services.trade_handlers import TRADE_HANDLERS
from backend_stub.services.task_board import TASK_HANDLERS
from backend_stub.services.inspection_handlers import INSPECTION_HANDLERS
from backend_stub.services.training_signin import TRAINING_HANDLERS


def _void(conn, payload, ctx) -> None:
    """A device gave this action up before sending it: the number is used, nothing changes."""


HANDLERS: dict[str, Handler] = {
    **BASIC_HANDLERS,
    "punch.record": punch_record,
    "punch.confirm": punch_confirm,
    "punch.correct": punch_correct,
    "timesheet.query": timesheet_query,
    **ROSTER_HANDLERS,
    **REQUEST_HANDLERS,
    **TRADE_HANDLERS,
    **AVAILABILITY_HANDLERS,  # issue 10, availability
    **OPEN_SHIFT_HANDLERS,  # issue 10, openshifts
    **OPEN_SHIFT_EDIT_HANDLERS,  # issue 10, openshiftedit
    **REMINDER_HANDLERS,  # issue 11, bcfollow
    **BROADCAST_EDIT_HANDLERS,  # issue 11, bcwrite
    **TASK_HANDLERS,  # issue 12, taskboard
    **INSPECTION_HANDLERS,  # issue 12, insprun
    **TRAINING_HANDLERS,  # issue 13, trainapi
    VOID: _void,
}
