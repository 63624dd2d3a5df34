"""redact.redact: the one function every recorded or shown URL and message goes through."""

from __future__ import annotations

import random

import pytest

from vocab import redact as module
from vocab.redact import MARK, redact
from vocab.settings import Settings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "HTTP 500 from https://api.congress.gov/v3/bill/118/s/1207?format=json&api_key=abc123XYZ",
            f"HTTP 500 from https://api.congress.gov/v3/bill/118/s/1207?format=json&api_key={MARK}",
        ),
        ("https://x.example/?apikey=s3cr3t&page=2", f"https://x.example/?apikey={MARK}&page=2"),
        ("https://x.example/feed?token=t0k3n#top", f"https://x.example/feed?token={MARK}#top"),
        ("https://x.example/a?KEY=v&Api-Key=w", f"https://x.example/a?KEY={MARK}&Api-Key={MARK}"),
        ("https://x.example/a?access_token=abc;b", f"https://x.example/a?access_token={MARK};b"),
        (
            "next=https%3A%2F%2Fx.example%2F%3Fa%3D1%26api_key%3DSECRET%26b%3D2",
            f"next=https%3A%2F%2Fx.example%2F%3Fa%3D1%26api_key%3D{MARK}%26b%3D2",
        ),
        ("smtp://mailer:hunter22@smtp.example:587", f"smtp://mailer:{MARK}@smtp.example:587"),
        ("sent Authorization: ApiKey abcdefghijklmnop", f"sent Authorization: ApiKey {MARK}"),
        # Ordinary words and parameters stay as they are.
        ("https://x.example/?monkey=1&keyword=law", "https://x.example/?monkey=1&keyword=law"),
        ("Basic information on the bearer of rights", "Basic information on the bearer of rights"),
        ("", ""),
    ],
)
def test_credentials_in_urls_and_messages_are_removed(text: str, expected: str) -> None:
    assert redact(text, secrets=()) == expected


def test_configured_secret_values_are_removed_wherever_they_appear(monkeypatch) -> None:
    monkeypatch.setenv("LEXWATCH_DIP_API_KEY", "DIPKEY-000111222")
    monkeypatch.setenv("LEXWATCH_SMTP_URL", "smtp://u:mail-pass-99@smtp.example:587")
    settings = Settings()
    assert {"DIPKEY-000111222", "mail-pass-99"} <= set(settings.secret_values())
    text = "the server said: unknown key DIPKEY-000111222 (mail-pass-99)"
    assert redact(text, settings.secret_values()) == f"the server said: unknown key {MARK} ({MARK})"
    assert redact("short", ["abc"]) == "short"  # too short to be a real secret: left alone


def test_by_default_the_settings_in_force_give_the_secrets(home, monkeypatch) -> None:
    from vocab.settings import get_settings

    monkeypatch.setenv("LEXWATCH_CONGRESS_API_KEY", "CONGRESS-KEY-42424242")
    get_settings.cache_clear()
    assert redact("echo: CONGRESS-KEY-42424242") == f"echo: {MARK}"


def test_new_settings_give_their_secrets_at_once(home, monkeypatch) -> None:
    """The secrets are read once per settings object, and again as soon as settings are read again."""
    from vocab.settings import get_settings

    monkeypatch.setenv("LEXWATCH_DIP_API_KEY", "FIRST-KEY-0000111")
    get_settings.cache_clear()
    assert redact("FIRST-KEY-0000111") == MARK
    monkeypatch.setenv("LEXWATCH_DIP_API_KEY", "SECOND-KEY-222333")
    get_settings.cache_clear()
    assert redact("SECOND-KEY-222333, once FIRST-KEY-0000111") == f"{MARK}, once FIRST-KEY-0000111"


def test_settings_that_cannot_be_read_leave_the_patterns_at_work(monkeypatch) -> None:
    def unreadable():
        raise ValueError("LEXWATCH_DATABASE_URL is not a URL")

    monkeypatch.setattr("vocab.settings.get_settings", unreadable)
    assert redact("https://x/?api_key=abc123") == f"https://x/?api_key={MARK}"


def _every_pattern(text: str) -> str:
    """Each pattern run whatever the text holds: what `redact` skips must change nothing."""
    text = module._QUERY.sub(rf"\g<1>{MARK}", text)
    text = module._USERINFO.sub(rf"\g<1>{MARK}\g<2>", text)
    return module._SCHEME_AUTH.sub(rf"\g<1> {MARK}", text)


def test_skipping_a_pattern_the_text_cannot_match_changes_nothing() -> None:
    # redact runs a pattern only on text holding what it needs ("=" or "%3", "://",
    # "ApiKey"/"Bearer"): over pieces that mix every credential form, the same result.
    pieces = [
        "HTTP 404 from ",
        "https://x.example/",
        "?api_key=SECRET1",
        "%3Fapi_key%3DSECRET2",
        "%26token%3dSECRET3",
        "ftp://user:pa55word@host/",
        "Bearer abcdefghijklmnopq",
        "ApiKey ABCDEFGHIJKLMNOP",
        "&page=2",
        " ",
        ";sig=xyz",
        "proxy for ",
        "bearer of rights",
    ]
    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 6)))
        assert redact(text, secrets=()) == _every_pattern(text), text
    # Percent-encoded only, no "=" anywhere: still redacted.
    assert (
        redact("proxy for x%3Fapi_key%3DSECRET2", secrets=()) == f"proxy for x%3Fapi_key%3D{MARK}"
    )
