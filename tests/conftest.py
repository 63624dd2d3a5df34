"""Shared fixtures: a real HTTP server on 127.0.0.1, a fresh Lexwatch home, the CLI in-process.

Every test that uses `home` (directly or through `lexwatch`) runs once per
database backend: SQLite, and PostgreSQL when LEXWATCH_TEST_DATABASE_URL names
a server (see tests/databases.py). Tests without `home` run once.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import cli
from db.engine import dispose_engines
from tests.databases import ADMIN_URL, PostgresServer, backends
from vocab.settings import get_settings


@dataclass
class Page:
    """What the test site serves at one path."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    delay: float = 0.0
    modified: float = field(default_factory=time.time)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


class Site:
    """A local web site whose pages a test can edit between crawls; it records every request."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.server = _server(self)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def serve(self, path: str, body: str | bytes, **kwargs: Any) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.pages[path] = Page(data, **kwargs)

    def headers_for(self, path: str) -> list[dict[str, str]]:
        return [headers for seen, headers in self.requests if seen == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _server(site: Site) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path
            site.requests.append((path, {k.lower(): v for k, v in self.headers.items()}))
            page = site.pages.get(path)
            if page is None:
                return self._send(404, b"not found", "text/plain")
            if page.delay:
                time.sleep(page.delay)
            if page.status == 200 and self._not_modified(page):
                return self._send(304, b"", page.content_type, page)
            self._send(page.status, page.body, page.content_type, page)

        def _not_modified(self, page: Page) -> bool:
            if "If-None-Match" in self.headers:
                return self.headers["If-None-Match"] == page.etag
            return self.headers.get("If-Modified-Since") == formatdate(page.modified, usegmt=True)

        def _send(self, status: int, body: bytes, ctype: str, page: Page | None = None) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                if page is not None and status in (200, 304):
                    self.send_header("ETag", page.etag)
                    self.send_header("Last-Modified", formatdate(page.modified, usegmt=True))
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: Any) -> None:
            return None

    class Server(ThreadingHTTPServer):
        request_queue_size = 128
        daemon_threads = True

    return Server(("127.0.0.1", 0), Handler)


@pytest.fixture
def site() -> Iterator[Site]:
    served = Site()
    yield served
    served.close()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer | None]:
    """The PostgreSQL test server, when LEXWATCH_TEST_DATABASE_URL names one."""
    server = PostgresServer(ADMIN_URL) if ADMIN_URL else None
    yield server
    if server is not None:
        server.close()


@pytest.fixture(params=backends())
def backend(request: pytest.FixtureRequest, postgres: PostgresServer | None) -> Iterator[str]:
    """The database URL of one test: empty for SQLite in the data folder, else a fresh database."""
    if request.param == "sqlite":
        yield ""
        return
    assert postgres is not None
    url = postgres.fresh()
    yield url
    dispose_engines()  # this process's connections go before the database does
    postgres.drop(url)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str) -> Iterator[Path]:
    """A fresh Lexwatch data folder and database, settings tuned for fast local crawls."""
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "LEXWATCH_DATA_DIR": str(tmp_path / "data"),
        "LEXWATCH_AUTOTHROTTLE": "false",
        "LEXWATCH_DOWNLOAD_TIMEOUT": "2",
        "LEXWATCH_RETRY_TIMES": "1",
        "LEXWATCH_RETRY_BACKOFF": "0.05",
        "LEXWATCH_CRAWL_TIME_LIMIT": "20",
        "LEXWATCH_ALLOW_PRIVATE_TARGETS": "1",
        "LEXWATCH_SEED_DEFAULTS": "false",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("LEXWATCH_REDIS_URL", raising=False)  # one process, unless a test says so
    if backend:
        monkeypatch.setenv("LEXWATCH_DATABASE_URL", backend)
    else:
        monkeypatch.delenv("LEXWATCH_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    dispose_engines()
    get_settings.cache_clear()


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def lexwatch(home: Path, capsys: pytest.CaptureFixture[str]):
    """Run `lexwatch ARGS…` in-process and return its exit code and output."""

    def run(*args: str) -> Result:
        capsys.readouterr()
        try:
            cli.main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
