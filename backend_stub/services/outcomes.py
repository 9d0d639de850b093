"""How a service refuses one mutation (kept apart so every service module can raise it)."""


class Rejected(Exception):
    """A mutation refused for a reason the user is shown (never retried)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
