"""A feed is judged whole: a garbage body or a cut-off feed is a broken fetch, never a version,
and when the good feed comes back nothing is reported as new."""

from __future__ import annotations

import pytest
from sqlmodel import select

from db.engine import get_engine, session_scope
from db.models import Version
from vocab.settings import get_settings

ITEMS = 5
FEED = (
    "<?xml version='1.0'?><rss version='2.0'><channel><title>Council press</title>"
    "<link>https://council.example/</link><description>d</description>{items}</channel></rss>"
)
ITEM = (
    "<item><guid>https://council.example/{n}</guid><title>Release {n} on the CSA regulation</title>"
    "<link>https://council.example/{n}</link><pubDate>Mon, 0{n} Dec 2026 10:00:00 GMT</pubDate></item>"
)
GOOD = FEED.format(items="".join(ITEM.format(n=n) for n in range(1, ITEMS + 1)))
BROKEN = {
    # An error answer that starts like a feed: feedparser alone read it as a feed with no items.
    "garbage": "<rss version='2.0'><channel><title>Service unavailable</title><p>try later</rss>",
    # The good feed cut off after its first item: feedparser alone read one entry.
    "truncated": GOOD[: GOOD.index("</item>") + len("</item>")],
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_feed_is_no_version_and_the_good_one_after_it_is_no_change(site, lexwatch, case):
    site.serve("/feed.xml", GOOD, content_type="application/rss+xml")
    add = ["sources", "add", "--kind", "feed", "--url", site.url("/feed.xml"), "--name", "press"]
    assert lexwatch(*add).code == 0
    assert lexwatch("crawl").code == 0
    assert _versions() == 1

    site.serve("/feed.xml", BROKEN[case], content_type="application/rss+xml")
    broken = lexwatch("crawl", "--format", "json").json()[0]
    assert (broken["status"], broken["changes"]) == ("parse_error", 0)
    assert "not well-formed XML" in broken["error"]
    status = lexwatch("status", "--format", "json").json()[0]
    assert status["health"] == "broken" and "not well-formed XML" in status["health_reason"]

    site.serve("/feed.xml", GOOD, content_type="application/rss+xml")
    again = lexwatch("crawl", "--format", "json").json()[0]
    assert (again["status"], again["changes"]) == ("unchanged", 0)
    assert lexwatch("changes", "--format", "json").json() == []
    assert _versions() == 1
    assert lexwatch("status", "--format", "json").json()[0]["health"] == "ok"


def _versions() -> int:
    with session_scope(get_engine(get_settings().db_url)) as session:
        return len(list(session.exec(select(Version))))
