"""Where the session's refresh token lives: the platform's secure storage (Keychain,
Android Keystore) when it has one, else the device database (web: each browser's own)."""

import flet as ft

from app.store import DeviceStore

_KEY = "shopfloor.refresh_token"


class TokenVault:
    """Saves, loads and wipes the signed-in user and their refresh token."""

    def __init__(self, page: ft.Page, store: DeviceStore) -> None:
        self.page, self.store = page, store
        self.secure = None
        if not page.web:
            try:
                import flet_secure_storage as fss

                self.secure = fss.SecureStorage()
                page.data.setdefault("services", []).append(self.secure)  # keep it referenced
            except ImportError:
                self.secure = None

    async def open(self) -> None:
        """Fall back to the database when the platform's secure storage is unavailable."""
        if self.secure is not None:
            try:
                if not await self.secure.get_availability():
                    self.secure = None
            except Exception:  # e.g. Linux desktop without a keyring
                self.secure = None

    def save(self, user: dict, refresh_token: str) -> None:
        self.store.save_session(user, None if self.secure else refresh_token)
        if self.secure is not None:
            self.page.run_task(self.secure.set, _KEY, refresh_token)

    async def load(self) -> tuple[dict | None, str | None]:
        user, token = self.store.load_session()
        if self.secure is not None:
            token = await self.secure.get(_KEY)
        return user, token

    def clear(self) -> None:
        """Logout wipes the session everywhere it was kept."""
        self.store.clear_session()
        if self.secure is not None:
            self.page.run_task(self.secure.remove, _KEY)
