"""`lexwatch serve`: what uvicorn writes to its access log never holds a token, and it does
not believe X-Forwarded-For (the app decides that, from LEXWATCH_TRUSTED_PROXIES)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from db import repo
from db.engine import session_scope
from vocab.links import file_path
from web import auth
from web.serve import redact_query, uvicorn_options

from .conftest import FILE_KEY, add_user

FILE = file_path(FILE_KEY)


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/search.atom?q=child&token=S3CRET", "/search.atom?q=child&token=[redacted]"),
        ("/f?token=S3CRET&q=x", "/f?token=[redacted]&q=x"),
        ("/f?%74oken=S3CRET", "/f?%74oken=[redacted]"),
        ("/f?TOKEN=S3CRET&token=S3CRET", "/f?TOKEN=[redacted]&token=[redacted]"),
        ("/f?tokens=kept&q=token=x", "/f?tokens=kept&q=token=x"),
        ("/f", "/f"),
    ],
)
def test_token_values_are_redacted_from_paths(path: str, shown: str) -> None:
    assert redact_query(path) == shown


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def served(app, history) -> Iterator[str]:
    """The app under uvicorn with the options `lexwatch serve` uses."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", **uvicorn_options())
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    server.should_exit = True
    thread.join(10)


def test_the_access_log_never_records_a_token(app, served) -> None:
    add_user(app, "reader@example.org", "reader")
    with session_scope(app.state.engine) as session:
        user = repo.user_by_email(session, email="reader@example.org")
        token = auth.feed_token(app.state.secret_key, user)
    lines = _Lines()
    logging.getLogger("uvicorn.access").addHandler(lines)
    try:
        feed = httpx.get(
            f"{served}{FILE}/feed.atom?token={token}", headers={"X-Forwarded-For": "192.0.2.66"}
        )
        search = httpx.get(f"{served}/search.atom?q=child&%74oken={token}")
        time.sleep(0.2)  # the log line is written after the answer
    finally:
        logging.getLogger("uvicorn.access").removeHandler(lines)
    assert (feed.status_code, search.status_code) == (200, 200)
    assert len(lines.lines) == 2 and all("[redacted]" in line for line in lines.lines), lines.lines
    assert not any(token in line or token.split(".")[1] in line for line in lines.lines)
    assert all(line.startswith("127.0.0.1:") for line in lines.lines), "X-Forwarded-For ignored"
