"""Names of the shift-trade rules and the codes they report.

Plain strings, because the domain imports nothing above it; ``app.protocol.Reason`` (refusals)
and ``app.protocol.Flag`` (warnings a manager may override) take their values from here, so each
code is written once.
"""

from __future__ import annotations

# The rules, by the name a chain uses to switch one off (``ShiftTradeSettings.switched_off``).
RULE_STORE = "store"
RULE_ROLE = "role"
RULE_AVAILABILITY = "availability"
RULE_OVERLAP = "overlap"
RULE_MIN_REST = "min_rest"
RULE_WEEKLY_CAP = "weekly_cap"
RULE_OVERTIME = "overtime"
RULE_MIN_NOTICE = "min_notice"
RULE_STARTED = "started"
RULE_REST_DAY = "rest_day"
RULE_CONTINUOUS_CONTRACT = "continuous_contract"
ALL_RULES = frozenset({
    RULE_STORE, RULE_ROLE, RULE_AVAILABILITY, RULE_OVERLAP, RULE_MIN_REST, RULE_WEEKLY_CAP, RULE_OVERTIME,
    RULE_MIN_NOTICE, RULE_STARTED, RULE_REST_DAY, RULE_CONTINUOUS_CONTRACT,
})

# Refusals (``app.protocol.Reason``).
REASON_SHIFT_NOT_TRADEABLE = "shift_not_tradeable"
REASON_SHIFT_STARTED = "shift_already_started"
REASON_NOTICE_TOO_SHORT = "shift_notice_too_short"
REASON_OTHER_STORE = "shift_other_store"
REASON_ROLE_MISSING = "shift_role_missing"
REASON_UNAVAILABLE = "shift_unavailable"
REASON_OVERLAP = "shift_overlap"
REASON_REST_TOO_SHORT = "shift_rest_too_short"
REASON_WEEKLY_CAP = "shift_weekly_cap"

# Warnings a manager may override with a reason (``app.protocol.Flag``).
FLAG_OVERTIME = "overtime"
FLAG_NO_REST_DAY = "no_rest_day"
FLAG_CONTINUOUS_CONTRACT = "continuous_contract_at_risk"

#: Which rule reports which code (one code per rule; ``shift_not_tradeable`` belongs to none:
#: it is the shape of the trade itself and cannot be switched off).
RULE_CODES = {
    RULE_STARTED: REASON_SHIFT_STARTED, RULE_MIN_NOTICE: REASON_NOTICE_TOO_SHORT, RULE_STORE: REASON_OTHER_STORE,
    RULE_ROLE: REASON_ROLE_MISSING, RULE_AVAILABILITY: REASON_UNAVAILABLE, RULE_OVERLAP: REASON_OVERLAP,
    RULE_MIN_REST: REASON_REST_TOO_SHORT, RULE_WEEKLY_CAP: REASON_WEEKLY_CAP, RULE_OVERTIME: FLAG_OVERTIME,
    RULE_REST_DAY: FLAG_NO_REST_DAY, RULE_CONTINUOUS_CONTRACT: FLAG_CONTINUOUS_CONTRACT,
}

# Shift statuses (the roster's); only a published shift can change hands.
STATUS_DRAFT = "draft"
STATUS_PUBLISHED = "published"
STATUS_CANCELLED = "cancelled"

# Why a trade is not tradeable at all (``details["why"]`` of ``shift_not_tradeable``).
WHY_NOT_PUBLISHED = "not_published"
WHY_OPEN = "open_shift"
WHY_NOT_OPEN = "not_open"
WHY_OWN_SHIFT = "own_shift"
WHY_SWAP_SHIFT = "swap_shift"
