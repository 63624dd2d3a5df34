"""An RSS or Atom feed: every new entry (by guid, else link) is a change, an edited entry too.

Read through feedparser. An entry that drops off the end of a feed is not
reported: feeds only ever show their latest entries.

Follows: RSS 2.0 and Atom 1.0 (RFC 4287), as feedparser reads them; no site-specific
description.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import feedparser
from bs4 import BeautifulSoup

from crawlers.sites.base import Item, Record, Request, Response, Target
from errors import ParseError
from monitor.dates import parse_datetime
from monitor.identifiers import find_identifiers

URL_HELP = "The address of an RSS or Atom feed, e.g. https://example.org/feed.xml"
PARAMS: dict[str, str] = {}


def requests(target: Target) -> list[Request]:
    """One request: the feed itself."""
    return [Request(target.url)]


def parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record:
    """The feed's title and its entries as items."""
    response = responses[0]
    parsed = feedparser.parse(response.body)
    if not parsed.get("version") and not parsed.entries:
        reason = str(parsed.get("bozo_exception", "")) or "no channel and no entries"
        raise ParseError(f"not an RSS or Atom feed ({reason})", url=response.url, kind="feed")
    items = tuple(_item(entry) for entry in parsed.entries)
    title = parsed.feed.get("title", "")
    idents = find_identifiers("\n".join(f"{i.title} {i.summary}" for i in items))
    return Record(
        kind="feed", title=title, url=response.url, items=items, identifiers=tuple(sorted(idents))
    )


def _item(entry: Any) -> Item:
    # Read keys explicitly: feedparser's get("updated") falls back to "published" with a warning.
    published, updated = _key(entry, "published"), _key(entry, "updated")
    return Item(
        id=_entry_id(entry),
        title=" ".join(entry.get("title", "").split()),
        link=entry.get("link", ""),
        published=parse_datetime(published or updated),
        summary=_plain(entry.get("summary", "")),
        updated=parse_datetime(updated) if published else None,
    )


def _key(entry: Any, name: str) -> str:
    return dict.get(entry, name) or ""


def _entry_id(entry: Any) -> str:
    """The guid, else the link, else a hash of the title: what names an entry across fetches."""
    found = entry.get("id") or entry.get("link")
    if found:
        return found
    return "title:" + hashlib.sha256(entry.get("title", "").encode()).hexdigest()[:16]


def _plain(markup: str) -> str:
    return " ".join(BeautifulSoup(markup, "lxml").get_text(" ").split()) if markup else ""
