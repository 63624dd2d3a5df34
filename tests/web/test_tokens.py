"""Credentials with a scope: the feed token opens feeds, exports and the read-only API and
nothing else, and it can be rotated; a new password or a sign-out ends sessions for good."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from fastapi.routing import APIRoute

from db import repo
from db.engine import session_scope
from web import auth
from web.app import create_app

from .conftest import FILE_KEY, PASSWORD, add_user, csrf_token, sign_in

TOKEN_ROUTES = {  # (method, path): everything a feed token opens
    ("GET", "/search.atom"),
    ("GET", "/search.csv"),
    ("GET", "/search.json"),
    ("GET", "/files/{key:path}/feed.atom"),
    ("GET", "/files/{key:path}/timeline.csv"),
    ("GET", "/files/{key:path}/timeline.json"),
    ("GET", "/api/dossiers"),
    ("GET", "/api/dossiers/{key:path}"),
    ("GET", "/api/changes"),
    ("GET", "/api/search"),
    ("GET", "/api/sources"),
    ("GET", "/changes.csv"),
    ("GET", "/changes.atom"),
}
PUBLIC = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),  # no user needed
    ("GET", "/unsubscribe/{token}"),
    ("POST", "/unsubscribe/{token}"),
}
FORM = {
    "email": "evil@example.org",
    "password": "a long password",
    "role": "admin",
    "kind": "page",
    "url": "https://example.org/",
    "name": "evil",
    "action": "save",
    "current": PASSWORD,
    "new": "taken over password",
    "again": "taken over password",
}


def token_of(client) -> str:
    """The feed token the account page shows."""
    return client.get("/account").text.split('<pre class="token">')[1].split("</pre>")[0]


def _routes(app) -> list[tuple[str, str, APIRoute]]:
    """Every (method, path, route) the app answers, walked from the app itself."""
    found = sorted((m, r.path, r) for r in _api_routes(app.routes) for m in r.methods)
    assert ("POST", "/admin/users") in {(m, p) for m, p, _r in found} and len(found) > 30
    return found


def _api_routes(routes: list) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        inner = getattr(route, "original_router", None)  # an included router
        if inner is not None:
            yield from _api_routes(inner.routes)


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path.replace("{key:path}", FILE_KEY))


def _opens_with_token(route: APIRoute) -> bool:
    """True when the route (through any dependency) accepts a feed token."""
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        if dependant.call is auth.feed_reader:
            return True
        pending.extend(dependant.dependencies)
    return False


def test_the_token_scope_is_exactly_feeds_exports_and_the_read_api(app) -> None:
    opened = {(method, path) for method, path, route in _routes(app) if _opens_with_token(route)}
    assert opened == TOKEN_ROUTES


def test_the_token_opens_every_feed_export_and_api_answer(app, reader, anonymous, history) -> None:
    token = token_of(reader)
    for method, path in sorted(TOKEN_ROUTES):
        query = {"q": "child"} if "search" in path else {}
        target = _concrete(path)
        by_query = anonymous.request(method, target, params=query | {"token": token})
        bearer = {"Authorization": f"Bearer {token}"}
        by_header = anonymous.request(method, target, params=query, headers=bearer)
        assert (by_query.status_code, by_header.status_code) == (200, 200), path
    assert "<entry>" in anonymous.get("/search.atom", params={"q": "child", "token": token}).text


def test_an_admin_token_opens_no_page_and_authenticates_no_post(app, admin, history) -> None:
    token, before = token_of(admin), _state(app)
    for method, path, _route in _routes(app):
        if (method, path) in TOKEN_ROUTES | PUBLIC:
            continue
        for way in ("query", "header"):
            response = _with_token(app, method, _concrete(path), token, way)
            assert response.status_code in (401, 403), (method, path, way, response.status_code)
            assert "feed token opens feeds" in response.text, (method, path)
    assert _state(app) == before, "nothing changed"
    assert admin.get("/admin").status_code == 200, "the admin's own session still works"


def _with_token(app, method: str, path: str, token: str, way: str):
    """A request from a fresh browser: its own anonymous session's CSRF token, plus the token."""
    from fastapi.testclient import TestClient

    with TestClient(app, follow_redirects=False) as stranger:
        data = FORM | {"csrf_token": csrf_token(stranger)} if method != "GET" else None
        if way == "query":
            return stranger.request(method, path, params={"token": token}, data=data)
        headers = {"Authorization": f"Bearer {token}"}
        return stranger.request(method, path, headers=headers, data=data)


def _state(app) -> tuple:
    with session_scope(app.state.engine) as session:
        users = [
            (u.email, u.role, u.password_hash, u.session_stamp, u.token_stamp)
            for u in repo.list_users(session)
        ]
        sources = [(s.name, s.enabled) for s in repo.list_sources(session)]
    return users, sources


def test_the_attack_from_the_issue_creates_no_admin(app, admin, anonymous) -> None:
    token = token_of(admin)
    form = {
        "email": "evil@example.org",
        "password": "a long password",
        "role": "admin",
        "csrf_token": csrf_token(anonymous),
    }
    refused = anonymous.post(f"/admin/users?token={token}", data=form)
    assert refused.status_code == 403
    bearer = anonymous.post("/admin/users", data=form, headers={"Authorization": f"Bearer {token}"})
    assert bearer.status_code == 403
    with session_scope(app.state.engine) as session:
        assert [u.email for u in repo.list_users(session)] == ["admin@example.org"]


def test_a_wrong_or_forged_token_is_a_401_on_feeds(reader, anonymous, history) -> None:
    user_id, _, mac = token_of(reader).partition(".")
    for token in (f"{user_id}.{'0' * len(mac)}", "nonsense", f"999.{mac}"):
        response = anonymous.get("/search.atom", params={"q": "child", "token": token})
        assert response.status_code == 401 and "not valid" in response.text
        assert anonymous.get("/api/sources", params={"token": token}).status_code == 401


def test_rotating_the_token_on_the_account_page_voids_the_old_one(reader, anonymous) -> None:
    old = token_of(reader)
    assert anonymous.get("/api/sources", params={"token": old}).status_code == 200
    response = reader.post("/account/token", data={"csrf_token": csrf_token(reader, "/account")})
    assert response.status_code == 303 and response.headers["location"] == "/account"
    page = reader.get("/account").text
    assert "You have a new token" in page
    new = token_of(reader)
    assert new != old and new in page
    assert anonymous.get("/api/sources", params={"token": old}).status_code == 401
    assert (
        anonymous.get("/api/sources", headers={"Authorization": f"Bearer {old}"}).status_code == 401
    )
    assert anonymous.get("/api/sources", params={"token": new}).status_code == 200
    assert f"token={new}" in reader.get("/search?q=x").text, "feed links follow"


def test_rotating_the_token_from_the_command_line(lexwatch, monkeypatch) -> None:
    from fastapi.testclient import TestClient

    from vocab.settings import get_settings

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert lexwatch("users", "add", "r@example.org", "--password-stdin").code == 0
    shown = lexwatch("users", "token", "r@example.org")
    rotated = lexwatch("users", "token", "r@example.org", "--rotate")
    assert (shown.code, rotated.code) == (0, 0)
    old, new = shown.out.strip(), rotated.out.strip()
    assert old != new and re.fullmatch(r"\d+\.[0-9a-f]{40}", new)
    with TestClient(create_app(get_settings())) as client:
        assert client.get("/api/sources", params={"token": old}).status_code == 401
        assert client.get("/api/sources", params={"token": new}).status_code == 200
    missing = lexwatch("users", "token", "nobody@example.org", "--rotate")
    assert missing.code == 2 and "no user nobody@example.org" in missing.err


# -- passwords and sessions --------------------------------------------------------------


def _second_browser(app):
    from fastapi.testclient import TestClient

    client = TestClient(app, follow_redirects=False)
    sign_in(client, "reader@example.org")
    return client


def test_a_password_change_on_the_web_ends_every_other_session(app, reader) -> None:
    other, token = _second_browser(app), token_of(reader)
    assert other.get("/").status_code == 200
    for fields, message in [
        (
            {"current": "not my password", "new": "new password 1", "again": "new password 1"},
            "current password is wrong",
        ),
        ({"current": PASSWORD, "new": "new password 1", "again": "new password 2"}, "differ"),
        ({"current": PASSWORD, "new": "short", "again": "short"}, "too short"),
    ]:
        response = reader.post(
            "/account/password", data=fields | {"csrf_token": csrf_token(reader, "/account")}
        )
        assert response.status_code == 400 and message in response.text, message
    assert other.get("/").status_code == 200, "a refused change ends nothing"
    data = {"current": PASSWORD, "new": "new password 1", "again": "new password 1"}
    response = reader.post(
        "/account/password", data=data | {"csrf_token": csrf_token(reader, "/account")}
    )
    assert response.status_code == 303
    assert "every other session of yours has ended" in reader.get("/account").text
    assert reader.get("/").status_code == 200, "this browser stays signed in"
    assert other.get("/").status_code == 303, "the other browser is signed out"
    assert token_of(reader) == token, "the feed token is not the password"
    other.close()
    with _client(app) as fresh:
        data = {
            "email": "reader@example.org",
            "password": PASSWORD,
            "csrf_token": csrf_token(fresh),
        }
        assert fresh.post("/login", data=data).status_code == 400
        sign_in(fresh, "reader@example.org", "new password 1")


def test_a_password_change_from_the_command_line_ends_every_session(
    app, reader, lexwatch, monkeypatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("set by the admin\n"))
    result = lexwatch("users", "password", "reader@example.org", "--password-stdin")
    assert result.code == 0 and "sessions have ended" in result.out
    assert reader.get("/").status_code == 303
    sign_in(reader, "reader@example.org", "set by the admin")
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    result = lexwatch("users", "password", "reader@example.org", "--password-stdin")
    assert result.code == 2 and "too short" in result.err
    monkeypatch.setattr("sys.stdin", io.StringIO("long enough password\n"))
    result = lexwatch("users", "password", "nobody@example.org", "--password-stdin")
    assert result.code == 2 and "no user nobody@example.org" in result.err


def _client(app):
    from fastapi.testclient import TestClient

    return TestClient(app, follow_redirects=False)


def test_a_cookie_replayed_after_sign_out_is_refused(app, reader) -> None:
    kept = reader.cookies.get("lexwatch_session")
    other = _second_browser(app)
    assert reader.post("/logout", data={"csrf_token": csrf_token(reader, "/")}).status_code == 303
    with _client(app) as thief:
        thief.cookies.set("lexwatch_session", kept)
        response = thief.get("/")
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
        assert thief.get("/api/sources").status_code == 401
        assert thief.get("/account").status_code == 303
    assert other.get("/").status_code == 303, "signing out ends the user's sessions everywhere"
    other.close()


def test_a_removed_user_s_cookie_opens_nothing_for_a_user_created_after(app, admin) -> None:
    add_user(app, "gone@example.org", "admin")
    with _client(app) as gone:
        sign_in(gone, "gone@example.org")
        kept = gone.cookies.get("lexwatch_session")
        token = token_of(gone)
    with session_scope(app.state.engine) as session:
        repo.remove_user(session, user=repo.user_by_email(session, email="gone@example.org"))
    add_user(app, "new@example.org", "admin")  # SQLite may give it the same id
    with _client(app) as replay:
        replay.cookies.set("lexwatch_session", kept)
        assert replay.get("/admin").status_code == 303
        assert replay.get("/api/sources", params={"token": token}).status_code == 401


def test_the_upgrade_gives_each_existing_user_stamps_of_their_own(tmp_path) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, inspect, text

    from db.engine import MIGRATIONS

    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))

    def to(revision: str, step=command.upgrade) -> None:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, revision)

    to("0002")
    with engine.begin() as connection:
        for n in (1, 2):
            connection.execute(
                text(
                    "INSERT INTO user (email, password_hash, role, created_at, failed_logins) "
                    f"VALUES ('u{n}@example.org', 'h', 'reader', '2026-01-01 00:00:00', 3)"
                )
            )
    to("head")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT session_stamp, token_stamp FROM user")).all()
    stamps = [stamp for row in rows for stamp in row]
    assert len(stamps) == 4 == len(set(stamps)) and all(len(s) >= 20 for s in stamps)
    assert "failed_logins" not in {c["name"] for c in inspect(engine).get_columns("user")}
    to("0002", command.downgrade)
    assert "signinfailure" not in inspect(engine).get_table_names()
    to("head")
    engine.dispose()
