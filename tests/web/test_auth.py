"""Who may do what: sign-in, roles, rate limits, sessions, secrets, and the commands that set them up."""

from __future__ import annotations

import os
import re
import stat

import pytest

from db import repo
from db.engine import session_scope
from vocab.links import file_path
from vocab.settings import get_settings
from web import auth, keys
from web.app import create_app

from .conftest import FILE_KEY, PASSWORD, add_user, client_at, csrf_token, sign_in

ERROR = re.compile(r'<p class="error" role="alert">([^<]*)</p>')
STRANGER, OWNER, PROXY = "198.51.100.7", "203.0.113.9", "10.0.0.2"

ADMIN_PAGES = [
    "/admin",
    "/admin/sources/new",
    "/admin/sources/1",
    "/admin/sources/1/edit",
    "/admin/sources/1/delete",
    "/admin/watches",
    "/admin/subscribers",
    "/admin/users",
]
ADMIN_ACTIONS = [
    "/admin/sources/new",
    "/admin/sources/1/edit",
    "/admin/sources/1/pause",
    "/admin/sources/1/delete",
    "/admin/users",
    "/admin/users/1/delete",
]


def test_anonymous_visitors_are_sent_to_sign_in_and_come_back(app, anonymous, history) -> None:
    for path in ["/", "/search?q=x", file_path(FILE_KEY), "/compare?b=1", *ADMIN_PAGES]:
        response = anonymous.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=%2F"), path
    add_user(app, "reader@example.org", "reader")
    data = {
        "email": "reader@example.org",
        "password": PASSWORD,
        "next": "/search?q=child",
        "csrf_token": csrf_token(anonymous),
    }
    response = anonymous.post("/login", data=data)
    assert (response.status_code, response.headers["location"]) == (303, "/search?q=child")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_signing_in_never_sends_the_browser_elsewhere(app, anonymous, target: str) -> None:
    add_user(app, "reader@example.org", "reader")
    data = {
        "email": "reader@example.org",
        "password": PASSWORD,
        "next": target,
        "csrf_token": csrf_token(anonymous),
    }
    assert anonymous.post("/login", data=data).headers["location"] == "/"


def test_a_reader_reads_but_reaches_no_admin_page_or_action(app, reader, history) -> None:
    for path in ["/", "/files", file_path(FILE_KEY), "/search?q=child", "/account", "/api/sources"]:
        assert reader.get(path).status_code == 200, path
    assert 'href="/admin"' not in reader.get("/").text
    for path in ADMIN_PAGES:
        response = reader.get(path)
        assert response.status_code == 403 and "Only admins" in response.text, path
    token = csrf_token(reader, "/")
    for path in ADMIN_ACTIONS:
        data = {
            "csrf_token": token,
            "kind": "page",
            "url": "https://example.org/",
            "action": "save",
            "email": "new@example.org",
            "password": "long enough password",
            "role": "admin",
        }
        assert reader.post(path, data=data).status_code == 403, path
    with session_scope(app.state.engine) as session:
        assert [(s.name, s.enabled) for s in repo.list_sources(session)] == [("oeil", True)]
        assert [u.email for u in repo.list_users(session)] == ["reader@example.org"]


def _attempt(client, email: str, password: str) -> tuple[int, str]:
    """One sign-in through the form: the status and the error shown."""
    data = {"email": email, "password": password, "csrf_token": csrf_token(client)}
    response = client.post("/login", data=data)
    shown = ERROR.search(response.text)
    return response.status_code, shown.group(1) if shown else ""


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(app, anonymous) -> None:
    add_user(app, "reader@example.org", "reader")
    for email in ("reader@example.org", "nobody@example.org"):
        assert _attempt(anonymous, email, "wrong password") == (400, auth.REFUSED)


def test_known_and_unknown_accounts_get_the_same_answers_all_the_way(app, anonymous) -> None:
    add_user(app, "reader@example.org", "reader")
    answers = {}
    for email in ("reader@example.org", "nobody@example.org"):
        answers[email] = [_attempt(anonymous, email, "wrong password") for _ in range(7)]
    assert answers["reader@example.org"] == answers["nobody@example.org"]
    assert set(answers["reader@example.org"]) == {(400, auth.REFUSED)}
    assert "wait a few minutes" in auth.REFUSED


def test_wrong_passwords_lock_one_account_from_one_address_only(app) -> None:
    add_user(app, "admin@example.org", "admin")
    with client_at(app, STRANGER) as stranger, client_at(app, OWNER) as owner:
        for _ in range(auth.LOCK_AFTER):
            assert _attempt(stranger, "admin@example.org", "guess guess guess")[0] == 400
        # Locked for this address: even the right password is refused, with the same words.
        assert _attempt(stranger, "admin@example.org", PASSWORD) == (400, auth.REFUSED)
        assert _attempt(owner, "admin@example.org", PASSWORD) == (303, ""), "not locked out"
    with client_at(create_app(get_settings()), STRANGER) as again:  # a restarted server
        assert _attempt(again, "admin@example.org", PASSWORD) == (400, auth.REFUSED)


def test_a_successful_sign_in_clears_the_count_for_that_address(app) -> None:
    add_user(app, "reader@example.org", "reader")
    with client_at(app, OWNER) as owner:
        for _ in range(auth.LOCK_AFTER - 1):
            _attempt(owner, "reader@example.org", "a typo typo")
        assert _attempt(owner, "reader@example.org", PASSWORD)[0] == 303
        for _ in range(auth.LOCK_AFTER - 1):
            _attempt(owner, "reader@example.org", "a typo typo")
        assert _attempt(owner, "reader@example.org", PASSWORD)[0] == 303


def test_x_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(app) -> None:
    app.state.limiter = auth.AddressLimiter(attempts=2, window=60)
    with client_at(app, STRANGER) as client:  # rotating the header gains nothing
        codes = [_forwarded(client, f"192.0.2.{n}") for n in range(3)]
    assert codes == [400, 400, 429]


def test_a_trusted_proxy_names_the_client(home, monkeypatch) -> None:
    monkeypatch.setenv("LEXWATCH_TRUSTED_PROXIES", f"{PROXY}, 10.9.0.0/16")
    get_settings.cache_clear()
    app = create_app(get_settings())
    app.state.limiter = auth.AddressLimiter(attempts=2, window=60)
    with client_at(app, PROXY) as proxy:
        assert [_forwarded(proxy, "192.0.2.1") for _ in range(3)] == [400, 400, 429]
        assert _forwarded(proxy, "192.0.2.2") == 400, "another client behind the proxy"
        # The rightmost address the proxies did not add is the client; what it claims is not.
        assert _forwarded(proxy, "192.0.2.1, 10.9.3.4") == 429
        assert _forwarded(proxy, "192.0.2.99, 192.0.2.1") == 429
    with client_at(app, STRANGER) as stranger:  # not a proxy: its header is ignored
        assert [_forwarded(stranger, f"192.0.2.{n}") for n in (50, 51, 52)] == [400, 400, 429]


def _forwarded(client, forwarded_for: str) -> int:
    data = {"email": "x@example.org", "password": "x" * 12, "csrf_token": csrf_token(client)}
    return client.post("/login", data=data, headers={"X-Forwarded-For": forwarded_for}).status_code


def test_one_address_cannot_try_many_accounts(app, anonymous) -> None:
    app.state.limiter = auth.AddressLimiter(attempts=3, window=60)
    add_user(app, "reader@example.org", "reader")
    codes = []
    for index in range(4):
        data = {
            "email": f"guess{index}@example.org",
            "password": "x" * 12,
            "csrf_token": csrf_token(anonymous),
        }
        codes.append(anonymous.post("/login", data=data).status_code)
    assert codes == [400, 400, 400, 429]
    data = {
        "email": "reader@example.org",
        "password": PASSWORD,
        "csrf_token": csrf_token(anonymous),
    }
    assert anonymous.post("/login", data=data).status_code == 429


def test_the_address_window_slides() -> None:
    limiter = auth.AddressLimiter(attempts=2, window=10)
    assert limiter.allow("a", now=0) and limiter.allow("a", now=1) and not limiter.allow("a", now=2)
    assert limiter.allow("b", now=2)
    assert limiter.allow("a", now=11.5)


def test_passwords_are_stored_as_argon2id_hashes(app) -> None:
    add_user(app, "reader@example.org", "reader")
    with session_scope(app.state.engine) as session:
        stored = repo.user_by_email(session, email="reader@example.org").password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_signing_out_ends_the_session(reader) -> None:
    assert reader.post("/logout", data={"csrf_token": csrf_token(reader, "/")}).status_code == 303
    assert reader.get("/").status_code == 303


def test_a_forged_session_cookie_is_ignored(app, anonymous) -> None:
    add_user(app, "admin@example.org", "admin")
    anonymous.cookies.set("lexwatch_session", "eyJzaWQiOiJ4IiwidWlkIjoxLCJleHAiOjk5OTk5OTk5OTl9.00")
    assert anonymous.get("/admin").status_code == 303


def test_bad_user_input_is_refused_with_a_reason(app) -> None:
    with session_scope(app.state.engine) as session:
        for email, password, role, message in [
            ("not-an-email", PASSWORD, "reader", "not an email"),
            ("a@b.c", "short", "reader", "too short"),
            ("a@b.c", PASSWORD, "owner", "does not exist"),
        ]:
            with pytest.raises(Exception, match=message):
                auth.create_user(session, email=email, password=password, role=role)


def test_an_admin_adds_and_removes_users_on_the_web(admin) -> None:
    token = csrf_token(admin, "/admin/users")
    data = {
        "email": "new@example.org",
        "password": "a long password",
        "role": "reader",
        "csrf_token": token,
    }
    assert admin.post("/admin/users", data=data).status_code == 303
    page = admin.get("/admin/users").text
    assert "new@example.org" in page and "Added new@example.org (reader)." in page
    again = admin.post("/admin/users", data=data)
    assert again.status_code == 400 and "exists already" in again.text
    assert admin.post("/admin/users/1/delete", data={"csrf_token": token}).status_code == 400, (
        "not yourself"
    )
    assert admin.post("/admin/users/2/delete", data={"csrf_token": token}).status_code == 303
    page = admin.get("/admin/users").text
    assert "Removed new@example.org." in page and "<td>new@example.org</td>" not in page


def test_a_secret_key_is_generated_once_per_data_folder_and_kept_private(home) -> None:
    settings = get_settings()
    first = keys.secret_key(settings)
    path = settings.data_dir / keys.KEY_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert keys.secret_key(settings) == first and len(first) >= 40


def test_a_configured_secret_key_wins(home, monkeypatch) -> None:
    monkeypatch.setenv("LEXWATCH_SECRET_KEY", "k" * 40)
    get_settings.cache_clear()
    assert keys.secret_key(get_settings()) == "k" * 40
    assert not (get_settings().data_dir / keys.KEY_FILE).exists()


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("localhost", True),
        ("127.1.2.3", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("example.org", False),
    ],
)
def test_which_hosts_are_loopback(host: str, loopback: bool) -> None:
    assert keys.is_loopback(host) is loopback


def test_serving_beyond_loopback_needs_a_secret_key(lexwatch) -> None:
    result = lexwatch("serve", "--host", "0.0.0.0", "--port", "8765")
    assert result.code == 2
    assert "LEXWATCH_SECRET_KEY" in result.err and len(result.err.strip().splitlines()) == 1


def test_users_add_and_list_from_the_command_line(lexwatch, monkeypatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    result = lexwatch("users", "add", "boss@example.org", "--role", "admin", "--password-stdin")
    assert result.code == 0, result.err
    listed = lexwatch("users", "list", "--format", "json").json()
    assert [(u["email"], u["role"]) for u in listed] == [("boss@example.org", "admin")]
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    result = lexwatch("users", "add", "x@example.org", "--password-stdin")
    assert result.code == 2 and "too short" in result.err


def test_the_first_start_tells_how_to_create_an_admin(anonymous) -> None:
    assert "lexwatch users add" in anonymous.get("/login").text


def test_a_signed_in_user_lands_where_they_were_going(app, anonymous) -> None:
    add_user(app, "admin@example.org", "admin")
    sign_in(anonymous, "admin@example.org")
    assert anonymous.get("/admin").status_code == 200
