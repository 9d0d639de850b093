"""A chain's shift-trade settings: which rules apply and their limits, with the issue's defaults.

The settings travel to devices like any pulled data, so they turn into plain JSON and back
(``to_dict``/``from_dict``). Keys a newer server adds are ignored by an older device; a value
of the wrong kind is refused with ``ValueError`` (bad settings never half-apply).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from app.domain.shift_rules.codes import ALL_RULES

#: Open shifts: the first valid claim wins, or the manager picks among the claimants.
FIRST_CLAIM_WINS = "first_claim_wins"
MANAGER_PICKS = "manager_picks"
OPEN_SHIFT_MODES = (FIRST_CLAIM_WINS, MANAGER_PICKS)

_NUMBERS = ("min_rest_hours", "weekly_cap_hours", "overtime_warning_hours", "min_notice_hours")


@dataclass(frozen=True, slots=True)
class ShiftTradeSettings:
    """Per-chain rules for swaps, offers, covers and open shifts (defaults from issue 10).

    ``store_groups``: sets of store ids whose staff may take each other's shifts (besides the
    person's own stores). ``switched_off``: rule names (``codes.ALL_RULES``) the chain does not use.
    """

    store_groups: tuple[frozenset[str], ...] = ()
    min_rest_hours: float = 8.0
    weekly_cap_hours: float = 48.0
    #: Above this many hours in a week a trade warns of overtime (the cap refuses).
    overtime_warning_hours: float = 44.0
    min_notice_hours: float = 12.0
    #: A trade with no warning needs no manager (open shifts: only with first claim wins).
    auto_approve: bool = True
    open_shift_mode: str = FIRST_CLAIM_WINS
    switched_off: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        object.__setattr__(self, "store_groups", tuple(frozenset(map(str, g)) for g in self.store_groups))
        object.__setattr__(self, "switched_off", frozenset(self.switched_off))
        for name in _NUMBERS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{name} must be a number of hours, 0 or more (got {value!r})")
        if self.overtime_warning_hours > self.weekly_cap_hours:
            raise ValueError("overtime_warning_hours must not be above weekly_cap_hours")
        if not isinstance(self.auto_approve, bool):
            raise ValueError("auto_approve must be true or false")
        if self.open_shift_mode not in OPEN_SHIFT_MODES:
            raise ValueError(f"open_shift_mode must be one of {OPEN_SHIFT_MODES}")
        unknown = self.switched_off - ALL_RULES
        if unknown:
            raise ValueError(f"unknown rules in switched_off: {sorted(unknown)}")

    def enabled(self, rule: str) -> bool:
        """Whether the chain applies ``rule`` (a ``codes.RULE_*`` name)."""
        return rule not in self.switched_off

    def stores_open_to(self, store_ids: Iterable[str]) -> frozenset[str]:
        """The stores whose shifts someone working at ``store_ids`` may take."""
        own = frozenset(store_ids)
        return own.union(*(group for group in self.store_groups if group & own))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (sorted, so equal settings give equal JSON)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["store_groups"] = [sorted(group) for group in self.store_groups]
        data["switched_off"] = sorted(self.switched_off)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ShiftTradeSettings:
        """Settings from ``to_dict`` output; missing keys take the defaults, unknown keys are ignored."""
        if not isinstance(data, Mapping):
            raise ValueError("shift trade settings must be an object")
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("store_groups", "switched_off"):
            if key in values and (isinstance(values[key], (str, bytes)) or not isinstance(values[key], Iterable)):
                raise ValueError(f"{key} must be a list")
        if "store_groups" in values:
            values["store_groups"] = tuple(cls._group(g) for g in values["store_groups"])
        return cls(**values)

    @staticmethod
    def _group(group: Any) -> frozenset[str]:
        if isinstance(group, (str, bytes)) or not isinstance(group, Iterable):
            raise ValueError("each store group must be a list of store ids")
        return frozenset(map(str, group))

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ShiftTradeSettings:
        return cls.from_dict(json.loads(text))
