"""A file's page, its timeline as CSV or JSON, its Atom feed, and two versions compared.

Pages need a signed-in user; the timeline downloads and the feed also open with a feed token.
On a public tracker visitors read them all (web.visitors)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session

from db import repo
from db.models import Dossier
from web import diffview, exports, render, views
from web.deps import Db
from web.official import official_pages
from web.visitors import OpenFeedReader, OpenReader

router = APIRouter(include_in_schema=False)
# Two sources word one file differently: a diff across them shows the wording, not a change.
_ACROSS = (
    "Version {old[0].seq} of {old[1]} and version {new[0].seq} of {new[1]} come from two "
    "sources, and a comparison shows what changed in one source: choose two versions of "
    "{new[1]} (or two of {old[1]})."
)


def find_file(session: Session, key: str) -> Dossier:
    """The file with this key, or a 404 that says so."""
    dossier = repo.dossier_by_key(session, key=key)
    if dossier is None:
        raise HTTPException(404, f"No file {key!r} in Lexwatch.")
    return dossier


@router.get("/files")
def file_list(request: Request, _user: OpenReader, session: Db, jurisdiction: str = "") -> Response:
    files = repo.file_page_list(session, jurisdiction=jurisdiction, limit=500)
    return render.page(request, "files.html", files=files, jurisdiction=jurisdiction)


@router.get("/files/{key:path}/timeline.csv")
def timeline_csv(key: str, _user: OpenFeedReader, session: Db) -> Response:
    steps = views.dossier_dict(session, find_file(session, key))["timeline"]
    return exports.csv_download(steps, exports.STEP_COLUMNS, f"{key}-timeline.csv")


@router.get("/files/{key:path}/timeline.json")
def timeline_json(key: str, _user: OpenFeedReader, session: Db) -> Response:
    data = views.dossier_dict(session, find_file(session, key))
    return exports.json_download(data, f"{key}-timeline.json")


@router.get("/files/{key:path}/feed.atom")
def file_feed(request: Request, key: str, _user: OpenFeedReader, session: Db) -> Response:
    dossier = find_file(session, key)
    changes = repo.changes_of_file(session, dossier_id=dossier.id, limit=50)
    updated = changes[0][0].detected_at if changes else dossier.updated_at
    body = render.text(
        request,
        "file.atom.xml",
        dossier=dossier,
        changes=changes,
        base=request.app.state.settings.base_url,
        updated=updated,
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.get("/files/{key:path}")
def file_page(request: Request, key: str, _user: OpenReader, session: Db) -> Response:
    dossier = find_file(session, key)
    return render.page(
        request,
        "file.html",
        dossier=dossier,
        data=views.dossier_dict(session, dossier),
        documents=repo.documents_of(session, dossier_id=dossier.id),
        changes=repo.changes_of_file(session, dossier_id=dossier.id),
        versions=by_source(repo.versions_of(session, dossier_id=dossier.id)),
        official=official_pages(dossier.key, repo.newest_records(session, dossier_id=dossier.id)),
    )


def by_source(versions: list[repo.VersionInfo]) -> dict[str, list[repo.VersionInfo]]:
    """A file's versions per source (the compare picker offers one source at a time)."""
    grouped: dict[str, list[repo.VersionInfo]] = {}
    for version in versions:
        grouped.setdefault(version.source, []).append(version)
    return grouped


@router.get("/compare")
def compare(
    request: Request,
    _user: OpenReader,
    session: Db,
    a: int = 0,
    b: int = 0,
    view: str = "side",
    context: str = "",
) -> Response:
    """Version `a` against version `b` (by default the one before `b` of the same source)."""
    new = repo.version_with_source(session, version_id=b)
    if new is None:
        raise HTTPException(404, "Choose two versions to compare (?a=…&b=…).")
    old_id = a or repo.previous_version_id(session, version_id=b) or 0
    old = repo.version_with_source(session, version_id=old_id)
    if old and old[0].source_id != new[0].source_id:
        raise HTTPException(400, _ACROSS.format(old=old, new=new))
    shown = diffview.comparison(old[0].record if old else {}, new[0].record, full=context == "all")
    return render.page(
        request,
        "compare.html",
        old=old,
        new=new,
        shown=shown,
        view="inline" if view == "inline" else "side",
        context=context,
        file=repo.file_by_id(session, dossier_id=new[0].dossier_id),
    )
