"""The DIP requests a source asks: a Vorgang with its steps, a word or descriptor query, papers
by number; and the pages and cited papers a list answer leads to."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from crawlers.sites.de_bundestag.dip import (
    API,
    SLUG,
    auth,
    dip_text,
    is_drucksache,
    is_list,
    kom_number,
    of_typ,
)
from crawlers.sites.readers.json_data import object_or_none, objects
from vocab.dates import parse_datetime
from vocab.errors import ConfigError
from vocab.fetch import Request, Response, Target

# Parameters that become /vorgang word filters, and the filter each one is.
_WORDS = (("query", "titel"), ("deskriptor", "deskriptor"))
KOM_NEEDS_WORDS = (
    f"{SLUG}: DIP cannot search by Commission document; give words of the title "
    "(--param query=…) or a descriptor (--param deskriptor=…) with kom, which then keeps the "
    "Vorgänge with that KOM-Nr."
)
_IDS_PER_REQUEST = 100  # the largest page a DIP list answers


def requests(target: Target) -> list[Request]:
    """The DIP requests for the target's parameters, or its URL, each with the API key."""
    headers = auth(target)
    params = target.params
    if params.get("vorgang"):
        return _vorgang_requests(params["vorgang"], headers)
    query = _list_query(params)
    if query:
        endpoint = "drucksache" if params.get("drucksache") else "vorgang"
        return [Request(f"{API}{endpoint}?{_encode(query)}", headers)]
    if target.url:
        return [Request(target.url, headers)]
    raise ConfigError(
        f"{SLUG}: give a vorgang, kom, query, drucksache or since parameter, or a URL"
    )


def _vorgang_requests(vorgang: str, headers: tuple[tuple[str, str], ...]) -> list[Request]:
    # The papers are asked once the steps name them (follow): /drucksache has no f.vorgang.
    vorgang = vorgang.strip()
    if not vorgang.isdigit():
        raise ConfigError(f"{SLUG}: vorgang must be a DIP id (digits), not {vorgang!r}")
    return [
        Request(f"{API}vorgang/{vorgang}", headers, role="vorgang"),
        Request(f"{API}vorgangsposition?f.vorgang={vorgang}", headers, role="positions"),
    ]


def _list_query(params: Mapping[str, str]) -> list[tuple[str, str]]:
    if params.get("drucksache"):
        query = [("f.dokumentnummer", params["drucksache"].strip())]
    else:
        query = _word_filters(params)
    if params.get("since"):
        query.append(("f.aktualisiert.start", _since(params["since"])))
    return query


def _word_filters(params: Mapping[str, str]) -> list[tuple[str, str]]:
    query = [(f"f.{name}", params[key].strip()) for key, name in _WORDS if params.get(key)]
    if params.get("kom"):
        kom_number(params["kom"])  # refused when the source is saved if it names no COM document
        if not query:
            raise ConfigError(KOM_NEEDS_WORDS)
    return query


def _since(value: str) -> str:
    moment = parse_datetime(value)
    if not moment:
        raise ConfigError(f"{SLUG}: since must be a date or time, not {value!r}")
    return moment if "T" in moment else f"{moment}T00:00:00"


def _encode(query: Iterable[tuple[str, str]]) -> str:
    # %20 rather than '+', so that the URL reads the same in logs and in the cursor check.
    return urlencode(list(query), quote_via=quote, safe="()/:")


def follow(response: Response, target: Target) -> list[Request]:
    """The next page of a list, and the Drucksachen a page of Vorgangspositionen cites."""
    page = object_or_none(response.text())
    if not is_list(page) or not page.get("documents"):
        return []
    return [*_papers_cited(page, target), *_next_page(page, response, target)]


def _next_page(page: Mapping[str, Any], response: Response, target: Target) -> list[Request]:
    """The same query with `cursor=`, until the cursor stops changing."""
    cursor = str(page.get("cursor") or "")
    # DIP answers the last page with the cursor it was asked with.
    if not cursor or cursor == _sent_cursor(response.url):
        return []
    return [Request(_with_cursor(response.url, cursor), auth(target), role=response.role)]


def _papers_cited(page: Mapping[str, Any], target: Target) -> list[Request]:
    """`/drucksache?f.id=…` for the Drucksachen the steps on this page cite (f.id repeats)."""
    steps = of_typ(objects(page.get("documents")), "Vorgangsposition")
    ids = sorted({dip_text(p["fundstelle"].get("id")) for p in steps if _cites_drucksache(p)})
    chunks = [ids[i : i + _IDS_PER_REQUEST] for i in range(0, len(ids), _IDS_PER_REQUEST)]
    query = [[("f.id", paper) for paper in chunk] for chunk in chunks if chunk]
    return [
        Request(f"{API}drucksache?{_encode(q)}", auth(target), role="drucksachen") for q in query
    ]


def _cites_drucksache(position: Mapping[str, Any]) -> bool:
    paper = position.get("fundstelle")
    return isinstance(paper, dict) and is_drucksache(paper) and dip_text(paper.get("id")).isdigit()


def _sent_cursor(url: str) -> str:
    return dict(parse_qsl(urlsplit(url).query)).get("cursor", "")


def _with_cursor(url: str, cursor: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "cursor"]
    return urlunsplit(parts._replace(query=_encode([*query, ("cursor", cursor)])))
