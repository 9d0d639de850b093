"""Issue 13, probe13: hostile probes of the training server (SQLite and PostgreSQL): other stores'
managers, staff, bad tokens and bad input get a documented refusal with a Reason code, never a 500
(quizzes and what is pulled: tests/test_training_hostile_quiz.py)."""

import csv
import io
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.domain.training import codes
from backend_stub import db
from tests.test_api_push import bearer, mutation, push
from tests.training_helpers import (CWB_MANAGER, HQ, MK_MANAGER, QUIZ, STAFF, STAFF_MK, TRAINER, Phones, fix,
                                    hq_course, new_session, outcome, secret_of)

AREA_HK = "u-am-hk"


def _h(api, user_id: str) -> dict:
    return bearer(api, user_id, f"dev-{user_id}")


def _refused(resp, status: int, code: str) -> None:
    assert (resp.status_code, resp.json()["code"]) == (status, code), resp.text


def _now_code(api, session_id: str) -> str:
    return codes.code_at(secret_of(api, session_id), datetime.now(UTC))


def test_bad_bearer_tokens_are_401_on_every_training_route(api):
    """Garbage, forged (signed with another key), alg-none and huge bearer tokens get 401
    token_invalid on the training routes, and nothing is created."""
    import base64

    hq_course(api)
    assert new_session(api, "ts-tok").status_code == 201
    good = _h(api, CWB_MANAGER)["Authorization"].removeprefix("Bearer ")
    head, body, _sig = good.split(".")
    none_head = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    tokens = ["garbage", "a.b.c", f"{head}.{body}.{'A' * 43}", f"{none_head}.{body}.", "x" * 20000]
    routes = [("get", "/v1/training/sessions/ts-tok/code", None),
              ("get", "/v1/training/sessions/ts-tok/attendance", None),
              ("post", "/v1/training/sessions/ts-tok/manual-add", {"user_id": STAFF, "reason": "forged"}),
              ("get", "/v1/training/matrix", None), ("get", "/v1/training/sessions/ts-tok/quiz", None),
              ("post", "/v1/training/courses", {"id": "x", "title": "x", "skill": "x"})]
    for token in tokens:
        for method, url, body_ in routes:
            resp = getattr(api, method)(url, headers={"Authorization": f"Bearer {token}"},
                                        **({"json": body_} if body_ else {}))
            assert resp.status_code == 401, (url, resp.text)
            assert resp.json()["code"] in ("token_invalid", "token_expired"), (url, resp.text)
    with api.engine.connect() as conn:
        assert conn.execute(select(db.training_sign_ins)).first() is None


def test_another_stores_manager_and_staff_are_kept_out_of_a_session(api):
    """Mong Kok's manager gets 403 on Causeway Bay's code, roll and manual add, and cannot schedule
    there; staff (not the trainer) get 403 on all three; Mong Kok staff cannot pull its quiz (404)."""
    hq_course(api, quiz=True)
    assert new_session(api, "ts-cwb").status_code == 201
    for user_id in (MK_MANAGER, STAFF):
        h = _h(api, user_id)
        _refused(api.get("/v1/training/sessions/ts-cwb/code", headers=h), 403, "forbidden_role")
        _refused(api.get("/v1/training/sessions/ts-cwb/attendance", headers=h), 403, "forbidden_role")
        _refused(api.post("/v1/training/sessions/ts-cwb/manual-add", json={"user_id": STAFF, "reason": "was here"},
                          headers=h), 403, "forbidden_role")
    _refused(new_session(api, "ts-mk-at-cwb", user_id=MK_MANAGER), 403, "forbidden_role")
    _refused(api.get("/v1/training/sessions/ts-cwb/quiz", headers=_h(api, STAFF_MK)), 404, "not_found")
    _refused(api.get("/v1/training/sessions/ts-none/quiz", headers=_h(api, STAFF)), 404, "not_found")


def test_manual_add_of_someone_from_another_store_or_nobody_is_404(api):
    """The trainer cannot add a Mong Kok staffer, a manager of another store or an unknown id to a
    Causeway Bay session (404 not_found; a quote in the id is 422); wrong types and a 501-character
    reason are 422; a 500-character reason with an accent and a tab is taken."""
    hq_course(api)
    assert new_session(api, "ts-add").status_code == 201
    url, h = "/v1/training/sessions/ts-add/manual-add", _h(api, TRAINER)
    for user_id in (STAFF_MK, MK_MANAGER, "u-nobody"):
        _refused(api.post(url, json={"user_id": user_id, "reason": "Was in the room"}, headers=h), 404, "not_found")
    _refused(api.post(url, json={"user_id": "u-s01'; drop table users;--", "reason": "Was in the room"}, headers=h),
             422, "validation_error")
    _refused(api.post(url, json={"user_id": STAFF, "reason": "x" * 501}, headers=h), 422, "validation_error")
    _refused(api.post(url, json={"user_id": STAFF, "reason": 42}, headers=h), 422, "validation_error")
    _refused(api.post(url, json={"user_id": ["u-s01"], "reason": "list id"}, headers=h), 422, "validation_error")
    resp = api.post(url, json={"user_id": STAFF, "reason": "Téléphone\tà plat " + "y" * 483}, headers=h)
    assert resp.status_code == 200 and resp.json()["manual_reason"].startswith("Téléphone\tà plat"), resp.text


def test_nobody_adds_themselves_by_hand(api):
    """A staff trainer adding themselves by hand (which completed a course with no code and no place,
    up to a day after the session) is 400 training_manual_self, so is a manager adding themselves;
    the trainer still signs in with the code at the place, and a manager may add the trainer; a full
    session and one not open yet refuse additions with their reasons."""
    hq_course(api)
    phones = Phones(api)
    assert new_session(api, "ts-self").status_code == 201
    url = "/v1/training/sessions/ts-self/manual-add"
    for user_id in (TRAINER, CWB_MANAGER, AREA_HK):
        _refused(api.post(url, json={"user_id": user_id, "reason": "I was there"}, headers=_h(api, user_id)), 400,
                 "training_manual_self")
    with api.engine.connect() as conn:
        assert conn.execute(select(db.training_completions)).first() is None
    assert new_session(api, "ts-self2").status_code == 201
    added = api.post("/v1/training/sessions/ts-self2/manual-add", json={"user_id": TRAINER, "reason": "Ran it"},
                     headers=_h(api, CWB_MANAGER))
    assert added.status_code == 200 and added.json()["added_by"] == CWB_MANAGER, added.text
    assert outcome(phones.sign_in(TRAINER, "ts-self", _now_code(api, "ts-self"))) == "applied"
    assert new_session(api, "ts-one", capacity=1).status_code == 201
    one = "/v1/training/sessions/ts-one/manual-add"
    assert api.post(one, json={"user_id": STAFF, "reason": "Phone flat"}, headers=_h(api, TRAINER)).status_code == 200
    _refused(api.post(one, json={"user_id": STAFF, "reason": "Phone flat"}, headers=_h(api, TRAINER)), 400,
             "training_already_signed_in")
    _refused(api.post(one, json={"user_id": "u-s08", "reason": "Phone flat"}, headers=_h(api, TRAINER)), 400,
             "training_session_full")
    assert new_session(api, "ts-later", starts_in_min=120).status_code == 201
    _refused(api.post("/v1/training/sessions/ts-later/manual-add", json={"user_id": STAFF, "reason": "Phone flat"},
                      headers=_h(api, TRAINER)), 400, "training_not_open_yet")


def test_the_rule_nobody_adds_themselves_lives_in_the_domain():
    """check_manual_add refuses an addition by the person added (training_manual_self), after the
    reason check and before every other; someone else adding them is accepted. guessing_refusal
    locks sign-in at MAX_WRONG_CODES wrong codes, not before."""
    from app.domain.training import signin as si
    from tests.test_training_signin import MID, NOBODY, SESSION

    assert si.check_manual_add(SESSION, NOBODY, "u-trainer", "I ran it", MID, added_by="u-trainer").reason \
        == si.REASON_MANUAL_SELF
    assert si.check_manual_add(SESSION, NOBODY, "u-trainer", "", MID, added_by="u-trainer").reason \
        == si.REASON_MANUAL_REASON_REQUIRED
    assert si.check_manual_add(SESSION, NOBODY, "u-trainer", "I ran it", MID, added_by="u-manager").accepted
    assert si.guessing_refusal(si.MAX_WRONG_CODES - 1) is None
    assert si.guessing_refusal(si.MAX_WRONG_CODES).reason == si.REASON_CODE_LOCKED


def test_control_characters_in_free_text_are_422_not_a_server_error(api):
    """A NUL (which PostgreSQL cannot store: it was a 500 there) or another control character in a
    manual-add reason, a course title, a quiz title, question or choice text or a room name is 422
    validation_error on both databases, and nothing is written."""
    hq_course(api)
    assert new_session(api, "ts-nul").status_code == 201
    h, trainer = _h(api, HQ), _h(api, TRAINER)
    for bad in ("Battery\x00dead", "Battery\x1b[2Jdead", "Battery\x7fdead", "Battery\x85dead"):
        _refused(api.post("/v1/training/sessions/ts-nul/manual-add", json={"user_id": STAFF, "reason": bad},
                          headers=trainer), 422, "validation_error")
        _refused(api.post("/v1/training/courses", json={"id": "c-nul", "title": bad, "skill": "s"}, headers=h),
                 422, "validation_error")
        question = QUIZ["questions"][0]
        for quiz in ({**QUIZ, "title": bad}, {**QUIZ, "questions": [{**question, "text": bad}]},
                     {**QUIZ, "questions": [{**question, "choices": [{**question["choices"][0], "text": bad},
                                                                     *question["choices"][1:]]}]}):
            _refused(api.post("/v1/training/quizzes", json=quiz, headers=h), 422, "validation_error")
        room = {"name": bad, "latitude": 22.27834, "longitude": 114.18222, "radius_m": 80}
        _refused(new_session(api, "ts-nul-room", room=room), 422, "validation_error")
    with api.engine.connect() as conn:
        assert conn.execute(select(db.training_sign_ins)).first() is None
        assert conn.execute(select(db.training_quizzes)).first() is None
        assert conn.execute(select(db.training_courses.c.id).where(db.training_courses.c.id == "c-nul")).first() is None


def test_bad_session_set_ups_are_refused_with_a_reason(api):
    """Negative or zero capacity, wrong types, huge ids and room names are 422 validation_error; a
    window ending before (or when) it starts, a naive time and an unknown trainer are 400
    training_bad_session; an unknown course is 404, an unknown store 403 (no one manages it); the
    same id twice is 400."""
    hq_course(api)
    starts = datetime.now(UTC) + timedelta(hours=1)
    for changes in ({"capacity": -1}, {"capacity": 0}, {"capacity": "10"}, {"capacity": 1.5}, {"id": "x" * 65},
                    {"id": "bad id!"},
                    {"room": {"name": "R" * 201, "latitude": 22.2, "longitude": 114.1, "radius_m": 50}},
                    {"room": {"name": "R", "latitude": 22.2, "longitude": 114.1, "radius_m": -5}},
                    {"starts_at": 1767225600}, {"starts_at": "0001-01-01T00:00:00+00:00"},
                    {"starts_at": "9999-12-31T23:00:00+00:00"}, {"early_margin_min": -1}, {"invite_only": "yes"},
                    {"invited_roles": ["god"]}, {"starts_at": starts.replace(tzinfo=None).isoformat()}):
        _refused(new_session(api, "ts-bad", **changes), 422, "validation_error")
    for changes in ({"ends_at": (starts - timedelta(minutes=1)).isoformat()}, {"ends_at": starts.isoformat()},
                    {"ends_at": (starts + timedelta(hours=13)).isoformat()}, {"trainer_id": "u-s03"},
                    {"trainer_id": "u-nobody"}, {"late_allowance_min": 40, "late_margin_min": 30}):
        body = {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat(), **changes}
        _refused(new_session(api, "ts-bad", **body), 400, "training_bad_session")
    _refused(new_session(api, "ts-bad", course_id="no-such-course"), 404, "not_found")
    _refused(new_session(api, "ts-bad", user_id=HQ, store_id="st-nowhere"), 403, "forbidden_role")
    assert new_session(api, "ts-twice").status_code == 201
    _refused(new_session(api, "ts-twice"), 400, "training_bad_session")
    _refused(new_session(api, "ts-twice", user_id=HQ), 400, "training_bad_session")


def test_bad_courses_and_quizzes_are_refused_and_a_staff_member_cannot_write_them(api):
    """Staff and managers get 403 writing courses or quizzes; a bad id, an empty or 201-character
    title, validity 0 or 121 months, a course naming a missing quiz and a quiz with no right answer
    are refused (422 or 400 with the rule's reason)."""
    for user_id in (STAFF, CWB_MANAGER, AREA_HK):
        _refused(api.post("/v1/training/courses", json={"id": "c", "title": "t", "skill": "s"},
                          headers=_h(api, user_id)), 403, "forbidden_role")
        _refused(api.post("/v1/training/quizzes", json=QUIZ, headers=_h(api, user_id)), 403, "forbidden_role")
    h = _h(api, HQ)
    for body in ({"id": "=cmd", "title": "t", "skill": "s"}, {"id": "c", "title": "", "skill": "s"},
                 {"id": "c", "title": "t" * 201, "skill": "s"}, {"id": "c", "title": "t", "skill": "s",
                                                                  "validity_months": 0},
                 {"id": "c", "title": "t", "skill": "s", "validity_months": 121},
                 {"id": "c", "title": "t", "skill": "s", "validity_months": True},
                 {"id": "c\n", "title": "t", "skill": "s"}):
        _refused(api.post("/v1/training/courses", json=body, headers=h), 422, "validation_error")
    _refused(api.post("/v1/training/courses", json={"id": "c", "title": "t", "skill": "s", "quiz_id": "qz-none"},
                      headers=h), 400, "training_bad_course")
    no_key = {**QUIZ, "questions": [{**QUIZ["questions"][0], "answer": "nope"}]}
    _refused(api.post("/v1/training/quizzes", json=no_key, headers=h), 400, "training_bad_quiz")
    saved = api.post("/v1/training/quizzes", json=QUIZ, headers=h)
    assert saved.status_code == 201 and "answer" not in saved.text and "cold" not in saved.text


def test_the_matrix_of_another_store_is_403_for_managers_and_staff(api):
    """Mong Kok's manager asking for Causeway Bay's matrix (JSON, CSV, XLSX) gets 403, so do staff
    and the Causeway Bay trainer; an area manager sees only their stores; a huge store id is 422."""
    hq_course(api)
    for user_id, store in ((MK_MANAGER, "st-cwb"), (STAFF, None), (TRAINER, "st-cwb"), (AREA_HK, "st-mk")):
        for fmt in ("json", "csv", "xlsx"):
            params = {"format": fmt, **({"store_id": store} if store else {})}
            _refused(api.get("/v1/training/matrix", params=params, headers=_h(api, user_id)), 403, "forbidden_role")
    area = api.get("/v1/training/matrix", headers=_h(api, AREA_HK)).json()
    assert [s["store_id"] for s in area["stores"]] == ["st-cwb", "st-st"]
    _refused(api.get("/v1/training/matrix", params={"store_id": "s" * 65}, headers=_h(api, HQ)), 422,
             "validation_error")
    _refused(api.get("/v1/training/matrix", params={"format": "pdf"}, headers=_h(api, HQ)), 422, "validation_error")


def test_course_titles_exported_to_csv_and_xlsx_never_run_as_formulas(api):
    """Course titles starting with = + - @ (and after stripping leading blanks) come out of the CSV
    with a leading quote, and as plain text cells (never formulas) in the XLSX."""
    hostile = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "  =1+1", "=cmd|' /C calc'!A0"]
    h = _h(api, HQ)
    for i, title in enumerate(hostile):
        resp = api.post("/v1/training/courses", json={"id": f"c{i}", "title": title, "skill": f"s{i}"}, headers=h)
        assert resp.status_code == 200, resp.text
    text = api.get("/v1/training/matrix", params={"format": "csv"}, headers=h).content.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    titles = header[3::2]
    assert titles == ["'" + t.strip() for t in hostile]
    for row in csv.reader(io.StringIO(text)):
        assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in row), row
    from openpyxl import load_workbook

    xlsx = api.get("/v1/training/matrix", params={"format": "xlsx"}, headers=h).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    for cell in sheet[1]:
        assert cell.data_type != "f", cell.value


def test_a_sign_in_sent_twice_with_different_keys_is_counted_once(api):
    """The same sign-in pushed again under a new idempotency key (and in one batch twice) is
    training_already_signed_in; the roll holds one row and one completion."""
    hq_course(api)
    assert new_session(api, "ts-dup").status_code == 201
    code = _now_code(api, "ts-dup")
    at = datetime.now(UTC) - timedelta(seconds=2)
    payload = {"session_id": "ts-dup", "user_id": STAFF, "code": code, "fix": fix(at)}
    batch = [mutation(1, "training.sign_in", payload, age_s=2), mutation(2, "training.sign_in", payload, age_s=2)]
    resp = push(api, STAFF, batch, device_id=f"dev-{STAFF}")
    assert [outcome(r) for r in resp.json()["results"]] == ["applied", "training_already_signed_in"]
    again = push(api, STAFF, [mutation(3, "training.sign_in", payload, age_s=1)], device_id=f"dev-{STAFF}")
    assert outcome(again.json()["results"][0]) == "training_already_signed_in"
    with api.engine.connect() as conn:
        assert len(conn.execute(select(db.training_sign_ins)).all()) == 1
        assert len(conn.execute(select(db.training_completions)).all()) == 1


def test_sign_in_for_someone_else_or_with_junk_is_refused(api):
    """A sign-in naming a colleague (even by a manager) is not_your_record; Mong Kok staff get
    not_found; junk codes are training_code_malformed; wrong types, huge fields and control
    characters in the code are invalid_payload; an unknown session is not_found; a missing, mocked,
    vague or old fix is refused with its place reason; none of it is processing_failed."""
    hq_course(api)
    phones = Phones(api)
    assert new_session(api, "ts-junk").status_code == 201
    code = _now_code(api, "ts-junk")
    at = datetime.now(UTC)
    base = {"session_id": "ts-junk", "user_id": STAFF, "code": code, "fix": fix(at)}
    assert outcome(phones.push(TRAINER, "training.sign_in", base)) == "not_your_record"
    assert outcome(phones.push(CWB_MANAGER, "training.sign_in", base)) == "not_your_record"
    assert outcome(phones.push(STAFF_MK, "training.sign_in", {**base, "user_id": STAFF_MK})) == "not_found"
    assert outcome(phones.push(STAFF, "training.sign_in", {**base, "session_id": "ts-none"})) == "not_found"
    for junk in ("", "12345", "1234567", "abcdef", "１２３４５Ｘ", "=1+1()"):
        assert outcome(phones.push(STAFF, "training.sign_in", {**base, "code": junk})) == "training_code_malformed"
    # A code with control characters is not text a keyboard types: invalid_payload (traininvite).
    for bad in ({"code": 123456}, {"code": "1" * 33}, {"code": "\x00" * 6}, {"code": "123\x1b456"},
                {"session_id": "x" * 65}, {"session_id": "../etc"},
                {"fix": {"latitude": "north"}}, {"fix": {**fix(at), "latitude": 91}}, {"user_id": None},
                {"extra": "field"}):
        assert outcome(phones.push(STAFF, "training.sign_in", {**base, **bad})) == "invalid_payload", bad
    assert outcome(phones.push(STAFF, "training.sign_in", {**base, "fix": None})) == "training_no_location"
    mocked = {**fix(at), "mocked": True}
    assert outcome(phones.push(STAFF, "training.sign_in", {**base, "fix": mocked})) == "training_location_mocked"
    vague = {**fix(at), "accuracy_m": 5000.0}
    assert outcome(phones.push(STAFF, "training.sign_in", {**base, "fix": vague})) == "training_location_inaccurate"
    old = fix(at - timedelta(minutes=5))
    assert outcome(phones.push(STAFF, "training.sign_in", {**base, "fix": old})) == "training_location_stale"
    assert outcome(phones.push(STAFF, "training.sign_out", base)) == "training_no_sign_out"


def test_guessing_the_code_is_locked_after_ten_wrong_codes(api):
    """A phone trying codes (500 a batch would find one of the million in minutes, its recorded time
    held still) gets training_code_wrong ten times within the hour, then training_code_locked for
    everything after, in the same batch and later ones, the right code included; typos spread over
    two batches count together; a colleague is not affected."""
    hq_course(api)
    assert new_session(api, "ts-guess").status_code == 201
    secret = secret_of(api, "ts-guess")
    at = datetime.now(UTC) - timedelta(seconds=2)
    valid = {codes.code_at(secret, at + timedelta(seconds=s)) for s in (-30, 0, 30)}
    guesses = [f"{n:06d}" for n in range(40) if f"{n:06d}" not in valid][:15]

    def batch(user_id: str, first_seq: int, typed: list[str]):
        muts = [mutation(first_seq + i, "training.sign_in", {"session_id": "ts-guess", "user_id": user_id, "code": c,
                                                               "fix": fix(at)}, age_s=2) for i, c in enumerate(typed)]
        resp = push(api, user_id, muts, device_id=f"dev-{user_id}")
        assert resp.status_code == 200, resp.text
        return [outcome(r) for r in resp.json()["results"]]

    assert batch(STAFF, 1, guesses[:12]) == ["training_code_wrong"] * 10 + ["training_code_locked"] * 2
    right = codes.code_at(secret, datetime.now(UTC) - timedelta(seconds=2))
    assert batch(STAFF, 13, [right]) == ["training_code_locked"]
    assert batch(TRAINER, 1, guesses[:6]) == ["training_code_wrong"] * 6
    assert batch(TRAINER, 7, guesses[6:11] + [right]) == ["training_code_wrong"] * 4 + ["training_code_locked"] * 2
    assert batch("u-s08", 1, guesses[:2] + [right]) == ["training_code_wrong"] * 2 + ["applied"]
    with api.engine.connect() as conn:
        assert [r.user_id for r in conn.execute(select(db.training_sign_ins.c.user_id))] == ["u-s08"]


def test_a_sign_in_with_a_device_clock_far_off_counts_at_its_corrected_time(api):
    """A phone whose wall clock is a year ahead or 50 years back (one boot: monotonic time says
    2 s ago) is judged at the corrected time: accepted with clock_drift, recorded near now; a fix
    stamped by the real clock is then judged against the phone's own stamp (stale)."""
    hq_course(api)
    assert new_session(api, "ts-clock").status_code == 201
    code = _now_code(api, "ts-clock")
    for user_id, skew in ((STAFF, timedelta(days=365)), ("u-s08", -timedelta(days=365 * 50))):
        device_now = datetime.now(UTC) + skew
        payload = {"session_id": "ts-clock", "user_id": user_id, "code": code, "fix": fix(device_now)}
        resp = push(api, user_id, [mutation(1, "training.sign_in", payload, age_s=2, device_time=device_now)],
                    device_id=f"dev-{user_id}", sent_time=device_now + timedelta(seconds=2))
        assert resp.status_code == 200, resp.text
        result = resp.json()["results"][0]
        assert (outcome(result), result["flags"]) == ("applied", ["clock_drift"]), result
    with api.engine.connect() as conn:
        rows = conn.execute(select(db.training_sign_ins.c.signed_in_at)).scalars().all()
    assert all(abs((db.aware(r) - datetime.now(UTC)).total_seconds()) < 30 for r in rows)
    device_now = datetime.now(UTC) + timedelta(days=365)
    real_fix = fix(datetime.now(UTC))
    payload = {"session_id": "ts-clock", "user_id": TRAINER, "code": code, "fix": real_fix}
    resp = push(api, TRAINER, [mutation(1, "training.sign_in", payload, age_s=2, device_time=device_now)],
                device_id=f"dev-{TRAINER}", sent_time=device_now + timedelta(seconds=2))
    assert outcome(resp.json()["results"][0]) == "training_location_stale"
