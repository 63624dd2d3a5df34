"""The Changes page: every change, newest first, filtered and paginated; the same filter as CSV
and as an Atom feed (the page links to both with its filters).

The page needs a signed-in user; the CSV and the feed also open with a feed token."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web import changelist, exports, render
from web.auth import FeedReader, Reader
from web.deps import Db

router = APIRouter(include_in_schema=False)
EXPORT_LIMIT = 1000
FEED_LIMIT = 50


@router.get("/changes")
def changes_page(request: Request, _user: Reader, session: Db) -> Response:
    wanted = changelist.change_filter(request.query_params)
    found = changelist.find(session, wanted)
    return render.page(
        request, "changes.html", wanted=wanted, found=found, choices=changelist.choices(session)
    )


@router.get("/changes.csv")
def changes_csv(request: Request, _user: FeedReader, session: Db) -> Response:
    wanted = changelist.change_filter(request.query_params)
    base = request.app.state.settings.base_url
    rows = [changelist.csv_row(r, base) for r in changelist.export(session, wanted, EXPORT_LIMIT)]
    return exports.csv_download(rows, changelist.CSV_COLUMNS, "lexwatch-changes.csv")


@router.get("/changes.atom")
def changes_feed(request: Request, _user: FeedReader, session: Db) -> Response:
    wanted = changelist.change_filter(request.query_params)
    rows = changelist.export(session, wanted, FEED_LIMIT)
    updated = rows[0].change.detected_at if rows else datetime.now(UTC)
    body = render.text(
        request,
        "changes.atom.xml",
        rows=rows,
        wanted=wanted,
        updated=updated,
        base=request.app.state.settings.base_url,
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")
