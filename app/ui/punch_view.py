"""Pieces that show a punch to a manager (Team, Approvals, the punch screen): its shift, its
times, its location result, its flags in words and its selfie."""

import json
import logging
from datetime import datetime

import flet as ft

from app.domain.attendance import Punch
from app.i18n.flags import FLAG_NAMES, flag_words
from app.i18n.markers import MessageMap, N_
from app.platform import offload
from app.protocol import Flag
from app.store import local_photo
from app.sync.errors import NetworkError, SyncError
from app.ui.context import AppContext
from app.ui.screens.clock import KIND_LABELS

log = logging.getLogger(__name__)

#: The server's location verdict for a punch, in words (the others are flag words).
LOCATION_WORDS = MessageMap({"inside": N_("inside the store")})
_LOCATION_FLAGS = {"outside": Flag.OUTSIDE, "uncertain": Flag.UNCERTAIN, "refused": Flag.LOCATION_REFUSED,
                   None: Flag.NO_LOCATION}
SELFIE_SIZE = 160


def shift_times(ctx: AppContext, starts_at: datetime, ends_at: datetime) -> str:
    # Translators: a shift's times, e.g. "Shift 09:00–18:00".
    return ctx._("Shift {start}–{end}", start=ctx.tr.format_time(starts_at, "short"),
                 end=ctx.tr.format_time(ends_at, "short"))


def punch_time(ctx: AppContext, kind: str, at: datetime) -> str:
    # Translators: one punch, e.g. "Clock in at 09:02".
    return ctx._("{action} at {time}", action=ctx._(KIND_LABELS[kind]), time=ctx.tr.format_time(at, "short"))


def punch_times(ctx: AppContext, punches: list[Punch]) -> str:
    return ctx.tr.format_list([punch_time(ctx, p.kind.value, p.at) for p in punches])


def location_text(ctx: AppContext, verdict: str | None, distance_m: float | None) -> str:
    """The server's location result in words, with the distance from the store when known."""
    if verdict in LOCATION_WORDS:
        words = LOCATION_WORDS.text(ctx.tr, verdict)
    else:
        words = FLAG_NAMES.text(ctx.tr, _LOCATION_FLAGS.get(verdict, Flag.LOCATION_REFUSED))
    if distance_m is not None:
        # Translators: how far the phone was from the store at the punch, e.g. "42 m from the store".
        words = ctx.tr.format_list([words, ctx._("{distance} m from the store",
                                                 distance=ctx.tr.format_number(round(distance_m)))],
                                   style="unit-short")  # "inside the store, 12 m from the store"
    return ctx._("Location: {result}", result=words)


def flags_text(ctx: AppContext, flags) -> str:
    return ctx.tr.format_list(flag_words(ctx.tr, list(flags)))


def punch_context(ctx: AppContext, p: dict, size: int = 13) -> list[ft.Control]:
    """A punch row (``queries.punch_detail`` / ``awaiting_confirmation``) as lines: when, its
    shift, the location result, then its flags in words (in red)."""
    at = datetime.fromisoformat(p["at"])
    lines = [ctx.tr.format_list([punch_time(ctx, p["kind"], at), ctx.tr.format_date(at, "medium")])]
    if p["shift_starts_at"]:
        lines.append(shift_times(ctx, datetime.fromisoformat(p["shift_starts_at"]),
                                 datetime.fromisoformat(p["shift_ends_at"])))
    lines.append(location_text(ctx, p["geofence"], p["distance_m"]))
    body = [ctx.typo.text(line, size) for line in lines]
    flags = json.loads(p["flags"] or "[]")
    if flags:
        body.append(ctx.typo.text(flags_text(ctx, flags), size, color=ft.Colors.RED_900))
    return body


def _photo_bytes(ctx: AppContext, sha: str) -> bytes | None:
    """This device's own copy, else the server's (which serves it only to those allowed)."""
    return local_photo(ctx.store, sha) or ctx.api.photo(sha)


async def load_photo(ctx: AppContext, sha: str) -> tuple[bytes | None, str | None]:
    """A photo's bytes, or why there are none, in words (offline: it is not on this device)."""
    try:
        data = await offload(_photo_bytes, ctx, sha)
    except NetworkError:
        return None, ctx._("The photo is not available offline.")
    except SyncError as exc:
        log.info("photo not loaded: %s", type(exc).__name__)
        return None, ctx._("The photo could not be loaded.")
    return (data, None) if data else (None, ctx._("The photo could not be loaded."))


def photo_box(ctx: AppContext, sha: str, label: str, size: int) -> ft.Control:
    """A photo fetched in the background (``label``: what a screen reader calls it); when it
    cannot be had (offline, not allowed) the box says so instead."""
    box = ft.Container(ft.ProgressRing(width=24, height=24), width=size, height=size,
                       alignment=ft.Alignment.CENTER)

    async def load() -> None:
        data, note = await load_photo(ctx, sha)
        box.content = (ft.Image(src=data, width=size, height=size, fit=ft.BoxFit.CONTAIN if size > SELFIE_SIZE
                                else ft.BoxFit.COVER, semantics_label=label) if data else ctx.typo.text(note, 14))
        try:
            box.update()
        except RuntimeError:  # the screen was left while the photo loaded
            pass

    ctx.page.run_task(load)
    return box


def selfie(ctx: AppContext, sha: str | None, size: int = SELFIE_SIZE) -> ft.Control:
    """The punch's selfie, fetched in the background; offline it says so instead of failing."""
    if not sha:
        return ctx.typo.text(FLAG_NAMES.text(ctx.tr, Flag.NO_SELFIE), 14)
    return photo_box(ctx, sha, ctx._("Selfie"), size)
