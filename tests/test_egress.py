"""The browser's proxy (crawlers/egress.py) without a browser: every connection judged before it
is opened, a refused one closed unanswered with its reason kept, an allowed one relayed."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from crawlers.egress import Egress, read_head
from crawlers.guard import Policy
from tests import internet
from tests.internet import Server


@pytest.fixture
def server() -> Iterator[Server]:
    yield from internet.running_server()


def test_a_proxy_request_is_read_as_a_tunnel_or_sent_on_in_origin_form() -> None:
    assert read_head(b"CONNECT oeil.europarl.europa.eu:443 HTTP/1.1\r\nHost: x\r\n\r\n") == (
        True,
        "oeil.europarl.europa.eu",
        443,
        b"",
    )
    assert read_head(b"CONNECT [::1]:8443 HTTP/1.1\r\n\r\n")[1:3] == ("::1", 8443)
    head = (
        b"GET http://example.org:8080/a/b?c=d HTTP/1.1\r\nHost: example.org:8080\r\n"
        b"Proxy-Connection: keep-alive\r\nConnection: keep-alive\r\nAccept: */*\r\n\r\n"
    )
    tunnel, host, port, forward = read_head(head)
    assert (tunnel, host, port) == (False, "example.org", 8080)
    assert forward == (
        b"GET /a/b?c=d HTTP/1.1\r\nHost: example.org:8080\r\nAccept: */*\r\n"
        b"Connection: close\r\n\r\n"
    )
    with pytest.raises(ValueError):
        read_head(b"GET /relative HTTP/1.1\r\n\r\n")


async def _through(egress: Egress, head: bytes) -> bytes:
    await egress.start()
    try:
        port = int(egress.url.rsplit(":", 1)[1])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(head)
        answer = await asyncio.wait_for(reader.read(), 10)
        writer.close()
        return answer
    finally:
        await egress.close()


def test_a_private_address_is_refused_unanswered_and_the_reason_kept(server) -> None:
    egress = Egress(Policy(allow_private=False))
    head = f"GET {server.url('/secret')} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    assert asyncio.run(_through(egress, head)) == b""
    assert server.paths() == []
    judged = egress.refusal(server.url("/secret"))
    assert (
        judged is not None and judged.refused == "refused: 127.0.0.1 is a private address 127.0.0.1"
    )


def test_a_name_is_judged_by_every_address_it_resolves_to(server, monkeypatch) -> None:
    world = internet.install(monkeypatch)
    world.names["intranet.example"] = ["10.0.0.5"]
    egress = Egress(Policy(allow_private=False))
    assert asyncio.run(_through(egress, b"CONNECT intranet.example:443 HTTP/1.1\r\n\r\n")) == b""
    judged = egress.refusal("https://intranet.example/")
    assert judged is not None and judged.private == "10.0.0.5"
    assert judged.refused == "refused: intranet.example resolves to a private address 10.0.0.5"


def test_an_allowed_connection_is_relayed_and_closed_after_its_answer(server) -> None:
    server.serve("/page", "<html>hello</html>")
    egress = Egress(Policy(allow_private=True))
    head = f"GET {server.url('/page')} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode()
    answer = asyncio.run(_through(egress, head))
    assert answer.startswith(b"HTTP/1.0 200") and answer.endswith(b"<html>hello</html>")
    [(path, headers)] = server.requests
    assert path == "/page" and headers["connection"] == "close"
