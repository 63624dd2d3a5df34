"""Reading a search from a query string: the permalink of a search is its URL."""

from __future__ import annotations

from collections.abc import Mapping

from db.repo.web import SearchQuery

FILTERS = ("jurisdiction", "stage", "change", "source", "type", "from", "to")


def search_query(params: Mapping[str, str], *, per_page: int = 20) -> SearchQuery:
    """A SearchQuery from ?q=…&jurisdiction=…&from=…&page=…; junk values are ignored."""
    return SearchQuery(
        text=params.get("q", "")[:500],
        jurisdiction=params.get("jurisdiction", ""),
        stage=params.get("stage", ""),
        change=params.get("change", ""),
        source=params.get("source", ""),
        type=params.get("type", ""),
        date_from=_day(params.get("from", "")),
        date_to=_day(params.get("to", "")),
        page=_number(params.get("page", ""), 1),
        per_page=per_page,
    )


def _day(text: str) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD, else nothing."""
    text = text.strip()[:10]
    digits = text.replace("-", "")
    return text if digits.isdigit() and len(digits) in (4, 6, 8) else ""


def _number(text: str, default: int) -> int:
    return min(int(text), 10_000) if text.isdigit() and int(text) > 0 else default
