"""Issue 12, taskboard: every change to a task, and why it is refused.

Each function takes the task as it is and returns it as it becomes, or raises
``AccessDenied`` with a reason code (the ``REASON_*`` values, members of app.protocol Reason).
The phone runs them before queueing an action, the server again before storing it.
"""

from collections.abc import Collection, Mapping, Sequence

from app.domain.access import AccessDenied, require_manager_of
from app.domain.roles import Actor, Role
from app.domain.tasks.model import (MAX_CHECKLIST, MAX_LABEL, MAX_PHOTOS, MAX_TITLE, OPEN, Task, TaskPhoto,
                                    TaskStatus, Verdict, pending_photos, photos_to_send)

REASON_BAD_TASK = "task_bad_task"
REASON_NOT_ASSIGNED = "task_not_assigned"
REASON_NOT_OPEN = "task_not_open"
REASON_PHOTO_COUNT = "task_photo_count"
REASON_CHECKLIST_INCOMPLETE = "task_checklist_incomplete"
REASON_REASON_REQUIRED = "task_reason_required"
REASON_NOT_UNDOABLE = "task_not_undoable"
REASON_NOT_WAITING_REVIEW = "task_not_waiting_review"
REASON_BAD_REVIEW = "task_bad_review"
REASON_COMMENT_REQUIRED = "task_comment_required"
REASON_OWN_WORK = "task_own_work"

MIN_REASON = 3


#: The roles a task may go to (the store's people; area managers and HQ do no store tasks).
TASK_ROLES = frozenset({Role.STAFF.value, Role.STORE_MANAGER.value})


def check_new(task: Task) -> None:
    """A new task: a title, one form of assignees, 0..10 photos, a checklist of short labels."""
    problem = None
    if not task.title.strip() or len(task.title) > MAX_TITLE:
        problem = f"Give the task a title of at most {MAX_TITLE} characters."
    elif task.assignees.forms() != 1:
        problem = "Assign the task to people, to a role, or to whoever is on shift (one of them)."
    elif task.assignees.role is not None and task.assignees.role not in TASK_ROLES:
        problem = "A task goes to staff or to store managers."  # probe12: "" or "janitor" matched nobody
    elif len(set(task.assignees.user_ids)) != len(task.assignees.user_ids):
        problem = "Name each person once."
    elif not 0 <= task.photos_required <= MAX_PHOTOS:
        problem = f"A task asks for 0 to {MAX_PHOTOS} photos."
    elif len(task.checklist) > MAX_CHECKLIST or any(not c.strip() or len(c) > MAX_LABEL for c in task.checklist):
        problem = f"A checklist has at most {MAX_CHECKLIST} items, each with a label."
    if problem:
        raise AccessDenied(REASON_BAD_TASK, problem)


def _require_assignee(is_assignee: bool) -> None:
    if not is_assignee:
        raise AccessDenied(REASON_NOT_ASSIGNED, "This task is not assigned to you.")


def _require_open(task: Task) -> None:
    if task.status not in OPEN:
        raise AccessDenied(REASON_NOT_OPEN, "This task is not waiting to be done.")


def complete(task: Task, user_id: str, is_assignee: bool, photos: Sequence[str], ticked: Collection[int]) -> Task:
    """An assignee sends the task for review with the photos it still needs (all of them, or after
    a send-back just the rejected ones) and every checklist item ticked."""
    _require_assignee(is_assignee)
    _require_open(task)
    wanted, redo = photos_to_send(task), task.status is TaskStatus.IN_PROGRESS
    if len(photos) < wanted or len(photos) > (wanted if redo else MAX_PHOTOS):
        raise AccessDenied(REASON_PHOTO_COUNT, f"Send {wanted} photo(s) with this task.")
    if len(set(photos)) != len(photos) or set(photos) & {p.sha256 for p in task.photos}:
        raise AccessDenied(REASON_PHOTO_COUNT, "Each photo of a task must be a different one.")
    if set(range(len(task.checklist))) - set(ticked) or any(not 0 <= i < len(task.checklist) for i in ticked):
        raise AccessDenied(REASON_CHECKLIST_INCOMPLETE, "Tick every item of the checklist first.")
    round_ = task.round + 1
    sent = tuple(TaskPhoto(sha, round_) for sha in photos)
    return task.with_(status=TaskStatus.WAITING_REVIEW, completed_by=user_id, photos=task.photos + sent,
                      round=round_)


def cant_do(task: Task, is_assignee: bool, reason: str) -> Task:
    """An assignee says they cannot do the task, with a reason (instead of skipping it)."""
    _require_assignee(is_assignee)
    _require_open(task)
    if len(reason.strip()) < MIN_REASON:
        raise AccessDenied(REASON_REASON_REQUIRED, "Write why you cannot do this task.")
    return task.with_(status=TaskStatus.CANT_DO)


def undo(task: Task, user_id: str) -> Task:
    """Whoever completed it takes the completion back before it is reviewed: the photos they
    sent go, the accepted ones of an earlier round stay."""
    if task.status is not TaskStatus.WAITING_REVIEW or task.completed_by != user_id:
        raise AccessDenied(REASON_NOT_UNDOABLE, "Only a completion of yours that is not reviewed yet can be undone.")
    kept = tuple(p for p in task.photos if p.verdict is not Verdict.PENDING)
    back = TaskStatus.IN_PROGRESS if task.round > 1 else TaskStatus.TO_DO
    return task.with_(status=back, completed_by=None, photos=kept, round=task.round - 1)


def review(task: Task, reviewer: Actor, approve: bool, rejected: Mapping[str, str], comment: str = "") -> Task:
    """A manager of the task's store approves it, or sends it back with a comment on each
    rejected photo (a task without photos: with a comment). Nobody reviews their own work."""
    require_manager_of(reviewer, [task.store_id])
    if task.status is not TaskStatus.WAITING_REVIEW:
        raise AccessDenied(REASON_NOT_WAITING_REVIEW, "This task is not waiting for review.")
    if task.completed_by == reviewer.user_id:
        raise AccessDenied(REASON_OWN_WORK, "Someone else must review a task you completed.")
    pending = {p.sha256 for p in pending_photos(task)}
    if approve and rejected or set(rejected) - pending:
        raise AccessDenied(REASON_BAD_REVIEW, "Reject only photos sent with this completion, or approve it.")
    if not approve:
        if not rejected and (pending or not comment.strip()):
            raise AccessDenied(REASON_BAD_REVIEW, "Choose the photos to send back (or approve the task).")
        if any(not c.strip() for c in rejected.values()):
            raise AccessDenied(REASON_COMMENT_REQUIRED, "Say what is wrong with each photo you send back.")
    photos = tuple(p.__class__(p.sha256, p.round, Verdict.REJECTED, rejected[p.sha256].strip())
                   if p.sha256 in rejected else
                   (p.__class__(p.sha256, p.round, Verdict.ACCEPTED) if p.verdict is Verdict.PENDING else p)
                   for p in task.photos)
    status = TaskStatus.DONE if approve else TaskStatus.IN_PROGRESS
    return task.with_(status=status, photos=photos)
