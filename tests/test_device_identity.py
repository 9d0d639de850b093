"""Each install of the app (desktop, native phone builds) is its own device."""

import asyncio
from types import SimpleNamespace

import httpx

from app.main import open_device_store
from app.sync import ApiClient
from app.ui.devices import DeviceStores


def _open_install(data_dir):
    """Start the app outside a browser on ``data_dir``: the store its session would use."""
    stores = DeviceStores(data_dir)
    store = asyncio.run(open_device_store(SimpleNamespace(web=False), None, stores))
    return stores, store


def test_each_install_gets_its_own_device_id_kept_across_restarts(tmp_path):
    """Two installs get two different device ids; a restart keeps the install's id."""
    _, first = _open_install(tmp_path / "phone-a")
    _, second = _open_install(tmp_path / "phone-b")
    ids = first.device_id, second.device_id
    first.close(), second.close()
    assert ids[0] != ids[1]
    _, again = _open_install(tmp_path / "phone-a")
    assert again.device_id == ids[0], "a restart must not make the install a new device"
    assert again.get_meta("device_id") == ids[0]
    again.close()


def test_install_device_id_is_accepted_by_login(tmp_path, server):
    """An install's device id signs in on a real server, and two installs are two devices."""
    stores_a, phone_a = _open_install(tmp_path / "phone-a")
    stores_b, phone_b = _open_install(tmp_path / "phone-b")
    for store, (staff_no, pin) in ((phone_a, ("S3001", "1111")), (phone_b, ("S3002", "2222"))):
        client = ApiClient(server.url, store.device_id)
        tokens = client.login(staff_no, pin)
        assert tokens.user.staff_no == staff_no
        me = httpx.get(f"{server.url}/v1/auth/me", headers={"Authorization": f"Bearer {tokens.access_token}"})
        assert me.status_code == 200
        client.close()
    phone_a.close(), phone_b.close()
