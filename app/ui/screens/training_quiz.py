"""A session's quiz for staff (issue 13, trainstaff): multiple-choice and true/false questions in
the order the server's view gives them; Send queues my answers (offline too: "Waiting for the
result"); the server grades them on sync and the result comes back: passed or not, the score,
which questions were right and the attempts left. The phone holds the view only, never a key."""

import flet as ft

from app.store import training_queries as q
from app.store.training_actions import TrainingActions
from app.ui import training_views as tv
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext

SUFFIX = "/quiz"
_CHOSEN = "training_quiz_chosen"  # page.data: (user, session, attempt) -> {question: public choice}


def _chosen(ctx: AppContext, session_id: str, attempt: int) -> dict[str, str]:
    return ctx.page.data.setdefault(_CHOSEN, {}).setdefault(f"{ctx.user['id']}:{session_id}:{attempt}", {})


def _question(ctx: AppContext, number: int, question, chosen: dict[str, str]) -> ft.Control:
    t = ctx.typo
    if str(question.kind) == "true_false":
        options = [("true", ctx._("True")), ("false", ctx._("False"))]
    else:
        options = [(c.id, c.text) for c in question.choices]

    def picked(e) -> None:
        chosen[question.id] = e.control.value

    group = ft.RadioGroup(ft.Column([ft.Radio(value=value, label=label, label_style=t.style(16))
                                     for value, label in options], spacing=2),
                          value=chosen.get(question.id), on_change=picked)
    # Translators: a quiz question's number before its text, e.g. "2. Wash hands before handling food."
    return section(ctx, ctx._("{number}. {question}", number=ctx.tr.format_number(number), question=question.text),
                   [group])


def _results(ctx: AppContext, graded: list[dict]) -> list[ft.Control]:
    t, out = ctx.typo, []
    for result in graded:
        lines = [t.text(ctx._("Attempt {number}", number=ctx.tr.format_number(result["attempt"])), 15,
                        weight=ft.FontWeight.BOLD), t.text(tv.result_text(ctx, result), 16)]
        if result["passed"] is not None:
            lines.append(t.text(ctx._("{right} of {total} right", right=ctx.tr.format_number(result["correct"]),
                                      total=ctx.tr.format_number(result["total"])), 14))
        out.extend(lines)
    return out


def view(ctx: AppContext, route: str, session_id: str) -> ft.View:
    t = ctx.typo
    with ctx.store.reading() as db:
        row = q.session_row(db, session_id)
        quiz = row and q.next_view(db, ctx.user["id"], session_id, row["quiz_id"])
        graded = q.results(db, ctx.user["id"], session_id) if row else []
        refused = q.quiz_refusal(db, ctx.user["id"], session_id) if row else None
    if row is None or not row["quiz_id"]:
        return frame(ctx, route, ctx._("Quiz"), [t.text(ctx.reason_text("not_found"), 15)], back=True)
    ctx.page.run_task(tv.refresh_quiz, ctx, session_id, row["quiz_id"], quiz is None)
    body = []
    if graded:
        body.append(section(ctx, ctx._("Results"), _results(ctx, graded)))
    if refused:
        body.append(t.text(tv.refusal_text(ctx, refused), 15, color=ft.Colors.RED_900))
    passed = any(r["passed"] for r in graded)
    waiting = any(r["passed"] is None for r in graded)
    if quiz is not None and not passed and not waiting:
        chosen = _chosen(ctx, session_id, quiz.attempt)
        body.append(t.text(ctx._("Pass mark: {percent}%", percent=ctx.tr.format_number(quiz.pass_mark)), 15))
        body.extend(_question(ctx, n, question, chosen) for n, question in enumerate(quiz.questions, 1))
        body.append(big_button(ctx, ctx._("Send answers"), lambda e: _send(ctx, session_id, chosen)))
    elif quiz is None and not graded:
        body.append(t.text(ctx._("The quiz is not on this phone yet. Go online and open it again."), 15))
    return frame(ctx, route, quiz.title if quiz else ctx._("Quiz"), body, back=True)


def _send(ctx: AppContext, session_id: str, chosen: dict[str, str]) -> None:
    actions = TrainingActions(ctx.store, ctx.store.clock, ctx.actor)
    ctx.act(lambda: actions.answer_quiz(session_id, dict(chosen)), ctx._("Answers sent. Waiting for the result."))
