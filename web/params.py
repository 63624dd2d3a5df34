"""Reading a search from a query string: the permalink of a search is its URL.

Every value loses its control characters first: a NUL reaches neither FTS5
(which read `a\x00b` as a broken query) nor PostgreSQL (which refuses NUL in
text), and nothing else a person could type is one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from db.repo.searchresults import ORDERS, SearchQuery

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")

FILTERS = ("jurisdiction", "stage", "change", "source", "type", "from", "to")
YES = ("1", "true", "yes", "on")  # a checkbox sends "on"


def search_query(params: Mapping[str, str], *, per_page: int = 20) -> SearchQuery:
    """A SearchQuery from ?q=…&jurisdiction=…&from=…&page=…&order=newest&exact=1; junk is ignored."""
    clean = {name: clean_text(value) for name, value in params.items()}
    return SearchQuery(
        text=clean.get("q", "")[:500],
        jurisdiction=clean.get("jurisdiction", ""),
        stage=clean.get("stage", ""),
        change=clean.get("change", ""),
        source=clean.get("source", ""),
        type=clean.get("type", ""),
        date_from=_day(clean.get("from", "")),
        date_to=_day(clean.get("to", "")),
        page=_number(clean.get("page", ""), 1),
        per_page=per_page,
        order=_choice(clean.get("order", ""), ORDERS),
        exact=clean.get("exact", "").lower() in YES,
    )


def _choice(text: str, choices: tuple[str, ...]) -> str:
    """The value when it is one of the choices, else the first choice (the default)."""
    return text if text in choices else choices[0]


def clean_text(value: str) -> str:
    """Control characters become a space (so `a\x00b` is two words), ends trimmed."""
    return _CONTROL.sub(" ", value).strip()


def _day(text: str) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD, else nothing."""
    text = text.strip()[:10]
    digits = text.replace("-", "")
    return text if digits.isdigit() and len(digits) in (4, 6, 8) else ""


def _number(text: str, default: int) -> int:
    return min(int(text), 10_000) if text.isdigit() and int(text) > 0 else default
