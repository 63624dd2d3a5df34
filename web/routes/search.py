"""The search page, its results, and a search as CSV, JSON or an Atom feed (same query string).

The page needs a signed-in user; the CSV, JSON and Atom forms also open with a feed token.
On a public tracker visitors read them all, their searches limited per address (web.visitors)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from db import repo
from web import exports, render
from web.deps import Db
from web.params import search_query
from web.visitors import OpenReader, SearchFeedReader, SearchReader

router = APIRouter(include_in_schema=False)
EXPORT_LIMIT = 1000


@router.get("/")
def home(request: Request, _user: OpenReader, session: Db) -> Response:
    changes = repo.latest_changes(session, limit=15)
    files = repo.file_page_list(session, limit=15)
    return render.page(request, "home.html", changes=changes, files=files, query=search_query({}))


@router.get("/search")
def search_page(request: Request, _user: SearchReader, session: Db) -> Response:
    query = search_query(request.query_params)
    result = repo.search(session, query=query)
    pages = -(-result.total // query.per_page) if result.total else 0
    return render.page(
        request, "search.html", query=query, result=result, pages=pages, history=repo.HISTORY
    )


@router.get("/search.csv")
def search_csv(request: Request, _user: SearchFeedReader, session: Db) -> Response:
    rows = _export_rows(request, session)
    return exports.csv_download(rows, exports.HIT_COLUMNS, "lexwatch-search.csv")


@router.get("/search.json")
def search_json(request: Request, _user: SearchFeedReader, session: Db) -> Response:
    query = search_query(request.query_params)
    data = {"query": exports.query_dict(query), "results": _export_rows(request, session)}
    return exports.json_download(data, "lexwatch-search.json")


@router.get("/search.atom")
def search_feed(request: Request, _user: SearchFeedReader, session: Db) -> Response:
    query = search_query(request.query_params)
    hits = repo.search_feed(session, query=query)
    body = render.text(
        request,
        "search.atom.xml",
        query=query,
        hits=hits,
        base=_base(request),
        updated=_updated(hits),
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")


def _export_rows(request: Request, session: Session) -> list[dict]:
    query = replace(search_query(request.query_params), page=1, per_page=EXPORT_LIMIT)
    hits = repo.search(session, query=query, facets=False).hits
    base = _base(request)
    return [exports.hit_row(rank, hit, base) for rank, hit in enumerate(hits, 1)]


def _base(request: Request) -> str:
    return request.app.state.settings.base_url


def _updated(hits: list[repo.Hit]) -> datetime:
    return max((h.seen_at for h in hits if h.seen_at), default=datetime.now(UTC))
