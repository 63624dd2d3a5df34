"""Settings: one typed object, read once from the environment (LEXWATCH_*) and an optional file.

*What* to watch is data (Source rows); *how* to run is here. Secrets (API keys,
the SMTP password) come from the environment, never from a committed file.
`LEXWATCH_CONFIG` may name a TOML file with the same keys in lower case.
"""

from __future__ import annotations

import ipaddress
import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

VERSION = "0.1.0"


class Settings(BaseSettings):
    """Every knob of Lexwatch. Each field is read from `LEXWATCH_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="LEXWATCH_", extra="ignore", frozen=True)

    data_dir: Path = Field(
        Path("data"), description="Folder for the SQLite database, raw bodies and the outbox."
    )
    database_url: str = Field(
        "", description="SQLAlchemy URL; default: SQLite at <data_dir>/lexwatch.db."
    )
    user_agent: str = Field(
        f"Lexwatch/{VERSION} (legislative monitor; contact: lexwatch@localhost)",
        description="User agent sent to every site; put a real contact address in it.",
    )
    obey_robots: bool = Field(True, description="Obey robots.txt.")
    download_timeout: float = Field(30.0, description="Seconds before one request is given up.")
    crawl_time_limit: float = Field(300.0, description="Hard limit in seconds for one crawl pass.")
    retry_times: int = Field(2, description="Retries of a failed request (5xx, timeouts).")
    retry_backoff: float = Field(
        1.0, description="Seconds before the first retry; doubled each time."
    )
    concurrent_per_domain: int = Field(2, description="Parallel requests to one host.")
    autothrottle: bool = Field(True, description="Adapt the request rate to each host's latency.")
    failing_after: int = Field(
        3, description="Consecutive failed runs before a source is 'failing'."
    )
    default_every: str = Field(
        "6h", description="Schedule of a source added without --every/--cron."
    )
    seed_defaults: bool = Field(
        True, description="On first start, add the default sources and watches (the CSA files)."
    )
    resync_seconds: float = Field(
        10.0, description="How often the scheduler looks for added, changed or removed sources."
    )
    replay_url: str = Field(
        "",
        description="Answer every request from this local replay server (the demo, tests); empty: the real sites.",
    )
    dip_api_key: str = Field("", description="Bundestag DIP API key (secret).")
    congress_api_key: str = Field("", description="congress.gov API key (secret).")
    timezone: str = Field("Europe/Brussels", description="Timezone of schedules and digests.")
    retention_days: int = Field(
        365,
        description="Raw bodies no longer referenced by a recent snapshot are removed after this many days.",
    )
    smtp_url: str = Field(
        "",
        description="smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465; empty: digests go to the outbox.",
    )
    mail_from: str = Field("Lexwatch <lexwatch@localhost>", description="From address of digests.")
    outbox_dir: Path = Field(
        Path(""),
        description="Maildir that receives digests when no SMTP is set; default <data_dir>/outbox.",
    )
    base_url: str = Field(
        "http://127.0.0.1:8000",
        description="Public address of the web app, used in links of digests and feeds.",
    )
    secret_key: str = Field(
        "",
        description="Secret that signs sessions, CSRF and unsubscribe tokens; required when serving beyond 127.0.0.1.",
    )
    allow_private_targets: bool = Field(
        False,
        description="Allow sources on private, loopback or link-local addresses (tests, the demo).",
    )
    redis_url: str = Field(
        "",
        description="redis://host:6379/0 switches crawls to a shared queue served by `lexwatch worker`.",
    )
    # NoDecode: the environment gives "10.0.0.1, 10.8.0.0/16", not a JSON list.
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = Field(
        (),
        description="Reverse proxies whose X-Forwarded-For/-Proto the web app believes: addresses or CIDRs, comma-separated; empty: the connecting address is the client.",
    )

    public_read: bool = Field(
        False,
        description="Open search, files, changes, agenda pages, feeds and the API to visitors without an account (read-only).",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        config_file = os.environ.get("LEXWATCH_CONFIG")
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if config_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config_file))
        return tuple(sources)

    @field_validator("user_agent")
    @classmethod
    def _identifying(cls, value: str) -> str:
        if "lexwatch" not in value.lower():
            raise ValueError("LEXWATCH_USER_AGENT must name Lexwatch and a contact address")
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _networks(cls, value: object) -> tuple[str, ...]:
        items = value.split(",") if isinstance(value, str) else value or ()
        return tuple(_network(str(item)) for item in items if str(item).strip())  # type: ignore[union-attr]

    @property
    def db_url(self) -> str:
        """The database URL in force."""
        return self.database_url or f"sqlite:///{self.data_dir / 'lexwatch.db'}"

    @property
    def log_file(self) -> Path:
        """Where the traceback of an unexpected error goes (the terminal gets one line naming it)."""
        return self.data_dir / "lexwatch.log"

    @property
    def outbox(self) -> Path:
        """The Maildir folder digests are written to without SMTP."""
        return (
            self.outbox_dir if str(self.outbox_dir) not in ("", ".") else self.data_dir / "outbox"
        )

    def secrets(self) -> dict[str, str]:
        """The API keys site modules may ask for, by name."""
        return {"dip_api_key": self.dip_api_key, "congress_api_key": self.congress_api_key}

    def secret_values(self) -> list[str]:
        """Every configured secret, for redact.redact: API keys, the secret key, URL passwords."""
        passwords = [_password(url) for url in (self.smtp_url, self.database_url, self.redis_url)]
        return [v for v in (*self.secrets().values(), self.secret_key, *passwords) if v]


def _password(url: str) -> str:
    try:
        return urlsplit(url).password or ""
    except ValueError:  # not a URL at all: nothing to hide in it
        return ""


def _network(text: str) -> str:
    """An address or CIDR in its canonical spelling; "*" or a host name is a ValueError."""
    text = text.strip()
    if "/" in text:
        return str(ipaddress.ip_network(text, strict=False))
    return str(ipaddress.ip_address(text))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings, read once per process (tests call `get_settings.cache_clear()`)."""
    return Settings()
