"""The JSON API under /api/, described at /api/openapi.json. Read-only (GET only); a session
cookie or the feed token (`Authorization: Bearer <token>`, from the account page) opens it.
On a public tracker visitors read files, changes and search, their calls limited per address
(web.visitors); the sources' health stays with users, as the health board does."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request

from db import repo
from db.models import Dossier
from vocab.links import change_url, file_url
from web import exports, schemas, views
from web.auth import FeedReader
from web.deps import Db
from web.params import search_query
from web.visitors import ApiReader

router = APIRouter(prefix="/api", tags=["api"])


def _base(request: Request) -> str:
    return request.app.state.settings.base_url


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


@router.get("/dossiers", response_model=list[schemas.FileSummary], summary="List files")
def list_files(
    request: Request,
    _user: ApiReader,
    session: Db,
    jurisdiction: str = "",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[dict[str, Any]]:
    """Legislative files, most recently updated first."""
    files = repo.file_page_list(session, jurisdiction=jurisdiction, limit=limit, offset=offset)
    return [_summary(d, _base(request)) for d in files]


def _summary(dossier: Dossier, base: str) -> dict[str, Any]:
    return {
        "key": dossier.key,
        "title": dossier.title,
        "jurisdiction": dossier.jurisdiction,
        "stage": dossier.stage,
        "updated_at": _iso(dossier.updated_at),
        "url": file_url(base, dossier.key),
    }


@router.get("/dossiers/{key:path}", response_model=schemas.FileDetail, summary="One file")
def one_file(request: Request, key: str, _user: ApiReader, session: Db) -> dict[str, Any]:
    """A file: identifiers, stage, merged timeline, linked files, documents, versions, changes."""
    dossier = repo.dossier_by_key(session, key=key)
    if dossier is None:
        raise HTTPException(404, f"No file {key!r} in Lexwatch.")
    base = _base(request)
    return views.dossier_dict(session, dossier) | {
        "url": file_url(base, dossier.key),
        "documents": [
            _document(d, name) for d, name in repo.documents_of(session, dossier_id=dossier.id)
        ],
        "versions": [
            {"id": v.id, "source": v.source, "seq": v.seq, "created_at": _iso(v.created_at)}
            for v in repo.versions_of(session, dossier_id=dossier.id)
        ],
        "changes": [
            _change(c, name, dossier.key, base)
            for c, name in repo.changes_of_file(session, dossier_id=dossier.id)
        ],
    }


def _document(doc: Any, source: str) -> dict[str, Any]:
    return {
        "title": doc.title,
        "reference": doc.reference,
        "date": doc.date,
        "url": doc.url,
        "kind": doc.kind,
        "source": source,
        "first_seen_at": _iso(doc.first_seen_at),
    }


def _change(change: Any, source: str, key: str | None, base: str) -> dict[str, Any]:
    url = change_url(base, key, change.id) if key else None
    return views.change_dict(change, source, key) | {"url": url}


@router.get("/changes", response_model=list[schemas.ChangeOut], summary="Recent changes")
def recent_changes(
    request: Request,
    _user: ApiReader,
    session: Db,
    since: Annotated[datetime | None, Query(description="ISO date or time")] = None,
    source: Annotated[list[str] | None, Query(description="source name, repeatable")] = None,
    kind: Annotated[list[str] | None, Query(description="kind of change, repeatable")] = None,
    significance: Annotated[list[str] | None, Query(description="major, notable, minor")] = None,
    dossier: Annotated[str, Query(description="a file's key")] = "",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """Changes, newest first, filtered by time, source, kind, significance or file."""
    when = since.replace(tzinfo=since.tzinfo or UTC) if since else None
    rows = repo.latest_changes(
        session,
        since=when,
        sources=source or [],
        kinds=kind or [],
        significance=significance or [],
        dossier_key=dossier,
        limit=limit,
    )
    return [_change(c, name, key, _base(request)) for c, name, key in rows]


@router.get("/search", response_model=schemas.SearchOut, summary="Full-text search")
def search(
    request: Request,
    _user: ApiReader,
    session: Db,
    q: Annotated[str, Query(description='words, "phrases", prefix*, a OR b')] = "",
    jurisdiction: str = "",
    stage: str = "",
    change: Annotated[str, Query(description="kind of change, e.g. stage_changed")] = "",
    source: str = "",
    type: Annotated[str, Query(description="file, event, document or version")] = "",
    from_: Annotated[str, Query(alias="from", description="YYYY-MM-DD")] = "",
    to: Annotated[str, Query(description="YYYY-MM-DD")] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
    order: Annotated[str, Query(description="relevance (default) or newest")] = "relevance",
    exact: Annotated[
        bool, Query(description="only the words typed: no topic names, no compounds")
    ] = False,
) -> dict[str, Any]:
    """Ranked hits with snippets (matched words flagged), facet counts, what else was searched,
    and suggestions when nothing was found."""
    query = search_query(request.query_params, per_page=per_page)
    result = repo.search(session, query=query)
    first = (query.page - 1) * query.per_page
    return {
        "query": exports.query_dict(query),
        "total": result.total,
        "page": query.page,
        "matched": result.matched,
        "approximate": result.approximate,
        "estimated": result.estimated,
        "total_label": f"{result.total:,}" + ("+" if result.estimated else ""),
        "per_page": query.per_page,
        "order": query.order,
        "exact": query.exact,
        "also": list(result.also),
        "suggestions": _suggestions(result.suggestions, _base(request)),
        "results": [_hit(first + i, hit, _base(request)) for i, hit in enumerate(result.hits, 1)],
        "facets": {
            name: [{"value": v, "count": n} for v, n in values]
            for name, values in result.facets.items()
        },
    }


def _suggestions(offer: repo.Suggestions | None, base: str) -> dict[str, Any] | None:
    if offer is None:
        return None
    files = [{"key": key, "title": title, "url": file_url(base, key)} for key, title in offer.files]
    return {"words": list(offer.words), "files": files}


def _hit(rank: int, hit: repo.Hit, base: str) -> dict[str, Any]:
    row = exports.hit_row(rank, hit, base)
    pieces = [{"text": text, "match": marked} for text, marked in hit.snippet]
    return row | {"id": hit.id, "score": hit.score, "snippet": pieces}


@router.get("/sources", response_model=list[schemas.SourceOut], summary="Watched sources")
def sources(request: Request, _user: FeedReader, session: Db) -> list[dict[str, Any]]:
    """Every source with its health, last run, last success, last change and next run."""
    tz = request.app.state.settings.timezone
    return views.status_rows(session, now=datetime.now(UTC), timezone=tz)
