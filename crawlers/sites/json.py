"""A JSON API answer, optionally narrowed by a JMESPath expression, compared field by field.

Every leaf becomes a named field (`data.status`, `items[0].title`), so a change
names the fields that moved. With `items`, a list in the answer is read as items
(each new one is a change) instead of fields.

Follows: JSON (RFC 8259) and JMESPath for `path` / `items`; no site-specific description.
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import jmespath
from jmespath.exceptions import JMESPathError

from crawlers.sites import expressions
from vocab.errors import ParseError
from vocab.fetch import Request, Response, Target
from vocab.identifiers import find_identifiers
from vocab.records import Item, Record

URL_HELP = "The address of a JSON API answer, e.g. https://api.example.org/bills/42"
PARAMS = {
    "path": "JMESPath expression selecting the part to watch, e.g. 'data.status'",
    "items": "JMESPath expression of a list whose entries are items, e.g. 'results'",
    "item_id": "field of an item that names it (default 'id')",
    "item_title": "field of an item that titles it (default 'title')",
    "item_link": "field of an item holding its link (default 'url')",
    "title": "a title for the record, when the answer has none",
}
# Checked when a source is saved, with the library _search applies them with.
EXPRESSIONS = {"path": expressions.jmespath_expression, "items": expressions.jmespath_expression}


def requests(target: Target) -> list[Request]:
    """One request: the API answer, asked for as JSON."""
    return [Request(target.url, headers=(("Accept", "application/json"),))]


def parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record:
    """The selected part of the answer as fields, or its list as items."""
    response = responses[0]
    data = _load(response)
    selected = _search(params.get("path"), data, response.url) if params.get("path") else data
    title = (
        params.get("title")
        or (data.get("title", "") if isinstance(data, dict) else "")
        or response.url
    )
    if params.get("items"):
        items = tuple(_items(_search(params["items"], data, response.url), params))
        return Record(kind="json", title=str(title), url=response.url, items=items)
    fields = tuple(flatten(selected))
    idents = find_identifiers(" ".join(value for _, value in fields))
    return Record(
        kind="json",
        title=str(title),
        url=response.url,
        fields=fields,
        identifiers=tuple(sorted(idents)),
    )


def _load(response: Response) -> Any:
    try:
        return jsonlib.loads(response.text())
    except ValueError as exc:
        raise ParseError(
            f"the answer is not valid JSON ({exc})", url=response.url, kind="json"
        ) from exc


def _search(expression: str, data: Any, url: str) -> Any:
    try:
        found = jmespath.search(expression, data)
    except JMESPathError as exc:
        raise ParseError(
            f"the JMESPath '{expression}' is not valid: {exc}", url=url, kind="json"
        ) from exc
    if found is None:
        raise ParseError(f"the JMESPath '{expression}' matched nothing", url=url, kind="json")
    return found


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every leaf of a JSON value as (path, JSON text of the leaf)."""
    if isinstance(value, dict):
        for key in sorted(value):
            yield from flatten(value[key], f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for index, entry in enumerate(value):
            yield from flatten(entry, f"{prefix}[{index}]")
    else:
        yield prefix or "$", value if isinstance(value, str) else jsonlib.dumps(value)


def _items(entries: Any, params: Mapping[str, str]) -> Iterator[Item]:
    if not isinstance(entries, list):
        return
    for entry in entries:
        if isinstance(entry, dict):
            yield Item(
                id=str(entry.get(params.get("item_id", "id"), ""))
                or jsonlib.dumps(entry, sort_keys=True)[:200],
                title=str(entry.get(params.get("item_title", "title"), "")),
                link=str(entry.get(params.get("item_link", "url"), "") or ""),
                summary=jsonlib.dumps(entry, sort_keys=True, ensure_ascii=False)[:2000],
            )
