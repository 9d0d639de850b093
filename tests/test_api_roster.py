"""Issue 10, roster, against a real uvicorn API: managers create, edit, delete, copy and publish
shifts from their phones (offline-first, through the outbox); the server scopes each action by
role and stores; drafts never reach staff; a refused action is undone on the device."""

from datetime import date, datetime, time, timedelta
from itertools import count

import pytest

from app.domain.attendance import HONG_KONG
from app.domain.roles import Actor, Role
from app.store import DeviceStore, outbox, queries
from app.store.roster_actions import RosterActions
from app.sync import ApiClient, SyncEngine
from tests.conftest import login
from tests.servers import ApiServer, server_rows

_weeks = count(3)  # each test rosters its own future week on the shared server


def _monday() -> date:
    today = datetime.now(HONG_KONG).date()
    return today - timedelta(days=today.weekday()) + timedelta(weeks=next(_weeks))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), HONG_KONG)


class Phone:
    """A signed-in device: its database, API client and roster actions."""

    def __init__(self, server: ApiServer, path, staff_no: str, pin: str) -> None:
        self.store = DeviceStore(path / f"{staff_no}.db")
        self.api: ApiClient = login(server.url, self.store, staff_no, pin)
        user, _ = self.store.load_session()
        self.actor = Actor(user["id"], Role(user["role"]), frozenset(user["store_ids"]))
        self.roster = RosterActions(self.store, self.store.clock, self.actor)
        self.sync()  # the first pull: the store's people and roster

    def sync(self):
        return SyncEngine(self.store, self.api).sync_once()

    def shift(self, shift_id: str) -> dict | None:
        with self.store.reading() as db:
            rows = list(db.query("SELECT * FROM shifts WHERE id=?", [shift_id]))
        return rows[0] if rows else None

    def rejected(self) -> list[tuple[str, str]]:
        with self.store.reading() as db:
            return [(r["type"], r["reason"]) for r in outbox.rejected(db)]

    def pulled_shift_ids(self) -> set[str]:
        """Every shift id in a full pull of this user's feed (straight from the API)."""
        ids, cursor = set(), ""
        while True:
            page = self.api.pull(cursor)
            ids |= {c.id for c in page.changes if c.entity == "shift"}
            cursor = page.cursor
            if not page.has_more:
                return ids


@pytest.fixture
def phones(server, tmp_path):
    made = []

    def make(staff_no: str, pin: str) -> Phone:
        made.append(Phone(server, tmp_path, staff_no, pin))
        return made[-1]

    yield make
    for phone in made:
        phone.store.close()


def test_drafts_reach_staff_only_once_published(server, phones):
    """The Causeway Bay manager creates two shifts for Chan Tai Man (one overnight): his phone
    and a pull with his token show neither; after publish (count 2) both are in his My shifts."""
    manager, staff = phones("M2001", "7100"), phones("S3001", "1111")
    monday = _monday()
    day_shift = manager.roster.create_shift(store_id="st-cwb", user_id="u-s01", starts_at=_at(monday, 9),
                                            ends_at=_at(monday, 17), role="Cashier")
    night = manager.roster.create_shift(store_id="st-cwb", user_id="u-s01", starts_at=_at(monday + timedelta(days=2), 22),
                                        ends_at=_at(monday + timedelta(days=3), 6), role="Stock")
    assert manager.sync().applied == 2
    assert manager.shift(day_shift)["status"] == "draft"
    staff.sync()
    assert staff.shift(day_shift) is None and staff.shift(night) is None
    assert {day_shift, night}.isdisjoint(staff.pulled_shift_ids())

    assert manager.roster.publish_week("st-cwb", monday) == 2
    manager.sync()
    staff.sync()
    with staff.store.reading() as db:
        mine = queries.shifts_for_user(db, "u-s01", _at(monday, 0), _at(monday + timedelta(days=7), 0))
    assert [(s.id, s.status, s.role) for s in mine] == [(day_shift, "published", "Cashier"),
                                                       (night, "published", "Stock")]
    assert server_rows(server, "SELECT status, version, published_version FROM shifts WHERE id=:i",
                       {"i": night}) == [("published", 1, 1)]


@pytest.mark.parametrize("who, store, person, expected", [
    (("M2002", "7200"), "st-cwb", "u-s01", "forbidden_role"),   # store manager, not their store
    (("A1001", "8100"), "st-cwb", "u-s01", "forbidden_role"),   # area manager, not their area
    (("S3001", "1111"), "st-cwb", "u-s01", "forbidden_role"),   # staff rosters nobody
    (("M2001", "7100"), "st-cwb", "u-s03", "person_not_at_store"),  # Mong Kok staff at Causeway Bay
    (("A1002", "8200"), "st-cwb", "u-s02", None),               # area manager of the area
    (("A0001", "9000"), "st-mk", "u-s03", None),                # HQ: every store
])
def test_server_scopes_shift_creation_by_role_and_stores(phones, who, store, person, expected):
    """A create pushed past the device's own check is refused by the server unless the caller
    manages the store (store manager: theirs; area manager: their area; HQ: all) and the person works there."""
    phone = phones(*who)
    monday = _monday()
    payload = {"shift_id": f"sh-scope-{who[0]}-{person}", "store_id": store, "user_id": person,
               "starts_at": _at(monday, 10).isoformat(), "ends_at": _at(monday, 18).isoformat(), "role": ""}
    phone.roster.raw("shift.create", payload, f"shift:{payload['shift_id']}")
    report = phone.sync()
    if expected is None:
        assert report.applied == 1 and phone.rejected() == []
    else:
        assert phone.rejected() == [("shift.create", expected)]
        assert phone.shift(payload["shift_id"]) is None


def test_staff_and_other_managers_cannot_edit_delete_copy_or_publish(phones):
    """Every roster action on a Causeway Bay shift or week is refused for staff and for the Mong Kok manager."""
    manager = phones("M2001", "7100")
    monday = _monday()
    shift_id = manager.roster.create_shift(store_id="st-cwb", user_id="u-s02", starts_at=_at(monday, 9),
                                           ends_at=_at(monday, 15))
    manager.sync()
    for who in (("S3002", "2222"), ("M2002", "7200")):
        phone = phones(*who)
        phone.sync()
        edit = {"shift_id": shift_id, "user_id": "u-s02", "starts_at": _at(monday, 8).isoformat(),
                "ends_at": _at(monday, 12).isoformat()}
        phone.roster.raw("shift.update", edit, f"shift:{shift_id}")
        phone.roster.raw("shift.delete", {"shift_id": shift_id}, f"shift:{shift_id}")
        phone.roster.raw("roster.copy_week", {"copy_key": "abcdef0123", "store_id": "st-cwb",
                                              "week_start": monday.isoformat()})
        phone.roster.raw("roster.publish", {"store_id": "st-cwb", "week_start": monday.isoformat()})
        phone.sync()
        assert sorted(phone.rejected()) == [("roster.copy_week", "forbidden_role"), ("roster.publish", "forbidden_role"),
                                            ("shift.delete", "forbidden_role"), ("shift.update", "forbidden_role")]
    manager.sync()
    assert manager.shift(shift_id)["status"] == "draft"


def test_refused_create_is_undone_on_the_managers_phone(phones):
    """An overlap only the server can see (the area manager rostered the same person meanwhile):
    the store manager's offline shift shows at once, then is refused (shift_overlap) and removed."""
    store_manager, area_manager = phones("M2001", "7100"), phones("A1002", "8200")
    monday = _monday()
    area_manager.roster.create_shift(store_id="st-cwb", user_id="u-s08", starts_at=_at(monday, 20),
                                     ends_at=_at(monday + timedelta(days=1), 4))
    area_manager.sync()
    mine = store_manager.roster.create_shift(store_id="st-cwb", user_id="u-s08",
                                             starts_at=_at(monday + timedelta(days=1), 2),
                                             ends_at=_at(monday + timedelta(days=1), 10))
    assert store_manager.shift(mine)["sync_state"] == "pending"
    store_manager.sync()
    assert store_manager.rejected() == [("shift.create", "shift_overlap")]
    assert store_manager.shift(mine) is None


def test_edit_raises_version_and_delete_cancels_a_published_shift(server, phones):
    """Published, edited (version 2) and deleted (cancelled, version 3): staff's phone keeps the
    cancelled shift out of My shifts; deleting a draft removes it everywhere."""
    manager, staff = phones("M2001", "7100"), phones("S3002", "2222")
    monday = _monday()
    kept = manager.roster.create_shift(store_id="st-cwb", user_id="u-s02", starts_at=_at(monday, 9),
                                       ends_at=_at(monday, 17))
    draft = manager.roster.create_shift(store_id="st-cwb", user_id="u-s02", starts_at=_at(monday + timedelta(days=1), 9),
                                        ends_at=_at(monday + timedelta(days=1), 17))
    manager.sync()
    manager.roster.publish_week("st-cwb", monday)
    manager.sync()
    manager.roster.delete_shift(draft)  # published too: cancelled, not removed
    manager.roster.update_shift(kept, user_id="u-s02", starts_at=_at(monday, 10), ends_at=_at(monday, 18))
    manager.sync()
    manager.roster.delete_shift(kept)
    new_draft = manager.roster.create_shift(store_id="st-cwb", user_id="u-s02",
                                            starts_at=_at(monday + timedelta(days=2), 9),
                                            ends_at=_at(monday + timedelta(days=2), 12))
    manager.sync()
    manager.roster.delete_shift(new_draft)
    manager.sync()
    assert server_rows(server, "SELECT id, status, version FROM shifts WHERE id IN (:a, :b, :c) ORDER BY version",
                       {"a": kept, "b": draft, "c": new_draft}) == [(draft, "cancelled", 2), (kept, "cancelled", 3)]
    assert manager.shift(new_draft) is None
    staff.sync()
    assert staff.shift(kept)["status"] == "cancelled"
    with staff.store.reading() as db:
        assert queries.shifts_for_user(db, "u-s02", _at(monday, 0), _at(monday + timedelta(days=7), 0)) == []


def test_copy_last_week_makes_drafts_staff_do_not_see(server, phones):
    """Copy last week brings last week's live shifts (not the cancelled one) a week later as drafts,
    on the manager's phone at once and on the server, and staff see none of them."""
    manager, staff = phones("M2004", "7400"), phones("S3007", "7777")
    last = _monday()
    monday = last + timedelta(days=7)
    next(_weeks)
    a = manager.roster.create_shift(store_id="st-st", user_id="u-s07", starts_at=_at(last, 22),
                                    ends_at=_at(last + timedelta(days=1), 6), role="Night stock")
    gone = manager.roster.create_shift(store_id="st-st", user_id="u-s07", starts_at=_at(last + timedelta(days=3), 9),
                                       ends_at=_at(last + timedelta(days=3), 17))
    manager.sync()
    manager.roster.publish_week("st-st", last)
    manager.roster.delete_shift(gone)
    manager.sync()
    assert manager.roster.copy_last_week("st-st", monday) == 1
    with manager.store.reading() as db:
        copied = queries.shifts_for_stores(db, ["st-st"], _at(monday, 0), _at(monday + timedelta(days=7), 0),
                                           live_only=False)
    assert [(s.starts_at, s.status, s.role) for s in copied] == [(_at(monday, 22), "draft", "Night stock")]
    manager.sync()
    assert manager.rejected() == []
    assert server_rows(server, "SELECT status, role FROM shifts WHERE id=:i", {"i": copied[0].id}) == [
        ("draft", "Night stock")]
    staff.sync()
    assert staff.shift(copied[0].id) is None and staff.shift(a)["status"] == "published"
