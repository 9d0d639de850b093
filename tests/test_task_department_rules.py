"""Issue 12, taskrecur: the department rules (app.domain.tasks.departments). Table tests: the
chain's list (ids, unique names, at most 30) and handing a task over: only an open equipment
repair, only to a listed department; None takes it back."""

import pytest

from app.domain.access import AccessDenied
from app.domain.tasks.departments import Departments
from app.domain.tasks.departments import check_send
from app.domain.tasks.model import Assignees, Task, TaskKind, TaskStatus

FACILITIES = Departments.from_dict({"departments": [{"id": "facilities", "name": "Facilities"}]})


@pytest.mark.parametrize("data", [
    {"departments": [{"id": "a", "name": "X"}, {"id": "a", "name": "Y"}]},
    {"departments": [{"id": "a", "name": "X"}, {"id": "b", "name": " x "}]},
    {"departments": [{"id": "A B", "name": "X"}]},
    {"departments": [{"id": "a", "name": " "}]},
    {"departments": [{"id": f"d{i}", "name": f"D{i}"} for i in range(31)]},
    {"departments": [{"id": "a"}]},
    {"departments": "Facilities"},
    [],
])
def test_bad_lists_refused(data) -> None:
    """A list with a repeated id or name, a bad id, no name, over 30, or not the right shape is refused."""
    with pytest.raises(ValueError):
        Departments.from_dict(data)


def test_list_round_trips() -> None:
    """What HQ stores is what everyone reads back; no list is the default."""
    assert Departments.from_dict(FACILITIES.to_dict()) == FACILITIES
    assert Departments().to_dict() == {"departments": []}
    assert FACILITIES.name_of("facilities") == "Facilities" and FACILITIES.name_of("it") is None


def _task(kind=TaskKind.EQUIPMENT_REPAIR, status=TaskStatus.TO_DO) -> Task:
    return Task("t1", "st-1", "Fridge 2 is warm", Assignees(role="staff"), kind=kind, status=status)


@pytest.mark.parametrize("task, department, code", [
    (_task(), "facilities", None),
    (_task(status=TaskStatus.IN_PROGRESS), None, None),
    (_task(kind=TaskKind.DISPLAY), "facilities", "task_not_repair"),
    (_task(status=TaskStatus.DONE), "facilities", "task_not_open"),
    (_task(), "it", "task_unknown_department"),
])
def test_check_send_table(task, department, code) -> None:
    """Only an open equipment repair, only to a listed department (None: taken back)."""
    if code is None:
        check_send(task, FACILITIES, department)
        return
    with pytest.raises(AccessDenied) as err:
        check_send(task, FACILITIES, department)
    assert err.value.reason == code


@pytest.mark.parametrize(("name", "taken", "expected"), [
    ("Facilities", set(), "facilities"),
    ("IT & Tills", set(), "it-tills"),
    ("維修部", set(), "department"),
    ("維修部", {"department"}, "department-2"),
    ("Facilities", {"facilities", "facilities-2"}, "facilities-3"),
    ("x" * 80, set(), "x" * 24),
])
def test_a_new_departments_id_is_made_from_its_name(name, taken, expected) -> None:
    """Issue 12, taskadmin: HQ types only a name; the id is its latin letters and digits (else
    "department"), made different from the ids taken, and always one the list accepts."""
    from app.domain.tasks.departments import new_id

    made = new_id(name, taken)
    assert made == expected
    Departments.from_dict({"departments": [{"id": made, "name": "N"}]})
