"""Signed values: a payload that the browser may hold but not forge (sessions, tokens).

HMAC-SHA256 over a purpose and the payload, so that a CSRF token can never pass
as a session and the other way round.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any


def mac(key: str, purpose: str, message: str) -> str:
    """A hex HMAC of `message` for one purpose."""
    data = f"{purpose}\x00{message}".encode()
    return hmac.new(key.encode(), data, hashlib.sha256).hexdigest()


def sign(key: str, purpose: str, payload: dict[str, Any]) -> str:
    """`payload` as url-safe text with its signature."""
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode())
    text = body.decode("ascii").rstrip("=")
    return f"{text}.{mac(key, purpose, text)}"


def unsign(key: str, purpose: str, value: str) -> dict[str, Any] | None:
    """The payload of a signed value, or None when it was altered or is malformed."""
    text, _, signature = (value or "").rpartition(".")
    if not text or not hmac.compare_digest(signature, mac(key, purpose, text)):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def same(a: str, b: str) -> bool:
    """Constant-time equality of two tokens."""
    return hmac.compare_digest(a.encode(), b.encode())
