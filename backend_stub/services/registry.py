"""Every mutation type the server knows -> its handler.

Payload models live in ``app.protocol.mutations.PAYLOADS``; a type missing from either
table is rejected per item as ``unknown_mutation_type``.
"""

from backend_stub.services.handlers import BASIC_HANDLERS, Handler
from backend_stub.services.punch_handlers import punch_confirm, punch_correct, punch_record

HANDLERS: dict[str, Handler] = {
    **BASIC_HANDLERS,
    "punch.record": punch_record,
    "punch.confirm": punch_confirm,
    "punch.correct": punch_correct,
}
