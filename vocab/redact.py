"""One redaction for every URL and message Lexwatch records or shows: no secret leaves in text.

API keys travel in headers (crawlers/guard.py keeps each on its own host), so a
URL Lexwatch builds carries none; this is the net under that rule. Snapshot URLs,
run errors, health reasons, log lines, the CLI's and the API's output, admin
pages and digests all pass through `redact`, which removes

- the value of a query parameter that names a credential (`api_key=`, `apikey=`,
  `key=`, `token=`, `access_token=`, `secret=`, `password=`, `sig=` …), also
  when percent-encoded inside another URL;
- the password of a `scheme://user:password@host` address;
- the credential after `ApiKey` or `Bearer` (an echoed header);
- every configured secret value (API keys, the secret key, passwords in the
  SMTP, database and Redis URLs), wherever it appears.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MARK = "REDACTED"
MIN_SECRET = 6  # shorter configured values would blank out ordinary words

_NAMES = r"api[_-]?key|apikey|key|token|access[_-]?token|auth[_-]?token|secret|password|passwd|sig|signature"
# `?name=` or `&name=`, plain or percent-encoded (a URL inside another URL's query).
_QUERY = re.compile(
    rf"((?:[?&;]|%3[fF]|%26)(?:{_NAMES})(?:=|%3[dD]))(?:(?!%26)[^&#\s\"'<>;])*", re.IGNORECASE
)
_USERINFO = re.compile(r"([a-z][a-z0-9+.-]*://[^/\s:@]*:)[^/\s@]+(@)", re.IGNORECASE)
# Case-sensitive and long: "Basic information" or "bearer of" in a reason must stay readable.
_SCHEME_AUTH = re.compile(r"\b(ApiKey|Bearer)\s+[A-Za-z0-9._~+/=-]{12,}")


def redact(text: str, secrets: Iterable[str] | None = None) -> str:
    """`text` without credentials; `secrets` defaults to the configured secret values."""
    if not text:
        return text
    # Each pattern is run only on a text holding what it cannot match without (a log
    # line mostly holds none of them): the same result, a fraction of the time.
    if "=" in text or "%3" in text:
        text = _QUERY.sub(rf"\g<1>{MARK}", text)
    if "://" in text:
        text = _USERINFO.sub(rf"\g<1>{MARK}\g<2>", text)
    if "ApiKey" in text or "Bearer" in text:
        text = _SCHEME_AUTH.sub(rf"\g<1> {MARK}", text)
    for value in _configured() if secrets is None else _longest_first(secrets):
        text = text.replace(value, MARK)
    return text


def _longest_first(secrets: Iterable[str]) -> list[str]:
    """The values long enough to hide, longest first (a key that holds another is hidden whole)."""
    found = {value for value in secrets if value and len(value) >= MIN_SECRET}
    return sorted(found, key=len, reverse=True)


# The settings in force and their secret values, longest first: asked for every log line,
# read again only when the settings are (a test that changes them clears get_settings).
_cached: tuple[object, list[str]] = (None, [])


def _configured() -> list[str]:
    """The configured secret values, longest first; none when settings cannot be read."""
    global _cached
    try:
        from vocab.settings import get_settings  # it imports this module: read when first asked

        settings = get_settings()
        if _cached[0] is not settings:
            _cached = (settings, _longest_first(settings.secret_values()))
        return _cached[1]
    except Exception:  # redaction must never be what fails: a log line still gets written
        return []
