"""A stand-in for the public internet, in-process: tests never leave 127.0.0.1.

`FakeInternet` answers public-looking names with public addresses (the
resolver stand-in: `socket.getaddrinfo`, which both the save-time check and the
crawler's guarded resolver call) and routes connections to those public
addresses to local servers (`reactor.connectTCP`), below every check Lexwatch
makes. A name may answer differently over time (DNS rebinding): give it a list,
whose last answer repeats. Names it does not know fail to resolve, as offline.

`Server` is a local HTTP server whose paths answer any status, headers and body
(redirects included); it records every request with its headers.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

LOOPBACK = {"localhost": "127.0.0.1", "localhost.": "127.0.0.1"}


@dataclass
class FakeInternet:
    """Names -> public addresses (in order), public (address, port) -> a local port."""

    names: dict[str, list[str]] = field(default_factory=dict)
    routes: dict[tuple[str, int], int] = field(default_factory=dict)
    lookups: list[str] = field(default_factory=list)

    def answer(self, host: str) -> str | None:
        host = host.lower()
        self.lookups.append(host)
        if host in LOOPBACK:
            return LOOPBACK[host]
        answers = self.names.get(host)
        if not answers:
            return None
        return answers.pop(0) if len(answers) > 1 else answers[0]


def install(monkeypatch: pytest.MonkeyPatch) -> FakeInternet:
    """The public internet, stood in for, until the test's monkeypatch is undone."""
    from crawlers import reactor as host

    host.install()  # the asyncio reactor first: importing Twisted's would install another
    from twisted.internet import reactor

    world = FakeInternet()
    real_lookup, real_connect = socket.getaddrinfo, reactor.connectTCP

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list:
        try:  # an IP literal in any notation: the real function reads it, without DNS
            return real_lookup(host, port, 0, socket.SOCK_STREAM, 0, socket.AI_NUMERICHOST)
        except socket.gaierror:
            pass
        found = world.answer(str(host))
        if found is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (found, int(port or 0)))]

    def connect_tcp(host: str, port: int, factory: Any, *args: Any, **kwargs: Any) -> Any:
        local = world.routes.get((host, port))
        if local is not None:
            host, port = "127.0.0.1", local
        return real_connect(host, port, factory, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(reactor, "connectTCP", connect_tcp)
    return world


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


class Server:
    """A local HTTP server answering each path as told; it records (path, headers) of requests."""

    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.httpd = _httpd(self)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return self.httpd.server_port

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, body: str | bytes = b"", status: int = 200, **headers: str) -> None:
        data = body.encode() if isinstance(body, str) else body
        names = {k.replace("_", "-"): v for k, v in headers.items()}
        self.answers[path] = Answer(status, data, names)

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _httpd(server: Server) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            answer = server.answers.get(self.path, Answer(404, b"not found"))
            # The client may give up (a body it would not take): nothing to tell then.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._answer(answer)

        def _answer(self, answer: Answer) -> None:
            self.send_response(answer.status)
            length = {"Content-Length": str(len(answer.body))}  # a test may claim another
            for name, value in {"Content-Type": "text/html", **length, **answer.headers}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, *args: Any) -> None:
            return None

    class Httpd(ThreadingHTTPServer):
        request_queue_size = 128
        daemon_threads = True

    return Httpd(("127.0.0.1", 0), Handler)


def running_server() -> Iterator[Server]:
    """A Server for the length of a fixture: `yield from running_server()`."""
    running = Server()
    yield running
    running.close()
