"""The health board's "check now": an admin's form (CSRF-protected) that fetches one source live,
saves nothing, and shows the same verdict and advice as `lexwatch sources check`."""

from __future__ import annotations

import re
from html import unescape

from db import repo
from db.engine import session_scope
from db.models import Source

from .conftest import csrf_token

PAGE = "<html><head><title>LIBE</title></head><body><div id='main'><p>Awaiting plenary</p></div></body></html>"


def _add(app, name: str, url: str) -> int:
    with session_scope(app.state.engine) as session:
        source = Source(name=name, kind="page", url=url, params={}, every_seconds=3600)
        repo.add_source(session, source=source)
        return source.id


def _check_form(board: str, source_id: int) -> str:
    """The board's check form of a source: the link the admin follows."""
    action = f"/admin/sources/{source_id}/check"
    assert f'<form method="post" action="{action}"' in board
    return action


def _notice(html: str) -> str:
    found = re.search(r'<p class="notice" role="status">(.*?)</p>', html, re.DOTALL)
    return unescape(found.group(1)) if found else ""


def test_check_now_shows_the_verdict_on_the_board(app, admin, site) -> None:
    site.serve("/ok.html", PAGE)
    ok, gone = _add(app, "libe", site.url("/ok.html")), _add(app, "old", site.url("/nothing.html"))
    board = admin.get("/admin").text
    token = csrf_token(admin, "/admin")

    response = admin.post(_check_form(board, ok), data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/admin"
    assert _notice(admin.get("/admin").text) == "Checked libe: ok — nothing to do."

    admin.post(_check_form(board, gone), data={"csrf_token": token})
    notice = _notice(admin.get("/admin").text)
    assert notice.startswith("Checked old: not found — the address is gone")
    assert [path for path, _ in site.requests].count("/ok.html") == 1, "one live request"
    assert admin.get("/api/sources").json()[0]["health"] == "new", "and nothing recorded"


def test_check_now_needs_an_admin_and_the_form_token(app, admin, reader, site) -> None:
    source_id = _add(app, "libe", site.url("/ok.html"))
    path = f"/admin/sources/{source_id}/check"
    assert admin.post(path, data={}).status_code == 403
    assert reader.post(path, data={"csrf_token": csrf_token(reader, "/")}).status_code == 403
    assert site.requests == [], "a refused form fetches nothing"


def test_the_web_form_takes_render_like_the_command_line(admin, site) -> None:
    token = csrf_token(admin, "/admin/sources/new")
    data = {
        "kind": "page",
        "url": site.url("/ok.html"),
        "name": "libe",
        "every": "6h",
        "csrf_token": token,
        "action": "save",
    }
    refused = admin.post("/admin/sources/new", data=data | {"params": "render=chrome"})
    assert (
        refused.status_code == 400
        and "render &#39;chrome&#39; is not a way to fetch" in refused.text
    )
    assert (
        admin.post("/admin/sources/new", data=data | {"params": "render=browser"}).status_code
        == 303
    )
    assert admin.get("/api/sources").json()[0]["params"] == {"render": "browser"}
