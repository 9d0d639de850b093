"""Issue 12, taskrecur: equipment repairs sent to another department. The chain's departments
(a name each, e.g. "Facilities") are a chain setting HQ edits; a manager of the store hands an
open ``equipment_repair`` task to one of them (or takes it back), and the board shows where it went.
"""

import re
from dataclasses import dataclass
from typing import Any

from app.domain.access import AccessDenied
from app.domain.tasks.model import OPEN, Task, TaskKind
from app.domain.tasks.transitions import REASON_NOT_OPEN

#: The chain setting (key of ``chain_settings``) listing the departments.
DEPARTMENTS = "departments"
REASON_NOT_REPAIR = "task_not_repair"
REASON_UNKNOWN_DEPARTMENT = "task_unknown_department"
MAX_DEPARTMENTS = 30
MAX_NAME = 80
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")


@dataclass(frozen=True)
class Department:
    id: str
    name: str


@dataclass(frozen=True)
class Departments:
    """The chain's departments (none until HQ adds some)."""

    items: tuple[Department, ...] = ()

    def __post_init__(self) -> None:
        if len(self.items) > MAX_DEPARTMENTS:
            raise ValueError(f"at most {MAX_DEPARTMENTS} departments")
        for d in self.items:
            if not _ID.match(d.id):
                raise ValueError("a department id is 1..32 lowercase letters, digits or '-'")
            if not d.name.strip() or len(d.name) > MAX_NAME:
                raise ValueError(f"a department needs a name of at most {MAX_NAME} characters")
        if len({d.id for d in self.items}) < len(self.items) or \
                len({d.name.strip().casefold() for d in self.items}) < len(self.items):
            raise ValueError("department ids and names must be different")

    def name_of(self, department_id: str | None) -> str | None:
        return next((d.name for d in self.items if d.id == department_id), None)

    def to_dict(self) -> dict:
        return {"departments": [{"id": d.id, "name": d.name} for d in self.items]}

    @classmethod
    def from_dict(cls, data: Any) -> "Departments":
        if not isinstance(data, dict) or set(data) - {"departments"} or not isinstance(data.get("departments", []), list):
            raise ValueError("settings must be an object with a departments list only")
        items = []
        for d in data.get("departments", []):
            if not isinstance(d, dict) or set(d) != {"id", "name"} or not all(isinstance(v, str) for v in d.values()):
                raise ValueError("each department is {id, name}")
            items.append(Department(d["id"], d["name"].strip()))
        return cls(tuple(items))


def new_id(name: str, taken: set[str]) -> str:
    """Issue 12, taskadmin: an id for a department HQ names (kept when it is renamed): the
    name's latin letters and digits, else "department"; "-2", "-3"... when taken."""
    base = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:24].strip("-") or "department"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def check_send(task: Task, departments: Departments, department_id: str | None) -> None:
    """Hand an open equipment repair to a department of the chain (``None``: take it back)."""
    if task.kind is not TaskKind.EQUIPMENT_REPAIR:
        raise AccessDenied(REASON_NOT_REPAIR, "Only an equipment repair can be sent to another department.")
    if task.status not in OPEN:
        raise AccessDenied(REASON_NOT_OPEN, "This task is no longer waiting to be done.")
    if department_id is not None and departments.name_of(department_id) is None:
        raise AccessDenied(REASON_UNKNOWN_DEPARTMENT, "There is no such department.")
