"""European Parliament Open Data API: procedures (events, documents, stage), lists, feed, sittings.

Reads https://data.europarl.europa.eu/api/v2 and turns one response (the first with a body)
into one Record, told apart by URL and content, never by the request's role:

- `/procedures/{YYYY-NNNN}?format=application%2Fld%2Bjson` (JSON-LD; both the full answer
  with `created_a_realization_of` / `had_participation` and the compact one without them, and
  a flattened `@graph` whose `consists_of` only names ids) -> `Record(kind="procedure")`:
  key `EU:2016/0132(COD)`, English `process_title`, events from `consists_of` (kind = last
  segment of `had_activity_type`, e.g. `PLENARY_VOTE`), forecast events from
  `was_scheduled_in` (plenary agenda points), documents linked by the activities, the
  identifiers found in the document labels (A-/T- numbers, COM, CELEX), and fields for the
  procedure type, the API's own `current_stage`, the lead and opinion committees and the
  rapporteur's person id.
- `/procedures` (a JSON-LD list of process ids) and the change feed
  `/procedures/feed?timeframe=one-week` (Atom, the only format the API documents for it: one
  `<entry>` per procedure published or updated in the timeframe, its `<id>` the procedure's
  URI `…/eli/dl/proc/2023-0404`, its `<category>` naming the procedure type) ->
  `Record(kind="procedure_list")`, one Item per procedure; a `204 No Content` (nothing
  changed in the timeframe) is an empty list.
- `/meetings/{MTG-PL-YYYY-MM-DD}` as RDF/XML -> `Record(kind="meeting")`: the sitting's items
  from the minutes as events (ordered by `activity_order`, since RDF/XML has no meaningful
  order), its agenda points as forecast events, the minutes, verbatim report and agenda as
  documents. Speeches and the list of attending members are skipped: they are only ids
  here, and a monitor wants what was on the agenda, not who was present.

Stage. The API's `current_stage` keeps its first value (`RDG1`) for finished files, so the
stage is derived from the events: the activity with the latest date wins, and on the same
day the furthest one in `STAGE_AFTER` (a same-day debate does not undo the vote). Its phrase
depends on who decides after Parliament (`COD`: the Council's 1st reading; `NLE`/`CNS`/`APP`:
the Council's final decision; every other type is decided by Parliament alone). Readings
after the first are not told apart. Activities not in the table (e.g. `PLENARY_ACTIVITY`, an
item of a sitting without further meaning) never set the stage; with none left the stage is
empty. A resolution file (RSP) that so far only had its debate reads "Awaiting Parliament's
vote", also when no vote is to follow.

Titles. Labels are taken in English, else in the first of `LANGUAGES` present, else in any
(item 21 of the 2024-07-16 sitting is labelled in four languages, none of them English).
The API gives activities of a procedure no label at all, so an event's title comes from
`ACTIVITY_TITLES` (codes seen in the captures and named in docs/DOMAIN.md), else from the code
itself written out, else from the node type ("Decision"; a decision on a text adopted,
TA-…, is "Decision by Parliament", as OEIL calls it).

Follows: the European Parliament Open Data API v2 OpenAPI description (info.version "v2",
as mirrored in 2026 by Hack23/European-Parliament-MCP-Server): `GET /procedures/{process-id}`
with `format=application/ld+json` (process-id `YYYY-NNNN`), `GET /procedures` with `limit` /
`offset`, `GET /procedures/feed` with `timeframe` (and `start-date` for `custom`), answered
in `application/atom+xml`, `GET /meetings/{event-id}` with `format=application/rdf+xml`. A
`/documents/{doc-id}` answer is a document (a `Work`), not a procedure: it is refused at
save time and when parsed. The API sits behind the EP's AWS WAF: a `202` with an empty body
or a challenge page raises `Blocked`.

Documents are named as people and OEIL cite them (`A-8-2017-0212` -> `A8-0212/2017`,
`TA-9-…` -> `T9-…`, `LIBE-PR-597620` -> `PE597.620`, `SP-2024-377-…` -> `SP(2024)377`) and
linked to their europarl doceo page; minutes, verbatim reports and agendas keep the API's id
and link to the data portal. A joint debate links dozens of other files' documents: of such
long lists only the file's own documents (`created_a_realization_of`) are kept.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

from crawlers.sites.challenge import refuse_challenge
from crawlers.sites.eu_ep_api.activities import derive_stage
from crawlers.sites.eu_ep_api.feed import feed_record
from crawlers.sites.eu_ep_api.jsonld import API, JSON_LD, SLUG, url_for
from crawlers.sites.eu_ep_api.lists import list_record
from crawlers.sites.eu_ep_api.meetings import RDF, meeting_record
from crawlers.sites.eu_ep_api.procedures import procedure_record
from crawlers.sites.readers.xml_data import ATOM, read_xml
from vocab.errors import ConfigError, ParseError
from vocab.fetch import Request, Response, Target
from vocab.records import Record, first_identifier

__all__ = [
    "API",
    "HOSTS",
    "PARAMS",
    "URL_HELP",
    "derive_stage",
    "official_page",
    "parse",
    "requests",
    "url_for",
]

OEIL_FILE = "https://oeil.europarl.europa.eu/oeil/en/procedure-file"  # OEIL's current host
URL_HELP = (
    "An EP Open Data API v2 URL: a procedure "
    f"({API}/procedures/2022-0155?{JSON_LD}), the procedures list ({API}/procedures?limit=50), "
    f"the change feed ({API}/procedures/feed?timeframe=one-week) or a plenary sitting as RDF/XML "
    f"({API}/meetings/MTG-PL-2024-07-16?format=application%2Frdf%2Bxml); "
    "or an OEIL link naming a procedure such as 2022/0155(COD), or --param reference=…"
)

# The Open Data API; an OEIL link is accepted too, as the procedure it names.
HOSTS = (
    "data.europarl.europa.eu",
    "oeil.europarl.europa.eu",
    "oeil.secure.europarl.europa.eu",
    "www.europarl.europa.eu",
)
PARAMS: dict[str, str] = {
    "reference": "Procedure reference, e.g. 2022/0155(COD); the source URL is then ignored.",
}
_DETAIL_PATH = re.compile(r"/procedures/(\d{4})-(\d{1,4})/?$")


def requests(target: Target) -> list[Request]:
    """One request: the procedure named by `reference`, else the API URL as given."""
    reference = target.params.get("reference", "").strip()
    url = target.url.strip()
    if not reference and (not url.startswith(("http://", "https://")) or "/oeil/" in url):
        reference = url  # an OEIL page or a bare reference names the procedure; other URLs are fetched as given
    if reference:
        url = url_for(reference)
    if _is_documents(url):
        raise ConfigError(NOT_A_PROCEDURE.format(url=url))
    return [Request(url=url, headers=(("Accept", _accept(url)),))]


def _accept(url: str) -> str:
    # The `format` query parameter decides; the header only repeats it for proxies and caches.
    if _is_feed(url):
        return "application/atom+xml"  # the feed's only documented format
    formats = parse_qs(urlsplit(url).query).get("format", [])
    return formats[0] if formats else "application/ld+json"


def _is_feed(url: str) -> bool:
    return urlsplit(url).path.rstrip("/").endswith("/feed")


def _is_documents(url: str) -> bool:
    return "/documents" in urlsplit(url).path


NOT_A_PROCEDURE = (
    "{url} is an EP Open Data document (/documents/…), not a procedure: watch the procedure "
    "it belongs to instead (--param reference=2022/0155(COD), or …/api/v2/procedures/2022-0155)"
)


def parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record:
    """A procedure, a list of procedures (JSON-LD or the Atom feed) or a plenary sitting."""
    response = _first(responses)
    if response is None:  # a documented 204 No Content: the list or feed has nothing
        return list_record([], responses[0])
    if _is_documents(response.url):
        raise ParseError(NOT_A_PROCEDURE.format(url=response.url), kind=SLUG)
    if response.body.removeprefix(codecs.BOM_UTF8).lstrip()[:1] == b"<":
        return _xml_record(response)
    nodes = _graph(_load_json(response), response)
    if _DETAIL_PATH.search(urlsplit(response.url).path) or _has_detail(nodes):
        return procedure_record(nodes, response)
    return list_record(nodes, response)


def _first(responses: Sequence[Response]) -> Response | None:
    """The first response with a body; None when all are a 204; Blocked for a 202 or an empty 200."""
    for response in responses:
        if response.body.strip():
            return response
    for response in responses:
        refuse_challenge(response, empty_is_wall=response.status != 204)
    if responses and _is_list(responses[0].url):
        return None
    raise ParseError("no response with a body", kind=SLUG)


def _is_list(url: str) -> bool:
    return not _DETAIL_PATH.search(urlsplit(url).path) and "/procedures" in url


def _load_json(response: Response) -> dict[str, Any]:
    try:
        data = json.loads(response.body.removeprefix(codecs.BOM_UTF8))
    except (ValueError, UnicodeDecodeError) as error:
        refuse_challenge(response)
        raise ParseError(f"not JSON ({error})", url=response.url, kind=SLUG) from None
    if not isinstance(data, dict):
        raise ParseError("not a JSON object", url=response.url, kind=SLUG)
    problem = _api_error(data, response.status)
    if problem:
        raise ParseError(f"API error: {problem}", url=response.url, kind=SLUG)
    return data


def _api_error(data: Mapping[str, Any], status: int) -> str:
    # Errors come as {"error": …} / {"title": …, "status": 404} without any data.
    if "data" in data or "@graph" in data:
        return "" if status < 400 else f"HTTP {status}"
    for key in ("error", "message", "title", "detail"):
        if data.get(key):
            return str(data[key])[:200]
    return f"HTTP {status}" if status >= 400 else ""


def _graph(data: Mapping[str, Any], response: Response) -> list[dict[str, Any]]:
    nodes = data.get("data", data.get("@graph"))
    if isinstance(nodes, dict):
        nodes = [nodes]
    if not isinstance(nodes, list):
        raise ParseError("no `data` list in the JSON", url=response.url, kind=SLUG)
    return [node for node in nodes if isinstance(node, dict)]


def _has_detail(nodes: Iterable[Mapping[str, Any]]) -> bool:
    return any("consists_of" in node or "process_title" in node for node in nodes)


def _xml_record(response: Response) -> Record:
    """The Atom procedures feed or a sitting in RDF/XML; an HTML challenge page is Blocked."""
    refuse_challenge(response)
    root = read_xml(response, SLUG)
    if root.tag == f"{ATOM}feed":
        return feed_record(root, response)
    if root.tag != RDF + "RDF":
        raise ParseError(
            "not an RDF/XML document (no rdf:RDF root) nor the Atom procedures feed",
            url=response.url,
            kind=SLUG,
        )
    return meeting_record(root, response)


def official_page(record: Record) -> tuple[str, str] | None:
    """The Parliament's page of a procedure: the API serves data, its pages for people are
    the Legislative Observatory's procedure files."""
    reference = first_identifier(record, "procedure")
    if not reference:
        return None
    return ("European Parliament", f"{OEIL_FILE}?reference={reference}")
