"""The server's database is restored from an older copy: the phones re-send what it forgot.

An operator backs up the live database (``ApiServer.snapshot``: SQLite's online backup, or
a PostgreSQL copy), the phones keep syncing, then the server is stopped, the old copy put
back and the server restarted (``ApiServer.restore``). The server now expects mutation
numbers it acknowledged before; the phone learns this from ``sequence_gap`` and re-sends
from ``expected_seq``, so every action ends applied exactly once (or shown as rejected),
and nothing the person did is silently lost. A phone with
nothing left to send learns it from the pull (``last_applied_seq``) instead.
"""

from tests.fault_world import assert_converged, two_phones  # noqa: F401 (a fixture)


def test_restored_server_gets_forgotten_actions_again(two_phones):
    """After a restore, the phone's acknowledged-but-forgotten notes reach the server once."""
    server, phone, _ = two_phones
    kept = phone.add_notes(3, "before the backup")
    phone.sync()
    backup = server.snapshot()
    forgotten = phone.add_notes(4, "after the backup")
    phone.sync()
    offline = phone.add_notes(2, "not yet sent")
    server.restore(backup)
    phone.sync()
    assert_converged(phone, kept + forgotten + offline)


def test_restored_server_and_an_idle_phone(two_phones):
    """A phone with nothing left to send still gets its forgotten notes back onto the server."""
    server, phone, colleague = two_phones
    backup = server.snapshot()
    theirs = colleague.add_notes(2, "colleague after the backup")
    colleague.sync(), phone.sync()
    assert phone.notes().keys() >= set(theirs), "the phone saw the colleague's notes"
    server.restore(backup)
    colleague.sync(), phone.sync()
    assert_converged(colleague, theirs)
    assert_converged(phone, [])


def test_restored_server_and_a_phone_that_never_comes_back(two_phones):
    """Notes only a lost phone could re-send are gone from the server, so the other phones stop showing them."""
    server, phone, lost = two_phones
    backup = server.snapshot()
    gone = lost.add_notes(2, "from the phone that is lost later")
    lost.sync(), phone.sync()
    assert phone.notes().keys() >= set(gone)
    server.restore(backup)
    mine = phone.add_notes(5, "after the restore")  # the server's feed grows past the phone's cursor
    phone.sync()
    assert_converged(phone, mine)
    assert not phone.notes().keys() & set(gone)


def test_restored_server_and_a_forgotten_rejected_action(two_phones):
    """A refused action the server forgot stays refused, and the notes after it land once."""
    server, phone, _ = two_phones
    backup = server.snapshot()
    spoof = phone.spoof_note()  # the first number the restored server will ask for again
    notes = phone.add_notes(3, "after the refused one")
    phone.sync()
    assert [r["reason"] for r in phone.outbox() if r["status"] == "rejected"] == ["not_your_record"]
    server.restore(backup)
    phone.sync()
    assert_converged(phone, notes, refused=[spoof])
