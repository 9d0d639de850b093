"""Me -> Chain settings (HQ): the shift-trade limits every device applies. Shown from the pulled
settings (offline too); saving needs the server, which checks them again and sends them to every
device with the next sync. The rules and their checks are in ``app.domain``.
"""

from dataclasses import dataclass, field

import flet as ft

from app.domain.availability import REASON_BAD_SETTINGS, AvailabilityInvalid, settings_from
from app.domain.urgent_repeats import RepeatSettings
from app.platform import offload
from app.store import urgent_put_off
from app.store.availability import load_settings
from app.sync import AuthRequired, NetworkError, RequestRejected, TransientError
from app.ui.chrome import big_button, frame, section
from app.ui.context import AppContext
from app.ui.screen_state import screen_state

ROUTE = "/me/chain-settings"
#: Limits shown as fields, in hours, with their labels (msgids, translated when drawn).
_HOURS = ("min_rest_hours", "weekly_cap_hours", "overtime_warning_hours", "min_notice_hours")


@dataclass
class SettingsForm:
    """The settings as typed (plain, so typing redraws nothing), filled from the device once."""

    values: dict = field(default_factory=dict)
    loaded: bool = False
    repeats: dict = field(default_factory=dict)  # issue 11, bcfollow: urgent broadcasts put off


@ft.observable
@dataclass
class ChainSettingsState:
    form: SettingsForm = field(default_factory=SettingsForm)


def _labels(ctx: AppContext) -> dict[str, str]:
    return {"min_rest_hours": ctx._("Minimum rest between two shifts (hours)"),
            "weekly_cap_hours": ctx._("Weekly limit (hours)"),
            "overtime_warning_hours": ctx._("Overtime warning above (hours)"),
            "min_notice_hours": ctx._("Minimum notice before a trade (hours)")}


def _submitted(form: SettingsForm) -> dict:
    """What is sent: the typed numbers as numbers (anything else is refused by the rules)."""
    data = dict(form.values)
    for key in _HOURS:
        try:
            data[key] = float(str(data[key]).strip())
        except ValueError:
            pass  # left as typed: the settings parser names the field
    return data


def _repeats_submitted(form: SettingsForm) -> dict:
    """Issue 11, bcfollow: the urgent-repeat minutes as typed, whole numbers when they are."""
    return {k: int(v) if str(v).strip().isdigit() else v for k, v in form.repeats.items()}


async def _save(ctx: AppContext, form: SettingsForm) -> None:
    data, repeats = _submitted(form), _repeats_submitted(form)
    try:
        settings_from(data)  # instant feedback; the server checks again
        try:
            RepeatSettings.from_dict(repeats)
        except ValueError:
            raise AvailabilityInvalid(REASON_BAD_SETTINGS, "Invalid urgent-repeat settings.") from None
        await offload(ctx.api.change_shift_trade_settings, data)
        await offload(ctx.api.change_urgent_repeats, repeats)
    except AvailabilityInvalid as exc:
        ctx.notify(ctx.reason_text(exc.reason), error=True)
    except RequestRejected as exc:
        ctx.notify(ctx.reason_text(exc.code), error=True)
    except (NetworkError, TransientError):
        ctx.notify(ctx._("Cannot reach the server. Check your connection and try again."), error=True)
    except AuthRequired:
        ctx.notify(ctx._("Please log in again."), error=True)
    else:
        ctx.notify(ctx._("Settings saved. Every phone gets them with its next sync."))


def view(ctx: AppContext) -> ft.View:
    form = screen_state(ctx, ROUTE, ChainSettingsState).form
    if not form.loaded:
        with ctx.store.reading() as db:
            form.values, form.loaded = load_settings(db).to_dict(), True
            form.repeats = urgent_put_off.repeat_settings(db).to_dict()
    t, values = ctx.typo, form.values

    def typed(key: str):
        return lambda e: values.__setitem__(key, e.control.value)

    fields: list[ft.Control] = [
        ft.TextField(label=label, value=f"{values[key]:g}" if isinstance(values[key], float) else str(values[key]),
                     keyboard_type=ft.KeyboardType.NUMBER, text_style=t.style(15), on_change=typed(key))
        for key, label in _labels(ctx).items()]
    fields.append(ft.Switch(label=ctx._("Approve a trade at once when no rule warns"),
                            value=bool(values["auto_approve"]), label_text_style=t.style(15),
                            on_change=lambda e: values.__setitem__("auto_approve", bool(e.control.value))))
    repeats = [ft.TextField(label=label, value=str(form.repeats[key]), keyboard_type=ft.KeyboardType.NUMBER,
                            text_style=t.style(15),
                            on_change=lambda e, k=key: form.repeats.__setitem__(k, e.control.value))
               for key, label in (("every_minutes", ctx._("Show an urgent broadcast put off again every (minutes)")),
                                  ("for_minutes", ctx._("… during the first (minutes) after it was shown")))]
    return frame(ctx, ROUTE, ctx._("Chain settings"), [
        t.text(ctx._("The rules every store uses when staff swap, offer or cover shifts."), 15),
        section(ctx, ctx._("Shift trades"), fields),
        section(ctx, ctx._("Urgent broadcasts"), repeats),
        big_button(ctx, ctx._("Save settings"), lambda e: ctx.page.run_task(_save, ctx, form), icon=ft.Icons.SAVE),
        # Issue 12, taskadmin: where equipment repairs can be sent (its own screen: saved on its own).
        big_button(ctx, ctx._("Departments"), lambda e: ctx.page.navigate(ROUTE + "/departments"),
                   icon=ft.Icons.DOMAIN, filled=False),
    ], back=True)
