"""Safe by construction: CSRF on every form, scraped text escaped, security headers, no inline code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.routing import APIRoute

from db import repo
from db.engine import session_scope
from vocab.links import file_path
from web.app import ROUTE_MODULES
from web.render import TEMPLATES, http_url

from .conftest import FILE_KEY, add_user, csrf_token, store_history

EVIL = "<script>alert(1)</script>"


def _post_routes(app, exempt: bool = False) -> list[str]:
    """Every unsafe route of every router of the app that the CSRF check covers (or, `exempt`,
    that it leaves out), ids filled in (1 exists in these tests)."""
    routers = [module.router for module in ROUTE_MODULES]
    assert all(r in app.state.routers for r in routers)
    paths = []
    for route in (route for router in routers for route in router.routes):
        unsafe = isinstance(route, APIRoute) and route.methods & {"POST", "PUT", "PATCH", "DELETE"}
        if unsafe and getattr(route.endpoint, "csrf_exempt", False) == exempt:
            paths.append(re.sub(r"\{[^}]+\}", "1", route.path))
    return sorted(paths)


def test_only_the_one_click_unsubscribe_goes_without_a_csrf_token(app) -> None:
    assert _post_routes(app, exempt=True) == ["/unsubscribe/1"]  # RFC 8058: no session there


def test_the_app_has_the_forms_this_test_expects(app) -> None:
    assert _post_routes(app) == [
        "/account/password",
        "/account/token",
        "/admin/sources/1/check",
        "/admin/sources/1/delete",
        "/admin/sources/1/edit",
        "/admin/sources/1/pause",
        "/admin/sources/new",
        "/admin/subscribers/1/delete",
        "/admin/subscribers/1/edit",
        "/admin/subscribers/new",
        "/admin/users",
        "/admin/users/1/delete",
        "/admin/watches/1/delete",
        "/admin/watches/1/edit",
        "/admin/watches/new",
        "/login",
        "/logout",
    ]


@pytest.mark.parametrize("token", ["", "forged-token", "previous-session"])
def test_every_form_rejects_a_missing_or_wrong_csrf_token(app, admin, history, token) -> None:
    users = 1 + (token == "previous-session")
    if token == "previous-session":
        token = csrf_token(
            admin, "/admin"
        )  # valid for this session: made stale by signing in again
        add_user(app, "other@example.org", "admin")
        admin.post(
            "/login",
            data={
                "email": "other@example.org",
                "password": "correct horse battery",
                "csrf_token": csrf_token(admin),
            },
        )
    for path in _post_routes(app):
        data = {
            "kind": "page",
            "url": "https://example.org/",
            "name": "x",
            "email": "a@b.c",
            "password": "long enough password",
            "action": "save",
        }
        if token:
            data["csrf_token"] = token
        response = admin.post(path, data=data)
        assert response.status_code == 403, path
        assert "form has expired" in response.text
    with session_scope(app.state.engine) as session:
        assert [s.name for s in repo.list_sources(session)] == ["oeil"]
        assert repo.list_sources(session)[0].enabled
        assert repo.count_users(session) == users


def test_a_header_token_is_accepted_like_a_form_field(admin, history) -> None:
    token = csrf_token(admin, "/admin")
    response = admin.post("/admin/sources/1/pause", headers={"X-CSRF-Token": token})
    assert response.status_code == 303


def test_a_scraped_script_renders_as_text_everywhere(app, reader) -> None:
    store_history(app, title=f"{EVIL} Preventing abuse")
    pages = ["/", "/files", file_path(FILE_KEY), "/search?q=preventing", "/compare?b=2"]
    for path in pages:
        html = reader.get(path).text
        assert EVIL not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path
    feed = reader.get(file_path(FILE_KEY) + "/feed.atom").text
    assert EVIL not in feed and "&lt;script&gt;" in feed


def test_a_scraped_javascript_link_is_not_a_link(reader, history) -> None:
    html = reader.get(file_path(FILE_KEY)).text
    assert "Vote in committee, 1st reading" in html
    assert "javascript:" not in html
    assert 'href="https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:52022PC0209"' in html


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.org/a", True),
        ("http://x/", True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("data:text/html,x", False),
        ("//evil.example/", False),
        ("", False),
        ("http://[bad", False),
    ],
)
def test_http_url_keeps_only_web_addresses(url: str, kept: bool) -> None:
    assert bool(http_url(url)) is kept


def test_every_response_carries_the_security_headers(anonymous) -> None:
    for path in ("/login", "/", "/static/style.css", "/api/sources", "/no-such-page"):
        headers = anonymous.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_templates_have_no_inline_script_style_or_handlers() -> None:
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert not re.search(r"\sstyle=", text), template
        assert not re.search(r"\son[a-z]+=", text), template
        assert "|safe" not in text and "Markup" not in text, template
        assert not re.search(r"(src|href)=\"(https?:)?//", text), f"{template} loads from elsewhere"


def test_the_session_cookie_is_httponly_and_samesite(anonymous) -> None:
    cookie = anonymous.get("/login").headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie


def test_the_session_cookie_is_secure_over_https(app) -> None:
    from fastapi.testclient import TestClient

    with TestClient(app, base_url="https://testserver") as client:
        cookie = client.get("/login").headers["set-cookie"]
    assert "Secure" in cookie


def test_static_files_stay_in_their_folder(anonymous) -> None:
    assert anonymous.get("/static/../../config.py").status_code == 404
    assert Path(TEMPLATES).is_dir()
