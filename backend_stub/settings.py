"""Server settings from the environment (``SHOPFLOOR_*``) via pydantic-settings."""

import secrets
from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything the API reads at start. Unknown ``SHOPFLOOR_*`` variables are ignored."""

    model_config = SettingsConfigDict(env_prefix="SHOPFLOOR_", extra="ignore")

    data_dir: Path = Path("data/server")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default SQLite in data_dir")
    jwt_secret: str | None = Field(default=None, description="HS256 key; generated into data_dir if unset")
    cache_dir: Path | None = Field(default=None, description="Derived files kept between starts (the report's "
                                   "converted font); default data_dir/cache")
    jwt_issuer: str = "shopfloor-api"
    jwt_audience: str = "shopfloor-app"
    access_ttl_s: int = Field(default=900, ge=10)
    refresh_ttl_days: int = Field(default=30, ge=1)
    max_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)
    max_photo_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)
    max_batch: int = Field(default=500, ge=1)
    selfie_retention_days: int = Field(default=30, ge=1)
    face_tolerance: float | None = Field(default=None, gt=0, lt=1)
    max_fix_accuracy_m: float = Field(default=100.0, gt=0)
    # issue 9 (webruntime): the installable web app calls the API from its own origin.
    web_origins: str = Field(default="http://127.0.0.1:8551,http://localhost:8551",
                             description="Comma-separated origins of the web app allowed by CORS")
    # issue 10 (calendar): feed URLs handed to calendar apps name the API as the public sees it
    # (behind a proxy); unset, they use the base URL the request came in on.
    public_base_url: str | None = Field(default=None, description="Public base URL of the API, "
                                        "e.g. https://api.example.com (calendar feed links)")

    @property
    def cors_origins(self) -> list[str]:
        """The web app's origins, exactly as a browser sends them (no trailing slash)."""
        return [o.strip().rstrip("/") for o in self.web_origins.split(",") if o.strip()]

    @cached_property
    def db_url(self) -> str:
        """The database URL, defaulting to a WAL SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.data_dir / 'shopfloor.db').resolve()}"

    @property
    def derived_dir(self) -> Path:
        """Where derived files are kept between starts (``cache_dir``, else data_dir/cache)."""
        return self.cache_dir or self.data_dir / "cache"

    @cached_property
    def photo_dir(self) -> Path:
        """Where uploaded photos live, addressed by SHA-256."""
        path = self.data_dir / "photos"
        path.mkdir(parents=True, exist_ok=True)
        return path

    @cached_property
    def face_key(self) -> bytes:
        """AES-256 key for face embeddings at rest, kept in the data directory (0600)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key_file = self.data_dir / "face.key"
        if not key_file.exists():
            key_file.write_bytes(secrets.token_bytes(32))
            key_file.chmod(0o600)
        return key_file.read_bytes()

    @cached_property
    def signing_key(self) -> str:
        """The JWT key: from the environment, else a random one kept in the data directory."""
        if self.jwt_secret:
            return self.jwt_secret
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key_file = self.data_dir / "jwt.key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        return key_file.read_text().strip()
