"""One task (issue 12, taskboard): what to do (instructions, example photo, due time), and what I
may do with it now. An assignee ticks the checklist, adds the photos asked (camera; a file where
there is none) and a note, and sends it for review, or says why it can't be done; who completed
it may undo before review. A manager of the store reviews: approve, or tick the photos to send
back, each with a comment. Every rule is the shared one (``app.store.task_actions``)."""

from dataclasses import dataclass, field

import flet as ft

from app.domain.tasks.model import TaskStatus, pending_photos, sent_back_photos
from app.store.task_actions import listed
from app.ui.capture import CaptureError, camera_photo
from app.ui.chrome import big_button, frame, icon_button, section
from app.ui.context import AppContext
from app.ui.punch_view import photo_box
from app.ui.screen_state import screen_state
from app.ui.screens.tasks import ROUTE, status_text
from app.ui.screens import task_department  # issue 12, taskadmin


@dataclass
class Typed:
    """What is typed (typing redraws nothing): the note, the can't-do reason, comments per photo."""

    note: str = ""
    reason: str = ""
    comments: dict[str, str] = field(default_factory=dict)


@ft.observable
@dataclass
class TaskDraft:
    """A task being completed or reviewed on this phone (a change redraws the screen)."""

    photos: list[bytes] = field(default_factory=list)
    ticked: frozenset[int] = frozenset()
    rejected: frozenset[str] = frozenset()
    typed: Typed = field(default_factory=Typed)


def _typed_field(ctx: AppContext, typed: Typed, name: str, label: str, key: str | None = None) -> ft.TextField:
    def changed(e) -> None:
        if key is None:
            setattr(typed, name, e.control.value or "")
        else:
            typed.comments[key] = e.control.value or ""

    value = getattr(typed, name) if key is None else typed.comments.get(key, "")
    return ft.TextField(label=label, value=value, multiline=True, on_change=changed)


async def _shoot(ctx: AppContext, draft: TaskDraft) -> None:
    try:
        data = await camera_photo(ctx)
    except CaptureError as exc:
        ctx.notify(exc.message, error=True)
        return
    if data in draft.photos:  # the same file twice proves nothing (the rules refuse it on sending)
        ctx.notify(ctx._("This is the same picture as one already taken. Take another."), error=True)
        return
    draft.photos = [*draft.photos, data]


def _complete_controls(ctx: AppContext, item: dict, draft: TaskDraft) -> list[ft.Control]:
    t, task = ctx.typo, item["task"]

    def tick(index: int, on: bool) -> None:
        draft.ticked = draft.ticked | {index} if on else draft.ticked - {index}

    def sent() -> None:
        ctx.actions.complete_task(task.id, draft.typed.note, photos=draft.photos, ticked=draft.ticked)
        draft.photos, draft.ticked, draft.typed = [], frozenset(), Typed()

    rows: list[ft.Control] = [ft.Checkbox(label=label, value=i in draft.ticked,
                                          on_change=lambda e, i=i: tick(i, bool(e.control.value)))
                              for i, label in enumerate(task.checklist)]
    wanted = item["photos_to_send"]
    if wanted or draft.photos:
        rows.append(t.text(ctx._("Photos: {taken} of {wanted}", taken=ctx.tr.format_number(len(draft.photos)),
                                 wanted=ctx.tr.format_number(wanted)), 15))
        rows += [ft.Row([ft.Icon(ft.Icons.IMAGE), t.text(ctx._("Photo {n}", n=ctx.tr.format_number(i + 1)), 15,
                                                          expand=True),
                         icon_button(ft.Icons.DELETE_OUTLINE, ctx._("Remove"),
                                     lambda e, i=i: setattr(draft, "photos", draft.photos[:i] + draft.photos[i + 1:]))])
                 for i in range(len(draft.photos))]
        rows.append(big_button(ctx, ctx._("Take photo"), lambda e: ctx.page.run_task(_shoot, ctx, draft),
                               icon=ft.Icons.PHOTO_CAMERA, filled=False))
    rows += [_typed_field(ctx, draft.typed, "note", ctx._("Note (optional)")),
             big_button(ctx, ctx._("Send for review"), lambda e: ctx.act(sent, ctx._("Sent for review. It will sync when online."))),
             _typed_field(ctx, draft.typed, "reason", ctx._("Why can't it be done?")),
             big_button(ctx, ctx._("Can't do"), lambda e: ctx.act(
                 lambda: ctx.actions.cant_do_task(task.id, draft.typed.reason), ctx._("Saved. It will sync when online.")),
                 filled=False)]
    return rows


def _review_controls(ctx: AppContext, item: dict, draft: TaskDraft) -> list[ft.Control]:
    t, task = ctx.typo, item["task"]
    pending = pending_photos(task)

    def mark(sha: str, on: bool) -> None:
        draft.rejected = draft.rejected | {sha} if on else draft.rejected - {sha}

    rows: list[ft.Control] = []
    for n, photo in enumerate(pending, 1):
        label = ctx._("Photo {n}", n=ctx.tr.format_number(n))
        rows += [photo_box(ctx, photo.sha256, label, 240),
                 ft.Checkbox(label=ctx._("Send this photo back"), value=photo.sha256 in draft.rejected,
                             on_change=lambda e, s=photo.sha256: mark(s, bool(e.control.value)))]
        if photo.sha256 in draft.rejected:
            rows.append(_typed_field(ctx, draft.typed, "comments", ctx._("What is wrong with it?"), photo.sha256))
    if not pending:
        rows.append(_typed_field(ctx, draft.typed, "comments", ctx._("What should be redone?"), ""))

    def send_back() -> None:
        rejected = {s: draft.typed.comments.get(s, "") for s in draft.rejected}
        ctx.actions.review_task(task.id, False, rejected, draft.typed.comments.get("", ""))
        draft.rejected, draft.typed = frozenset(), Typed()

    rows.append(ft.Row([
        big_button(ctx, ctx._("Approve"), lambda e: ctx.act(lambda: ctx.actions.review_task(task.id, True),
                                                            ctx._("Approved."))),
        big_button(ctx, ctx._("Send back"), lambda e: ctx.act(send_back, ctx._("Sent back.")), filled=False),
    ], wrap=True))
    return rows


def view(ctx: AppContext, route: str, task_id: str) -> ft.View:
    t, user = ctx.typo, ctx.user
    with ctx.store.reading() as db:
        item = next((i for i in listed(db, user["id"], user["role"], user["store_ids"], ctx.tr.now())
                     if i["task"].id == task_id), None)
    if item is None:
        return frame(ctx, route, ctx._("Task"), [t.text(ctx.reason_text("not_found"), 15)], back=True)
    task, row = item["task"], item["row"]
    draft = screen_state(ctx, f"{ROUTE}/{task_id}", TaskDraft)
    late = item["shown"] == "overdue"
    body: list[ft.Control] = [
        t.text(status_text(ctx, item["shown"]), 15, color=ft.Colors.RED_900 if late else None,
               weight=ft.FontWeight.BOLD),
        t.text(ctx._("Due {time}", time=ctx.tr.format_datetime(task.due_at, "short")), 15) if task.due_at else None,
        t.text(task.instructions, 15) if task.instructions else None,
        photo_box(ctx, task.example_photo, ctx._("Example photo"), 240) if task.example_photo else None,
    ]
    if task.status is TaskStatus.IN_PROGRESS:
        body += [t.text(ctx._("Sent back: {comment}", comment=p.comment), 15, color=ft.Colors.RED_900)
                 for p in sent_back_photos(task)]
        if row.get("review_comment"):
            body.append(t.text(row["review_comment"], 15, color=ft.Colors.RED_900))
    if row.get("cant_do_reason") and task.status is TaskStatus.CANT_DO:
        body.append(t.text(ctx._("Can't do: {reason}", reason=row["cant_do_reason"]), 15))
    if item["open"] and item["mine"]:
        body.append(section(ctx, ctx._("Complete"), _complete_controls(ctx, item, draft)))
    if item["may_undo"]:
        body.append(big_button(ctx, ctx._("Undo"), lambda e: ctx.act(lambda: ctx.actions.undo_task(task.id),
                                                                     ctx._("Taken back.")), filled=False))
    if item["may_review"]:
        body.append(section(ctx, ctx._("Review"), _review_controls(ctx, item, draft)))
    body += task_department.part(ctx, item)  # issue 12, taskadmin: an equipment repair sent to a department
    return frame(ctx, route, task.title, [c for c in body if c is not None], back=True)
