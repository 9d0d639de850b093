"""Me: who I am and where I work, my punches and hours, my calendar feed, language, display, rejected actions,
a forgotten colleague's PIN (managers), log out."""

import flet as ft

from app.i18n import N_, SUPPORTED_LOCALES
from app.store import queries
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext
from app.ui.fonts import font_family_for
from app.ui.screens import trainer_sessions  # issue 13, traintrainer

ROLE_NAMES = {  # msgids, translated at render time
    # Translators: job role of a shop-floor employee (not a manager).
    "staff": N_("Staff"),
    "store_manager": N_("Store manager"),
    # Translators: job role: manager of several stores in one district.
    "area_manager": N_("Area manager"),
    # Translators: job role: administrator at head office (HQ).
    "hq_admin": N_("HQ admin"),
}

# Translators: on Me, in the web app, when the browser did not agree to keep the app's data.
STORAGE_NOTICE = N_("This browser may delete the app's offline data when the phone runs low on space. "
                    "Go online often so your actions reach the server.")


def view(ctx: AppContext, on_logout) -> ft.View:
    t, user = ctx.typo, ctx.user
    role_msgid = ROLE_NAMES[user["role"]]  # a variable: pybabel would extract "role" from the subscript
    role = ctx._(role_msgid)
    with ctx.store.reading() as db:
        names = queries.store_names(db)
    stores = ctx.tr.format_list([names.get(sid, sid) for sid in user["store_ids"]])
    manager_tools = [ft.ListTile(leading=ft.Icon(ft.Icons.PASSWORD), title=t.text(ctx._("Reset a forgotten PIN"), 16),
                                 on_click=lambda e: ctx.page.navigate("/me/pins"))] if ctx.is_manager else []
    if ctx.is_manager:  # issue 10, delegation: hand my approvals over while I am away
        manager_tools.append(ft.ListTile(leading=ft.Icon(ft.Icons.SWITCH_ACCOUNT),
                                         title=t.text(ctx._("Delegate my approvals"), 16),
                                         on_click=lambda e: ctx.page.navigate("/me/delegation")))
    if user["role"] == "hq_admin":  # issue 10, availability: the chain's shift-trade settings
        manager_tools.append(ft.ListTile(leading=ft.Icon(ft.Icons.TUNE), title=t.text(ctx._("Chain settings"), 16),
                                         on_click=lambda e: ctx.page.navigate("/me/chain-settings")))
    return frame(ctx, "/me", ctx._("Me"), [
        section(ctx, user["name"], [
            t.text(ctx.tr.join(user['staff_no'], role), 15),
            # Translators: {stores} is a list of store names, e.g. "Causeway Bay and Mong Kok".
            t.text(ctx._("Your stores: {stores}", stores=stores) if stores else ctx._("You work at no store."), 15),
        ]),
        *storage_notice(ctx),
        ft.ListTile(leading=ft.Icon(ft.Icons.BEACH_ACCESS), title=t.text(ctx._("Requests"), 16),
                    subtitle=t.text(ctx._("Leave, overtime, shift changes, purchases"), 14),
                    on_click=lambda e: ctx.page.navigate("/me/requests")),  # issue 10, requests
        ft.ListTile(leading=ft.Icon(ft.Icons.SCHEDULE), title=t.text(ctx._("My punches and hours"), 16),
                    on_click=lambda e: ctx.page.navigate("/me/punches")),
        # Issue 10, availability: when I can work, and days I cannot.
        ft.ListTile(leading=ft.Icon(ft.Icons.EVENT_AVAILABLE), title=t.text(ctx._("My availability"), 16),
                    on_click=lambda e: ctx.page.navigate("/me/availability")),
        # Issue 13, trainstaff: sessions I may attend (sign in with the code), and my certificates.
        ft.ListTile(leading=ft.Icon(ft.Icons.SCHOOL_OUTLINED), title=t.text(ctx._("Training"), 16),
                    subtitle=t.text(ctx._("Sign in to a session, take its quiz"), 14),
                    on_click=lambda e: ctx.page.navigate("/training")),
        ft.ListTile(leading=ft.Icon(ft.Icons.WORKSPACE_PREMIUM_OUTLINED), title=t.text(ctx._("My training"), 16),
                    on_click=lambda e: ctx.page.navigate("/me/training")),
        *manager_tools,
        *trainer_sessions.me_tiles(ctx),  # issue 13, traintrainer: Sessions I train, Scan a training QR code
        ft.ListTile(leading=ft.Icon(ft.Icons.EVENT), title=t.text(ctx._("Calendar feed"), 16),
                    subtitle=t.text(ctx._("Your shifts in your phone's calendar"), 14),
                    on_click=lambda e: ctx.page.navigate("/me/calendar")),
        ft.ListTile(leading=ft.Icon(ft.Icons.LANGUAGE), title=t.text(ctx._("Language"), 16),
                    subtitle=t.text(SUPPORTED_LOCALES[ctx.tr.locale], 14),
                    on_click=lambda e: ctx.page.navigate("/me/language")),
        ft.ListTile(leading=ft.Icon(ft.Icons.FACE), title=t.text(ctx._("Face check"), 16),
                    on_click=lambda e: ctx.page.navigate("/me/face")),
        ft.ListTile(leading=ft.Icon(ft.Icons.TEXT_FIELDS), title=t.text(ctx._("Display"), 16),
                    on_click=lambda e: ctx.page.navigate("/me/display")),
        ft.ListTile(leading=ft.Icon(ft.Icons.SYNC_PROBLEM), title=t.text(ctx._("Rejected actions"), 16),
                    subtitle=t.text(ctx.tr.format_number(ctx.status.rejected), 14),
                    on_click=lambda e: ctx.page.navigate("/sync")),
        big_button(ctx, ctx._("Log out"), lambda e: ctx.page.run_task(on_logout), icon=ft.Icons.LOGOUT,
                   filled=False),
    ])


def storage_notice(ctx: AppContext) -> list[ft.Control]:
    """In the web app, when the browser did not promise to keep the device's data: say so."""
    if ctx.storage_persisted is not False:
        return []
    return [ft.ListTile(leading=ft.Icon(ft.Icons.WARNING_AMBER), title=ctx.typo.text(ctx._(STORAGE_NOTICE), 15))]


def language_view(ctx: AppContext) -> ft.View:
    """The 8 languages, each named in its own script; a tap switches at once."""
    choices = []
    for code, name in SUPPORTED_LOCALES.items():
        choices.append(ft.Radio(value=code, label=name, label_style=ft.TextStyle(
            size=17 * ctx.display.scale, font_family=font_family_for(code))))
    group = ft.RadioGroup(ft.Column(choices, spacing=4), value=ctx.tr.locale,
                          on_change=lambda e: ctx.set_locale(e.control.value))
    return frame(ctx, "/me/language", ctx._("Language"), [group], back=True)


def display_view(ctx: AppContext) -> ft.View:
    t = ctx.typo
    return frame(ctx, "/me/display", ctx._("Display"), [
        ft.Switch(label=ctx._("Large text"), value=ctx.display.large_text, label_text_style=t.style(17),
                  on_change=lambda e: ctx.set_display(large_text=e.control.value)),
        ft.Switch(label=ctx._("High contrast"), value=ctx.display.high_contrast, label_text_style=t.style(17),
                  on_change=lambda e: ctx.set_display(high_contrast=e.control.value)),
        section(ctx, ctx._("Preview"), [t.text(ctx._("Today's shift"), 16),
                                         big_button(ctx, ctx._("OK"), None)]),
    ], back=True)
