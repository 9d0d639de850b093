"""Store tasks (issue 12, taskboard): My tasks for everyone (the tasks assigned to me, with their
status and an overdue mark) and, for managers, the store board (every task of their stores, those
waiting for review first). A tap opens the task (``task_detail``). Rules: ``app.store.task_actions``.
"""

import flet as ft

from app.i18n.common_strings import TASK_STATUS_LABELS as STATUS_LABELS
from app.store import queries
from app.store.task_actions import listed
from app.store.task_reminders import department_names  # issue 12, taskrecur
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext

ROUTE = "/tasks"
NEW_ROUTE = ROUTE + "/new"  # issue 12, taskboard: a manager writes a task (task_new)
SCHEDULES_ROUTE = ROUTE + "/schedules"  # issue 12, taskadmin: recurring tasks (task_schedules)
_ICONS = {"to_do": ft.Icons.RADIO_BUTTON_UNCHECKED, "in_progress": ft.Icons.REPLAY,
          "waiting_review": ft.Icons.HOURGLASS_TOP, "done": ft.Icons.CHECK_CIRCLE, "cant_do": ft.Icons.BLOCK,
          "overdue": ft.Icons.ALARM}


def status_text(ctx: AppContext, shown: str) -> str:
    return ctx._(STATUS_LABELS.get(shown, shown))


def _sent_to(ctx: AppContext, row: dict, departments: dict[str, str]) -> str:
    """Issue 12, taskrecur: where an equipment repair was sent ("" when not sent)."""
    department = row.get("department_id")
    if not department:
        return ""
    # Translators: a task on the board; {department} is a department of the chain, e.g. "Facilities".
    return ctx._("Sent to {department}", department=departments.get(department, department))


def _tile(ctx: AppContext, item: dict, names: dict[str, str], departments: dict[str, str] | None = None) -> ft.Control:
    t, row, shown = ctx.typo, item["row"], item["shown"]
    due = ctx.tr.format_datetime(item["task"].due_at, "short") if item["task"].due_at else ""
    late = shown == "overdue"
    return ft.ListTile(
        leading=ft.Icon(_ICONS.get(shown, ft.Icons.CHECKLIST), semantics_label=status_text(ctx, shown),
                        color=ft.Colors.RED_900 if late else ft.Colors.GREEN_800 if shown == "done" else None),
        title=t.text(row["title"], 16),
        subtitle=t.text(ctx.tr.join(status_text(ctx, shown), names.get(row["store_id"], ""), due,
                                    _sent_to(ctx, row, departments or {}),
                                    ctx._("waiting to sync") if row["sync_state"] == "pending" else ""), 13,
                        color=ft.Colors.RED_900 if late else None),
        on_click=lambda e, tid=row["id"]: ctx.page.navigate(f"{ROUTE}/{tid}"),
    )


def view(ctx: AppContext) -> ft.View:
    t, user = ctx.typo, ctx.user
    with ctx.store.reading() as db:
        items = listed(db, user["id"], user["role"], user["store_ids"], ctx.tr.now())
        names = queries.store_names(db)
        departments = department_names(db)
    mine = [i for i in items if i["mine"] and i["shown"] != "done"]
    body: list[ft.Control] = [section(ctx, ctx._("My tasks"), [_tile(ctx, i, names, departments) for i in mine]
                                      or [t.text(ctx._("Nothing to do right now."), 15)])]
    if ctx.is_manager:
        board = sorted(items, key=lambda i: (i["shown"] != "waiting_review", i["shown"] != "overdue", not i["open"]))
        body.append(section(ctx, ctx._("Store board"), [_tile(ctx, i, names, departments) for i in board]
                            or [t.text(ctx._("No tasks yet."), 15)]))
        body.append(big_button(ctx, ctx._("New task"), lambda e: ctx.page.navigate(NEW_ROUTE), icon=ft.Icons.ADD_TASK))
        body.append(big_button(ctx, ctx._("Recurring tasks"), lambda e: ctx.page.navigate(SCHEDULES_ROUTE),
                               icon=ft.Icons.EVENT_REPEAT, filled=False))  # issue 12, taskadmin
    return frame(ctx, ROUTE, ctx._("Tasks"), body)
