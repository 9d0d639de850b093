"""Issue 10, delegation, on phones against a real uvicorn API: a hand-over set for days to come
reaches the delegate's phone at once, and each phone's queue follows the hand-over's days by
itself (no sync needed the morning it begins or after it ends)."""

from datetime import UTC, date, datetime, time, timedelta

from app.domain.attendance import HONG_KONG
from app.domain.requests.kinds import RequestType
from app.store.requests import approval_queue
from app.sync import SyncEngine
from tests.test_request_device import _phone


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), HONG_KONG).astimezone(UTC)


def test_a_hand_over_to_come_reaches_the_delegate_and_the_queues_follow_its_days(server, tmp_path):
    """Chan Tai Man's leave waits for the Causeway Bay manager, who hands over to the Sha Tin
    manager from tomorrow for three days. The Sha Tin manager's phone has the request at once;
    today it waits for her own manager, on those days for him, and after them for her again."""
    staff, staff_api, staff_acts = _phone(server, tmp_path, "S3001", "1111")
    request_id = staff_acts.submit(RequestType.ANNUAL_LEAVE, "st-cwb", first_day=date(2027, 2, 15),
                                   last_day=date(2027, 2, 16))
    SyncEngine(staff, staff_api).sync_once()
    away, away_api, away_acts = _phone(server, tmp_path, "M2001", "7100")
    SyncEngine(away, away_api).sync_once()
    today = away.clock.now().astimezone(HONG_KONG).date()
    away_acts.delegate("u-sm-st", today + timedelta(days=1), today + timedelta(days=3))
    SyncEngine(away, away_api).sync_once()
    delegate, delegate_api, _ = _phone(server, tmp_path, "M2004", "7400")
    SyncEngine(delegate, delegate_api).sync_once()

    def waiting_for(phone, user_id: str, day: date) -> list[str]:
        with phone.reading() as db:
            return [r["id"] for r in approval_queue(db, user_id, _noon(day))]

    assert waiting_for(delegate, "u-sm-st", today) == []
    assert waiting_for(away, "u-sm-cwb", today) == [request_id]
    for day in (today + timedelta(days=1), today + timedelta(days=3)):
        assert waiting_for(delegate, "u-sm-st", day) == [request_id]
        assert waiting_for(away, "u-sm-cwb", day) == []
    assert waiting_for(delegate, "u-sm-st", today + timedelta(days=4)) == []
    assert waiting_for(away, "u-sm-cwb", today + timedelta(days=4)) == [request_id]
    for phone in (staff, away, delegate):
        phone.close()
