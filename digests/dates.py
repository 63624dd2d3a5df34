"""Dates as a digest's reader reads them, in their language (Babel's CLDR data).

English keeps the digest's established short forms ("Mon 5 Oct 2026"); the other
languages use their own long forms ("maandag 5 oktober 2026", "Montag, 5. Oktober
2026"), which is how a Dutch or German letter writes a date; the forecasts' column
keeps ten characters ("21-10-2025", "21.10.2025", "21/10/2025"; English: ISO).
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date, format_skeleton

from vocab.languages import SOURCE_LANGUAGE, supported

_ENGLISH = {"weekday": "EEE d MMM y", "date": "d MMM y", "day_month": "d MMMM"}
_OWN = {"weekday": "full", "date": "long"}  # Babel's named formats of the language
_DAY_NUMBER = {"de": "d."}  # "vom 4. bis 9. Oktober"
_NUMERIC = {"nl": "dd-MM-y", "de": "dd.MM.y", "fr": "dd/MM/y"}  # ten characters, as ISO's


def weekday_date(day: date, language: str) -> str:
    """'Mon 5 Oct 2026', 'maandag 5 oktober 2026'."""
    return _formatted(day, "weekday", language)


def long_date(day: date, language: str) -> str:
    """'5 Oct 2026', '5 oktober 2026'."""
    return _formatted(day, "date", language)


def day_month(day: date, language: str) -> str:
    """'5 October', '5. Oktober'."""
    language = supported(language)
    if language == SOURCE_LANGUAGE:
        return format_date(day, _ENGLISH["day_month"], locale=language)
    return format_skeleton("MMMMd", day, locale=language)


def day_number(day: date, language: str) -> str:
    """The day of the month as a span starts it: '4', '4.'."""
    language = supported(language)
    return format_date(day, _DAY_NUMBER.get(language, "d"), locale=language)


def numeric_date(iso: str, language: str) -> str:
    """A forecast's date in a column: '21-10-2025', '21.10.2025'; English keeps ISO
    ('2025-10-21'), and so does a date that is not a whole ISO day."""
    pattern = _NUMERIC.get(supported(language))
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return format_date(day, pattern, locale=language) if pattern else iso


def _formatted(day: date, form: str, language: str) -> str:
    language = supported(language)
    if language == SOURCE_LANGUAGE:
        return format_date(day, _ENGLISH[form], locale=language)
    return format_date(day, _OWN[form], locale=language)
