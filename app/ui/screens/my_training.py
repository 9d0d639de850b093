"""My training (issue 13, trainstaff): my certificates, one per course (the completion that counts:
course, date, how, expiry and "expires in N days" or "expired"), and the skills they give me now
(what shifts needing them check). Statuses and skills come from ``app.domain.training.completions``."""

import flet as ft

from app.domain.training.completions import VIA_QUIZ, TrainingStatus
from app.store import training_queries as q
from app.store.training_reminders import my_expiry_reminders  # issue 13, trainremind
from app.ui import training_reminders as expiring
from app.ui.chrome import frame, section
from app.ui.context import AppContext
from app.ui.training_views import MY_ROUTE

ROUTE = MY_ROUTE


def _expiry(ctx: AppContext, completion, status: TrainingStatus, now) -> str:
    if completion.expires_at is None:
        return ctx._("Never expires")
    if status is TrainingStatus.EXPIRED:
        return ctx._("Expired on {date}", date=ctx.tr.format_date(completion.expires_at, "medium"))
    days = (ctx.tr.to_local(completion.expires_at).date() - ctx.tr.to_local(now).date()).days
    return ctx.tr.join(ctx._("Valid until {date}", date=ctx.tr.format_date(completion.expires_at, "medium")),
                       ctx.tr.ngettext("expires in {count} day", "expires in {count} days", days))


def _certificate(ctx: AppContext, entry: dict, now) -> ft.Control:
    t, done = ctx.typo, entry["completion"]
    how = (ctx._("Quiz passed ({score}%)", score=ctx.tr.format_number(done.score)) if done.via == VIA_QUIZ
           else ctx._("Attended"))
    expired = entry["status"] is TrainingStatus.EXPIRED
    warn = entry["status"] in (TrainingStatus.EXPIRED, TrainingStatus.EXPIRING)
    return ft.ListTile(
        leading=ft.Icon(ft.Icons.ERROR_OUTLINE if expired else ft.Icons.WORKSPACE_PREMIUM_OUTLINED),
        title=t.text(entry["title"], 16, weight=ft.FontWeight.BOLD),
        subtitle=ft.Column([
            t.text(ctx.tr.join(ctx._("Completed on {date}", date=ctx.tr.format_date(done.completed_at, "medium")), how), 14),
            t.text(_expiry(ctx, done, entry["status"], now), 14, color=ft.Colors.RED_900 if warn else None)],
            spacing=2, tight=True))


def view(ctx: AppContext) -> ft.View:
    t, now = ctx.typo, ctx.tr.now()
    with ctx.store.reading() as db:
        certificates, skills = q.my_training(db, ctx.user["id"], now)
        reminders = my_expiry_reminders(db, ctx.user["id"], now)
    return frame(ctx, ROUTE, ctx._("My training"), [
        *expiring.my_rows(ctx, reminders, now),
        section(ctx, ctx._("Certificates"), [_certificate(ctx, c, now) for c in certificates]
                or [t.text(ctx._("No completed training yet."), 15)]),
        section(ctx, ctx._("My skills"), [t.text(ctx.tr.format_list(skills), 15)] if skills
                else [t.text(ctx._("No skill from training yet."), 15)]),
    ], back=True)
