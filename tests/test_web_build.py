"""The installable web app's build (webapp/): pinned patches, bundled wheels, precache list."""

from __future__ import annotations

import json
import re
import tarfile
import zipfile
from pathlib import Path

import pytest

from app.i18n import SUPPORTED_LOCALES, Translator
from app.i18n.common_strings import RELOAD, UPDATE_READY
from app.ui.fonts import REGULAR_FONT_FILES
from app.ui.web_assets import LOOK_KEY
from tests.web_dist import built_web_app
from webapp import offline, patches, precompile, pyodide_runtime, startup
from webapp.pins import BuildError
from webapp.wheels import PYODIDE_ENV

FLET_WEB = pyodide_runtime.flet_web_pyodide_dir().parent


@pytest.fixture(scope="session")
def dist() -> Path:
    return built_web_app()


# ---- every patch is pinned and fails loudly ----------------------------------------------------


def test_patches_apply_to_the_installed_flet_web():
    """Each pinned edit finds its exact string once in flet-web 1.0.5's real files."""
    bootstrap = patches.drop_flutter_service_worker((FLET_WEB / "flutter_bootstrap.js").read_text("utf-8"))
    assert "serviceWorkerVersion: " not in bootstrap and "config: flutterConfig," in bootstrap
    main_js = patches.serve_rive_locally((FLET_WEB / "main.dart.js").read_text("utf-8"))
    assert "cdn.jsdelivr.net" not in main_js
    main_js = patches.use_bundled_fallback_fonts(main_js, ["Noto Sans", "Noto Sans Thai"])
    assert patches.FALLBACK_DOWNLOAD not in main_js
    assert 'p=A.d(["Roboto", "Noto Sans", "Noto Sans Thai"],t.s)' in main_js
    index = (FLET_WEB / "index.html").read_text("utf-8").replace(
        "<!-- fletAppConfig -->", patches.BARE_PYODIDE_URL)  # what flet publish inserts
    assert patches.RELATIVE_PYODIDE_URL in patches.fix_pyodide_url(index)


def test_start_up_edits_apply_to_the_installed_flet_web():
    """Python starts with the page (jsConnect takes the started worker over), the wheels load
    from the lock file without micropip, and every step logs a [startup] mark."""
    page = (FLET_WEB / "python.js").read_text("utf-8")
    worker = (FLET_WEB / "python-worker.js").read_text("utf-8")
    page = startup.mark_page(startup.prestart_page(page))
    worker = startup.mark_worker(startup.load_wheels_from_lock(startup.prestart_worker(worker)))
    assert "takePrestartedWorker(args)" in page and "flet.prestartedWorker = new Worker(" in page
    assert "await self.connected;" in worker and "micropip.install(deps" not in worker
    assert "pyodide_js.loadPackage(" in worker
    assert worker.count("startupMark(") >= 6 and 'startupMark("python requested")' in page


@pytest.mark.parametrize("patch, text", [
    (patches.fix_pyodide_url, 'flet.pyodideUrl="pyodide/v2/pyodide.mjs";'),
    (patches.drop_flutter_service_worker, 'serviceWorkerSettings: { serviceWorkerVersion: "99" },'),
    (patches.serve_rive_locally, '"https://cdn.jsdelivr.net/npm/@rive-app/flutter-native-wasm@45.0.0/"'),
    (patches.serve_rive_locally, patches.RIVE_CDN_BASE * 2),
    (lambda text: patches.use_bundled_fallback_fonts(text, ["Noto Sans"]),
     patches.GLOBAL_FALLBACKS + "if(m.a.aNK(n,b).length>0)m.by_(n)}"),
    (startup.prestart_page, "    app.worker = new SharedWorker(\n"),
    (startup.load_wheels_from_lock, "await micropip.install(deps)"),
    (startup.mark_worker, startup.WORKER_IMPORT),
])
def test_a_patch_whose_string_changed_stops_the_build(patch, text):
    """A patch whose exact string is missing (or doubled) raises BuildError naming the pins."""
    with pytest.raises(BuildError, match=r"flet 1\.0\.5 / Pyodide 314\.0\.7"):
        patch(text)


def test_another_flet_release_stops_the_build():
    """flet, flet-web or flet-cli other than 1.0.5 stops the build with what to do."""
    patches.check_flet_versions({"flet": "1.0.5", "flet-web": "1.0.5"})
    with pytest.raises(BuildError, match=r"pinned to flet 1\.0\.5.*flet-web.*1\.0\.6"):
        patches.check_flet_versions({"flet": "1.0.5", "flet-web": "1.0.6"})


def test_another_pyodide_stops_the_build():
    """A flet-web shipping another Pyodide or Python stops the build."""
    patches.check_pyodide({"version": "314.0.7"}, {"python": "3.14.2"})
    for package, info in [({"version": "314.0.8"}, {"python": "3.14.2"}),
                          ({"version": "314.0.7"}, {"python": "3.14.3"})]:
        with pytest.raises(BuildError, match=r"pinned to Pyodide 314\.0\.7"):
            patches.check_pyodide(package, info)


def test_a_later_wheel_the_build_does_not_have_stops_it():
    """A name in the loaded-later list that no longer ships (renamed, dropped) stops the
    build, and a later wheel may depend only on wheels that are there."""
    from webapp.wheels import Wheel, split_later

    flet = Wheel(Path("flet.whl"), "flet", "1.0.5", (), ("flet",))
    camera = Wheel(Path("cam.whl"), "flet-camera", "1.0.5", ("flet",), ("flet_camera",))
    sqlite = Wheel(Path("su.whl"), "sqlite-utils", "4.2.1", ("tabulate",), ("sqlite_utils",))
    tabulate = Wheel(Path("tab.whl"), "tabulate", "0.10.0", (), ("tabulate",))
    start, later = split_later([flet, camera, sqlite, tabulate], frozenset({"flet-camera", "tabulate"}))
    assert [w.name for w in start] == ["flet", "sqlite-utils"] and [w.name for w in later] == ["flet-camera", "tabulate"]
    assert start[1].depends == ()  # loading sqlite-utils no longer pulls tabulate in at start
    with pytest.raises(BuildError, match="geopy"):
        split_later([flet, camera], frozenset({"geopy"}))
    with pytest.raises(BuildError, match="flet"):
        split_later([camera], frozenset({"flet-camera"}))


# ---- what the build ships ----------------------------------------------------------------------


def _lock(dist: Path) -> dict:
    return json.loads((dist / "pyodide" / "pyodide-lock.json").read_text())


def test_every_package_resolves_from_the_app(dist):
    """The published requirements are exactly the wheels in the lock file, each shipped
    beside it with its sha256, so micropip never goes to PyPI."""
    import hashlib

    packages = _lock(dist)["packages"]
    for entry in packages.values():
        data = (dist / "pyodide" / entry["file_name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["name"]
        assert set(entry["depends"]) <= set(packages), entry["name"]
    with tarfile.open(dist / "app.tar.gz") as tar:
        published = tar.extractfile("requirements.txt").read().decode().split()
        assert "pyproject.toml" not in tar.getnames()  # its dependencies would be installed twice
    for pin in published:
        name, version = pin.split("==")
        assert packages[name]["version"] == version, pin
    assert {"pydantic-core", "msgpack"} <= set(packages)
    assert packages["pydantic-core"]["file_name"].endswith("-pyemscripten_2026_0_wasm32.whl")


def test_wheels_the_first_view_does_not_need_load_after_it(dist):
    """An offline reload unpacks only the wheels the start imports: the geofence check
    (geopy), the camera and the geolocator load after the first view, and no wheel of the
    start pulls them back in through its dependencies."""
    packages = _lock(dist)["packages"]
    with tarfile.open(dist / "app.tar.gz") as tar:
        start = {pin.split("==")[0] for pin in tar.extractfile("requirements.txt").read().decode().split()}
        later = json.loads(tar.extractfile("packages-later.json").read())
    assert {"geopy", "geographiclib", "flet-camera", "flet-geolocator"} <= set(later["packages"])
    assert {"geopy", "flet_camera", "flet_geolocator"} <= set(later["imports"])
    assert not start & set(later["packages"]) and {"flet", "pydantic", "sqlite-utils"} <= start
    for name in start:
        assert set(packages[name]["depends"]) <= start, name
    for name in later["packages"]:
        assert set(packages[name]["depends"]) <= start | set(later["packages"]), name


def test_tzdata_ships_the_zones_of_asia_only(dist):
    """Each start unpacks tzdata: it holds Hong Kong's and Macau's zones and the fixed
    offsets, not the 400 zones of the other continents."""
    entry = _lock(dist)["packages"]["tzdata"]
    with zipfile.ZipFile(dist / "pyodide" / entry["file_name"]) as zf:
        names = set(zf.namelist())
        listed = zf.read("tzdata/zones").decode().split()
    zones = {n.removeprefix("tzdata/zoneinfo/") for n in names if n.startswith("tzdata/zoneinfo/")}
    assert {"Asia/Hong_Kong", "Asia/Macau", "UTC", "Etc/GMT-8"} <= zones
    assert "America/New_York" not in zones and "Europe/London" not in zones
    assert "Asia/Hong_Kong" in listed and "Europe/London" not in listed
    assert len(names) < 250


def test_the_client_pins_match_requirements_txt(dist):
    """Each package pinned in requirements.txt ships in that exact version."""
    root = Path(__file__).resolve().parents[1]
    packages = _lock(dist)["packages"]
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", (root / "requirements.txt").read_text(), re.M))
    shipped = {name: pins[name] for name in packages if name in pins}
    assert shipped and all(packages[name]["version"] == v for name, v in shipped.items())


def test_only_client_code_is_published(dist):
    """app.tar.gz holds the client (app/, compiled catalogues, settings), no server, tests, .po
    or face engine (numpy/dlib: the server verifies web punches)."""
    with tarfile.open(dist / "app.tar.gz") as tar:
        names = [n.lstrip("/") for n in tar.getnames()]
    assert "main.py" in names and "flet.toml" in names and "app/ui/shell.py" in names
    assert {f"locales/{loc}/LC_MESSAGES/messages.mo" for loc in SUPPORTED_LOCALES} <= set(names)
    assert not [n for n in names if n.startswith(("backend_stub", "tests", "benchmarks", "scripts", "docs", "app/face"))
                or n.endswith(".po") or (n.endswith(".pyc") and not n.endswith(".cpython-314.pyc"))]


@pytest.fixture(scope="session")
def pyodide_magic() -> bytes:
    return precompile.pyodide_magic(FLET_WEB / "pyodide")


def _uncompiled(names: list[str], read, magic: bytes, *, legacy: bool = False) -> list[str]:
    """Sources without Pyodide bytecode beside them (magic of Pyodide's Python, hash-based,
    not checked against the source: unpacking gives the files new timestamps)."""
    missing = []
    for name in (n for n in names if n.endswith(".py")):
        folder, _, file = name.rpartition("/")
        pyc = name + "c" if legacy else f"{folder}/__pycache__/{file[:-3]}.cpython-314.pyc".lstrip("/")
        header = read(pyc)[:8] if pyc in names else b""
        if header[:4] != magic or int.from_bytes(header[4:8], "little") != 0b01:
            missing.append(name)
    return missing


def test_the_app_its_wheels_and_the_standard_library_ship_compiled(dist, pyodide_magic):
    """Every module of the app, the wheels and Python's standard library comes with bytecode
    of Pyodide's Python, so a start does not compile them again (Pyodide never writes bytecode
    itself)."""
    with tarfile.open(dist / "app.tar.gz") as tar:
        names = [n.lstrip("/") for n in tar.getnames()]
        assert _uncompiled(names, lambda n: tar.extractfile(tar.getmember(n)).read(), pyodide_magic) == []
    with zipfile.ZipFile(dist / "pyodide" / "python_stdlib.zip") as zf:
        assert len(zf.namelist()) > 500
        assert _uncompiled(zf.namelist(), zf.read, pyodide_magic, legacy=True) == []
    for wheel in sorted((dist / "pyodide").glob("*.whl")):
        if wheel.name.startswith(("micropip-", "packaging-")):  # Pyodide's own, unused at start
            continue
        with zipfile.ZipFile(wheel) as zf:
            assert _uncompiled(zf.namelist(), zf.read, pyodide_magic) == [], wheel.name


def test_nothing_points_outside_the_app(dist):
    """The Rive runtime is served locally, index.html loads ./pyodide/pyodide.mjs, and
    Flutter's own service worker is gone."""
    assert (dist / "rive" / "wasm" / "rive_native.js").exists()
    assert (dist / "rive" / "wasm" / "rive_native.wasm").exists()
    assert "cdn.jsdelivr.net" not in (dist / "main.dart.js").read_text("utf-8")
    assert "serviceWorkerVersion: " not in (dist / "flutter_bootstrap.js").read_text("utf-8")
    index = (dist / "index.html").read_text("utf-8")
    assert patches.RELATIVE_PYODIDE_URL in index and 'src="app-update.js"' in index
    assert not (dist / "flutter_service_worker.js").exists()


def test_service_worker_precaches_every_file(dist):
    """sw.js lists every file of the build with its content hash, and its version is the hash of them all."""
    text = (dist / "sw.js").read_text("utf-8")
    files = json.loads(re.search(r"const FILES = (\{.*?\});", text, re.S).group(1))
    version = json.loads(re.search(r"const VERSION = (\"\w+\");", text).group(1))
    on_disk = {p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file()} - {"sw.js"}
    assert set(files) == on_disk
    assert files["index.html"] == offline.file_hash(dist / "index.html")
    assert version == offline.build_version(files)


def test_a_changed_file_changes_the_build_version(tmp_path):
    """Changing any one file gives another build version (the browser then installs the new build)."""
    (tmp_path / "a.js").write_text("one")
    (tmp_path / "b.wasm").write_bytes(b"\0asm")
    before = offline.build_version(offline.precache_list(tmp_path))
    (tmp_path / "a.js").write_text("two")
    assert offline.build_version(offline.precache_list(tmp_path)) != before


def test_published_app_falls_back_to_the_bundled_fonts_only(dist):
    """The published Flutter client never downloads fallback fonts (the app's origin has none:
    they were hundreds of 404s per screen) and falls back to every bundled regular family."""
    main_js = (dist / "main.dart.js").read_text("utf-8")
    assert patches.FALLBACK_DOWNLOAD not in main_js
    assert json.dumps(["Roboto", *REGULAR_FONT_FILES], ensure_ascii=False) in main_js
    for path in REGULAR_FONT_FILES.values():
        assert (dist / path).is_file()


def test_update_prompt_follows_the_language_the_app_shows(dist):
    """The update prompt reads the language the app writes when it sets its look (the key the
    app really writes), before the browser's languages."""
    script = (dist / "app-update.js").read_text("utf-8")
    assert f'var LOOK_KEY = "flutter.{LOOK_KEY}";' in script
    assert "shopfloor.locale" not in script


def test_update_prompt_is_translated_from_the_catalogues(dist):
    """The update prompt carries the app's own translation for each of the 8 locales."""
    script = (dist / "app-update.js").read_text("utf-8")
    strings = json.loads(re.search(r"var STRINGS = (\{.*?\});\n", script).group(1))
    assert set(strings) == set(SUPPORTED_LOCALES)
    for locale in SUPPORTED_LOCALES:
        tr = Translator(locale)
        assert strings[locale] == {"message": tr.gettext(UPDATE_READY), "action": tr.gettext(RELOAD)}


@pytest.mark.parametrize("tag, locale", [("zh-hk", "zh_Hant_HK"), ("zh-tw", "zh_Hant_HK"),
                                         ("zh-cn", "zh_Hans"), ("ar-sa", "ar"), ("in", "id"),
                                         ("ms-my", "ms"), ("th-th", "th"), ("vi", "vi"), ("en-gb", "en")])
def test_update_prompt_picks_the_locale_the_app_would(tag, locale):
    """The browser-side table maps language tags as app.i18n.negotiate does."""
    assert offline.locale_tags()[tag] == locale


def test_wheel_markers_are_evaluated_for_pyodide():
    """Dependencies are chosen for Emscripten/Python 3.14, not for the build machine."""
    from packaging.markers import Marker

    assert Marker('sys_platform == "emscripten"').evaluate(PYODIDE_ENV)
    assert not Marker('python_version < "3.12"').evaluate(PYODIDE_ENV)


def test_rebuilding_unchanged_sources_keeps_the_version(dist, tmp_path):
    """A second build of the same sources is byte-identical in version (start.sh rebuilds on
    every start; installed apps must not be told about an update that is none)."""
    from webapp.build import build

    version = build(tmp_path / "web")
    assert f"const VERSION = \"{version}\";" in (dist / "sw.js").read_text("utf-8")


def test_babel_ships_only_the_app_locales_and_still_formats_them(dist, tmp_path):
    """The bundled babel holds the CLDR data of the 8 locales (and their parents) only, and the
    app's date, number, currency and list formatting works on it alone in every locale."""
    import zipfile

    from webapp.babel_trim import DATA_DIR, loaded_locales

    wheel = next((dist / "pyodide").glob("babel-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        data = {n[len(DATA_DIR):-4] for n in zf.namelist() if n.startswith(DATA_DIR) and n.endswith(".dat")}
        zf.extractall(tmp_path)
    assert data == {"root", "en", "ar", "id", "ms", "th", "vi", "zh", "zh_Hans", "zh_Hant", "zh_Hant_HK"}
    assert wheel.stat().st_size < 2_000_000
    used, loaded = loaded_locales(Path(__file__).resolve().parents[1], tmp_path)
    assert used.startswith(str(tmp_path)) and set(loaded) == data


def test_the_app_is_installable(dist):
    """manifest.json names Shopfloor, opens standalone at the app's root and has the 192 and 512 px
    icons a browser needs to offer installing it, Shopfloor's own."""
    manifest = json.loads((dist / "manifest.json").read_text("utf-8"))
    assert manifest["name"] == manifest["short_name"] == "Shopfloor"
    assert manifest["display"] == "standalone" and manifest["start_url"] == "."
    sizes = {icon["sizes"] for icon in manifest["icons"] if (dist / icon["src"]).exists()}
    assert {"192x192", "512x512"} <= sizes
    from PIL import Image

    from app.ui.theme import SEED

    for icon in manifest["icons"]:  # Shopfloor's own, in its brand colour (not Flet's logo)
        assert (dist / icon["src"]).read_bytes() != (FLET_WEB / icon["src"]).read_bytes()
        with Image.open(dist / icon["src"]) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
            centre_left = image.convert("RGB").getpixel((image.width // 8, image.height // 2))
            assert "#%02X%02X%02X" % centre_left == SEED
    assert manifest["theme_color"] == SEED
    assert '<link rel="manifest" href="manifest.json">' in (dist / "index.html").read_text("utf-8")


def test_server_gives_browsers_the_types_they_need(dist):
    """webapp.serve answers .wasm as application/wasm and .mjs as JavaScript (streaming compile and
    module import refuse others), deep links with index.html, and a missing file with 404."""
    import httpx

    from webapp.serve import serving

    with serving(dist) as url:
        def get(path):
            return httpx.get(url + path, timeout=10)

        assert get("pyodide/pyodide.asm.wasm").headers["content-type"] == "application/wasm"
        assert get("pyodide/pyodide.mjs").headers["content-type"] == "text/javascript"
        deep = get("clock")
        assert deep.status_code == 200 and 'src="app-update.js"' in deep.text
        assert get("sw.js").headers["cache-control"] == "no-cache"
        assert get("nothing/here.js").status_code == 404
