"""Normalise a record so that only meaningful differences remain.

Not changes at all: rows in another order, a date written another way (parsers
already give ISO dates), a link rewritten or carrying a session id, a visitor
counter, a "last updated" stamp, a clock time. `VOLATILE` is the table of what is
dropped from text; `SESSION_PARAMS` the query parameters dropped from links.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cached_property
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from vocab.records import Document, Event, Item, Record, identifier_pairs

# The two patterns on digits open on a digit and check the word boundary before it just
# after it (`\bD` with D a digit is "D, not after a word character"): a pattern opening on
# `\b` is tried at every position of the text, one opening on a class is skipped along in C.
VOLATILE: dict[str, re.Pattern[str]] = {
    "iso timestamp": re.compile(
        r"\d(?<!\w\d)\d{3}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b"
    ),
    "clock time": re.compile(
        r"\d(?<!\w\d)\d?:\d{2}:\d{2}(?:\.\d+)?\s*(?:[AaPp][Mm]|UTC|GMT|CES?T)?"
    ),
    "generated / updated stamp": re.compile(
        r"(?im)^\W*(?:page\s+)?(?:last\s+updated|last\s+modified|generated|rendered|laatst\s+bijgewerkt|zuletzt\s+aktualisiert|stand|mis\s+à\s+jour)\b.*$"
    ),
    "visitor counter": re.compile(
        r"(?i)\b(?:visitors?|views?|hits|bezoekers|aufrufe)\s*:?\s*[\d.,]+"
    ),
    "session id": re.compile(r"(?i)\b(?:jsessionid|phpsessid|sessionid|sid)=[\w.-]+"),
}

# Words one of which a case-blind pattern needs to find anything (or patterns one of which
# must match): without them in the text (lower-cased) it is not run. Letters that match others
# when case is ignored (dotless i, long s, the Kelvin sign) always run it.
CLUES: dict[str, tuple[str, ...] | tuple[re.Pattern[bytes], ...]] = {
    "generated / updated stamp": (
        "updated",
        "modified",
        "generated",
        "rendered",
        "bijgewerkt",
        "aktualisiert",
        "stand",
        "jour",
    ),
    # a word at a word's start ("review" is none); each opens on its word, scanned for in C
    "visitor counter": tuple(
        re.compile(rf"{word}(?<!\w{word})".encode())
        for word in ("visitor", "view", "hits", "bezoekers", "aufrufe")
    ),
    "session id": ("sessionid=", "sid="),
}
_ODD_CASES = ("\u0131", "\u0130", "\u017f", "\u212a")

# What a case-sensitive pattern needs in the text as it is: a time of day ("12:05"), for the
# two on digits (opening on the colon, scanned for in C, many times faster than on a digit).
NEEDS: dict[str, re.Pattern[str]] = {
    "iso timestamp": re.compile(r":(?<=\d:)\d\d"),
    "clock time": re.compile(r":(?<=\d:)\d\d"),
}

# Named fields that only stamp when something was touched: not news by themselves.
VOLATILE_FIELDS = re.compile(
    r"(?i)(?:^|[._\[])(?:last_?update[d]?|last_?modified|updated_?(?:at|on)?|date_?modified|modified_?(?:at|on)?"
    r"|aktualisiert|gewijzigd_?op|api_?gewijzigd_?op|generated_?at|timestamp|fetched_?at)(?:$|[._\]])"
)

SESSION_PARAMS = re.compile(
    r"(?i)^(?:jsessionid|phpsessid|sessionid|sid|session|token|_ga|_gl|fbclid|gclid|utm_\w+|cachebust|_|ts|timestamp|nocache)$"
)


def normalise(record: Record) -> Record:
    """The record with whitespace folded, volatile text dropped, links cleaned, rows sorted."""
    return replace(
        record,
        title=clean(record.title),
        stage=clean(record.stage),
        identifiers=identifier_pairs(record.identifiers),
        events=tuple(sorted({_event(e) for e in record.events}, key=event_order)),
        documents=tuple(sorted({_document(d) for d in record.documents}, key=document_order)),
        items=tuple(sorted({_item(i) for i in record.items}, key=lambda i: i.id)),
        fields=tuple(
            sorted((k, clean(v)) for k, v in record.fields if not VOLATILE_FIELDS.search(k))
        ),
        text=clean_text(record.text),
    )


def clean(value: str) -> str:
    """Whitespace folded to single spaces, ends trimmed."""
    return " ".join((value or "").split())


def clean_text(text: str) -> str:
    """Readable text without volatile tokens, one non-empty line per block."""
    folded = Folded(text or "")
    for name, pattern in VOLATILE.items():
        if folded.may_match(CLUES.get(name)) and _needed(NEEDS.get(name), folded.text):
            cleaned = pattern.sub("", folded.text)
            folded = folded if cleaned == folded.text else Folded(cleaned)
    lines = (clean(raw) for raw in folded.text.splitlines())
    return "\n".join(line for line in lines if line)


def _needed(need: re.Pattern[str] | None, text: str) -> bool:
    return need is None or need.search(text) is not None


class Folded:
    """A text lower-cased once (when first asked), for `may_match` against many patterns."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def lowered(self) -> bytes | None:
        """The text in UTF-8 with its ASCII letters in lower case; None when a letter in it
        folds oddly (every pattern runs).

        Enough for clues in ASCII: no other letter lowers to an ASCII one but the odd
        ones, so an ASCII clue is in it exactly when it is in the text lower-cased.
        """
        if any(odd in self.text for odd in _ODD_CASES):
            return None
        return self.text.encode("utf-8", "surrogatepass").lower()

    def may_match(self, clues: tuple[str, ...] | tuple[re.Pattern[bytes], ...] | None) -> bool:
        """False only when a case-blind pattern with these clues cannot match the text."""
        if clues is None or self.lowered is None:
            return True
        lowered = self.lowered
        return any(
            clue.encode() in lowered if isinstance(clue, str) else clue.search(lowered) is not None
            for clue in clues
        )


def may_match(text: str, clues: tuple[str, ...] | tuple[re.Pattern[bytes], ...] | None) -> bool:
    """False only when a case-blind pattern with these clues cannot match `text`."""
    return Folded(text).may_match(clues)


def clean_url(url: str) -> str:
    """A link without fragment, session ids or tracking parameters, host in lower case."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    path = re.sub(r"(?i);jsessionid=[^/?#]*", "", parts.path)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not SESSION_PARAMS.match(k)
    ]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, urlencode(query), ""))


def event_order(event: Event) -> tuple:
    """Events in date order; undated last; forecasts after facts of the same day."""
    return (event.date or "9999", event.forecast, event.title, event.kind, event.reference)


def document_order(document: Document) -> tuple:
    """Documents by date, then reference and title."""
    return (document.date or "9999", document.reference, document.title)


def _event(event: Event) -> Event:
    return replace(
        event,
        title=clean(event.title),
        reference=clean(event.reference),
        url=clean_url(event.url),
        source=clean(event.source),
        details=clean(event.details),
    )


def _document(document: Document) -> Document:
    return replace(
        document,
        title=clean(document.title),
        reference=clean(document.reference),
        url=clean_url(document.url),
        kind=clean(document.kind),
    )


def _item(item: Item) -> Item:
    return replace(
        item, title=clean(item.title), link=clean_url(item.link), summary=clean(item.summary)
    )
