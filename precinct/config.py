"""Settings: PRECINCT_* environment variables, then an optional TOML file, then defaults.

Every field carries a title and a description; `docs/configuration.md` lists them all and a
test keeps the two in step.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_SECRET = "precinct-insecure-default-secret-change-me"
Language = Literal["zh-CN", "en"]


def _config_file() -> Path | None:
    explicit = os.environ.get("PRECINCT_CONFIG_FILE")
    if explicit:
        return Path(explicit)
    local = Path("precinct.toml")
    return local if local.exists() else None


class Settings(BaseSettings):
    """Validated configuration of one Precinct installation."""

    model_config = SettingsConfigDict(env_prefix="PRECINCT_", extra="forbid")

    data_dir: Path = Field(
        default=Path("data"),
        title="Data folder",
        description="Folder for the SQLite database, uploads, footage copies and caches.",
    )
    database_url: str = Field(
        default="",
        title="Database URL",
        description=(
            "SQLAlchemy URL. Empty means a SQLite file `precinct.db` in the data folder; "
            "PostgreSQL: `postgresql+psycopg://user:password@host:5432/precinct`."
        ),
    )
    secret_key: str = Field(
        default=DEFAULT_SECRET,
        title="Secret key",
        description=(
            "Signs session cookies and CSRF tokens. The server refuses to start with the "
            "default value unless demo mode is on."
        ),
    )
    demo_mode: bool = Field(
        default=False,
        title="Demo mode",
        description="Marks a demo installation: allows the default secret key on localhost.",
    )
    default_language: Language = Field(
        default="zh-CN",
        title="Default language",
        description="Language of the workbench before a user chooses one: `zh-CN` or `en`.",
    )
    host: str = Field(default="127.0.0.1", title="Host", description="Address the server binds.")
    port: int = Field(default=8000, ge=1, le=65535, title="Port", description="Server port.")
    session_max_age: int = Field(
        default=8 * 3600,
        ge=60,
        title="Session lifetime (s)",
        description="Seconds a login stays valid without activity.",
    )
    secure_cookies: bool = Field(
        default=False,
        title="Secure cookies",
        description="Send session cookies only over HTTPS (turn on behind TLS).",
    )
    timezone: str = Field(
        default="Asia/Shanghai",
        title="Time zone",
        description="Time zone for naive times in imports and for display.",
    )

    video_detector_onnx: str = Field(
        default="",
        title="Site ONNX detector",
        description=(
            "Path of a site's own ONNX object detector used to verify track classes instead of "
            "the packaged person detector (input 1×3×H×W RGB 0–1; outputs boxes, scores and "
            "COCO class ids). Empty: the packaged SSDLite person detector."
        ),
    )
    video_workers: int = Field(
        default=0,
        ge=0,
        title="Scan workers",
        description="Processes that scan footage in parallel; 0 means one per CPU core.",
    )
    fleet_stuck_after_s: int = Field(
        default=300,
        ge=30,
        title="Stuck after (s)",
        description=(
            "A robotaxi seen stationary at one place for at least this many seconds raises a "
            "stuck alert to its operator and on the traffic board."
        ),
    )
    fleet_stuck_radius_m: float = Field(
        default=25.0,
        gt=0,
        title="Stationary radius (m)",
        description="Sightings within this distance of the latest one count as the same place.",
    )
    fleet_webhook_attempts: int = Field(
        default=4,
        ge=1,
        le=10,
        title="Webhook attempts",
        description=(
            "Times an alert is posted to an operator's webhook before giving up (each attempt "
            "is recorded; waits double from 1 s between attempts)."
        ),
    )
    fleet_webhook_timeout_s: float = Field(
        default=5.0,
        gt=0,
        title="Webhook timeout (s)",
        description="Seconds to wait for an operator's webhook to answer one attempt.",
    )

    @model_validator(mode="after")
    def _resolve_paths(self) -> Settings:
        self.data_dir = self.data_dir.expanduser().resolve()
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'precinct.db'}"

    @property
    def uses_default_secret(self) -> bool:
        return self.secret_key == DEFAULT_SECRET

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = _config_file()
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)


class InsecureSecretError(RuntimeError):
    """Raised when a server would start with the default secret outside demo mode."""


def check_server_secret(settings: Settings) -> None:
    if settings.uses_default_secret and not settings.demo_mode:
        raise InsecureSecretError(
            "refusing to serve with the default secret key: set PRECINCT_SECRET_KEY "
            "(or secret_key in the TOML file), or PRECINCT_DEMO_MODE=1 for a demo"
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
