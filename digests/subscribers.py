"""Subscribers as people type them in and as the CLI and the API show them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from db.models import Subscriber, Watch
from vocab.errors import ConfigError
from vocab.languages import LANGUAGES

# Deliberately loose: the mail server is the judge of an address; this only keeps
# out what can never be one, and anything that could break a header (spaces, CR/LF).
_ADDRESS = re.compile(r"^[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")


def check_email(text: str) -> str:
    """The address, trimmed; a ConfigError when it cannot be an email address."""
    address = text.strip()
    if not _ADDRESS.match(address):
        raise ConfigError(
            f"'{text.strip()[:80]}' is not an email address: write name@example.org", field="email"
        )
    return address


def check_language(text: str) -> str:
    """A two-letter language code (en, nl, de, fr), lower case; empty keeps the current one."""
    code, choices = text.strip().lower(), ", ".join(LANGUAGES[:-1]) + " or " + LANGUAGES[-1]
    if code and not _LANGUAGE.match(code):
        raise ConfigError(
            f"'{text}' is not a two-letter language code: write {choices}", field="language"
        )
    if code and code not in LANGUAGES:
        raise ConfigError(
            f"'{text}' is not a language digests are written in: write {choices}", field="language"
        )
    return code


def describe(subscriber: Subscriber, watches: Sequence[Watch]) -> dict[str, Any]:
    """A subscriber as the CLI and the API show it (never the unsubscribe token)."""
    return {
        "email": subscriber.email,
        "name": subscriber.name,
        "language": subscriber.language,
        "status": subscriber.status,
        "watches": [w.name for w in watches],
    }
