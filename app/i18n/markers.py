"""Marking strings for extraction without translating them yet.

``N_("...")`` returns its argument unchanged; ``pybabel extract`` picks it up.
Use it for module-level tables (reason codes, enum labels) that are translated
later, per session, with :class:`MessageMap`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .translator import Translator


def N_(message: str) -> str:  # noqa: N802 - gettext convention
    """Mark ``message`` for translation; return it untranslated."""
    return message


class MessageMap(Mapping[str, str]):
    """Machine key -> English msgid (marked with ``N_``), translated on lookup.

    >>> REASONS = MessageMap({"not_found": N_("Not found.")}, default=N_("Error {code}."))
    >>> REASONS.text(translator, "not_found")
    >>> REASONS.text(translator, "mystery")     # default, with code=... filled in
    """

    __slots__ = ("_messages", "default")

    def __init__(self, messages: Mapping[str, str], default: str | None = None) -> None:
        self._messages = dict(messages)
        self.default = default

    def __getitem__(self, key: str) -> str:
        return self._messages[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._messages)

    def __len__(self) -> int:
        return len(self._messages)

    def msgid(self, key: str) -> str:
        """The untranslated message for ``key`` (the default for unknown keys)."""
        message = self._messages.get(str(key), self.default)
        if message is None:
            raise KeyError(key)
        return message

    def text(self, translator: Translator, key: str, **kwargs: Any) -> str:
        """The message for ``key`` in the translator's language.

        Placeholders are filled from ``kwargs``; ``{code}`` is always available
        and holds ``key``.
        """
        kwargs.setdefault("code", str(key))
        return translator.gettext(self.msgid(key), **kwargs)


def Nn_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 - gettext convention
    """Mark a singular/plural pair for extraction; translate later with ``ngettext``."""
    return singular, plural
