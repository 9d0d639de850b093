"""Issue 13, trainstaff: pieces the staff training screens share: a session's time and place, my
sign-in state and a refusal in words, a quiz result in words, and fetching the quiz views while
online (kept on the phone so the quiz can be answered offline)."""

import logging
import time

from app.platform import offload
from app.store import training_queries as q
from app.store.training_actions import keep_quiz_views
from app.store.training_queries import SignInState
from app.sync.errors import SyncError
from app.sync.training_api import quiz_views
from app.ui.context import AppContext

log = logging.getLogger(__name__)
MY_ROUTE = "/me/training"
#: Fetch a session's quiz views at most this often (seconds) while its screens are open.
REFRESH_EVERY_S = 60.0
_FETCHED = "training_quiz_fetched"


def session_time(ctx: AppContext, row: dict) -> str:
    """"Wed 2 Dec · 10:00–11:00" in the reader's language and Hong Kong time."""
    starts, ends = q.domain_session(row).starts_at, q.domain_session(row).ends_at
    return ctx.tr.join(ctx.tr.format_date(starts, "medium"), ctx.tr.format_interval(starts, ends))


def place(ctx: AppContext, row: dict) -> str:
    return ctx.tr.join(row["store_name"], row["room"]) if row["room"] else row["store_name"]


def state_word(ctx: AppContext, mine: q.Attendance) -> str:
    """My sign-in in words: confirming, signed in (late marked), added by the trainer, refused."""
    at = mine.signed_in_at and ctx.tr.format_time(mine.signed_in_at, "short")
    if mine.state is SignInState.CONFIRMING:
        return ctx._("Signed in, confirming")
    if mine.state is SignInState.ON_TIME:
        return ctx._("Signed in at {time}", time=at)
    if mine.state is SignInState.LATE:
        # Translators: a training sign-in after the session's start (plus its allowance).
        return ctx._("Signed in at {time} (late)", time=at)
    if mine.state is SignInState.MANUAL:
        return ctx._("Added by the trainer")
    if mine.state is SignInState.REFUSED:
        return ctx._("Sign-in refused")
    return ""


def refusal_text(ctx: AppContext, refusal: q.Refusal) -> str:
    """The rule that refused it and why, in the reader's language."""
    return ctx._("Refused: {reason}", reason=ctx.reason_text(refusal.reason, refusal.message))


def result_text(ctx: AppContext, result: dict) -> str:
    """One attempt: waiting for the server's grading, or passed / not passed with its score."""
    if result["passed"] is None:
        return ctx._("Waiting for the result")
    score = ctx.tr.format_number(result["percent"])
    verdict = ctx._("Passed: {score}%", score=score) if result["passed"] else ctx._("Not passed: {score}%", score=score)
    left = ctx.tr.ngettext("{count} attempt left", "{count} attempts left", result["attempts_left"] or 0)
    return verdict if result["passed"] else ctx.tr.join(verdict, left)


async def refresh_quiz(ctx: AppContext, session_id: str, quiz_id: str, redraw: bool = False) -> None:
    """Fetch my views of the session's quiz when online and keep them (at most once a minute);
    offline nothing changes. ``redraw``: show them once kept (the quiz screen waiting for them)."""
    fetched = ctx.page.data.setdefault(_FETCHED, {})
    key = f"{ctx.user['id']}:{session_id}"
    if time.monotonic() - fetched.get(key, -REFRESH_EVERY_S) < REFRESH_EVERY_S:
        return
    fetched[key] = time.monotonic()
    try:
        views = await offload(quiz_views, ctx.api, session_id)
    except SyncError as exc:
        log.info("quiz views not fetched: %s", type(exc).__name__)
        return
    keep_quiz_views(ctx.store, ctx.user["id"], session_id, quiz_id, views)
    if redraw:
        ctx.rerender()
