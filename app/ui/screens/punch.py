"""One punch, for a manager who tapped a person in Team: who, when, which shift, where,
its flags in words and its selfie. Only the person and their stores' managers see it."""

import flet as ft

from app.domain.access import may_read_photo
from app.i18n.markers import MessageMap, N_
from app.store import queries
from app.ui.chrome import frame, section
from app.ui.context import AppContext
from app.ui.punch_view import punch_context, selfie

#: A punch's status when it is not simply accepted.
STATUS_WORDS = MessageMap({"awaiting_confirmation": N_("Waiting for a manager's approval"), "refused": N_("Refused")})


def view(ctx: AppContext, route: str, punch_id: str) -> ft.View:
    t = ctx.typo
    with ctx.store.reading() as db:
        p = queries.punch_detail(db, punch_id)
    # The rule the server applies to the selfie: the person, or a manager of the punch's store.
    if p is None or not may_read_photo(ctx.actor, p["user_id"], [p["store_id"]]):
        return frame(ctx, route, ctx._("Punch"), [t.text(ctx.reason_text("not_found"), 15)], back=True)
    body = [ctx.typo.text(p["store_name"], 15), *punch_context(ctx, p, size=15)]
    if p["status"] in STATUS_WORDS:
        body.append(t.text(STATUS_WORDS.text(ctx.tr, p["status"]), 14, weight=ft.FontWeight.BOLD))
    return frame(ctx, route, p["user_name"], [
        section(ctx, ctx._("Punch"), body),
        section(ctx, ctx._("Selfie"), [selfie(ctx, p["selfie_sha256"], size=240)]),
    ], back=True)
