"""Tiny Flet 1.0 app that exercises what the e2e harness has to drive in Chromium.

Not product code: it exists so tests/e2e/test_harness_spike.py can prove the harness
and so docs/flet-web-testing.md has a working reference for every snippet.

Run it by path (it is not imported by the tests):

    SPIKE_PORT=8550 python tests/e2e/spike_app.py

Environment:
    SPIKE_PORT        port to bind on 127.0.0.1 (default 8550)
    SPIKE_ASSETS_DIR  where to build the assets dir (default: a fresh temp dir)
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import flet as ft

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script: find app/
from app.ui import web_assets  # noqa: E402

DEVICE_KEY = "shopfloor.spike.device_id"
SESSIONS = itertools.count(1)  # one process serves many browser sessions

# The product's own no-CDN index.html script (see app/ui/web_assets.py).
NO_CDN_SCRIPT = web_assets.NO_CDN_SCRIPT + "<!-- fletAppConfig -->"

FONT_SOURCES = {
    "NotoSans": "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "NotoSansArabic": "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
    "NotoSansHebrew": "/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf",
}
CJK_TTC = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
CJK_SAMPLE = "你好打卡上班"  # subset the 19 MB collection down to these glyphs
MIXED_TEXT = "Hi مرحبا 你好 שלום"


def _subset_cjk(out: Path) -> bool:
    """Extract 'Noto Sans CJK TC' from the system TTC, keep only CJK_SAMPLE glyphs."""
    try:
        from fontTools import subset
        from fontTools.ttLib import TTCollection
    except ImportError:
        return False
    if not os.path.exists(CJK_TTC):
        return False
    for font in TTCollection(CJK_TTC).fonts:
        if "TC" in font["name"].getDebugName(1):
            sub = subset.Subsetter()
            sub.populate(text=CJK_SAMPLE)
            sub.subset(font)
            font.save(str(out))
            return True
    return False


def bundled_fonts(assets: Path) -> dict:
    return {f: f"fonts/{f}.ttf" for f in [*FONT_SOURCES, "NotoSansTC"]
            if (assets / "fonts" / f"{f}.ttf").exists()}


def build_assets_dir(target: Path) -> Path:
    """Assets dir with an offline index.html and bundled fonts (copied from the OS)."""
    import flet_web

    target.mkdir(parents=True, exist_ok=True)
    index = Path(flet_web.get_package_web_dir(), "index.html").read_text("utf-8")
    index = index.replace("<!-- fletAppConfig -->", NO_CDN_SCRIPT, 1)
    (target / "index.html").write_text(index, "utf-8")
    (target / "fonts").mkdir(exist_ok=True)
    for family, src in FONT_SOURCES.items():
        if os.path.exists(src):
            shutil.copyfile(src, target / "fonts" / f"{family}.ttf")
    _subset_cjk(target / "fonts" / "NotoSansTC.ttf")
    return target


async def main(page: ft.Page):
    session_no = next(SESSIONS)
    page.title = "Spike"
    page.fonts = bundled_fonts(ASSETS)  # {family: path relative to assets_dir}
    page.theme = ft.Theme(font_family="NotoSans")
    page.locale_configuration = ft.LocaleConfiguration(
        supported_locales=[ft.Locale("en", "US"), ft.Locale("zh", "HK"), ft.Locale("ar")],
        current_locale=ft.Locale("en", "US"),
    )

    # Services must stay strongly referenced, or the page unregisters them.
    prefs = ft.SharedPreferences()
    connectivity = ft.Connectivity()
    page.data = {"services": [prefs, connectivity]}

    device_id = await prefs.get(DEVICE_KEY)
    if not device_id:
        device_id = str(uuid.uuid4())
        await prefs.set(DEVICE_KEY, device_id)

    state = {"count": 0, "ticks": 0, "events": []}

    # ---- widgets shared across views -------------------------------------------------
    status = ft.Text("status: idle", key="status")
    count_text = ft.Text("Count: 0")
    ticks_text = ft.Text("Ticks: 0")
    events_text = ft.Text("Events: -")
    info = ft.Text(
        f"Session #{session_no} web={page.web} platform={page.platform.value if page.platform else None} "
        f"storage={os.getenv('FLET_APP_STORAGE_DATA')}"
    )
    device_text = ft.Text(f"Device: {device_id}")
    user = ft.TextField(label="Username")
    password = ft.TextField(label="Password", password=True, can_reveal_password=True)

    def log_event(name: str):
        state["events"].append(name)
        events_text.value = "Events: " + ",".join(state["events"][-6:])
        events_text.update()

    def sign_in(e):
        status.value = f"Welcome {user.value} ({len(password.value or '')} chars)"

    def increment(e):
        state["count"] += 1
        count_text.value = f"Count: {state['count']}"

    def toggle_rtl(e):
        page.rtl = bool(e.control.value)
        status.value = f"rtl={page.rtl}"
        page.update()

    def open_dialog(e):
        def close(_):
            page.pop_dialog()
            status.value = "dialog closed"
            page.update()

        page.show_dialog(
            ft.AlertDialog(
                title=ft.Text("Confirm shift"),
                content=ft.Text("Start your shift now?"),
                actions=[ft.TextButton("OK", on_click=close)],
            )
        )

    def show_snack(e):
        page.show_dialog(ft.SnackBar(ft.Text("Saved offline")))

    async def get_location(e):
        import flet_geolocator as fg

        geo = fg.Geolocator()
        page.data["geo"] = geo
        try:
            perm = await geo.request_permission()
            pos = await geo.get_current_position()
            status.value = f"Position {pos.latitude:.2f},{pos.longitude:.2f} acc={pos.accuracy} perm={perm.value}"
        except Exception as ex:  # report, do not crash the session
            status.value = f"Position error: {type(ex).__name__}: {ex}"
        page.update()

    async def read_prefs(e):
        status.value = f"prefs={await prefs.get(DEVICE_KEY)}"
        page.update()

    async def connectivity_now(e):
        kinds = await connectivity.get_connectivity()
        status.value = "connectivity=" + ",".join(k.value for k in kinds)
        page.update()

    connectivity.on_change = lambda e: log_event(
        "conn:" + ",".join(k.value for k in e.connectivity)
    )
    page.on_app_lifecycle_state_change = lambda e: log_event(f"life:{e.state.value}")

    async def ticker():
        while True:
            await asyncio.sleep(0.5)
            state["ticks"] += 1
            ticks_text.value = f"Ticks: {state['ticks']}"
            try:
                ticks_text.update()
            except Exception:
                return  # session gone

    page.run_task(ticker)

    # ---- camera view -----------------------------------------------------------------
    camera_holder: dict = {}

    def camera_view() -> ft.View:
        import flet_camera as fc

        cam = fc.Camera(width=320, height=240, preview_enabled=True)
        camera_holder["cam"] = cam
        cam_status = ft.Text("camera: off")

        async def init_camera(e):
            try:
                cams = await cam.get_available_cameras()
                cam_status.value = f"cameras={len(cams)}"
                page.update()
                await cam.initialize(cams[0], fc.ResolutionPreset.LOW, enable_audio=False)
                cam_status.value = f"camera ready ({len(cams)})"
            except Exception as ex:
                cam_status.value = f"camera error: {type(ex).__name__}: {ex}"
            page.update()

        async def snap(e):
            try:
                data = await cam.take_picture()
                head = bytes(data[:4]).hex() if data else ""
                cam_status.value = f"picture {len(data or b'')} bytes head={head}"
            except Exception as ex:
                cam_status.value = f"picture error: {type(ex).__name__}: {ex}"
            page.update()

        return ft.View(
            route="/camera",
            appbar=ft.AppBar(title=ft.Text("Camera")),
            controls=[
                cam,
                ft.Button("Init camera", on_click=init_camera),
                ft.Button("Take picture", on_click=snap),
                cam_status,
            ],
        )

    # ---- routing ---------------------------------------------------------------------
    def home_view() -> ft.View:
        return ft.View(
            route="/",
            appbar=ft.AppBar(title=ft.Text("Home")),
            scroll=ft.ScrollMode.AUTO,
            controls=[
                info,
                device_text,
                user,
                password,
                ft.Button("Sign in", on_click=sign_in),
                status,
                ft.Row(
                    [
                        ft.FilledButton("Increment", on_click=increment),
                        count_text,
                    ]
                ),
                ft.Switch(label="Right to left", value=bool(page.rtl), on_change=toggle_rtl),
                ft.Row(
                    [
                        ft.IconButton(
                            ft.Icons.SETTINGS,
                            tooltip="Settings",
                            on_click=lambda e: page.navigate("/settings"),
                        ),
                        ft.TextButton("Camera", on_click=lambda e: page.navigate("/camera")),
                        ft.TextButton("Open dialog", on_click=open_dialog),
                        ft.TextButton("Snack", on_click=show_snack),
                    ],
                    wrap=True,
                ),
                ft.Row(
                    [
                        ft.TextButton("Locate", on_click=get_location),
                        ft.TextButton("Prefs", on_click=read_prefs),
                        ft.TextButton("Network", on_click=connectivity_now),
                    ],
                    wrap=True,
                ),
                ft.Semantics(
                    identifier="total-due",
                    label="Total due",
                    content=ft.Text("HK$ 42.00"),
                ),
                ft.Text("Start-aligned", key="aligned"),
                ft.Text(MIXED_TEXT),  # theme font only: tofu for non-Latin
                ft.Text(  # per-style fallback list: every script renders
                    MIXED_TEXT,
                    font_family="NotoSans",
                    font_family_fallback=["NotoSansArabic", "NotoSansHebrew", "NotoSansTC"],
                ),
                ticks_text,
                events_text,
            ],
        )

    def settings_view() -> ft.View:
        return ft.View(
            route="/settings",
            appbar=ft.AppBar(title=ft.Text("Settings")),
            navigation_bar=ft.NavigationBar(
                destinations=[
                    ft.NavigationBarDestination(icon=ft.Icons.HOME, label="Today"),
                    ft.NavigationBarDestination(icon=ft.Icons.LIST, label="Tasks"),
                ],
                on_change=lambda e: log_event(f"nav:{e.control.selected_index}"),
            ),
            controls=[
                ft.Text("Settings page"),
                ft.Checkbox(label="Notifications", value=False,
                            on_change=lambda e: log_event(f"check:{e.control.value}")),
                ft.Dropdown(
                    label="Store",
                    options=[ft.DropdownOption(key="hk1", text="Central"),
                             ft.DropdownOption(key="hk2", text="Mong Kok")],
                    on_select=lambda e: log_event(f"store:{e.control.value}"),
                ),
                events_text,
            ],
        )

    def route_change(e=None):
        page.views.clear()
        page.views.append(home_view())
        if page.route == "/settings":
            page.views.append(settings_view())
        elif page.route == "/camera":
            page.views.append(camera_view())
        log_event(f"route:{page.route}") if e is not None else None
        page.update()

    async def view_pop(e: ft.ViewPopEvent):
        # AppBar back arrow (and Android back) lands here; the browser back button
        # does not: it changes the URL, which arrives as on_route_change.
        log_event("pop")
        if e.view is not None and e.view in page.views:
            page.views.remove(e.view)
        await page.push_route(page.views[-1].route)

    page.on_route_change = route_change
    page.on_view_pop = view_pop
    route_change()


ASSETS = Path(os.getenv("SPIKE_ASSETS_DIR") or tempfile.mkdtemp(prefix="spike-assets-"))


def run():
    assets = build_assets_dir(ASSETS)
    ft.run(
        main,
        view=None,  # serve only; WEB_BROWSER would also try to open a browser
        host="127.0.0.1",
        port=int(os.getenv("SPIKE_PORT", "8550")),
        assets_dir=str(assets),
        no_cdn=True,
    )


if __name__ == "__main__":
    run()
