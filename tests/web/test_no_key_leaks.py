"""With fake keys, after failing and succeeding crawls of us_congress and de_bundestag, the keys
appear nowhere: not in any table or column, the log file, the CLI's output, any web page or API
answer, nor the digest.

Both APIs are answered by a local server standing in through the replay mechanism, in
production settings (private targets not allowed: the replay server is allowed by name). The
keys must still reach that server, each in its own header only: the test checks that too.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from crawlers.replay import replay_url
from crawlers.sites import de_bundestag, us_congress
from db.engine import get_engine
from tests import internet
from tests.helpers import FIXTURES
from tests.internet import Server
from vocab.fetch import Response, Target
from vocab.settings import get_settings

CONGRESS_KEY = "FAKE-CONGRESS-KEY-5up3r53cr3t"
DIP_KEY = "FAKE-DIP-KEY-v3ry53cr3t"
KEYS = (CONGRESS_KEY, DIP_KEY)
BILL = {"congress": "117", "type": "hr", "number": "21"}
CONGRESS_ANSWERS = {
    "detail": "bill_117-hr-21_detail.json",
    "actions": "bill_117-hr-21_actions.json",
    "summaries": "bill_117-hr-21_summaries.json",
}
DIP_LIST = "schema-built_vorgang_f.titel-Missbrauchs.json"


@pytest.fixture
def server() -> Iterator[Server]:
    yield from internet.running_server()


@pytest.fixture
def keyed(home: Path, monkeypatch: pytest.MonkeyPatch, server: Server) -> Server:
    """Production settings with fake keys, every request answered by `server` (replay)."""
    for name, value in {
        "LEXWATCH_ALLOW_PRIVATE_TARGETS": "0",
        "LEXWATCH_CONGRESS_API_KEY": CONGRESS_KEY,
        "LEXWATCH_DIP_API_KEY": DIP_KEY,
        "LEXWATCH_REPLAY_URL": server.url(""),
        "LEXWATCH_FAILING_AFTER": "1",
        "LEXWATCH_SECRET_KEY": "a-secret-key-for-sessions-only",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    return server


def _path(server: Server, url: str) -> str:
    return replay_url(server.url(""), url).removeprefix(server.url(""))


def _serve_congress(server: Server) -> None:
    for request in us_congress.requests(Target("", BILL, {"congress_api_key": CONGRESS_KEY})):
        name = CONGRESS_ANSWERS.get(request.role)
        body = (FIXTURES / "us_congress" / name).read_bytes() if name else b'{"textVersions": []}'
        server.serve(_path(server, request.url), body, Content_Type="application/json")


def _serve_dip(server: Server) -> None:
    target = Target("", {"query": "Missbrauchs"}, {"dip_api_key": "-"})
    body = (FIXTURES / "de_bundestag" / DIP_LIST).read_bytes()
    wanted = de_bundestag.requests(target)
    while wanted:  # the list and the pages its cursor leads to
        request = wanted.pop()
        server.serve(_path(server, request.url), body, Content_Type="application/json")
        wanted += de_bundestag.follow(Response(request.url, body), target)


def _collect(outputs: list[str], result) -> None:
    outputs += [result.out, result.err]


def test_the_keys_appear_nowhere(keyed, admin, lexwatch, home: Path) -> None:
    server, outputs = keyed, []
    for args in (
        [
            "sources",
            "add",
            "--kind",
            "us_congress",
            "--name",
            "congress",
            *[f"--param={k}={v}" for k, v in BILL.items()],
        ],
        [
            "sources",
            "add",
            "--kind",
            "de_bundestag",
            "--name",
            "dip",
            "--param",
            "query=Missbrauchs",
        ],
        [
            "watches",
            "add",
            "everything",
            "--term",
            "bill",
            "--term",
            "Missbrauch",
            "--min-significance",
            "minor",
        ],
        ["subscribers", "add", "reader@example.org", "--watch", "everything"],
    ):
        result = lexwatch(*args)
        assert result.code == 0, result.err
        _collect(outputs, result)

    failing = lexwatch("crawl", "--format", "json")  # nothing served yet: every answer a 404
    _collect(outputs, failing)
    assert {r["status"] for r in failing.json()} == {"error"}
    _serve_congress(server)
    _serve_dip(server)
    _collect(
        outputs,
        lexwatch(
            "sources",
            "test",
            "--kind",
            "us_congress",
            *[f"--param={k}={v}" for k, v in BILL.items()],
        ),
    )
    succeeding = lexwatch("crawl", "--format", "json")
    _collect(outputs, succeeding)
    assert {r["status"] for r in succeeding.json()} == {"ok"}, succeeding.out
    server.answers.clear()  # the sites break again: health reasons and the digest's troubles
    _collect(outputs, lexwatch("crawl"))

    _everything_the_cli_shows(lexwatch, outputs)
    outputs += _every_page(admin)
    outputs += _the_digests(lexwatch, home, outputs)
    _the_keys_went_to_their_own_hosts_only(server)

    places = {"output": "\n".join(outputs), "log": _log(home), "database": _database_dump()}
    assert "api.congress.gov" in places["database"] and "api.congress.gov" in places["log"]
    for where, found in places.items():
        for key in KEYS:
            assert key not in found, f"{key} leaked into the {where}"


def _everything_the_cli_shows(lexwatch, outputs: list[str]) -> None:
    files = lexwatch("files", "--format", "json").json()
    assert {f["key"] for f in files} >= {"US:117-hr-21"}
    commands = [
        ["status"],
        ["status", "--format", "json"],
        ["sources", "list"],
        ["sources", "list", "--format", "json"],
        ["sources", "export"],
        ["changes"],
        ["changes", "--format", "json"],
        ["files"],
        ["watches", "list"],
        ["subscribers", "list"],
    ]
    commands += [["file", f["key"], "--format", "json"] for f in files]
    for args in commands:
        result = lexwatch(*args)
        assert result.code == 0, (args, result.err)
        _collect(outputs, result)
    status = {row["name"]: row for row in lexwatch("status", "--format", "json").json()}
    assert "api.congress.gov" in status["congress"]["health_reason"]  # URLs are shown, keys not


def _every_page(client) -> list[str]:
    """Every page and API answer an admin can open, with the ids and keys the data gives."""
    sources = client.get("/api/sources").json()
    files = [f["key"] for f in client.get("/api/dossiers").json()]
    pages = [
        "/",
        "/search?q=bill",
        "/search.csv?q=bill",
        "/search.json?q=bill",
        "/search.atom?q=bill",
        "/files",
        "/api/dossiers",
        "/api/changes",
        "/api/search?q=bill",
        "/api/sources",
        "/api/openapi.json",
        "/admin",
        "/admin/sources/new",
        "/admin/watches",
        "/admin/subscribers",
        "/admin/users",
        "/account",
    ]
    for source in sources:
        pages += [f"/admin/sources/{source['id']}{tail}" for tail in ("", "/edit", "/delete")]
    for key in files:
        pages += [
            f"/files/{key}",
            f"/files/{key}/timeline.csv",
            f"/files/{key}/timeline.json",
            f"/files/{key}/feed.atom",
            f"/api/dossiers/{key}",
        ]
    pages += ["/admin/subscribers/1/digest", "/admin/subscribers/1/digest.html"]
    texts = []
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, (page, response.status_code)
        texts.append(response.text)
    return texts


def _the_digests(lexwatch, home: Path, outputs: list[str]) -> list[str]:
    later = (datetime.now(UTC) + timedelta(days=8)).isoformat()
    preview = lexwatch("digest", "preview", "--subscriber", "reader@example.org", "--now", later)
    html = lexwatch(
        "digest", "preview", "--subscriber", "reader@example.org", "--now", later, "--html"
    )
    sent = lexwatch("digest", "send", "--now", later)
    assert sent.code == 0, sent.err
    assert "We could not check" in preview.out or "could not check" in preview.out.lower()
    mails = [
        p.read_text(errors="replace") for p in (home / "data" / "outbox").rglob("*") if p.is_file()
    ]
    assert mails, "the digest was written to the outbox"
    return [preview.out, html.out, sent.out, *mails]


def _the_keys_went_to_their_own_hosts_only(server: Server) -> None:
    sent = [(path, json.dumps(headers)) for path, headers in server.requests]
    congress = [h for p, h in sent if p.startswith("/api.congress.gov/")]
    dip = [h for p, h in sent if p.startswith("/search.dip.bundestag.de/")]
    assert congress and all(CONGRESS_KEY in h and DIP_KEY not in h for h in congress)
    assert dip and all(f"ApiKey {DIP_KEY}" in h and CONGRESS_KEY not in h for h in dip)
    others = [h for p, h in sent if not p.startswith(("/api.congress.gov/", "/search.dip"))]
    assert all(key not in h for h in others for key in KEYS)  # robots.txt and the like
    assert all(key not in path for path, _ in server.requests for key in KEYS)


def _log(home: Path) -> str:
    files = list((home / "data").glob("lexwatch.log*"))
    assert files, "the CLI writes its log file"
    return "\n".join(f.read_text(errors="replace") for f in files)


def _database_dump(skip: tuple[str, str] = ("", "")) -> str:
    """Every table, every column (but `skip`, a table and column), raw bodies decompressed."""
    engine = get_engine(get_settings().db_url)
    lines = []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')).mappings():
                lines += [_readable(table, v) for k, v in row.items() if (table, k) != skip]
    return "\n".join(lines)


def _readable(table: str, value: object) -> str:
    if table == "blob" and isinstance(value, bytes):
        return zlib.decompress(value).decode("utf-8", "replace")
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


TYPED = "TYPED-TOKEN-7q7q7q7q"


def test_a_token_typed_into_a_source_url_is_fetched_but_shown_nowhere(
    keyed, admin, lexwatch, home, monkeypatch
):
    """The admin's own URL keeps its token (it is needed to fetch); every record of it is redacted."""
    server, outputs = keyed, []
    internet.install(monkeypatch).names["open-data.example"] = ["93.184.215.14"]  # save-time check
    url = f"https://open-data.example/status.json?token={TYPED}&lang=en"
    for args in (
        [
            "sources",
            "add",
            "--kind",
            "json",
            "--url",
            url,
            "--name",
            "typed",
            "--param",
            "path=data",
        ],
        ["watches", "add", "everything", "--term", "law", "--min-significance", "minor"],
        ["subscribers", "add", "reader@example.org", "--watch", "everything"],
    ):
        assert lexwatch(*args).code == 0
    _collect(outputs, lexwatch("crawl"))  # a 404: the URL goes into the reason
    server.serve(
        _path(server, url), '{"data": {"status": "draft law"}}', Content_Type="application/json"
    )
    _collect(outputs, lexwatch("crawl", "--format", "json"))
    server.answers.clear()
    _collect(outputs, lexwatch("crawl", "--format", "json"))
    for args in (
        ["status"],
        ["status", "--format", "json"],
        ["sources", "list", "--format", "json"],
    ):
        _collect(outputs, lexwatch(*args))
    later = (datetime.now(UTC) + timedelta(days=8)).isoformat()
    _collect(
        outputs, lexwatch("digest", "preview", "--subscriber", "reader@example.org", "--now", later)
    )
    for page in ("/api/sources", "/admin", "/admin/sources/1"):
        outputs.append(admin.get(page).text)

    assert any(TYPED in path for path, _ in server.requests), "the token is still sent"
    dump = _database_dump(skip=("source", "url"))  # Source.url keeps what was typed: it is fetched
    text = "\n".join(outputs)
    assert "open-data.example/status.json?token=REDACTED" in text + dump
    for where, found in {"output": text, "log": _log(home), "database": dump}.items():
        assert TYPED not in found, f"the typed token leaked into the {where}"
