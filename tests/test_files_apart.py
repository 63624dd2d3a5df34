"""Files kept apart: a source's versions stay in its own file; what it cites is linked, not joined.

A committee page and a press feed (served on 127.0.0.1) both cite 2022/0155(COD).
Each keeps its own file; both are linked from a titled `EU:2022/0155(COD)`. The
repair migration (0007) moves versions the earlier code filed under another
source's file back where they belong.
"""

from __future__ import annotations

import json

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from db.engine import MIGRATIONS
from tests.helpers import crawl_exit_status

PAGE = """<html><head><title>LIBE: CSA regulation</title></head><body><div id="main">
<h2>Status</h2><p>{status}</p><p>Procedure 2022/0155(COD), COM(2022) 209</p></div></body></html>"""
FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Council press releases</title>
<link>http://example.org/</link><description>d</description>{items}</channel></rss>"""
ITEM = """<item><guid>{n}</guid><title>Council on 2022/0155(COD): step {n}</title>
<link>http://example.org/{n}</link><description>Procedure 2022/0155(COD).</description></item>"""
CSA = "EU:2022/0155(COD)"
CSA_TITLE = "Regulation laying down rules to prevent and combat child sexual abuse"


def _serve(site, step: int) -> None:
    site.serve("/libe.html", PAGE.format(status=f"Step {step}"))
    items = "".join(ITEM.format(n=n) for n in range(1, step + 1))
    site.serve("/press.xml", FEED.format(items=items), content_type="application/rss+xml")


def _crawl(lexwatch) -> None:
    result = lexwatch("crawl", "--format", "json")
    assert result.code == crawl_exit_status(result.json()) == 0, result.err


def test_a_page_and_a_feed_citing_one_procedure_keep_their_own_files(site, lexwatch) -> None:
    _serve(site, 1)
    for args in (
        [
            "--kind",
            "page",
            "--url",
            site.url("/libe.html"),
            "--name",
            "libe-page",
            "--param",
            "selector=#main",
        ],
        ["--kind", "feed", "--url", site.url("/press.xml"), "--name", "council-press"],
    ):
        assert lexwatch("sources", "add", *args, "--jurisdiction", "EU").code == 0
    _crawl(lexwatch)
    _serve(site, 2)
    _crawl(lexwatch)

    changes = lexwatch("changes", "--format", "json").json()
    files = {c["source"]: c["dossier"] for c in changes}
    assert files == {"libe-page": "SRC:libe-page", "council-press": "SRC:council-press"}
    eu = lexwatch("file", CSA, "--format", "json").json()
    assert eu["title"] == CSA_TITLE
    assert sorted(link["key"] for link in eu["links"]) == ["SRC:council-press", "SRC:libe-page"]
    page = lexwatch("file", "SRC:libe-page", "--format", "json").json()
    assert page["title"] == "LIBE: CSA regulation" and page["identifiers"] == []
    assert [link["key"] for link in page["links"]] == [CSA]


def _old_database(path) -> tuple[object, Config]:
    """A database at revision 0003 holding what the earlier placement made of the same two sources."""
    engine = create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
    return engine, config


OLD_ROWS = [
    "INSERT INTO source (id, name, kind, url, params, jurisdiction, enabled, created_at, updated_at,"
    " health, health_reason, consecutive_failures) VALUES"
    " (1, 'council-press', 'feed', 'http://x/press.xml', '{}', 'EU', 1, :t, :t, 'ok', '', 0),"
    " (2, 'libe-page', 'page', 'http://x/libe.html', '{}', 'EU', 1, :t, :t, 'ok', '', 0),"
    " (3, 'oeil-csa', 'eu_oeil', 'http://x/oeil', '{}', 'EU', 1, :t, :t, 'ok', '', 0)",
    # The feed came first: its file took the procedure as its own identifier ...
    "INSERT INTO dossier (id, key, title, jurisdiction, stage, created_at, updated_at) VALUES"
    " (1, 'SRC:council-press', 'Council press releases', 'EU', '', :t, :t)",
    "INSERT INTO dossieridentifier (dossier_id, scheme, value) VALUES (1, 'procedure', '2022/0155(COD)')",
    # ... so the page's versions, and even OEIL's keyed record, were filed under it.
    "INSERT INTO version (id, source_id, dossier_id, seq, fingerprint, record, text, created_at)"
    " VALUES (1, 1, 1, 1, 'f1', :feed, '', :t), (2, 2, 1, 1, 'p1', :page, 'Step 1', :t),"
    " (3, 2, 1, 2, 'p2', :page, 'Step 2', :t), (4, 3, 1, 1, 'o1', :oeil, '', :t)",
    "INSERT INTO change (id, version_id, previous_version_id, dossier_id, source_id, ordinal, kind,"
    " significance, summary, diff, detected_at) VALUES"
    " (1, 3, 2, 1, 2, 0, 'text_amended', 'notable', '1 paragraph changed', '', :t)",
    "INSERT INTO event (dossier_id, source_id, dedupe_key, date, title, kind, reference, url,"
    " origin, forecast, first_seen_at) VALUES"
    " (1, 3, 'k1', '2022-05-11', 'Legislative proposal published', '', '', '', '', 0, :t)",
]


def _record(key: str, title: str) -> str:
    return json.dumps(
        {
            "kind": "page",
            "key": key,
            "title": title,
            "stage": "",
            "identifiers": [["procedure", "2022/0155(COD)"]],
        }
    )


def test_the_repair_migration_puts_misfiled_versions_back(tmp_path) -> None:
    engine, config = _old_database(tmp_path / "old.db")
    values = {
        "t": "2026-11-02 10:00:00",
        "feed": _record("", "Council press releases"),
        "page": _record("", "LIBE: CSA regulation"),
        "oeil": _record(CSA, "Preventing and combating child sexual abuse"),
    }
    with engine.begin() as connection:
        for statement in OLD_ROWS:
            connection.execute(text(statement), values)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    with engine.connect() as connection:

        def one(sql: str) -> list:
            return [tuple(row) for row in connection.execute(text(sql))]

        placed = one(
            "SELECT v.id, d.key FROM version v JOIN dossier d ON d.id = v.dossier_id ORDER BY v.id"
        )
        assert placed == [
            (1, "SRC:council-press"),
            (2, "SRC:libe-page"),
            (3, "SRC:libe-page"),
            (4, CSA),
        ]
        assert one("SELECT d.key FROM change c JOIN dossier d ON d.id = c.dossier_id") == [
            ("SRC:libe-page",)
        ]
        assert one("SELECT d.key FROM event e JOIN dossier d ON d.id = e.dossier_id") == [(CSA,)]
        assert (
            one(
                "SELECT dossier_id FROM dossieridentifier d JOIN dossier f ON f.id = d.dossier_id"
                " WHERE f.key LIKE 'SRC:%'"
            )
            == []
        )
        links = one(
            "SELECT a.key, b.key FROM dossierlink l JOIN dossier a ON a.id = l.from_id"
            " JOIN dossier b ON b.id = l.to_id ORDER BY a.key"
        )
        assert links == [("SRC:council-press", CSA), ("SRC:libe-page", CSA)]
        assert one(f"SELECT title FROM dossier WHERE key = '{CSA}'") == [
            ("Preventing and combating child sexual abuse",)
        ]
    engine.dispose()
