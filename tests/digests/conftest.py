"""Fixtures of the digest tests: settings for a digest home, and real SMTP servers on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.digests.smtp import SmtpServer
from tests.digests.world import BASE_URL
from vocab.settings import Settings, get_settings


@pytest.fixture
def settings(home: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Settings]:
    """Fresh settings for the test's home; keyword arguments set LEXWATCH_<NAME> first."""
    monkeypatch.setenv("LEXWATCH_BASE_URL", BASE_URL)
    monkeypatch.setenv("LEXWATCH_TIMEZONE", "Europe/Brussels")
    monkeypatch.setenv("LEXWATCH_MAIL_FROM", "Lexwatch <digest@lexwatch.example.org>")
    monkeypatch.delenv("LEXWATCH_SMTP_URL", raising=False)

    def make(**env: str) -> Settings:
        for name, value in env.items():
            monkeypatch.setenv(f"LEXWATCH_{name.upper()}", value)
        get_settings.cache_clear()
        return get_settings()

    return make


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[Callable[..., SmtpServer]]:
    """Start SMTP servers (plain, starttls, tls; with or without auth); all stop after the test."""
    started: list[SmtpServer] = []

    def start(mode: str = "plain", auth: bool = False) -> SmtpServer:
        folder = tmp_path / f"smtp{len(started)}"
        folder.mkdir()
        started.append(SmtpServer(folder, mode=mode, auth=auth))
        return started[-1]

    yield start
    for server in started:
        server.stop()
