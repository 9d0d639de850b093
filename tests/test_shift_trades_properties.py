"""Property tests: whatever trades are asked, in whatever order, the ones the rules let through never
leave anyone with overlapping shifts, too little rest, or over the weekly cap; and nobody goes into
overtime without a manager's recorded override."""

from collections import defaultdict
from itertools import combinations

from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from app.domain.shift_rules import (
    FLAG_OVERTIME, Override, Person, RosterIndex, ShiftTradeSettings, Trade, TradeKind, check_trade,
)
from tests.shift_world import NOW, shift

PEOPLE = {p.id: p for p in (
    Person("p0", frozenset({"s1", "s2"}), frozenset({"cashier", "supervisor"})),
    Person("p1", frozenset({"s1"}), frozenset({"cashier", "supervisor"})),
    Person("p2", frozenset({"s1", "s2"}), frozenset({"cashier"})),
    Person("p3", frozenset({"s2"}), frozenset({"supervisor"})),
)}
IDS = sorted(PEOPLE)

shift_specs = st.lists(st.tuples(st.integers(0, 20), st.sampled_from([0, 6, 9, 14, 18, 22]),
                                 st.sampled_from([4, 8, 9, 10, 12]), st.sampled_from(["s1", "s1", "s2"]),
                                 st.sampled_from(["cashier", "cashier", "supervisor"])), min_size=4, max_size=30)
requests = st.lists(st.tuples(st.sampled_from(list(TradeKind)), st.integers(0, 29), st.sampled_from(IDS),
                              st.integers(0, 29), st.booleans()), min_size=1, max_size=60)
chains = st.builds(ShiftTradeSettings, weekly_cap_hours=st.sampled_from([44.0, 48.0, 60.0]),
                   overtime_warning_hours=st.sampled_from([10.0, 20.0, 44.0]), min_rest_hours=st.sampled_from([0, 8, 11]),
                   switched_off=st.sets(st.sampled_from(["rest_day", "continuous_contract", "min_notice"])))


def _trade(request, shifts: dict) -> Trade:
    """The request against the shifts as they stand now (a stale request sees the current holder):
    a claim picks an open shift, the others someone's shift, a swap one of the taker's own."""
    kind, first, taker, second, _override = request
    ordered = list(shifts.values())
    claim = kind is TradeKind.OPEN_CLAIM
    wanted = [s for s in ordered if (s.person_id is None if claim else s.person_id not in (None, taker))] or ordered
    theirs = [s for s in ordered if s.person_id == taker] or ordered
    return Trade(kind, wanted[first % len(wanted)], taker, theirs[second % len(theirs)])


def _approve(request, shifts: dict, chain: ShiftTradeSettings, overrides: dict) -> None:
    """What a manager does: re-check on the current roster, then approve, overriding warnings if asked to."""
    trade = _trade(request, shifts)
    check = check_trade(trade, PEOPLE, RosterIndex.build(shifts.values()), chain, NOW)
    if not check.allowed or (check.warnings and not request[4]):
        return
    given = [Override(w.code, w.person_id, by="manager", reason="busy week", at=NOW) for w in check.warnings]
    assert check.approvable(given)
    for warning in check.warnings:
        overrides[(warning.code, warning.person_id, warning.details.get("week"))] = True
    for moved in trade.applied():
        shifts[moved.id] = moved
    event(f"approved: {trade.kind}" + (" with an override" if check.warnings else ""))


def _assert_rules_hold(shifts: dict, chain: ShiftTradeSettings, overrides: dict) -> None:
    mine = defaultdict(list)
    for item in shifts.values():
        if item.person_id is not None:
            mine[item.person_id].append(item)
    for person, held in mine.items():
        for a, b in combinations(sorted(held, key=lambda s: s.start), 2):
            assert not a.overlaps(b.start, b.end), (person, a, b)
            gap = (b.start - a.end).total_seconds() / 3600
            assert gap >= chain.min_rest_hours, (person, a, b)
        weeks = defaultdict(float)
        for item in held:
            weeks[item.week] += item.hours
        for week, hours in weeks.items():
            assert hours <= chain.weekly_cap_hours, (person, week, hours)
            if hours > chain.overtime_warning_hours:
                assert overrides.get((FLAG_OVERTIME, person, week.isoformat())), (person, week, hours)


@hypothesis_settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=shift_specs, asked=requests, chain=chains, order=st.randoms(use_true_random=False))
def test_accepted_trades_never_break_the_hard_rules(specs, asked, chain, order):
    """Requests made offline against the first roster, approved in any order with a re-check each time:
    no overlap, enough rest, never over the cap, and overtime only with a recorded override."""
    shifts = {f"s{i}": shift(f"s{i}", None, day, hour, length, store=store, role=role)
              for i, (day, hour, length, store, role) in enumerate(specs)}
    overrides: dict = {}
    for i in range(len(shifts)):  # the roster fills up through claims, under the same rules
        _approve((TradeKind.OPEN_CLAIM, 0, IDS[i % len(IDS)], 0, True), shifts, chain, overrides)
    _assert_rules_hold(shifts, chain, overrides)
    first = RosterIndex.build(shifts.values())  # what the devices saw when they asked (offline)
    made = [r for r in asked if check_trade(_trade(r, shifts), PEOPLE, first, chain, NOW).allowed]
    order.shuffle(made)
    for request in made:
        _approve(request, shifts, chain, overrides)
        _assert_rules_hold(shifts, chain, overrides)


@hypothesis_settings(max_examples=100, deadline=None)
@given(specs=shift_specs, asked=requests)
def test_who_can_take_agrees_with_check_trade(specs, asked):
    """"Who can take this shift?" gives every colleague exactly the verdict of checking that trade alone."""
    from app.domain.shift_rules import who_can_take

    shifts = [shift(f"s{i}", IDS[i % 4] if i % 3 else None, day, hour, length, store=store, role=role)
              for i, (day, hour, length, store, role) in enumerate(specs)]
    roster, chain = RosterIndex.build(shifts), ShiftTradeSettings()
    target = shifts[asked[0][1] % len(shifts)]
    listed = who_can_take(target, PEOPLE.values(), roster, chain, NOW)
    assert {c.person_id for c in listed} == set(IDS) - {target.person_id}
    kind = TradeKind.OPEN_CLAIM if target.person_id is None else TradeKind.COVER
    for candidate in listed:
        assert candidate.check == check_trade(Trade(kind, target, candidate.person_id), PEOPLE, roster, chain, NOW)
