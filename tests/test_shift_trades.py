"""Shift trades as a whole: kinds of trade, who can take a shift, approvals, settings and messages."""

import json
from dataclasses import replace
from datetime import time

import pytest

from app.domain.approvals import ApprovalRefused
from app.domain.shift_rules import (
    Availability, Unavailability, WeeklyWindow,
    MANAGER_PICKS, Override, Person, RosterIndex, ShiftTradeSettings, Trade, TradeKind, apply_trade, check_trade,
    who_can_take,
)
from app.i18n import Translator
from app.i18n.locales import SUPPORTED_LOCALES
from app.i18n.reasons import SHIFT_RULE_DETAILS, shift_rule_message
from app.protocol import Flag, Reason
from tests.shift_world import GIVER_KEEPS, NOW, TAKER, at, cover, daily, shift

CHAIN = ShiftTradeSettings()
ANNA = Person("anna", frozenset({"s1"}), frozenset({"cashier"}))
BEN = Person("ben", frozenset({"s1"}), frozenset({"cashier"}))
PEOPLE = {p.id: p for p in (ANNA, BEN)}


def _swap(a_shift, b_shift, others=()):
    roster = RosterIndex.build([a_shift, b_shift, *others])
    return check_trade(Trade(TradeKind.SWAP, a_shift, "ben", b_shift), PEOPLE, roster, CHAIN, NOW)


def test_swap_checks_both_people():
    """A swap checks the shift each person takes against their own week: Anna's new shift overlaps hers."""
    fine = _swap(shift("a", "anna", 3, 9, 8), shift("b", "ben", 4, 9, 8), daily("anna", (0, 1), 9, 9) +
                 daily("ben", (0, 1), 9, 9))
    assert fine.status == "eligible"
    clash = _swap(shift("a", "anna", 3, 9, 8), shift("b", "ben", 4, 9, 8), [shift("x", "anna", 4, 12, 4)])
    assert [(f.code, f.person_id) for f in clash.refusals] == [(Reason.SHIFT_OVERLAP, "anna")]


def test_swap_in_the_same_week_counts_the_shift_given_away():
    """Ben at 48 h who swaps an 8 h shift for another 8 h shift that week stays at 48 h: overtime, not over the cap."""
    bens = daily("ben", range(5), 9, 8) + [shift("y", "ben", 6, 9, 8)]
    check = _swap(shift("a", "anna", 5, 9, 8), bens[0], bens[1:])
    assert check.allowed
    assert [(f.code, f.details["hours"]) for f in check.warnings if f.person_id == "ben"] == [(Flag.OVERTIME, 48)]


@pytest.mark.parametrize(("trade", "why"), [
    (Trade(TradeKind.OFFER, shift("d", "anna", 3, 9, 8, status="draft"), "ben"), "not_published"),
    (Trade(TradeKind.OPEN_CLAIM, shift("a", "anna", 3, 9, 8), "ben"), "not_open"),
    (Trade(TradeKind.COVER, shift("o", None, 3, 9, 8), "ben"), "open_shift"),
    (Trade(TradeKind.OFFER, shift("a", "anna", 3, 9, 8), "anna"), "own_shift"),
    (Trade(TradeKind.SWAP, shift("a", "anna", 3, 9, 8), "ben"), "swap_shift"),
    (Trade(TradeKind.SWAP, shift("a", "anna", 3, 9, 8), "ben", shift("b", "anna", 4, 9, 8)), "swap_shift"),
])
def test_a_trade_that_makes_no_sense_is_refused_with_why(trade, why):
    """Drafts, claims of someone's shift, offers of open shifts, one's own shift, a swap without the
    colleague's shift: refused as not tradeable, whatever the chain switched off."""
    off = ShiftTradeSettings(switched_off={"store", "role", "overlap", "started", "min_notice"})
    check = check_trade(trade, PEOPLE, RosterIndex.build([]), off, NOW)
    assert [(f.code, dict(f.details)) for f in check.refusals] == [(Reason.SHIFT_NOT_TRADEABLE, {"why": why})]


def test_who_can_take_shows_every_colleague_with_the_reason():
    """Every colleague but the holder is listed: eligible first, then warnings, then refused with the rule."""
    taken = shift("g", "giver", 5, 9, 9)
    people = [Person("far", frozenset({"s9"}), frozenset({"cashier"})), TAKER,
              Person("busy", frozenset({"s1"}), frozenset({"cashier"})),
              Person("long", frozenset({"s1"}), frozenset({"cashier"})),
              Person("giver", frozenset({"s1"}), frozenset({"cashier"}))]
    roster = RosterIndex.build([taken, *GIVER_KEEPS, shift("b", "busy", 5, 10, 4), *daily("long", range(4), 9, 9)])
    listed = who_can_take(taken, people, roster, CHAIN, NOW)
    assert [(c.person_id, c.status) for c in listed] == [
        ("taker", "eligible"), ("long", "warning"), ("far", "refused"), ("busy", "refused")]
    assert [f.code for f in listed[1].check.warnings] == [Flag.OVERTIME]
    assert [f.code for f in listed[2].check.refusals] == [Reason.SHIFT_OTHER_STORE]
    assert [f.code for f in listed[3].check.refusals] == [Reason.SHIFT_OVERLAP]


def test_the_givers_warning_does_not_mark_every_colleague():
    """A cover that leaves the giver under the "468" hours warns once for the trade; colleagues stay eligible."""
    taken = shift("g", "giver", 3, 9, 8)
    (candidate,) = who_can_take(taken, [TAKER], RosterIndex.build([taken]), CHAIN, NOW)
    assert candidate.status == "eligible" and candidate.own_warnings == ()
    assert [(w.code, w.person_id) for w in candidate.check.warnings] == [(Flag.CONTINUOUS_CONTRACT_AT_RISK, "giver")]
    assert not candidate.check.auto_approves(CHAIN)


def test_open_shift_claims_and_auto_approval():
    """An open shift is claimed; with no warning it approves itself unless the manager picks claimants."""
    open_shift = shift("o", None, 3, 9, 8)
    (candidate,) = who_can_take(open_shift, [TAKER], RosterIndex.build([open_shift]), CHAIN, NOW)
    assert candidate.check.kind is TradeKind.OPEN_CLAIM and candidate.status == "eligible"
    assert candidate.check.auto_approves(CHAIN)
    assert not candidate.check.auto_approves(ShiftTradeSettings(open_shift_mode=MANAGER_PICKS))
    assert not candidate.check.auto_approves(ShiftTradeSettings(auto_approve=False))


def test_a_warning_needs_a_manager_override_with_a_reason():
    """A trade with a warning never approves itself; a manager's override (who, why, when) clears it."""
    check = cover(shift("g", "giver", 5, 9, 9), daily("taker", range(4), 9, 9))
    assert check.status == "warning" and not check.auto_approves(CHAIN) and not check.approvable()
    with pytest.raises(ApprovalRefused):
        Override(Flag.OVERTIME, "taker", by="mgr", reason="  ", at=NOW)
    override = Override(Flag.OVERTIME, "taker", by="mgr", reason="Stocktake week", at=NOW)
    assert check.approvable([override]) and check.unresolved([override]) == ()
    assert not check.approvable([Override(Flag.NO_REST_DAY, "taker", by="mgr", reason="Stocktake", at=NOW)])


def test_applying_a_trade_moves_the_hours():
    """After a cover is applied the taker holds the shift and its hours; the giver no longer does."""
    taken = shift("g", "giver", 3, 9, 8)
    roster = apply_trade(Trade(TradeKind.COVER, taken, "taker"), RosterIndex.build([taken]))
    assert roster.of("taker").hours_in_week(taken.week) == 8
    assert roster.of("giver").hours_in_week(taken.week) == 0


def test_settings_travel_as_json_with_the_issue_defaults():
    """Defaults: 8 h rest, 48 h cap, overtime warning before it, 12 h notice; JSON round trip keeps everything."""
    assert (CHAIN.min_rest_hours, CHAIN.weekly_cap_hours, CHAIN.min_notice_hours) == (8, 48, 12)
    assert CHAIN.overtime_warning_hours < CHAIN.weekly_cap_hours and CHAIN.auto_approve
    custom = ShiftTradeSettings(store_groups=(frozenset({"s1", "s2"}),), min_rest_hours=10, switched_off={"rest_day"},
                                open_shift_mode=MANAGER_PICKS)
    assert ShiftTradeSettings.from_json(custom.to_json()) == custom
    assert json.loads(custom.to_json())["switched_off"] == ["rest_day"]
    newer = dict(custom.to_dict(), some_future_rule=True)
    assert ShiftTradeSettings.from_dict(newer) == custom


@pytest.mark.parametrize("bad", [{"weekly_cap_hours": "48"}, {"min_rest_hours": -1}, {"switched_off": ["nap"]},
                                 {"overtime_warning_hours": 50}, {"open_shift_mode": "lottery"},
                                 {"store_groups": "s1"}, {"auto_approve": "yes"}, ["not", "an", "object"]])
def test_bad_settings_are_refused_whole(bad):
    """Settings of the wrong kind raise ValueError (nothing half-applied)."""
    with pytest.raises(ValueError):
        ShiftTradeSettings.from_dict(bad)


def test_refusals_are_told_with_their_numbers():
    """The cap refusal reads "Would make 53 h this week; the limit is 48 h." in English, with the numbers in Chinese."""
    (refusal,) = cover(shift("g", "giver", 5, 9, 8), daily("taker", range(5), 9, 9)).refusals
    en, hk = Translator("en"), Translator("zh_Hant_HK")
    assert shift_rule_message(en, refusal.code, refusal.details) == "Would make 53 h this week; the limit is 48 h."
    assert shift_rule_message(hk, refusal.code, refusal.details) == "本星期會達 53 小時；上限為 48 小時。"
    (overlap,) = cover(shift("g", "giver", 3, 9, 8), [shift("t", "taker", 3, 12, 8)]).refusals
    assert "12:00" in shift_rule_message(en, overlap.code, overlap.details)


def _one_of_each():
    """A finding of every code that carries numbers, from real checks."""
    found = [
        cover(shift("g", "giver", 3, 9, 8), now=at(2, 22)).refusals[0],
        cover(shift("g", "giver", 3, 9, 8, role="supervisor")).refusals[0],
        cover(shift("g", "giver", 3, 9, 8), [shift("t", "taker", 3, 12, 8)]).refusals[0],
        cover(shift("g", "giver", 3, 4, 8), [shift("t", "taker", 2, 14, 8)]).refusals[0],
        cover(shift("g", "giver", 5, 9, 8), daily("taker", range(5), 9, 9)).refusals[0],
        cover(shift("g", "giver", 5, 9, 9), daily("taker", range(4), 9, 9)).warnings[0],
        cover(shift("g", "giver", 6, 10, 4), daily("taker", range(6), 10, 4)).warnings[0],
        cover(shift("g", "giver", 3, 9, 8), giver_shifts=()).warnings[0],
        cover(shift("g", "giver", -55, 9, 6), giver_shifts=(), now=at(-60, 9)).warnings[0],
    ]
    # Issue 10, availability: which availability the shift ignores (a weekly window, a day off).
    mornings = Availability((WeeklyWindow(3, time(6), time(12)),))
    day_off = Availability(unavailable=(Unavailability(at(3, 0), at(4, 0)),))
    unavailable = [cover(shift("g", "giver", 3, 9, 8), taker=replace(TAKER, availability=a)).refusals[0]
                   for a in (mornings, day_off)]
    keys = {f.code for f in found} | {f"{f.code}:{f.details['kind']}" for f in unavailable}
    assert keys | {"continuous_contract_at_risk:418"} == set(SHIFT_RULE_DETAILS)
    found += unavailable
    return found


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_rule_message_is_translated_with_its_numbers(locale):
    """Each refusal and warning reads in every language with its numbers filled in (no "{...}" left)."""
    t = Translator(locale)
    for found in _one_of_each():
        text = shift_rule_message(t, found.code, found.details)
        assert text and "{" not in text, (locale, found.code)
        if locale != "en":
            assert text != shift_rule_message(Translator("en"), found.code, found.details)
        for key in ("hours", "limit"):
            if key in found.details:
                assert t.format_decimal(found.details[key]) in text, (locale, found.code, text)
    for code in (Reason.SHIFT_OTHER_STORE, Reason.SHIFT_UNAVAILABLE, Reason.SHIFT_ALREADY_STARTED):
        assert "{" not in shift_rule_message(t, code, {"store_id": "s2"})


def test_the_rules_are_pure_domain_code():
    """app/domain/shift_rules imports no database, network, UI or wire-format module (device and server share it)."""
    import ast
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "app" / "domain" / "shift_rules"
    banned = ("sqlite3", "sqlite_utils", "sqlalchemy", "httpx", "flet", "app.store", "app.sync", "app.ui",
              "app.protocol", "backend_stub", "socket", "requests", "os")
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not [n for n in names if n.split(".")[0] in banned or n.startswith(banned)], (path.name, names)
