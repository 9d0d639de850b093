"""Issue 11, bcattach: a broadcast's photos and PDF files on screen.

Writing (Broadcast): "Take photo" (the camera, or a photo file without one), "Add photo" and
"Add PDF" pick files; each is checked at once by the rule
the server also applies (``app.domain.attachments``): a bad one is refused with its reason and
nothing changes. Chosen files live in the draft (a redraw keeps them) and are queued with the
broadcast. Reading (a broadcast's detail): photos are shown, a PDF can be downloaded. Files not
on this phone are fetched from the server on a tap and kept, so they open again offline; one the
server does not hold yet shows as "arriving".
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import flet as ft

from app.domain import attachments
from app.domain.access import AccessDenied
from app.store import broadcast_files
from app.store.queries import Broadcast
from app.ui.capture import CaptureError, camera_photo
from app.ui.chrome import big_button, icon_button
from app.ui.context import AppContext
from app.ui.screen_state import screen_state
from app.ui.screens.broadcast_receipts import ask_server

_STATE_KEY = "broadcast-files"


def _picker(ctx: AppContext) -> ft.FilePicker:
    return ctx.page.data.setdefault("file_picker", ft.FilePicker())


def _size(ctx: AppContext, size: int) -> str:
    return ctx._("{size} KB", size=ctx.tr.format_number(max(1, round(size / 1024))))


def add_file(ctx: AppContext, files: list[tuple[str, bytes]], name: str, data: bytes) -> bool:
    """Add a picked file to ``files`` if it may be sent; else say why (nothing changes)."""
    try:
        attachments.check_count(len(files) + 1)
        attachments.check_file(data)
    except AccessDenied as exc:
        ctx.notify(ctx.reason_text(exc.reason, exc.message), error=True)
        return False
    if all(d != data for _, d in files):  # the same file twice is one file
        files.append((name, data))
    return True


async def _pick(ctx: AppContext, files: list[tuple[str, bytes]], pdf: bool) -> None:
    """Let the sender choose photos or PDF files, and add those that may be sent."""
    if pdf:
        picked = await _picker(ctx).pick_files(file_type=ft.FilePickerFileType.CUSTOM, allowed_extensions=["pdf"],
                                                allow_multiple=True, with_data=True)
    else:
        picked = await _picker(ctx).pick_files(file_type=ft.FilePickerFileType.IMAGE, allow_multiple=True,
                                                with_data=True)
    added = [add_file(ctx, files, f.name, f.bytes) for f in picked or [] if getattr(f, "bytes", None)]
    if any(added):
        ctx.rerender()


async def _shoot(ctx: AppContext, files: list[tuple[str, bytes]]) -> None:
    """Take a photo with the camera (or choose one) and add it."""
    try:
        data = await camera_photo(ctx)
    except CaptureError as exc:
        ctx.notify(exc.message, error=True)
        return
    if add_file(ctx, files, f"photo-{ctx.tr.to_local(ctx.tr.now()):%Y%m%d-%H%M%S}", data):
        ctx.rerender()


def attach_controls(ctx: AppContext, files: list[tuple[str, bytes]]) -> list[ft.Control]:
    """The files chosen so far (each with Remove) and the buttons adding more."""
    t = ctx.typo

    def remove(index: int) -> None:
        files.pop(index)
        ctx.rerender()

    rows = [ft.Row([ft.Icon(ft.Icons.PICTURE_AS_PDF if data.startswith(b"%PDF") else ft.Icons.IMAGE),
                    t.text(ctx.tr.join(name, _size(ctx, len(data))), 15, expand=True),
                    icon_button(ft.Icons.DELETE_OUTLINE, ctx._("Remove"), lambda e, i=i: remove(i))])
            for i, (name, data) in enumerate(files)]
    return [t.text(ctx._("Photos and PDF files"), 15, weight=ft.FontWeight.W_600), *rows,
            ft.Row([big_button(ctx, ctx._("Take photo"), lambda e: ctx.page.run_task(_shoot, ctx, files),
                               icon=ft.Icons.PHOTO_CAMERA, filled=False),
                    big_button(ctx, ctx._("Add photo"), lambda e: ctx.page.run_task(_pick, ctx, files, False),
                               icon=ft.Icons.ADD_PHOTO_ALTERNATE, filled=False),
                    big_button(ctx, ctx._("Add PDF"), lambda e: ctx.page.run_task(_pick, ctx, files, True),
                               icon=ft.Icons.PICTURE_AS_PDF, filled=False)], wrap=True)]


# -- reading ---------------------------------------------------------------------------------


@ft.observable
@dataclass
class FilesState:
    """Why a file of a broadcast is not shown (sha256 -> translated text): arriving, or offline."""

    missing: dict[str, str] = field(default_factory=dict)


async def fetch(ctx: AppContext, sha: str) -> None:
    """Fetch one file from the server and keep it on the phone (then it shows, offline too)."""
    state = screen_state(ctx, _STATE_KEY, FilesState)
    data, problem = await ask_server(ctx, lambda: ctx.api.photo(sha))
    if data is not None and hashlib.sha256(data).hexdigest() == sha:
        broadcast_files.keep_fetched(ctx.store, data)
        state.missing = {k: v for k, v in state.missing.items() if k != sha}  # redraws
        return
    state.missing = {**state.missing, sha: problem or ctx._("Arriving: the sender's phone has not sent it yet.")}


async def _download(ctx: AppContext, name: str, sha: str) -> None:
    """Save a PDF where the person chooses (fetched first when not on this phone)."""
    data = broadcast_files.local_file(ctx.store, sha)
    if data is None:
        await fetch(ctx, sha)
        data = broadcast_files.local_file(ctx.store, sha)
    if data is not None:
        await _picker(ctx).save_file(file_name=name, src_bytes=data)


def _file_row(ctx: AppContext, f: dict, missing: str | None, on_tap: Callable, label: str) -> list[ft.Control]:
    t = ctx.typo
    icon = ft.Icons.PICTURE_AS_PDF if f["kind"] == attachments.PDF else ft.Icons.IMAGE
    return [ft.Row([ft.Icon(icon), t.text(ctx.tr.join(f["name"], _size(ctx, f["size"])), 15, expand=True)]),
            *([t.text(missing, 13, color=ft.Colors.GREY_800)] if missing else []),
            big_button(ctx, label, on_tap, icon=ft.Icons.DOWNLOAD if f["kind"] == attachments.PDF else ft.Icons.IMAGE,
                       filled=False)]


def attachment_rows(ctx: AppContext, b: Broadcast) -> list[ft.Control]:
    """A broadcast's files in its detail: photos shown, each PDF with Download."""
    if not b.attachments:
        return []
    state = screen_state(ctx, _STATE_KEY, FilesState)
    rows: list[ft.Control] = [ctx.typo.text(ctx._("Attachments"), 16, weight=ft.FontWeight.W_600)]
    for f in b.attachments:
        sha, missing = f["sha256"], state.missing.get(f["sha256"])
        if f["kind"] == attachments.PDF:
            rows += _file_row(ctx, f, missing, lambda e, f=f: ctx.page.run_task(_download, ctx, f["name"], f["sha256"]),
                              ctx._("Download PDF"))
            continue
        data = broadcast_files.local_file(ctx.store, sha)
        if data is not None:
            rows.append(ft.Image(src=data, width=320, fit=ft.BoxFit.CONTAIN, semantics_label=f["name"]))
        else:
            rows += _file_row(ctx, f, missing, lambda e, s=sha: ctx.page.run_task(fetch, ctx, s), ctx._("Show photo"))
    return rows
