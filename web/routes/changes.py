"""The Changes page: every change, newest first, filtered and paginated; the same filter as CSV
and as an Atom feed (the page links to both with its filters).

The page needs a signed-in user; the CSV and the feed also open with a feed token. On a public
tracker visitors read them too, without the watch filter: watches are the users' (web.visitors)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from db.models import User
from db.repo.changes import ChangeFilter
from web import changelist, exports, render
from web.deps import Db
from web.visitors import OpenFeedReader, OpenReader

router = APIRouter(include_in_schema=False)
EXPORT_LIMIT = 1000
FEED_LIMIT = 50


@router.get("/changes")
def changes_page(request: Request, user: OpenReader, session: Db) -> Response:
    wanted = _wanted(request, user)
    found = changelist.find(session, wanted)
    choices = changelist.choices(session) | ({} if user else {"watches": []})
    return render.page(request, "changes.html", wanted=wanted, found=found, choices=choices)


def _wanted(request: Request, user: User | None) -> ChangeFilter:
    """The filter asked for; a visitor's without a watch (watches belong to users)."""
    wanted = changelist.change_filter(request.query_params)
    return wanted if user else replace(wanted, watch="")


@router.get("/changes.csv")
def changes_csv(request: Request, user: OpenFeedReader, session: Db) -> Response:
    wanted = _wanted(request, user)
    base = request.app.state.settings.base_url
    rows = [changelist.csv_row(r, base) for r in changelist.export(session, wanted, EXPORT_LIMIT)]
    return exports.csv_download(rows, changelist.CSV_COLUMNS, "lexwatch-changes.csv")


@router.get("/changes.atom")
def changes_feed(request: Request, user: OpenFeedReader, session: Db) -> Response:
    wanted = _wanted(request, user)
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
