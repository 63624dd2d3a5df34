"""The feed kind on a real official-gazette RSS feed (tests/fixtures/feed, see its MANIFEST)."""

from __future__ import annotations

import json

import pytest

from crawlers.sites import feed
from crawlers.sites.base import Response
from errors import ParseError
from tests.helpers import FIXTURES, capture

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
