"""A demo chain: Hong Kong stores with real coordinates, staff in all four roles, two weeks
of shifts, a few broadcasts and tasks. Every row also enters the change feed, so devices
pull the demo data exactly as they would pull real data."""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from app.domain.roles import Role
from backend_stub import db
from backend_stub.security import hash_pin
from backend_stub.seed_requests import seed_chains, seed_entitlements
from backend_stub.services.changes import emit

HK = ZoneInfo("Asia/Hong_Kong")

# (id, code, name, area, address, lat, lon, radius m) — coordinates of the real malls.
STORES = [
    ("st-cwb", "CWB", "Causeway Bay (Times Square)", "hk-island", "1 Matheson Street, Causeway Bay",
     22.27834, 114.18222, 80.0),
    ("st-mk", "MK", "Mong Kok (Langham Place)", "kowloon", "8 Argyle Street, Mong Kok",
     22.31851, 114.16864, 100.0),
    ("st-tst", "TST", "Tsim Sha Tsui (Harbour City)", "kowloon", "3-27 Canton Road, Tsim Sha Tsui",
     22.29553, 114.16889, 120.0),
    ("st-st", "ST", "Sha Tin (New Town Plaza)", "new-territories", "18 Sha Tin Centre Street, Sha Tin",
     22.38157, 114.18868, 100.0),
]


@dataclass(frozen=True)
class DemoUser:
    id: str
    staff_no: str
    name: str
    role: Role
    pin: str
    stores: tuple[str, ...]
    locale: str | None = None


USERS = [
    DemoUser("u-hq", "A0001", "Wong Ka Yan 黃嘉欣", Role.HQ_ADMIN, "9000", ()),
    DemoUser("u-am-kln", "A1001", "Lau Chi Keung 劉志強", Role.AREA_MANAGER, "8100", ("st-mk", "st-tst")),
    DemoUser("u-am-hk", "A1002", "Cheung Wai Man 張慧敏", Role.AREA_MANAGER, "8200", ("st-cwb", "st-st")),
    DemoUser("u-sm-cwb", "M2001", "Chan Siu Ming 陳小明", Role.STORE_MANAGER, "7100", ("st-cwb",)),
    DemoUser("u-sm-mk", "M2002", "Lee Mei Ling 李美玲", Role.STORE_MANAGER, "7200", ("st-mk",)),
    DemoUser("u-sm-tst", "M2003", "Ho Ka Lok 何家樂", Role.STORE_MANAGER, "7300", ("st-tst",)),
    DemoUser("u-sm-st", "M2004", "Ng Wing Sze 吳詠詩", Role.STORE_MANAGER, "7400", ("st-st",)),
    DemoUser("u-s01", "S3001", "Chan Tai Man 陳大文", Role.STAFF, "1111", ("st-cwb",)),
    DemoUser("u-s02", "S3002", "Siti Rahayu", Role.STAFF, "2222", ("st-cwb",), "id"),
    DemoUser("u-s03", "S3003", "Leung Hoi Yan 梁凱欣", Role.STAFF, "3333", ("st-mk",)),
    DemoUser("u-s04", "S3004", "Nguyen Thi Lan", Role.STAFF, "4444", ("st-mk",), "vi"),
    DemoUser("u-s05", "S3005", "Somchai Phongsri", Role.STAFF, "5555", ("st-tst",), "th"),
    DemoUser("u-s06", "S3006", "Nur Aisyah binti Ahmad", Role.STAFF, "6666", ("st-tst", "st-mk"), "ms"),
    DemoUser("u-s07", "S3007", "Tam Kwok Wai 譚國偉", Role.STAFF, "7777", ("st-st",)),
    DemoUser("u-s08", "S3008", "Fatima Al-Sayed", Role.STAFF, "8888", ("st-st", "st-cwb"), "ar"),
    DemoUser("u-s09", "S3009", "Yip Man Kit 葉文傑", Role.STAFF, "9999", ("st-tst",)),
]

SHIFT_PATTERNS = [(time(9, 0), time(18, 0)), (time(10, 0), time(19, 0)), (time(13, 0), time(22, 0))]


def _at(day: date, t: time) -> datetime:
    return datetime.combine(day, t, HK).astimezone(UTC)


def seed_demo(engine: Engine, *, today: date | None = None, rng_seed: int = 7) -> bool:
    """Create the demo chain unless users already exist. Returns True when it seeded."""
    rng = random.Random(rng_seed)
    today = today or datetime.now(HK).date()
    start = today - timedelta(days=today.weekday())  # this Monday, then two weeks
    with engine.begin() as conn:
        if conn.execute(select(func.count()).select_from(db.users)).scalar_one():
            return False
        for sid, code, name, area, address, lat, lon, radius in STORES:
            row = dict(id=sid, code=code, name=name, area=area, address=address, latitude=lat,
                       longitude=lon, radius_m=radius, timezone="Asia/Hong_Kong", pay_period="monthly")
            conn.execute(db.stores.insert().values(**row))
            emit(conn, "store", sid, row, audience="store", store_ids=[sid])
        all_stores = [s[0] for s in STORES]
        for u in USERS:
            conn.execute(db.users.insert().values(
                id=u.id, staff_no=u.staff_no, name=u.name, role=u.role.value, pin_hash=hash_pin(u.pin),
                home_store_id=u.stores[0] if u.stores else None, locale=u.locale, active=True))
            covered = u.stores or tuple(all_stores)
            if u.stores:
                conn.execute(db.user_stores.insert(), [{"user_id": u.id, "store_id": s} for s in u.stores])
            # store_ids (issue 10, requests): the phone works out who approves a request.
            public = dict(id=u.id, staff_no=u.staff_no, name=u.name, role=u.role.value,
                          home_store_id=u.stores[0] if u.stores else None, store_ids=list(u.stores))
            emit(conn, "user", u.id, public, audience="store", store_ids=covered)
            if u.role.is_manager:  # issue 10, delegation: every manager may be picked as a delegate
                emit(conn, "user", u.id, public, audience="managers", store_ids=all_stores)
        seed_chains(conn)
        seed_entitlements(conn, [u.id for u in USERS])
        n = 0
        for u in USERS:
            if u.role not in (Role.STAFF, Role.STORE_MANAGER):
                continue
            days_off = set(rng.sample(range(7), 2)) | {7 + d for d in rng.sample(range(7), 2)}
            for offset in range(14):
                if offset in days_off:
                    continue
                day = start + timedelta(days=offset)
                begin, end = rng.choice(SHIFT_PATTERNS)
                store = u.stores[0] if len(u.stores) == 1 else rng.choice(u.stores)
                n += 1
                row = dict(id=f"sh-{n:04d}", store_id=store, user_id=u.id, starts_at=_at(day, begin),
                           ends_at=_at(day, end), position="Sales" if u.role is Role.STAFF else "Manager",
                           status="published", version=1, published_version=1)
                row["role"] = row["position"]
                conn.execute(db.shifts.insert().values(**row))
                emit(conn, "shift", row["id"], row, audience="store", store_ids=[store])
        now = datetime.now(UTC)
        for bid, author, title, body, targets in [
            ("bc-0001", "u-hq", "Typhoon signal No. 8 procedure",
             "If T8 is hoisted, close the shutters and leave within 2 hours. Managers confirm in the app.",
             all_stores),
            ("bc-0002", "u-am-kln", "Christmas window display",
             "New window set arrives Friday 9 am. Please clear the front table the evening before.",
             ["st-mk", "st-tst"]),
            ("bc-0003", "u-sm-cwb", "Stock count tonight",
             "Full stock count after closing. Two extra hours are paid as overtime.", ["st-cwb"]),
        ]:
            row = dict(id=bid, author_id=author, title=title, body=body, created_at=now)
            conn.execute(db.broadcasts.insert().values(**row))
            conn.execute(db.broadcast_stores.insert(), [{"broadcast_id": bid, "store_id": s} for s in targets])
            emit(conn, "broadcast", bid, {**row, "store_ids": targets}, audience="store", store_ids=targets)
        for i, (store, title) in enumerate([(s, t) for s in all_stores for t in (
                "Check fire exits are clear", "Photograph the promotion shelf", "Restock fitting rooms")]):
            row = dict(id=f"tk-{i + 1:04d}", store_id=store, title=title, description="",
                       due_at=_at(today, time(18, 0)), status="to_do", completed_by=None,
                       completed_at=None, comment="", photo_sha256=None)
            conn.execute(db.tasks.insert().values(**row))
            emit(conn, "task", row["id"], row, audience="store", store_ids=[store])
    return True


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(staff number, PIN, name, role) of every demo account, for the start-up banner."""
    return [(u.staff_no, u.pin, u.name, u.role.value) for u in USERS]
