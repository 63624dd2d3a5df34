"""`lexwatch sources check` and `lexwatch capture` against local servers: one verdict per source
(ok, a challenge, a 301 to a new place, a 404, a changed shape, a missing key, no answer), with
what to do, nothing stored; and a live answer saved as a fixture would be, without a key."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from db.engine import get_engine, session_scope
from db.models import Snapshot, Version
from tests import internet
from tests.internet import Server
from vocab.settings import get_settings

PAGE = "<html><head><title>LIBE: CSA regulation</title></head><body><div id='main'><p>Awaiting plenary</p></div></body></html>"
KEY = "FAKE-CONGRESS-KEY-778899"


@pytest.fixture
def server() -> Iterator[Server]:
    yield from internet.running_server()


def _add(lexwatch, name: str, *args: str) -> None:
    result = lexwatch("sources", "add", "--name", name, *args)
    assert result.code == 0, result.err


def _stored() -> tuple[int, int]:
    with session_scope(get_engine(get_settings().db_url)) as session:
        return len(session.exec(select(Snapshot)).all()), len(session.exec(select(Version)).all())


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _world(server: Server, lexwatch) -> None:
    server.serve("/ok", PAGE)
    server.serve("/wall", b"", status=202)
    server.serve("/old", status=301, Location=server.url("/new"))
    server.serve("/new", PAGE)
    server.serve(
        "/reshaped", "<html><head><title>LIBE</title></head><body><p>New layout</p></body></html>"
    )
    page = ["--kind", "page", "--url"]
    _add(lexwatch, "ok", *page, server.url("/ok"), "--param", "selector=#main")
    _add(lexwatch, "wall", *page, server.url("/wall"))
    _add(lexwatch, "moved", *page, server.url("/old"))
    _add(lexwatch, "gone", *page, server.url("/gone"))
    _add(lexwatch, "reshaped", *page, server.url("/reshaped"), "--param", "selector=#main")
    _add(lexwatch, "down", *page, f"http://127.0.0.1:{_closed_port()}/page")
    _add(
        lexwatch,
        "bill",
        "--kind",
        "us_congress",
        "--param",
        "congress=118",
        "--param",
        "type=s",
        "--param",
        "number=1207",
    )


def test_every_verdict_with_what_to_do_and_nothing_stored(server, lexwatch) -> None:
    _world(server, lexwatch)
    result = lexwatch("sources", "check", "--format", "json")
    assert result.code == 1, "a source that is not ok: the exit status says so"
    found = {row["source"]: row for row in result.json()}
    assert {name: row["text"] for name, row in found.items()} == {
        "ok": "ok",
        "wall": "blocked (challenge)",
        "moved": f"moved (now at {server.url('/new')})",
        "gone": "not found",
        "reshaped": "shape changed (the selector '#main' matched nothing)",
        "down": found["down"]["text"],
        "bill": "needs an API key",
    }
    assert (
        found["down"]["text"].startswith("unreachable (") and "127.0.0.1" in found["down"]["text"]
    )
    assert [name for name, row in found.items() if row["ok"]] == ["ok"]
    assert "LEXWATCH_CONGRESS_API_KEY" in found["bill"]["advice"]
    assert "render=browser" in found["wall"]["advice"]
    assert "change the source's URL" in found["moved"]["advice"]
    assert "lexwatch capture" in found["reshaped"]["advice"]
    assert all(row["advice"] for row in found.values()), "one line of what to do for each"
    assert _stored() == (0, 0), "a check stores no snapshot and no version"
    statuses = {row["name"]: row["health"] for row in lexwatch("status", "--format", "json").json()}
    assert set(statuses.values()) == {"new"}, "nor does it touch a source's health"


def test_the_text_table_and_checking_named_sources(server, lexwatch) -> None:
    _world(server, lexwatch)
    text = lexwatch("sources", "check", "ok", "moved")
    assert text.code == 1
    lines = text.out.splitlines()
    assert lines[0].split() == ["source", "verdict", "what", "to", "do"]
    assert lines[1].startswith("ok") and "nothing to do" in lines[1]
    assert f"moved (now at {server.url('/new')})" in lines[2]
    assert lexwatch("sources", "check", "ok").code == 0
    missing = lexwatch("sources", "check", "nope")
    assert missing.code == 2 and "nope" in missing.err


# -- capture ------------------------------------------------------------------------------


def _manifest(folder: Path) -> list[dict[str, str]]:
    header, *rows = (folder / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    assert header.split("\t") == ["file", "url", "fetched_at", "sha256", "content_type", "status"]
    return [dict(zip(header.split("\t"), row.split("\t"), strict=True)) for row in rows]


def test_capture_saves_body_headers_and_a_manifest_row(server, lexwatch, home) -> None:
    server.serve("/oeil/en/procedure-file?reference=2022/0155(COD)", PAGE, ETag='"v1"')
    url = server.url("/oeil/en/procedure-file?reference=2022/0155(COD)")
    result = lexwatch("capture", url, "--kind", "eu_oeil", "--out", "caught")
    assert result.code == 0, result.err

    saved = home / "caught" / "eu_oeil" / "procedure-file_reference-2022-0155(COD).html"
    assert saved.read_bytes() == PAGE.encode()
    headers = saved.with_name(saved.name + ".headers").read_text(encoding="utf-8").splitlines()
    assert headers[0] == "HTTP 200" and 'etag: "v1"' in headers
    [row] = _manifest(home / "caught" / "eu_oeil")
    assert row["file"] == "eu_oeil/" + saved.name and row["url"] == url
    assert row["sha256"] == hashlib.sha256(PAGE.encode()).hexdigest()
    assert (row["content_type"], row["status"]) == ("text/html", "200")
    assert f"Saved caught/eu_oeil/{saved.name} (HTTP 200" in result.out and _stored() == (0, 0)

    server.serve("/oeil/en/procedure-file?reference=2022/0155(COD)", b"", status=404)
    assert lexwatch("capture", url, "--kind", "eu_oeil", "--out", "caught").code == 0
    rows = _manifest(home / "caught" / "eu_oeil")
    assert [r["status"] for r in rows] == ["200", "404"], "a 404 is kept too: a bug report wants it"
    assert rows[1]["file"].endswith("-2.html"), "an earlier capture is never overwritten"


def test_capture_of_a_challenge_says_so(server, lexwatch, home) -> None:
    server.serve("/wall", b"", status=202)
    result = lexwatch("capture", server.url("/wall"), "--kind", "page", "--out", "caught")
    assert result.code == 0
    assert "Note:" in result.out and "bot challenge instead of the page" in result.out
    assert [r["status"] for r in _manifest(home / "caught" / "page")] == ["202"]


def test_capture_never_keeps_a_key(server, lexwatch, home, monkeypatch) -> None:
    monkeypatch.setenv("LEXWATCH_CONGRESS_API_KEY", KEY)
    get_settings.cache_clear()
    # A key typed into a URL (not the configured one: that one the guard keeps on its own host),
    # and the configured key echoed back by the site, in the body and a header.
    path = "/echo?api_key=TYPED-INTO-THE-URL-123"
    server.serve(path, f"<html><body><p>your key is {KEY}</p></body></html>", X_Echo=KEY)
    result = lexwatch("capture", server.url(path), "--kind", "page", "--out", "caught")
    assert result.code == 0, result.err

    folder = home / "caught" / "page"
    everything = "".join(f.read_text(encoding="utf-8") for f in sorted(folder.iterdir()))
    assert KEY not in everything and KEY not in result.out
    assert "TYPED-INTO-THE-URL" not in everything + result.out
    assert "your key is REDACTED" in everything and "x-echo: REDACTED" in everything
    [row] = _manifest(folder)
    assert row["url"] == server.url("/echo?api_key=REDACTED")
    [body] = [f for f in folder.iterdir() if f.suffix == ".html"]
    assert row["sha256"] == hashlib.sha256(body.read_bytes()).hexdigest(), "the file as saved"


def test_capture_goes_through_the_fetch_time_guard(server, lexwatch, home, monkeypatch) -> None:
    monkeypatch.setenv("LEXWATCH_ALLOW_PRIVATE_TARGETS", "0")
    get_settings.cache_clear()
    world = internet.install(monkeypatch)
    world.names["rebind.example"] = ["93.184.215.14", "127.0.0.1"]  # public when checked, then not
    server.serve("/secret", PAGE)
    url = f"http://rebind.example:{server.port}/secret"
    result = lexwatch("capture", url, "--kind", "page", "--out", "caught")
    assert result.code == 2
    assert "refused: rebind.example resolves to a private address 127.0.0.1" in result.err
    assert server.paths() == [] and not (home / "caught" / "page").exists()
