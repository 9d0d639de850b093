"""Shift-trade eligibility: swaps, offers, cover requests and open-shift claims (issue 10).

Pure rules, no I/O: the device runs them for instant feedback (offline too), the server runs
them again on its own data. Days and weeks are Asia/Hong_Kong; weeks start on Monday; an
overnight shift (22:00-06:00) belongs, hours included, to the day it starts.

Entry points::

    roster = RosterIndex.build(shifts)                         # once per screen / request
    check = check_trade(Trade(TradeKind.OFFER, shift, "p2"), people, roster, settings, now)
    check.status, check.refusals, check.warnings, check.auto_approves(settings)
    who_can_take(shift, people, roster, settings, now)         # every colleague, with reasons

Split by concern: ``codes`` (rule names, reason and flag codes), ``settings`` (the chain's
switches and limits), ``model`` (inputs), ``index`` (shifts by person), ``result`` (verdicts),
``rules`` (the chain's rules), ``hk_law`` (rest day, "468"), ``evaluate`` (the entry points).
"""

from app.domain.shift_rules.codes import *  # noqa: F401,F403
from app.domain.shift_rules.evaluate import WARNING_CODES, apply_trade, check_trade, who_can_take  # noqa: F401
from app.domain.shift_rules.index import PersonShifts, RosterIndex  # noqa: F401
from app.domain.shift_rules.model import (  # noqa: F401
    Availability, Person, Shift, Trade, TradeKind, Unavailability, WeeklyWindow, week_of,
)
from app.domain.shift_rules.result import (  # noqa: F401
    ELIGIBLE, REFUSED, WARNING, Candidate, Finding, Override, TradeCheck,
)
from app.domain.shift_rules.settings import (  # noqa: F401
    FIRST_CLAIM_WINS, MANAGER_PICKS, ShiftTradeSettings,
)
