"""The procedures list (`/procedures`, JSON-LD): one item per procedure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from crawlers.sites.eu_ep_api.jsonld import (
    API,
    JSON_LD,
    SLUG,
    id_of,
    reference_or_none,
    short_id,
    url_for,
    value_text,
)
from vocab.errors import ParseError
from vocab.fetch import Response
from vocab.records import Item, Record


def list_record(nodes: list[dict[str, Any]], response: Response) -> Record:
    query = parse_qs(urlsplit(response.url).query)
    feed = urlsplit(response.url).path.rstrip("/").endswith("/feed")
    timeframe = query.get("timeframe", [""])[0]
    title = f"EP procedures changed ({timeframe or 'feed'})" if feed else "EP procedures"
    return Record(
        kind="procedure_list",
        title=title,
        url=response.url,
        items=tuple(_item(node, response) for node in nodes),
    )


def _item(node: Mapping[str, Any], response: Response) -> Item:
    if not _is_process(node):
        raise ParseError(
            f"list entry {id_of(node) or '?'} is a {value_text(node.get('type')) or 'node'}, not a "
            "procedure: only /procedures answers are procedure lists",
            url=response.url,
            kind=SLUG,
        )
    reference = reference_or_none(node)
    process_id = value_text(node.get("process_id")) or short_id(id_of(node))
    if not (reference or process_id):
        raise ParseError("list entry without a process id or label", url=response.url, kind=SLUG)
    link = url_for(reference) if reference else f"{API}/procedures/{process_id}?{JSON_LD}"
    return Item(
        id=reference or process_id,
        title=value_text(node.get("label")) or reference or process_id,
        link=link,
    )


def _is_process(node: Mapping[str, Any]) -> bool:
    kind = value_text(node.get("type"))
    return kind == "Process" or (not kind and "/dl/proc/" in f"/{id_of(node)}")
