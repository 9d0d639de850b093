"""Login: staff number + PIN, with a language picker for people who read another script."""

from datetime import timedelta

import flet as ft

from app.i18n import SUPPORTED_LOCALES, Translator
from app.platform import offload
from app.protocol import Reason
from app.sync import NetworkError, RequestRejected, TransientError
from app.ui.chrome import icon_button
from app.ui.context import AppContext


def _wait_rounded_up(seconds: int) -> timedelta:
    """The wait in whole seconds, minutes, hours or days, never less than it really is:
    "try again in 1 minute" must not be refused again at 60 s."""
    for unit in (86400, 3600, 60):
        if seconds > unit or (unit > 60 and seconds > unit * 0.85):
            return timedelta(seconds=-(-seconds // unit) * unit)
    return timedelta(seconds=seconds)


def sign_in_refusal(tr: Translator, exc: RequestRejected) -> str:
    """Why the server refused a staff number + PIN (login or kiosk), and how long to wait."""
    if exc.code in (Reason.INVALID_CREDENTIALS, Reason.VALIDATION_ERROR):
        return tr.gettext("Wrong staff number or PIN")
    wait = exc.details.get("retry_after_s") if isinstance(exc.details, dict) else None
    if exc.code in (Reason.LOGIN_THROTTLED, Reason.ACCOUNT_LOCKED) and isinstance(wait, int) and wait > 0:
        time = tr.format_timedelta(_wait_rounded_up(wait))
        if exc.code == Reason.ACCOUNT_LOCKED:
            # Translators: {time} is a duration such as "1 day" or "5 minutes".
            return tr.gettext("Too many wrong PINs: this account is locked. Ask your manager to "
                              "unlock it, or try again in {time}.", time=time)
        # Translators: {time} is a duration such as "30 seconds" or "2 minutes".
        return tr.gettext("Too many wrong PINs. Try again in {time}.", time=time)
    return tr.reason_message(exc.code)


def pin_field(ctx: AppContext, label: str, visible: bool = True) -> ft.TextField:
    """A hidden-digits PIN field with our own show/hide button (Flutter's built-in reveal
    icon has no accessible name)."""
    t = ctx.typo
    reveal = icon_button(ft.Icons.VISIBILITY, ctx._("Show PIN"), None)
    field = ft.TextField(label=label, password=True, suffix=reveal, visible=visible,
                         keyboard_type=ft.KeyboardType.NUMBER, text_style=t.style(18), label_style=t.style(16))

    def toggle(e) -> None:
        field.password = not field.password
        reveal.icon = ft.Icons.VISIBILITY if field.password else ft.Icons.VISIBILITY_OFF
        reveal.tooltip = ctx._("Show PIN") if field.password else ctx._("Hide PIN")
        ctx.page.update()

    reveal.on_click = toggle
    return field


def view(ctx: AppContext, on_success, notice: str | None = None) -> ft.View:
    """The sign-in screen. ``on_success(tokens)`` runs after the API accepts the PIN."""
    t = ctx.typo
    staff_no = ft.TextField(label=ctx._("Staff number"), autofocus=True, text_style=t.style(18),
                            label_style=t.style(16), keyboard_type=ft.KeyboardType.TEXT)
    pin = pin_field(ctx, ctx._("PIN"))
    error = t.text(notice or "", 15, color=ft.Colors.RED_800)
    progress = ft.ProgressRing(visible=False, width=24, height=24)

    new_pin = pin_field(ctx, ctx._("New PIN"), visible=False)
    again = pin_field(ctx, ctx._("New PIN again"), visible=False)
    given: dict[str, str] = {}  # the temporary PIN a manager handed over, while choosing a new one

    def sign_in(number: str, code: str):
        """Log in, or (after a manager's reset) log in choosing the new PIN."""
        platform = str(ctx.page.platform or "")
        if not given:
            return ctx.api.login(number, code, device_name="Shopfloor", platform=platform)
        return ctx.api.set_pin(number, given["pin"], code, device_name="Shopfloor", platform=platform)

    def new_pin_problem(code: str, repeated: str) -> str | None:
        if not (code.isdigit() and 4 <= len(code) <= 12):
            return ctx._("A PIN is 4 to 12 digits.")
        if code == given["pin"]:
            return ctx._("Choose a new PIN, not the one you were given.")
        if code != repeated:
            return ctx._("The two new PINs are different. Type the same PIN twice.")
        return None

    def ask_for_new_pin(code: str) -> None:
        given["pin"] = code
        pin.visible, new_pin.visible, again.visible = False, True, True
        error.value = ctx.tr.reason_message(Reason.PIN_CHANGE_REQUIRED)

    async def submit(e=None) -> None:
        number = (staff_no.value or "").strip().upper()
        code = ((new_pin if given else pin).value or "").strip()
        if not number or not code:
            error.value = ctx._("Enter your staff number and PIN.")
            ctx.page.update()
            return
        problem = given and new_pin_problem(code, (again.value or "").strip())
        if problem:
            error.value = problem
            ctx.page.update()
            return
        button.disabled, progress.visible, error.value = True, True, ""
        button.content = t.text(ctx._("Logging in…"), 16)
        ctx.page.update()
        try:
            tokens = await offload(sign_in, number, code)
        except RequestRejected as exc:
            if exc.code == Reason.PIN_CHANGE_REQUIRED:
                ask_for_new_pin(code)
            else:
                error.value = sign_in_refusal(ctx.tr, exc)
        except ValueError:  # not a staff number / PIN at all (too short, letters): never sent
            error.value = ctx._("Wrong staff number or PIN")
        except (NetworkError, TransientError):
            error.value = ctx._("Cannot reach the server. Check your connection and try again.")
        else:
            pin.value = ""
            await on_success(tokens)
            return
        finally:
            button.disabled, progress.visible = False, False
            button.content = t.text(ctx._("Log in"), 16)
        pin.value = new_pin.value = again.value = ""
        ctx.page.update()

    pin.on_submit = again.on_submit = submit
    button = ft.FilledButton(content=t.text(ctx._("Log in"), 16), on_click=submit,
                             height=ctx.display.touch, expand=True)
    language = ft.Dropdown(
        value=ctx.tr.locale, width=260, text_style=t.style(15),
        options=[ft.DropdownOption(key=code, text=name) for code, name in SUPPORTED_LOCALES.items()],
        on_select=lambda e: ctx.set_locale(e.control.value),
    )
    return ft.View(
        route="/login",
        controls=[ft.SafeArea(ft.Column([
            ft.Row([ft.Icon(ft.Icons.LANGUAGE), ft.Semantics(label=ctx._("Language"), content=language)],
                   alignment=ft.MainAxisAlignment.END),
            ft.Container(height=24),
            ft.Icon(ft.Icons.STOREFRONT, size=56, color=ft.Colors.TEAL_800),
            t.text(ctx._("Shopfloor"), 30, weight=ft.FontWeight.BOLD),
            t.text(ctx._("Sign in with your staff number and PIN."), 16),
            ft.Container(height=8),
            staff_no, pin, new_pin, again, error,
            ft.Row([button, progress]),
        ], spacing=14, horizontal_alignment=ft.CrossAxisAlignment.START, scroll=ft.ScrollMode.AUTO),
            expand=True)],
        padding=24,
    )
