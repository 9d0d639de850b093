"""Issue 13: the skills a person's valid training grants, for the shift rules on the server.

A passed course grants its skill (``Course.skill``); shifts needing it (``Shift.role``) check it
through ``Person.roles``. ``app.domain.training.completions.with_training`` decides; this loads
what it needs. The device does the same with what it pulled (``app.store.trade_actions``).
"""

from datetime import datetime

from sqlalchemy.engine import Connection

from app.domain.shift_rules import Person
from app.domain.training import completions
from backend_stub.services.training_catalogue import catalogue
from backend_stub.services.training_matrix import _completions


def with_training_of(conn: Connection, person: Person, at: datetime) -> Person:
    """``person`` with the skills their training grants at ``at`` (see ``with_training``)."""
    return completions.with_training(person, _completions(conn, [person.id]), catalogue(conn), at)
