"""Issue 11, bcsaved, on real synced phones (real API): editing a sent broadcast also edits its
other-language versions (the Indonesian reader gets the new one), History lists its versions
from the server (online only, and it says so offline), and Edit shows only to those the server
lets edit: the sender and their managers, never staff."""

from app.sync import SyncEngine
from app.ui.screens import home
from app.ui.shell import Shell
from tests.test_broadcast_screens import _button, _fields, _run_tasks, _type
from tests.test_me_calendar_feed import OFFLINE, DialogPage, offline_api
from tests.test_trades_screens import _texts, device  # noqa: F401  (signed-in, synced phones)

ORIGINAL = {"id": {"title": "Lift rusak", "body": "Pakai tangga."}}


def _sync(ctx) -> None:
    SyncEngine(ctx.store, ctx.api).sync_once()


def _sent(device) -> str:
    """The CWB manager's broadcast to CWB staff with an Indonesian version, synced."""
    manager = device("M2001", "7100")
    sent = manager.actions.create_broadcast(["st-cwb"], "Lift out of service", "Use the stairs.", role="staff",
                                            translations=ORIGINAL)
    _sync(manager)
    return sent


def _open(ctx, route: str) -> Shell:
    ctx.page = DialogPage()
    shell = Shell(ctx)
    ctx.page.route = route
    shell.render()
    _run_tasks(ctx.page)
    return shell


def test_editing_the_indonesian_version_reaches_siti_and_history_lists_both_versions(device):
    """Chan Siu Ming opens his broadcast, taps Edit: the Indonesian title and message are there to
    edit; he changes the Indonesian title and saves. Synced, Siti (reading in Indonesian) sees the
    new Indonesian title on her Home. History lists "Version 2 · Current" above "Version 1", each
    with its title and who wrote it."""
    sent = _sent(device)
    manager = device("M2001", "7100")
    shell = _open(manager, f"/broadcasts/{sent}")
    _button(manager.page.views[-1], "Edit").on_click(None)
    fields = {f.label: f for f in _fields(manager.page.views[-1])}
    assert fields["Title (Bahasa Indonesia)"].value == "Lift rusak"
    assert fields["Message (Bahasa Indonesia)"].value == "Pakai tangga."
    _type(fields["Title"], "Lift out of service until Friday")
    _type(fields["Title (Bahasa Indonesia)"], "Lift rusak sampai Jumat")
    _button(manager.page.views[-1], "Save changes").on_click(None)
    _sync(manager)
    siti = device("S3002", "2222", "id")
    assert "Lift rusak sampai Jumat" in _texts(home.view(siti))
    _button(manager.page.views[-1], "History").on_click(None)
    assert manager.page.route == f"/broadcasts/{sent}/history"
    shell.render()
    _run_tasks(manager.page)
    texts = _texts(manager.page.views[-1])
    assert texts.index("Version 2 · Current") < texts.index("Lift out of service until Friday") \
        < texts.index("Version 1") < texts.index("Lift out of service"), texts
    assert "Bahasa Indonesia: Lift rusak sampai Jumat" in texts and "Bahasa Indonesia: Lift rusak" in texts
    assert sum(t.startswith("Chan Siu Ming 陳小明 · ") for t in texts) == 2


def test_history_says_it_needs_a_connection_offline(device):
    """Offline, History says the server cannot be reached and that it needs a connection."""
    sent = _sent(device)
    manager = device("M2001", "7100")
    manager.api = offline_api(manager)
    texts = _texts(_open(manager, f"/broadcasts/{sent}/history").ctx.page.views[-1])
    assert OFFLINE in texts and "The history of a broadcast needs a connection." in texts


def test_edit_shows_to_the_sender_and_their_area_manager_never_to_staff(device):
    """Siti (staff, a reader) sees no Edit and no History on the broadcast; HK Island's area
    manager (above its sender, at his store) sees Edit, as the server lets him edit it."""
    sent = _sent(device)
    siti = device("S3002", "2222")
    texts = _texts(_open(siti, f"/broadcasts/{sent}").ctx.page.views[-1])
    assert "Lift out of service" in texts and "Edit" not in texts and "History" not in texts
    area_manager = device("A1002", "8200")
    texts = _texts(_open(area_manager, f"/broadcasts/{sent}").ctx.page.views[-1])
    assert "Edit" in texts and "History" in texts
