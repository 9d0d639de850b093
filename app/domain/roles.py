"""Roles and what each may see and do."""

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """The four roles of a chain, lowest first."""

    STAFF = "staff"
    STORE_MANAGER = "store_manager"
    AREA_MANAGER = "area_manager"
    HQ_ADMIN = "hq_admin"

    @property
    def is_manager(self) -> bool:
        """Store managers and above run shifts, approvals and broadcasts."""
        return self is not Role.STAFF

    def outranks(self, other: "Role") -> bool:
        """True when this role is above ``other`` (the HQ admin is above every other role)."""
        ranks = list(Role)
        return ranks.index(self) > ranks.index(other)


@dataclass(frozen=True)
class Actor:
    """Who is acting: the authenticated user, their role and the stores they cover."""

    user_id: str
    role: Role
    store_ids: frozenset[str] = field(default_factory=frozenset)

    def covers(self, store_id: str | None) -> bool:
        """True when ``store_id`` is one of this actor's stores."""
        return store_id is not None and store_id in self.store_ids
