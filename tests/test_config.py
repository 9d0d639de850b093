"""Client runtime settings: flet.toml is read into a model and mistakes are named."""

from pathlib import Path

import pytest

from app.config import ConfigError, load_config


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "flet.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_repo_flet_toml_loads():
    """The shipped flet.toml is valid and points at the local API by default."""
    cfg = load_config(env={})
    assert cfg.api_base == "http://127.0.0.1:8000"
    assert cfg.default_locale == "zh_Hant_HK"
    assert cfg.sync_interval_s > 0


def test_unknown_key_is_named(tmp_path):
    """A typo in flet.toml is an error naming the key, not silently ignored."""
    path = _write(tmp_path, 'api_url = "http://x:1"\nsync_intervall_s = 5\n')
    with pytest.raises(ConfigError, match="unknown key 'sync_intervall_s'"):
        load_config(path, env={})


def test_bad_value_is_named(tmp_path):
    """A bad value names the key and what is wrong with it."""
    path = _write(tmp_path, 'api_url = "http://x:1"\nsync_interval_s = -3\n')
    with pytest.raises(ConfigError, match="'sync_interval_s'"):
        load_config(path, env={})
    path = _write(tmp_path, 'api_url = "http://x:1"\ndefault_locale = "fr"\n')
    with pytest.raises(ConfigError, match="'default_locale'.*zh_Hant_HK"):
        load_config(path, env={})


def test_malformed_toml_and_missing_file(tmp_path):
    """Broken TOML or a missing file give a clear error with the path."""
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(_write(tmp_path, "api_url = \n"), env={})
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml", env={})


def test_environment_overrides_and_flet_storage(tmp_path, monkeypatch):
    """SHOPFLOOR_API_URL overrides the file; FLET_APP_STORAGE_DATA wins over data_dir."""
    path = _write(tmp_path, 'api_url = "http://x:1"\ndata_dir = "rel/dir"\n')
    cfg = load_config(path, env={"SHOPFLOOR_API_URL": "http://127.0.0.1:9999/"})
    assert cfg.api_base == "http://127.0.0.1:9999"
    monkeypatch.delenv("FLET_APP_STORAGE_DATA", raising=False)
    assert cfg.storage_dir().name == "dir"
    monkeypatch.setenv("FLET_APP_STORAGE_DATA", str(tmp_path / "flet"))
    assert cfg.storage_dir() == tmp_path / "flet"
