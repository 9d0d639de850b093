"""Issue 12, taskboard: the task rules the phone and the server share (app.domain.tasks).
Table tests: every transition (complete, can't do, undo, review: approve / send back / redo)
and each refusal with its reason code; the derived "overdue" status; old stored statuses."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.access import AccessDenied
from app.domain.roles import Actor, Role
from app.domain.tasks import transitions as t
from app.domain.tasks.model import (Assignees, Task, TaskPhoto, TaskSettings, TaskStatus, Verdict, is_overdue,
                                    kind_for_finding, photos_to_send, shown_status)

NOW = datetime(2026, 12, 1, 10, tzinfo=UTC)
A, B, C = "a" * 64, "b" * 64, "c" * 64
MANAGER = Actor("u-m", Role.STORE_MANAGER, frozenset({"st-1"}))
OTHER_MANAGER = Actor("u-m2", Role.STORE_MANAGER, frozenset({"st-2"}))
STAFF = Actor("u-s", Role.STAFF, frozenset({"st-1"}))


def task(**kw) -> Task:
    base = dict(id="t1", store_id="st-1", title="Promotion shelf", assignees=Assignees(("u-s",)),
                checklist=("Price tags", "Posters"), photos_required=2, due_at=NOW + timedelta(hours=2))
    return Task(**{**base, **kw})


def sent(**kw) -> Task:
    return t.complete(task(**kw), "u-s", True, [A, B], {0, 1})


def refused(code: str, call, *args, **kw) -> None:
    with pytest.raises(AccessDenied) as err:
        call(*args, **kw)
    assert err.value.reason == code


@pytest.mark.parametrize("bad", [
    dict(title=" "),
    dict(title="x" * 201),
    dict(assignees=Assignees()),  # nobody
    dict(assignees=Assignees(("u-s",), role="staff")),  # two forms
    dict(photos_required=11),
    dict(photos_required=-1),
    dict(checklist=("ok", " ")),
    dict(checklist=tuple(str(i) for i in range(31))),
    dict(assignees=Assignees(role="")),  # probe12: a role nobody has
    dict(assignees=Assignees(role="janitor")),
    dict(assignees=Assignees(role="hq_admin")),  # HQ does no store tasks
    dict(assignees=Assignees(("u-s", "u-s"))),  # the same person twice
])
def test_a_bad_new_task_is_refused(bad):
    """A task without a title, with no or two kinds of assignees, a role that is no store role,
    a person named twice, over 10 photos or a bad checklist is refused."""
    refused(t.REASON_BAD_TASK, t.check_new, task(**bad))


@pytest.mark.parametrize("assignees, user, role, on_shift, expected", [
    (Assignees(("u-s",)), "u-s", "staff", False, True),
    (Assignees(("u-s",)), "u-x", "staff", True, False),
    (Assignees(role="staff"), "u-x", "staff", False, True),
    (Assignees(role="store_manager"), "u-x", "staff", True, False),
    (Assignees(on_shift=True), "u-x", "staff", True, True),
    (Assignees(on_shift=True), "u-x", "staff", False, False),
    (Assignees(), "u-x", "staff", False, True),  # a task from before issue 12: anyone at the store
])
def test_who_is_an_assignee(assignees, user, role, on_shift, expected):
    """Named people, everyone of a role, or whoever has a shift at the store now."""
    assert assignees.includes(user, role, on_shift) is expected


def test_complete_sends_the_task_for_review():
    """With every photo and tick, the task waits for review, the photos pending in round 1; a
    first completion may add photos beyond those asked (up to 10)."""
    done = sent()
    assert done.status is TaskStatus.WAITING_REVIEW and done.completed_by == "u-s" and done.round == 1
    assert done.photos == (TaskPhoto(A, 1), TaskPhoto(B, 1))
    assert len(t.complete(task(), "u-s", True, [A, B, C], {0, 1}).photos) == 3


@pytest.mark.parametrize("code, kw, args", [
    (t.REASON_NOT_ASSIGNED, {}, ("u-x", False, [A, B], {0, 1})),
    (t.REASON_PHOTO_COUNT, {}, ("u-s", True, [A], {0, 1})),
    (t.REASON_PHOTO_COUNT, {}, ("u-s", True, [f"{i:064x}" for i in range(11)], {0, 1})),
    (t.REASON_PHOTO_COUNT, {}, ("u-s", True, [A, A], {0, 1})),
    (t.REASON_CHECKLIST_INCOMPLETE, {}, ("u-s", True, [A, B], {0})),
    (t.REASON_CHECKLIST_INCOMPLETE, {}, ("u-s", True, [A, B], {0, 1, 5})),
    (t.REASON_NOT_OPEN, {"status": TaskStatus.DONE}, ("u-s", True, [A, B], {0, 1})),
    (t.REASON_NOT_OPEN, {"status": TaskStatus.CANT_DO}, ("u-s", True, [A, B], {0, 1})),
    (t.REASON_PHOTO_COUNT, {"photos_required": 0, "after_photo_required": True}, ("u-s", True, [], {0, 1})),
])
def test_complete_refusals(code, kw, args):
    """Not an assignee, the wrong number of photos (or one twice), an unticked item, a closed task,
    a corrective task without its "after" photo: each refused with its code."""
    refused(code, t.complete, task(**kw), *args)


def test_a_second_completion_while_waiting_is_refused():
    """A task already sent for review cannot be completed again."""
    refused(t.REASON_NOT_OPEN, t.complete, sent(), "u-s", True, [C, "d" * 64], {0, 1})


def test_cant_do_needs_a_reason():
    """Can't do: an assignee with a reason closes it as cant_do; no reason, not theirs or closed: refused."""
    assert t.cant_do(task(), True, "Printer broken").status is TaskStatus.CANT_DO
    refused(t.REASON_REASON_REQUIRED, t.cant_do, task(), True, "  ")
    refused(t.REASON_NOT_ASSIGNED, t.cant_do, task(), False, "Printer broken")
    refused(t.REASON_NOT_OPEN, t.cant_do, sent(), True, "Printer broken")


def test_undo_before_review_by_who_completed_it():
    """Undo brings the task back to do with no photos; someone else, or after review: refused."""
    back = t.undo(sent(), "u-s")
    assert back.status is TaskStatus.TO_DO and back.photos == () and back.round == 0 and back.completed_by is None
    refused(t.REASON_NOT_UNDOABLE, t.undo, sent(), "u-x")
    refused(t.REASON_NOT_UNDOABLE, t.undo, t.review(sent(), MANAGER, True, {}), "u-s")
    refused(t.REASON_NOT_UNDOABLE, t.undo, task(), "u-s")


def test_approve():
    """A manager of the store approves: done, every photo accepted."""
    done = t.review(sent(), MANAGER, True, {})
    assert done.status is TaskStatus.DONE and {p.verdict for p in done.photos} == {Verdict.ACCEPTED}


def test_send_back_then_redo_only_the_rejected_photo():
    """Sending one photo back keeps the other: the redo asks for one photo; undoing the redo keeps
    the accepted one and the task stays in progress; the second review approves."""
    back = t.review(sent(), MANAGER, False, {B: "Posters are not visible"})
    assert back.status is TaskStatus.IN_PROGRESS and photos_to_send(back) == 1
    assert back.photos[1] == TaskPhoto(B, 1, Verdict.REJECTED, "Posters are not visible")
    refused(t.REASON_PHOTO_COUNT, t.complete, back, "u-s", True, [C, "d" * 64], {0, 1})
    refused(t.REASON_PHOTO_COUNT, t.complete, back, "u-s", True, [B], {0, 1})  # the rejected one again
    three = t.complete(task(), "u-s", True, [A, B, C], {0, 1})
    assert photos_to_send(t.review(three, MANAGER, False, {A: "dark", C: "blurred"})) == 2  # = rejected
    redo = t.complete(back, "u-s", True, [C], {0, 1})
    assert redo.round == 2 and redo.photos[-1] == TaskPhoto(C, 2)
    assert t.undo(redo, "u-s").status is TaskStatus.IN_PROGRESS and photos_to_send(t.undo(redo, "u-s")) == 1
    done = t.review(redo, MANAGER, True, {})
    assert done.status is TaskStatus.DONE and [p.verdict for p in done.photos] == [
        Verdict.ACCEPTED, Verdict.REJECTED, Verdict.ACCEPTED]


@pytest.mark.parametrize("code, reviewer, args, state", [
    ("forbidden_role", STAFF, (True, {}), "sent"),
    ("forbidden_role", OTHER_MANAGER, (True, {}), "sent"),
    (t.REASON_NOT_WAITING_REVIEW, MANAGER, (True, {}), "new"),
    (t.REASON_OWN_WORK, Actor("u-s", Role.STORE_MANAGER, frozenset({"st-1"})), (True, {}), "sent"),
    (t.REASON_BAD_REVIEW, MANAGER, (True, {A: "blurred"}), "sent"),  # approve and reject
    (t.REASON_BAD_REVIEW, MANAGER, (False, {C: "blurred"}), "sent"),  # not one of its photos
    (t.REASON_BAD_REVIEW, MANAGER, (False, {}), "sent"),  # sent back, nothing chosen
    (t.REASON_COMMENT_REQUIRED, MANAGER, (False, {A: " "}), "sent"),
])
def test_review_refusals(code, reviewer, args, state):
    """Staff, another store's manager, a task not waiting, one's own work, a muddled verdict, a
    rejection without a comment: each refused with its code."""
    refused(code, t.review, sent() if state == "sent" else task(), reviewer, *args)


def test_a_task_without_photos_is_sent_back_with_a_comment():
    """No photos to judge: a send-back needs a comment, and the redo needs no photo."""
    plain = t.complete(task(photos_required=0), "u-s", True, [], {0, 1})
    refused(t.REASON_BAD_REVIEW, t.review, plain, MANAGER, False, {}, " ")
    back = t.review(plain, MANAGER, False, {}, "Posters are crooked")
    assert back.status is TaskStatus.IN_PROGRESS and photos_to_send(back) == 0


@pytest.mark.parametrize("status, due, expected", [
    (TaskStatus.TO_DO, NOW - timedelta(minutes=1), "overdue"),
    (TaskStatus.IN_PROGRESS, NOW - timedelta(minutes=1), "overdue"),
    (TaskStatus.TO_DO, NOW + timedelta(minutes=1), "to_do"),
    (TaskStatus.TO_DO, None, "to_do"),
    (TaskStatus.WAITING_REVIEW, NOW - timedelta(days=1), "waiting_review"),
    (TaskStatus.DONE, NOW - timedelta(days=1), "done"),
    (TaskStatus.CANT_DO, NOW - timedelta(days=1), "cant_do"),
])
def test_overdue_is_derived(status, due, expected):
    """Overdue: still to do or in progress after the due time; never stored."""
    one = task(status=status, due_at=due)
    assert shown_status(one, NOW) == expected and is_overdue(one, NOW) is (expected == "overdue")


def test_old_stored_statuses_and_settings():
    """Rows from before issue 12 say open/done; a corrective task's due time comes from the chain
    setting (24 h by default, 1..336 h); cleaning items make cleaning checks."""
    assert TaskStatus.read("open") is TaskStatus.TO_DO and TaskStatus.read("done") is TaskStatus.DONE
    assert TaskSettings().due(NOW) == NOW + timedelta(hours=24)
    for bad in ({"corrective_due_hours": 0}, {"corrective_due_hours": True}, {"x": 1}, []):
        with pytest.raises(ValueError):
            TaskSettings.from_dict(bad)
    assert kind_for_finding("Floor", "Clean aisles").value == "cleaning_check"
    assert kind_for_finding("Safety", "Fire exit clear").value == "other"


def test_on_shift_means_a_shift_running_at_that_moment_ends_included():
    """"Whoever is on shift" (phone and server alike): a shift 09:00-17:00 counts at 09:00, 13:00
    and 17:00, not at 08:59 or 17:01; no shift, nobody."""
    from datetime import UTC, datetime, timedelta

    from app.domain.tasks.model import on_shift_at

    nine = datetime(2026, 12, 2, 1, tzinfo=UTC)
    shift = [(nine, nine + timedelta(hours=8))]
    for minutes, expected in ((0, True), (240, True), (480, True), (-1, False), (481, False)):
        assert on_shift_at(shift, nine + timedelta(minutes=minutes)) is expected, minutes
    assert on_shift_at([], nine) is False
