"""The replay server: answers requests for real URLs with captured bodies, on 127.0.0.1.

Lexwatch's crawler (with LEXWATCH_REPLAY_URL) asks for `/<host>/<path>?<query>`;
the server looks the real URL up in its current state and answers with ETag and
Last-Modified, and 304 when the client already has that body, like a real site.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class Reply:
    """What the server answers for one real URL."""

    body: bytes
    content_type: str
    label: str = "real capture"
    modified: float = 0.0

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'


def route_key(url: str) -> str:
    """How a real URL is looked up: host, path and query, percent-decoded."""
    parts = urlsplit(url)
    return unquote(f"{parts.netloc}{parts.path}" + (f"?{parts.query}" if parts.query else ""))


class ReplayServer:
    """A threaded local server whose answers a caller swaps state by state."""

    def __init__(self) -> None:
        self.routes: dict[str, Reply] = {}
        self.requests = 0
        self.server = _server(self)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def serve(self, routes: dict[str, Reply]) -> None:
        """Answer these real URLs from now on (stamped with the time they changed)."""
        now = time.time()
        self.routes = {
            route_key(url): _stamped(reply, now, self.routes.get(route_key(url)))
            for url, reply in routes.items()
        }

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _stamped(reply: Reply, now: float, previous: Reply | None) -> Reply:
    """Keep Last-Modified when the body did not change, as a real server would."""
    if previous is not None and previous.body == reply.body:
        return previous
    return Reply(reply.body, reply.content_type, reply.label, now)


def _server(replay: ReplayServer) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            replay.requests += 1
            reply = replay.routes.get(unquote(self.path.lstrip("/")))
            if reply is None:
                return self._answer(404, b"not in the demo", "text/plain")
            if self.headers.get("If-None-Match") == reply.etag:
                return self._answer(304, b"", reply.content_type, reply)
            self._answer(200, reply.body, reply.content_type, reply)

        def _answer(self, status: int, body: bytes, ctype: str, reply: Reply | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            if reply is not None:
                self.send_header("ETag", reply.etag)
                self.send_header("Last-Modified", formatdate(reply.modified, usegmt=True))
                self.send_header("X-Lexwatch-Demo-State", reply.label)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return None

    class Server(ThreadingHTTPServer):
        request_queue_size = 128
        daemon_threads = True

    return Server(("127.0.0.1", 0), Handler)
