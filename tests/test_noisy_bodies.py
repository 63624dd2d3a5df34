"""The raw bodies a page leaves when its answers differ only in noise, on SQLite and PostgreSQL.

A page served on 127.0.0.1 whose clock changes at every answer, crawled with
`lexwatch crawl`: the bodies that made a version are kept, with the URL's newest;
the ones in between, which said nothing new, are not.
"""

from __future__ import annotations

from sqlmodel import select

from db.engine import get_engine, session_scope
from db.models import Blob, Snapshot
from vocab.settings import get_settings

PAGE = """<html><head><title>Procedure 2022/0155(COD)</title></head><body>
<div id="main"><h2>Status</h2><p>{status}</p></div>
<p class="stamp">Page generated {stamp}</p>
</body></html>"""


def _crawl(site, lexwatch, status: str, stamp: str) -> dict:
    site.serve("/file.html", PAGE.format(status=status, stamp=stamp))
    result = lexwatch("crawl", "--format", "json")
    assert result.code == 0, result.err
    [report] = result.json()
    return report


def _kept() -> tuple[list[tuple[bool, str]], set[str]]:
    """Each snapshot's (made a version, the stamp in its body), oldest first; the stored bodies."""
    import zlib

    with session_scope(get_engine(get_settings().db_url)) as session:
        snapshots = session.exec(select(Snapshot).order_by(Snapshot.id)).all()
        blobs = {blob.sha256: zlib.decompress(blob.data) for blob in session.exec(select(Blob))}
        kept = [
            (s.versioned, blobs[s.sha256].decode().split("generated ")[1][:8]) for s in snapshots
        ]
        return kept, set(blobs)


def test_bodies_that_said_nothing_new_are_not_kept(site, lexwatch) -> None:
    assert (
        lexwatch(
            "sources", "add", "--kind", "page", "--url", site.url("/file.html"), "--name", "p"
        ).code
        == 0
    )
    assert _crawl(site, lexwatch, "Awaiting committee decision", "10:00:01")["status"] == "ok"
    for stamp in ("11:00:02", "12:00:03", "13:00:04"):
        assert _crawl(site, lexwatch, "Awaiting committee decision", stamp)["status"] == "unchanged"
    kept, blobs = _kept()
    assert kept == [(True, "10:00:01"), (False, "13:00:04")]  # the version's body, the newest
    assert len(blobs) == 2
    assert _crawl(site, lexwatch, "Vote in committee", "14:00:05")["status"] == "changed"
    assert _crawl(site, lexwatch, "Vote in committee", "15:00:06")["status"] == "unchanged"
    assert _crawl(site, lexwatch, "Vote in committee", "16:00:07")["status"] == "unchanged"
    kept, blobs = _kept()
    assert kept == [(True, "10:00:01"), (True, "14:00:05"), (False, "16:00:07")]
    assert len(blobs) == 3


def test_a_body_another_snapshot_holds_stays(site, lexwatch) -> None:
    """Two sources watch the same page: a body one of them drops may be the other's too."""
    for name in ("p", "q"):
        added = lexwatch(
            "sources", "add", "--kind", "page", "--url", site.url("/file.html"), "--name", name
        )
        assert added.code == 0, added.err
    site.serve("/file.html", PAGE.format(status="Awaiting committee decision", stamp="10:00:01"))
    assert lexwatch("crawl").code == 0
    site.serve("/file.html", PAGE.format(status="Awaiting committee decision", stamp="11:00:02"))
    assert lexwatch("crawl").code == 0
    site.serve("/file.html", PAGE.format(status="Awaiting committee decision", stamp="12:00:03"))
    assert lexwatch("crawl").code == 0
    kept, blobs = _kept()
    assert sorted(kept) == sorted([(True, "10:00:01"), (False, "12:00:03")] * 2)
    assert len(blobs) == 2  # 11:00:02 went from both sources, and only then from the bodies


def test_a_body_that_could_not_be_parsed_stays(site, lexwatch) -> None:
    """Kept for whoever looks into why the source failed (until the retention period)."""
    url = site.url("/file.html")
    added = lexwatch(
        "sources", "add", "--kind", "page", "--url", url, "--name", "p", "--param", "selector=#main"
    )
    assert added.code == 0, added.err
    assert _crawl(site, lexwatch, "Awaiting committee decision", "10:00:01")["status"] == "ok"
    site.serve(
        "/file.html", PAGE.replace('id="main"', 'id="moved"').format(status="x", stamp="11:00:02")
    )
    assert lexwatch("crawl").code == 1  # the selector found nothing: a failed source
    assert (
        _crawl(site, lexwatch, "Awaiting committee decision", "12:00:03")["status"] == "unchanged"
    )
    kept, _blobs = _kept()
    assert kept == [(True, "10:00:01"), (False, "11:00:02"), (False, "12:00:03")]
