"""The languages Lexwatch writes its fixed text in, and their gettext catalogues.

The catalogues are `locale/<language>/LC_MESSAGES/lexwatch.po` at the top of the
repository, compiled next to themselves as `lexwatch.mo` (checked in, so a plain
install reads them without a build step; tests/i18n checks both are complete and
that the `.mo` files match their `.po`). English is the source text: it has no
catalogue. A language whose compiled catalogue is missing (an install that left
`locale/` out) reads as English, with a warning in the log.
"""

from __future__ import annotations

import gettext
import logging
from functools import lru_cache
from pathlib import Path

from babel.support import Translations

LANGUAGES = ("en", "nl", "de", "fr")
SOURCE_LANGUAGE = "en"
DOMAIN = "lexwatch"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
log = logging.getLogger("lexwatch.languages")


def supported(language: str) -> str:
    """The language when Lexwatch writes in it, else English."""
    return language if language in LANGUAGES else SOURCE_LANGUAGE


@lru_cache(maxsize=len(LANGUAGES) + 1)
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of a language (English, or an unknown one: the source text itself)."""
    if supported(language) == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    compiled = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not compiled.is_file():
        log.warning("no %s catalogue at %s: its readers get English", language, compiled)
        return gettext.NullTranslations()
    return Translations.load(LOCALE_DIR, [language], DOMAIN)


def from_accept_language(header: str) -> str:
    """The first language of an Accept-Language header that Lexwatch writes in (else English).

    "nl-NL,nl;q=0.9,en;q=0.8" -> "nl"; weights order the choices, "q=0" refuses one.
    """
    wanted = sorted(_weighted(header), key=lambda pair: -pair[1])
    return next((tag for tag, weight in wanted if weight > 0 and tag in LANGUAGES), "en")


def _weighted(header: str) -> list[tuple[str, float]]:
    found = []
    for part in header.split(",")[:20]:
        tag, _, params = part.strip().partition(";")
        found.append((tag.strip().lower().split("-")[0], _weight(params)))
    return found


def _weight(params: str) -> float:
    name, _, value = params.strip().partition("=")
    try:
        return float(value) if name.strip() == "q" else 1.0
    except ValueError:
        return 0.0


def N_(message: str) -> str:  # gettext's name for "marked, not translated here"
    """Marks a message for the catalogues where it is written; it is translated where used."""
    return message
