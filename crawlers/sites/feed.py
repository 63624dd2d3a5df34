"""An RSS or Atom feed: every new entry (by guid, else link) is a change, an edited entry too.

Read through feedparser. An entry that drops off the end of a feed is not
reported: feeds only ever show their latest entries.

Follows: RSS 2.0 and Atom 1.0 (RFC 4287), as feedparser reads them; no site-specific
description.

A feed is judged whole. A body that is not well-formed XML (an error page that
happens to contain `<rss`, a feed cut off after its first item) is a broken
fetch, not a version: feedparser's lenient reading of it would give a nearly
empty record, and when the real feed came back its entries would be reported
as new. So is a feed that feedparser reads with a complaint ("bozo") and with
fewer entries than the last good version (`previous`, passed by pipeline/parse.py).
The source's health says why; its versions stay as they were.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any
from xml.parsers import expat

import feedparser

from crawlers.sites.readers.html_text import parse_html, text
from vocab.dates import parse_datetime
from vocab.errors import ParseError
from vocab.fetch import Request, Response, Target
from vocab.identifiers import find_identifiers
from vocab.records import Item, Record

URL_HELP = "The address of an RSS or Atom feed, e.g. https://example.org/feed.xml"
PARAMS: dict[str, str] = {}


def requests(target: Target) -> list[Request]:
    """One request: the feed itself."""
    return [Request(target.url)]


def parse(
    responses: Sequence[Response], params: Mapping[str, str], previous: Record | None = None
) -> Record:
    """The feed's title and its entries as items; ParseError for a feed that is not whole."""
    response = responses[0]
    parsed = feedparser.parse(response.body)
    if not parsed.get("version") and not parsed.entries:
        reason = str(parsed.get("bozo_exception", "")) or "no channel and no entries"
        raise ParseError(f"not an RSS or Atom feed ({reason})", url=response.url, kind="feed")
    _judge_whole(parsed, response.body, previous, response.url)
    items = tuple(_item(entry) for entry in parsed.entries)
    title = parsed.feed.get("title", "")
    idents = find_identifiers("\n".join(f"{i.title} {i.summary}" for i in items))
    return Record(
        kind="feed", title=title, url=response.url, items=items, identifiers=tuple(sorted(idents))
    )


def _judge_whole(parsed: Any, body: bytes, previous: Record | None, url: str) -> None:
    broken = xml_error(body)
    if broken:
        raise ParseError(
            f"the body is not well-formed XML ({broken}): a broken or cut-off feed is not read",
            url=url,
            kind="feed",
        )
    problem = parsed.get("bozo_exception")
    before = len(previous.items) if previous is not None else 0
    if parsed.get("bozo") and len(parsed.entries) < before:
        raise ParseError(
            f"the feed came with a complaint ({problem}) and {len(parsed.entries)} entries "
            f"where the last good version had {before}: a cut-off feed is not read",
            url=url,
            kind="feed",
        )


def xml_error(body: bytes) -> str:
    """Why the body is not well-formed XML ('' when it is). Namespaces are not checked (an
    undeclared prefix is common and harmless), nor an encoding expat does not know."""
    parser = expat.ParserCreate()
    try:
        parser.Parse(body, True)
    except (LookupError, ValueError):  # an encoding expat cannot read: feedparser judges it
        return ""
    except expat.ExpatError as exc:
        unknown = exc.code == expat.errors.codes[expat.errors.XML_ERROR_UNKNOWN_ENCODING]
        return "" if unknown else str(exc)
    return ""


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
    return text(parse_html(markup)) if markup else ""
