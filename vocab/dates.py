"""Dates as the sources write them, read into ISO 8601.

One helper for every format the watched sites use: ISO dates and datetimes,
dd/mm/yyyy and dd.mm.yyyy (EU and German pages), RFC 822 (feeds), and written-out
dates in English, Dutch, German and French ("11 May 2022", "9 oktober 2024",
"3. März 2023", "1er juin 2023").
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan", "januari", "januar", "janvier", "janv", "jänner"),
            ("february", "feb", "februari", "februar", "février", "fevrier", "févr"),
            ("march", "mar", "maart", "mrt", "märz", "maerz", "mars"),
            ("april", "apr", "avril", "avr"),
            ("may", "mei", "mai"),
            ("june", "jun", "juni", "juin"),
            ("july", "jul", "juli", "juillet", "juil"),
            ("august", "aug", "augustus", "août", "aout"),
            ("september", "sep", "sept", "septembre"),
            ("october", "oct", "oktober", "okt", "octobre"),
            ("november", "nov", "novembre"),
            ("december", "dec", "dezember", "dez", "décembre", "decembre", "déc"),
        ],
        start=1,
    )
    for name in names
}

_ISO = re.compile(r"(\d{4})[-/](\d{2})[-/](\d{2})")
_NUMERIC = re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\b")
_WORDS = re.compile(r"\b(\d{1,2})(?:er|st|nd|rd|th)?\.?\s+([^\W\d_]+)\.?,?\s+(\d{4})\b")


def parse_date(text: str | None) -> str | None:
    """The first date in `text` as `YYYY-MM-DD`, or None when there is none."""
    if not text:
        return None
    text = text.strip()
    for reader in (_iso, _numeric, _words, _rfc822):
        found = reader(text)
        if found:
            return found.isoformat()
    return None


def parse_datetime(text: str | None) -> str | None:
    """An ISO 8601 or RFC 822 timestamp as an ISO UTC datetime; a bare date as that date."""
    if not text:
        return None
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return parse_date(text)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = _rfc822_datetime(text)
    if moment is None:
        return parse_date(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat()


def _iso(text: str) -> date | None:
    match = _ISO.search(text)
    return _safe(int(match[1]), int(match[2]), int(match[3])) if match else None


def _numeric(text: str) -> date | None:
    match = _NUMERIC.search(text)
    return _safe(int(match[3]), int(match[2]), int(match[1])) if match else None


def _words(text: str) -> date | None:
    for match in _WORDS.finditer(text):
        month = MONTHS.get(match[2].lower())
        if month:
            return _safe(int(match[3]), month, int(match[1]))
    return None


def _rfc822(text: str) -> date | None:
    moment = _rfc822_datetime(text)
    return moment.date() if moment else None


def _rfc822_datetime(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
