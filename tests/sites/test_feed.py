"""The feed kind on a real official-gazette RSS feed (tests/fixtures/feed, see its MANIFEST)."""

from __future__ import annotations

import json

import pytest

from crawlers.sites import feed
from tests.helpers import FIXTURES, capture
from vocab.errors import ParseError
from vocab.fetch import Response

NAME = "magyarkozlony-official-gazette_feed_2026-10-09.xml"


def test_the_real_feed_gives_its_entries_as_items() -> None:
    record = feed.parse([capture("feed", NAME, "https://magyarkozlony.hu/feed")], {})
    assert record.kind == "feed" and record.title == "Magyar Közlöny"
    assert len(record.items) == 4
    first = record.items[0]
    assert first.title == "Magyar Közlöny 2026. évi 151. szám"
    assert first.id.startswith("https://magyarkozlony.hu/dokumentumok/0db9b9b6")
    assert first.published == "2026-10-09T16:30:13"


def test_lexwatch_parse_prints_the_record_offline(lexwatch) -> None:
    path = str(FIXTURES / "feed" / NAME)
    result = lexwatch("parse", path, "--kind", "feed", "--url", "https://magyarkozlony.hu/feed")
    assert result.code == 0, result.err
    record = json.loads(result.out)
    assert set(record) >= {
        "key",
        "title",
        "stage",
        "identifiers",
        "events",
        "documents",
        "items",
        "text",
    }
    assert record["items"][0]["title"] == "Magyar Közlöny 2026. évi 151. szám"


@pytest.mark.parametrize("body", [b"<html><body>not a feed</body></html>", b"", b'{"json": true}'])
def test_a_non_feed_is_a_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError, match="not an RSS or Atom feed"):
        feed.parse([Response("http://x/feed", body)], {})


def _feed(items: int, *, prefix: str = "") -> bytes:
    entries = "".join(
        f"<item><guid>https://x.example/{n}</guid><title>Item {n}</title>{prefix}</item>"
        for n in range(items)
    )
    return f"<rss version='2.0'><channel><title>T</title>{entries}</channel></rss>".encode()


def test_a_body_that_is_not_well_formed_xml_is_not_read() -> None:
    """The real feed cut after its first item, and an error answer that starts like a feed."""
    real = (FIXTURES / "feed" / NAME).read_bytes()
    cut = real[: real.index(b"</item>") + len(b"</item>")]
    assert len(feed.parse([Response("http://x/feed", real)], {}).items) == 4
    garbage = b"<rss version='2.0'><channel><title>Service unavailable</title><p>retry</rss>"
    for body in (cut, garbage):
        with pytest.raises(ParseError, match="not well-formed XML"):
            feed.parse([Response("http://x/feed", body)], {})


def test_a_bozo_feed_with_fewer_entries_than_the_last_good_one_is_not_read() -> None:
    good = feed.parse([Response("http://x/feed", _feed(5))], {})
    # Well-formed XML, but feedparser complains (an undeclared namespace prefix): bozo.
    bozo = _feed(2, prefix="<dc:creator>someone</dc:creator>")
    with pytest.raises(ParseError, match="2 entries where the last good version had 5"):
        feed.parse([Response("http://x/feed", bozo)], {}, previous=good)
    # As many entries as before, or no earlier version: the complaint alone is not enough.
    assert len(feed.parse([Response("http://x/feed", bozo)], {}).items) == 2
    same = _feed(5, prefix="<dc:creator>someone</dc:creator>")
    assert len(feed.parse([Response("http://x/feed", same)], {}, previous=good).items) == 5
