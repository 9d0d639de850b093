"""Per-session services, reached by every screen through one object (never module globals:
web mode serves many sessions from one process)."""

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import flet as ft

from app.config import ClientConfig
from app.domain.access import AccessDenied
from app.domain.roles import Actor, Role
from app.i18n import REASON_MESSAGES, Translator, is_rtl
from app.store import Actions, DeviceStore
from app.sync import ApiClient, SyncEngine
from app.ui.sync_status import SyncRunner, SyncStatus
from app.ui.web_assets import remember_look
from app.ui.theme import Display, Typography, build_theme, colour, flutter_locales
from app.ui.token_vault import TokenVault

logger = logging.getLogger(__name__)


class InputError(ValueError):
    """Issue 10, pickers: typed text in the wrong form; ``message`` (translated) says how to write it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class AppContext:
    """Everything one signed-in (or signing-in) session needs."""

    page: ft.Page
    config: ClientConfig
    store: DeviceStore
    api: ApiClient
    tr: Translator
    display: Display = field(default_factory=Display)
    status: SyncStatus = field(default_factory=SyncStatus)
    user: dict | None = None
    runner: SyncRunner | None = None
    vault: TokenVault | None = None
    rerender: Callable[[], None] = lambda: None
    #: Issue 11, bcfollow: when this app started (an urgent broadcast put off before shows again).
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    #: Issue 10, roster: each screen's observable state (app.ui.screen_state), per user.
    screen_states: dict = field(default_factory=dict)
    #: Installable web app only: False when the browser did not promise to keep the device's
    #: data (it may clear it when space runs low); None elsewhere.
    storage_persisted: bool | None = None

    # -- identity -------------------------------------------------------------------
    @property
    def actor(self) -> Actor:
        assert self.user is not None
        return Actor(self.user["id"], Role(self.user["role"]), frozenset(self.user["store_ids"]))

    @property
    def is_manager(self) -> bool:
        return self.user is not None and Role(self.user["role"]).is_manager

    @property
    def actions(self) -> Actions:
        return Actions(self.store, self.store.clock, self.actor)

    def engine(self) -> SyncEngine:
        return SyncEngine(self.store, self.api, batch_size=self.config.push_batch_size,
                          max_attempts=2, base_delay=0.3, max_delay=2.0)

    # -- text & look ------------------------------------------------------------------
    def _(self, message: str, **kw) -> str:
        return self.tr.gettext(message, **kw)

    @property
    def typo(self) -> Typography:
        return Typography(self.tr.locale, self.display)

    def apply_look(self) -> None:
        """Theme, font and direction for the current language and display settings."""
        self.page.theme = build_theme(self.tr.locale, self.display)
        self.page.rtl = is_rtl(self.tr.locale)
        self.page.locale_configuration = flutter_locales(self.tr.locale)
        self.page.title = self._("Shopfloor")
        remember_look(self.page, self.tr.locale, self.display.large_text)

    def set_locale(self, locale: str) -> None:
        self.tr.set_locale(locale)
        self.store.set_meta("locale", locale)
        self.tell_server_my_locale()
        self.apply_look()
        self.rerender()

    def tell_server_my_locale(self, *, signing_in: bool = False) -> None:
        """Issue 11, bcfollow: the server keeps each person's language (receipts by language):
        queue the one chosen on this phone when signed in and the server has another. At sign-in
        only a person with no language on the server is told: on a shared phone the language
        left by the last person must not overwrite the next person's own."""
        locale = self.store.get_meta("locale")
        if signing_in and self.user is not None and self.user.get("locale"):
            return
        if self.user is not None and locale and self.user.get("locale") != locale:
            self.actions.set_my_locale(locale)
            self.user = {**self.user, "locale": locale}

    def set_display(self, **changes) -> None:
        for key, value in changes.items():
            setattr(self.display, key, value)
        self.store.set_meta("display", json.dumps(self.display.__dict__))
        self.apply_look()
        self.rerender()

    def load_preferences(self) -> bool:
        """Restore language and display settings; False when the language was never chosen."""
        raw = self.store.get_meta("display")
        if raw:
            for key, value in json.loads(raw).items():
                if hasattr(self.display, key):
                    setattr(self.display, key, value)
        locale = self.store.get_meta("locale")
        if locale:
            self.tr.set_locale(locale)
        return locale is not None

    def reason_text(self, code: str | None, fallback: str | None = None) -> str:
        if not code:
            return fallback or ""
        return REASON_MESSAGES.text(self.tr, code)

    # -- doing things ---------------------------------------------------------------
    def act(self, do: Callable[[], object], done: str | None = None) -> None:
        """Run a user action: one local transaction, shown at once, synced in the background."""
        try:
            do()
        except AccessDenied as exc:
            self.notify(self.reason_text(exc.reason, exc.message), error=True)
            return
        except ValueError as exc:  # payload validation (e.g. an empty note)
            self.notify(exc.message if isinstance(exc, InputError) else self._("Please check what you entered."),
                        error=True)
            logger.info("action refused: %s", type(exc).__name__)  # not the values: they may be personal
            return
        if self.runner:
            self.runner.refresh_counts()
            self.runner.request()
        if done:
            self.notify(done)
        self.rerender()

    def notify(self, message: str, *, error: bool = False) -> None:
        bar = ft.SnackBar(self.typo.text(message, color=ft.Colors.WHITE if error else None),
                          bgcolor=colour(ft.Colors.RED_900, self.display) if error else None)
        self.page.show_dialog(bar)
