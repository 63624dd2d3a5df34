"""The benchmark's web site: N seeded procedure pages on 127.0.0.1, conditional, counted.

The server answers If-None-Match / If-Modified-Since with 304 as a well-behaved
site does, counts every request and every byte it writes, and can switch to the
next state of the site ("5 % edited"). The noisy variant makes every response
differ without any real change: a "Page generated at" clock time, a session id
in every link, the documents list shuffled. A dynamic page like that never
answers 304, so its ETag is that of the bytes actually sent.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, BinaryIO

from bench.pages import (
    SID,
    STAMP,
    Markup,
    Procedure,
    apply_edit,
    edited,
    name_of,
    path_of,
    procedures,
    render,
)

FIRST_SEEN = datetime(2026, 1, 5, tzinfo=UTC).timestamp()  # Last-Modified of the initial pages
EDITED_AT = datetime(2026, 6, 1, tzinfo=UTC).timestamp()  # Last-Modified of edited pages
DAY = 86_400.0  # each move of the site (an edit, putting it back) is a day after the one before
ROBOTS = b"User-agent: *\nAllow: /\n"
HOST_NAMES = ("127.0.0.1", "localhost")  # two names of this machine, two hosts to a crawler


@dataclass
class Counters:
    """What the server did since the last reset; safe to bump from the handler threads."""

    requests: int = 0
    not_modified: int = 0
    bytes_sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, *, requests: int = 0, not_modified: int = 0, sent: int = 0) -> None:
        with self.lock:
            self.requests += requests
            self.not_modified += not_modified
            self.bytes_sent += sent

    def reset(self) -> None:
        with self.lock:
            self.requests = self.not_modified = self.bytes_sent = 0


@dataclass(frozen=True)
class Served:
    """One page as served now: its markup, clean bytes and validators."""

    number: int
    markup: Markup
    body: bytes
    etag: str
    modified: float


def served(page: Procedure, modified: float) -> Served:
    """A page ready to serve: noise markers removed, validators computed once."""
    markup = render(page)
    body = markup.text().replace(SID, "").replace(STAMP, "").encode("utf-8")
    return Served(page.number, markup, body, _etag(body), modified)


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


@dataclass(frozen=True)
class Answer:
    """What the server sends for one request."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


class Site:
    """N pages on a local threaded HTTP server; `edit` moves it to its next state."""

    def __init__(self, count: int, seed: int, *, noisy: bool = False) -> None:
        self.seed, self.noisy = seed, noisy
        self.pages = procedures(count, seed)
        self.counters = Counters()
        self._served: dict[str, Served] = {}
        self._hits = 0  # requests served noisily so far: seeds each one's noise
        self.reset()
        self.server = _Server(self)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self) -> None:
        """Back to the initial state (every tool starts from the same site)."""
        self._served = {
            path_of(p.number): served(p, FIRST_SEEN + 60 * p.number) for p in self.pages
        }
        self._moves = 0

    def edit(self, fraction: float) -> dict[str, str]:
        """Edit a seeded `fraction` of the pages: name -> kind of edit (same every run)."""
        return self._move(fraction, edit=True)

    def put_back(self, fraction: float) -> dict[str, str]:
        """The pages `edit(fraction)` edits, as first written again, modified after the edit.

        Not `reset`: a site's Last-Modified only moves on (a tool without the page's
        ETag, asking If-Modified-Since alone, would rightly hear 304 for a page dated
        before its copy).
        """
        return self._move(fraction, edit=False)

    def _move(self, fraction: float, *, edit: bool) -> dict[str, str]:
        modified = EDITED_AT + DAY * self._moves
        self._moves += 1
        changes = edited(self.pages, fraction, self.seed)
        for number, kind in changes.items():
            page = apply_edit(self.pages[number], kind, self.seed) if edit else self.pages[number]
            self._served[path_of(number)] = served(page, modified + 60 * number)
        return {name_of(number): kind for number, kind in changes.items()}

    def urls(self, hosts: int = 1) -> dict[str, str]:
        """Every page's source name and URL; with `hosts` 2, every other page on `localhost`.

        Both names reach this one server, but a crawler's politeness (Scrapy's
        download slots, the workers' host lock) goes by the name: two hosts.
        """
        port, names = self.server.server_port, HOST_NAMES[:hosts]
        return {
            name_of(p.number): f"http://{names[p.number % len(names)]}:{port}{path_of(p.number)}"
            for p in self.pages
        }

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path: str, headers: Any) -> Answer:
        """The response to GET `path` with these request headers."""
        if path == "/robots.txt":
            return Answer(200, ROBOTS, (("Content-Type", "text/plain"),))
        page = self._served.get(path)
        if page is None:
            return Answer(404, b"not found", (("Content-Type", "text/plain"),))
        if self.noisy:
            return _page_answer(self._noisy_body(page), time.time())
        if _fresh(page, headers.get("If-None-Match"), headers.get("If-Modified-Since")):
            return Answer(304, b"", _validators(page.etag, page.modified))
        return _page_answer(page.body, page.modified, page.etag)

    def _noisy_body(self, page: Served) -> bytes:
        """The page with this request's clock time, session id and list order."""
        with self.counters.lock:
            self._hits += 1
            rng = random.Random(f"{self.seed}:noise:{self._hits}")
        items = list(page.markup.items)
        rng.shuffle(items)
        token = f"{rng.getrandbits(64):016X}"
        sid = f";jsessionid={token}" if page.number % 2 else f"?sid={token}"
        stamp = f'<p class="generated">Page generated at {time.strftime("%H:%M:%S")}</p>'
        return page.markup.text(items).replace(SID, sid).replace(STAMP, stamp).encode("utf-8")


def _fresh(page: Served, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """RFC 9110: If-None-Match decides when present; else If-Modified-Since."""
    if if_none_match is not None:
        return page.etag in [tag.strip() for tag in if_none_match.split(",")]
    if not if_modified_since:
        return False
    try:
        return parsedate_to_datetime(if_modified_since).timestamp() >= int(page.modified)
    except (TypeError, ValueError):
        return False


def _validators(etag: str, modified: float) -> tuple[tuple[str, str], ...]:
    return (("ETag", etag), ("Last-Modified", formatdate(modified, usegmt=True)))


def _page_answer(body: bytes, modified: float, etag: str = "") -> Answer:
    headers = (("Content-Type", "text/html; charset=utf-8"),)
    return Answer(200, body, headers + _validators(etag or _etag(body), modified))


class _Counting:
    """The socket writer of one connection, counting what goes out."""

    def __init__(self, raw: BinaryIO, counters: Counters) -> None:
        self.raw, self.counters = raw, counters

    def write(self, data: bytes) -> int:
        self.counters.add(sent=len(data))
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()

    @property
    def closed(self) -> bool:
        return self.raw.closed

    def close(self) -> None:
        self.raw.close()


class _Handler(BaseHTTPRequestHandler):
    """Answers GET from the site's current state; every byte it writes is counted."""

    protocol_version = "HTTP/1.1"  # keep-alive: a client may reuse its connections
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.wfile = _Counting(self.wfile, self.server.site.counters)  # type: ignore[assignment]

    def do_GET(self) -> None:
        answer = self.server.site.answer(self.path, self.headers)
        self.server.site.counters.add(requests=1, not_modified=answer.status == 304)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # client gave up
            self._send(answer)

    def _send(self, answer: Answer) -> None:
        self.send_response(answer.status)
        for name, value in answer.headers:
            self.send_header(name, value)
        if answer.status != 304:
            self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    def log_message(self, *args: Any) -> None:
        return None


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the default backlog of 5 stalls a concurrent client
    daemon_threads = True

    def __init__(self, site: Site) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.site = site
