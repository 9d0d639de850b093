"""Client runtime settings from flet.toml (API URL, default locale, sync cadence, data dir)."""

import os
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATH = REPO_ROOT / "flet.toml"
_ENV_PREFIX = "SHOPFLOOR_"


class ConfigError(Exception):
    """flet.toml is missing, malformed, has an unknown key or a bad value (named in the message)."""


class ClientConfig(BaseModel):
    """The client's runtime settings. Unknown keys are an error, so typos do not go unnoticed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    api_url: HttpUrl
    default_locale: str = "zh_Hant_HK"
    sync_interval_s: float = Field(default=30, gt=0, le=3600)
    data_dir: Path = Path("data/client")
    push_batch_size: int = Field(default=200, ge=1, le=500)

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        supported = ("zh_Hant_HK", "zh_Hans", "en", "ar", "id", "ms", "th", "vi")
        if value not in supported:
            raise ValueError(f"must be one of {', '.join(supported)}")
        return value

    @property
    def api_base(self) -> str:
        """The API URL without a trailing slash."""
        return str(self.api_url).rstrip("/")

    def storage_dir(self) -> Path:
        """Where device databases go: Flet's app storage when it sets one, else ``data_dir``."""
        flet_dir = os.environ.get("FLET_APP_STORAGE_DATA")
        if flet_dir:
            return Path(flet_dir)
        return self.data_dir if self.data_dir.is_absolute() else REPO_ROOT / self.data_dir


def load_config(path: Path | None = None, env: dict[str, str] | None = None) -> ClientConfig:
    """Read flet.toml, apply ``SHOPFLOOR_<KEY>`` overrides, validate.

    Raises:
        ConfigError: naming the file and the offending key.
    """
    path = path or DEFAULT_PATH
    env = os.environ if env is None else env
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    for key in ClientConfig.model_fields:
        if _ENV_PREFIX + key.upper() in env:
            raw[key] = env[_ENV_PREFIX + key.upper()]
    try:
        return ClientConfig.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"]) or "(file)"
            if err["type"] == "extra_forbidden":
                problems.append(f"unknown key '{key}'")
            else:
                problems.append(f"'{key}': {err['msg']}")
        raise ConfigError(f"{path}: " + "; ".join(problems)) from None
