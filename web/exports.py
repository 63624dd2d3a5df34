"""Search results and timelines as plain rows, and those rows as CSV or JSON downloads.

A spreadsheet runs a cell that starts with = + - @ as a formula; scraped text
can start that way, so such cells get a leading apostrophe in CSV.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi.responses import Response

from db.repo import Hit, SearchQuery
from vocab.links import file_url

HIT_COLUMNS = (
    "rank",
    "type",
    "title",
    "file",
    "file_title",
    "source",
    "date",
    "snippet",
    "matches",
    "url",
)
STEP_COLUMNS = (
    "date",
    "title",
    "step",
    "forecast",
    "sources",
    "references",
    "first_seen_at",
    "url",
    "file",
)
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def snippet_text(hit: Hit) -> str:
    """A hit's snippet without marks."""
    return "".join(text for text, _marked in hit.snippet)


def hit_row(rank: int, hit: Hit, base_url: str) -> dict[str, Any]:
    """One search hit as a row of an export or of the API."""
    return {
        "rank": rank,
        "type": hit.type,
        "title": hit.title,
        "file": hit.file_key,
        "file_title": hit.file_title,
        "source": hit.source,
        "date": hit.date,
        "snippet": snippet_text(hit),
        "matches": hit.matches,
        "url": file_url(base_url, hit.file_key) if hit.file_key else "",
    }


def query_dict(query: SearchQuery) -> dict[str, Any]:
    """The search as it was asked, for an export's header."""
    # The order and exactness show only when not the default, as an empty filter does not.
    unset = {"order": "relevance", "exact": False}
    return {
        name: value
        for name, value in vars(query).items()
        if value not in ("", None) and not (name in unset and value == unset[name])
    }


def csv_download(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], filename: str
) -> Response:
    """Rows as a CSV attachment."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in columns])
    return Response(
        out.getvalue(), media_type="text/csv; charset=utf-8", headers=_attachment(filename)
    )


def json_download(data: Any, filename: str) -> Response:
    """Data as a JSON attachment."""
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(body, media_type="application/json", headers=_attachment(filename))


def _cell(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _attachment(filename: str) -> dict[str, str]:
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in filename)
    return {"Content-Disposition": f'attachment; filename="{safe}"'}
