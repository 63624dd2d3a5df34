"""A source may only point at the public internet: private, loopback and link-local are refused,
by address and by a hostname that resolves to one, from the CLI and from the admin form."""

from __future__ import annotations

import socket

import pytest

from crawlers.targets import check_target, is_public, resolve
from vocab.errors import ConfigError
from vocab.settings import get_settings

from .conftest import csrf_token

REFUSED = [
    "http://127.0.0.1/",
    "http://127.0.0.1:8000/admin",
    "http://10.0.0.1/",
    "http://10.255.255.254:9200/_search",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://localhost:5432/",
    "http://2130706433/",  # 127.0.0.1 written as one number
    "http://0.0.0.0/",
    "http://192.168.1.1/",
    "http://172.16.0.1/",
    "http://[fe80::1]/",
]


@pytest.fixture
def strict(home, monkeypatch):
    """The settings as in production: private targets not allowed."""
    monkeypatch.delenv("LEXWATCH_ALLOW_PRIVATE_TARGETS", raising=False)
    get_settings.cache_clear()
    assert not get_settings().allow_private_targets
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize("url", REFUSED)
def test_private_loopback_and_link_local_targets_are_refused(url: str) -> None:
    with pytest.raises(ConfigError, match="private, loopback or link-local"):
        check_target(url, allow_private=False)


def test_a_hostname_is_judged_by_what_it_resolves_to(monkeypatch) -> None:
    def rebinding(host, *args, **kwargs):
        address = "93.184.215.14" if host == "public.example" else "10.1.2.3"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 0))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    assert check_target("https://public.example/x", allow_private=False)
    with pytest.raises(ConfigError, match=r"10\.1\.2\.3"):
        check_target("https://intranet.example/x", allow_private=False)


def test_public_addresses_pass_and_settings_can_allow_private_ones() -> None:
    assert check_target("http://93.184.215.14/page", allow_private=False)
    assert check_target("http://[2606:4700:4700::1111]/", allow_private=False)
    assert check_target("http://127.0.0.1/", allow_private=True)
    assert all(not is_public(a) for a in resolve("localhost"))


def test_an_unresolvable_host_is_refused_with_a_reason() -> None:
    with pytest.raises(ConfigError, match="cannot resolve"):
        check_target("http://no-such-host.invalid/", allow_private=False)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1/x", "http://169.254.169.254/", "http://localhost/"]
)
def test_the_cli_refuses_a_private_source(strict, lexwatch, url: str) -> None:
    result = lexwatch("sources", "add", "--kind", "page", "--url", url)
    assert result.code == 2 and "private, loopback or link-local" in result.err
    assert lexwatch("sources", "list", "--format", "json").json() == []


@pytest.mark.parametrize("action", ["save", "test"])
@pytest.mark.parametrize("url", ["http://10.0.0.8/", "http://[::1]:8000/", "http://localhost/"])
def test_the_admin_form_refuses_a_private_source(strict, admin, url: str, action: str) -> None:
    data = {
        "kind": "page",
        "url": url,
        "csrf_token": csrf_token(admin, "/admin/sources/new"),
        "action": action,
    }
    response = admin.post("/admin/sources/new", data=data)
    assert response.status_code == 400
    assert "private, loopback or link-local" in response.text
    assert "What the parser would record" not in response.text
    assert admin.get("/api/sources").json() == []


def test_test_before_saving_goes_through_the_fetch_time_guard(strict, admin, monkeypatch) -> None:
    """A public name whose page redirects to loopback: the form shows the refusal, not the page."""
    from tests import internet

    server = internet.Server()
    try:
        world = internet.install(monkeypatch)
        world.names["public.example"] = ["93.184.215.14"]
        world.routes[("93.184.215.14", server.port)] = server.port
        server.serve("/start", status=302, Location=server.url("/internal"))
        server.serve("/internal", "<html><body><h1>Internal dashboard</h1></body></html>")
        url = f"http://public.example:{server.port}/start"
        data = {
            "kind": "page",
            "url": url,
            "action": "test",
            "csrf_token": csrf_token(admin, "/admin/sources/new"),
        }
        response = admin.post("/admin/sources/new", data=data)
        assert "redirected to a private address 127.0.0.1" in response.text
        assert "Internal dashboard" not in response.text
        assert "/internal" not in server.paths() and "/start" in server.paths()
    finally:
        server.close()
