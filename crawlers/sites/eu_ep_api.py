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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

from lxml import etree

from crawlers.sites.challenge import refuse_challenge
from vocab.dates import parse_date, parse_datetime
from vocab.errors import ConfigError, ParseError
from vocab.fetch import Request, Response, Target
from vocab.identifiers import find_identifiers, procedure, procedure_from_parts
from vocab.records import Document, Event, Item, Record, first_identifier, identifier_pairs

SLUG = "eu_ep_api"
API = "https://data.europarl.europa.eu/api/v2"
OEIL_FILE = "https://oeil.europarl.europa.eu/oeil/en/procedure-file"  # OEIL's current host
BASE = "https://data.europarl.europa.eu/"  # the JSON-LD @base: ids like eli/dl/doc/... hang off it
JSON_LD = "format=application%2Fld%2Bjson"
DOCEO = "https://www.europarl.europa.eu/doceo/document/"
DOCEO_SERIES = frozenset(
    {"A", "B", "RC", "TA"}
)  # Parliament's own series; C-documents are not there

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

# Languages to take a label in, best first; the API labels most things in all 24.
LANGUAGES = ("en", "fr", "de")

# Who decides once Parliament has voted: the column of STAGE_AFTER to read.
COUNCIL_DECIDES = frozenset({"NLE", "CNS", "APP"})

# Stage phrases per column: (COD, Council decides, Parliament alone), OEIL's wording.
_COMMITTEE = ("Awaiting committee decision",) * 3
_PLENARY = (
    "Awaiting Parliament's position in 1st reading",
    "Awaiting Parliament's vote",
    "Awaiting Parliament's vote",
)
_VOTED = (
    "Awaiting Council's 1st reading position",
    "Awaiting final decision",
    "Procedure completed",
)
_SIGNED = ("Procedure completed, awaiting publication in Official Journal",) * 3
_PUBLISHED = ("Procedure completed",) * 3

# activity code -> (how far the file has come, stage phrases by column). The rank only
# breaks ties between activities of the same day.
STAGE_AFTER: dict[str, tuple[int, tuple[str, str, str]]] = {
    "REFERRAL": (1, _COMMITTEE),
    "COMMITTEE_REFERRAL": (1, _COMMITTEE),
    "COMMITTEE_TABLING_REPORT": (1, _COMMITTEE),
    "COMMITTEE_TABLING_AMENDMENT": (1, _COMMITTEE),
    "COMMITTEE_TABLING_OPINION": (1, _COMMITTEE),
    "COMMITTEE_ADOPTING_OPINION": (1, _COMMITTEE),
    "COMMITTEE_ADOPTING_REPORT": (2, _PLENARY),
    "TABLING_PLENARY": (2, _PLENARY),
    "PLENARY_ENDORSE_COMMITTEE_INTERINSTITUTIONAL_NEGOTIATIONS": (2, _PLENARY),
    "INTERINSTITUTIONAL_NEGOTIATION": (2, _PLENARY),
    "COMMITTEE_APPROVE_PROVISIONAL_AGREEMENT": (2, _PLENARY),
    "PLENARY_DEBATE": (2, _PLENARY),
    "PLENARY_VOTE": (3, _VOTED),
    "PLENARY_VOTE_RESULTS": (3, _VOTED),
    "PLENARY_AMEND_PROPOSAL": (3, _VOTED),
    "SIGNATURE": (4, _SIGNED),
    "PUBLICATION_OFFICIAL_JOURNAL": (5, _PUBLISHED),
}

# OEIL's wording where OEIL lists the same step, so that both sources read alike.
ACTIVITY_TITLES: dict[str, str] = {
    "REFERRAL": "Committee referral announced in Parliament",
    "COMMITTEE_REFERRAL": "Committee referral announced in Parliament",
    "COMMITTEE_TABLING_REPORT": "Committee draft report tabled",
    "COMMITTEE_TABLING_AMENDMENT": "Amendments tabled in committee",
    "COMMITTEE_TABLING_OPINION": "Committee draft opinion tabled",
    "COMMITTEE_ADOPTING_OPINION": "Committee opinion adopted",
    "COMMITTEE_ADOPTING_REPORT": "Vote in committee",
    "TABLING_PLENARY": "Committee report tabled for plenary",
    "PLENARY_ENDORSE_COMMITTEE_INTERINSTITUTIONAL_NEGOTIATIONS": (
        "Committee mandate for interinstitutional negotiations confirmed by plenary"
    ),
    "INTERINSTITUTIONAL_NEGOTIATION": "Interinstitutional negotiations",
    "COMMITTEE_APPROVE_PROVISIONAL_AGREEMENT": "Provisional agreement approved in committee",
    "PLENARY_DEBATE": "Debate in Parliament",
    "PLENARY_VOTE": "Vote in plenary",
    "PLENARY_VOTE_RESULTS": "Results of vote in Parliament",
    "PLENARY_AMEND_PROPOSAL": "Decision by Parliament",
    "SIGNATURE": "Final act signed",
    "PUBLICATION_OFFICIAL_JOURNAL": "Final act published in Official Journal",
}

# EP document id prefix -> what the document is.
DOCUMENT_TITLES: dict[str, str] = {
    "A": "Committee report tabled for plenary",
    "B": "Motion for a resolution",
    "RC": "Joint motion for a resolution",
    "C": "Document from another institution",
    "TA": "Text adopted by Parliament",
    "PV": "Minutes of the plenary sitting",
    "CRE": "Verbatim report of the plenary sitting",
    "OJQ": "Plenary agenda",
    "SP": "Commission response to text adopted in plenary",
    "PR": "Committee draft report",
    "AM": "Amendments tabled in committee",
    "PA": "Committee draft opinion",
    "AD": "Committee opinion",
    "AG": "Provisional agreement resulting from interinstitutional negotiations",
}

# Which links of an activity name the document it is about, most telling first.
_REFERENCE_LINKS = (
    "decided_on_a_realization_of",
    "based_on_a_realization_of",
    "recorded_in_a_realization_of",
    "documented_by_a_realization_of",
)
_DOCUMENT_LINKS = _REFERENCE_LINKS[:3]  # agendas (documented_by) cover the whole sitting

_DETAIL_PATH = re.compile(r"/procedures/(\d{4})-(\d{1,4})/?$")
_SERIES = re.compile(r"^(A|B|C|TA|RC)-(\d{1,2})-(\d{4})-(\d{4})$")
_COMMITTEE_DOC = re.compile(r"^([A-Z]{2,6})-([A-Z]{2})-(\d{3})(\d{3})$")
_SP = re.compile(r"^SP-(\d{4})-(\d+)\b")
_PROCESS_ID = re.compile(r"^(\d{4})-(\d{1,4})$")
_YEAR_NUMBER = re.compile(r"^(\d{4})[/-](\d{1,4})\b")

_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_ATOM = "{http://www.w3.org/2005/Atom}"
_ELI = "{http://data.europa.eu/eli/eli-draft-legislation-ontology#}"
_EPVOC = "{https://data.europarl.europa.eu/def/epvoc#}"
_SKOS = "{http://www.w3.org/2004/02/skos/core#}"
_VCARD = "{http://www.w3.org/2006/vcard/ns#}"
_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_Slot = tuple[str, list[etree._Element]]  # an agenda time slot: its start, its agenda points
_Order = tuple[str, int, str]  # slot start, activity_order, activity_id


# --- requests ---------------------------------------------------------------------------


def url_for(reference: str) -> str:
    """The API URL of a procedure: `2022/0155(COD)` -> `…/procedures/2022-0155?format=…`."""
    text = procedure(reference) or reference.strip()  # also the API's own `2022-0155`
    match = _YEAR_NUMBER.match(text)
    if not match:
        raise ConfigError(
            f"not a procedure reference: {reference!r} (expected e.g. 2022/0155(COD))"
        )
    return f"{API}/procedures/{match[1]}-{int(match[2]):04d}?{JSON_LD}"


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


# --- parse ------------------------------------------------------------------------------


NOT_A_PROCEDURE = (
    "{url} is an EP Open Data document (/documents/…), not a procedure: watch the procedure "
    "it belongs to instead (--param reference=2022/0155(COD), or …/api/v2/procedures/2022-0155)"
)


def parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record:
    """A procedure, a list of procedures (JSON-LD or the Atom feed) or a plenary sitting."""
    response = _first(responses)
    if response is None:  # a documented 204 No Content: the list or feed has nothing
        return _list_record([], responses[0])
    if _is_documents(response.url):
        raise ParseError(NOT_A_PROCEDURE.format(url=response.url), kind=SLUG)
    if response.body.removeprefix(codecs.BOM_UTF8).lstrip()[:1] == b"<":
        return _xml_record(response)
    nodes = _graph(_load_json(response), response)
    if _DETAIL_PATH.search(urlsplit(response.url).path) or _has_detail(nodes):
        return _procedure_record(nodes, response)
    return _list_record(nodes, response)


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


# --- small JSON-LD readers ----------------------------------------------------------------


def _ref(value: Any) -> str:
    """The id a JSON-LD value names: a plain string, or an object's `id` / `@id`."""
    if isinstance(value, dict):
        value = value.get("id", value.get("@id", ""))
    return value if isinstance(value, str) else ""


def _refs(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [ref for ref in (_ref(item) for item in values if item is not None) if ref]


def _last(uri: str) -> str:
    """`def/ep-activities/PLENARY_VOTE` -> `PLENARY_VOTE` (also after '#')."""
    return re.split(r"[/#]", uri.rstrip("/"))[-1] if uri else ""


def _short(ref: str) -> str:
    """`eli/dl/doc/A-8-2017-0212` (or its full URI) -> `A-8-2017-0212`."""
    return _last(ref)


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("@value", value.get("value", ""))
    return str(value).strip() if value is not None else ""


def _english(value: Any) -> str:
    """The English text of a language map, a list of `@language` values, or a plain string.

    Without English, another language (`LANGUAGES` order) beats an empty title.
    """
    if isinstance(value, dict) and "@value" not in value:
        return _preferred({lang: _text(text) for lang, text in value.items()})
    if isinstance(value, list):
        pairs = [(v.get("@language", ""), _text(v)) for v in value if isinstance(v, dict)]
        return _preferred(dict(reversed(pairs)))  # reversed: the first text of a language wins
    return _text(value)


def _preferred(texts: Mapping[str, str]) -> str:
    ranked = sorted(texts, key=lambda lang: (_rank(lang), lang))
    return next((texts[lang] for lang in ranked if texts[lang]), "")


def _rank(lang: str) -> int:
    return LANGUAGES.index(lang) if lang in LANGUAGES else len(LANGUAGES)


def _absolute(ref: str) -> str:
    return ref if "://" in ref else BASE + ref.lstrip("/")


def _humanize(code: str) -> str:
    words = code.replace("_", " ").replace("-", " ").strip().lower()
    return words[:1].upper() + words[1:]


# --- procedure ----------------------------------------------------------------------------


def _procedure_record(nodes: list[dict[str, Any]], response: Response) -> Record:
    process = _process(nodes, response)
    reference = _reference(process, response)
    kind = _last(_ref(process.get("process_type"))) or reference[-4:-1]  # COD of 2016/0132(COD)
    events, documents = _steps(process, nodes)
    return Record(
        kind="procedure",
        key=f"EU:{reference}",
        title=_english(process.get("process_title")),
        stage=derive_stage(events, kind),
        url=response.url,
        identifiers=identifier_pairs([("procedure", reference), *_document_identifiers(documents)]),
        events=tuple(events),
        documents=tuple(documents),
        fields=_procedure_fields(process, kind),
    )


def _steps(
    process: Mapping[str, Any], nodes: list[dict[str, Any]]
) -> tuple[list[Event], list[Document]]:
    """Events (done, then scheduled) sorted by date, and the documents they link."""
    index = {node["id"]: node for node in nodes if isinstance(node.get("id"), str)}
    own = {_short(ref) for ref in _refs(process.get("created_a_realization_of"))}
    done = _resolved(process.get("consists_of"), index)
    scheduled = _resolved(process.get("was_scheduled_in"), index)
    events = [_event(node, own, forecast=False) for node in done]
    events += [_event(node, own, forecast=True) for node in scheduled]
    return _sorted_events(events), _documents(own, done)


def _process(nodes: list[dict[str, Any]], response: Response) -> dict[str, Any]:
    for node in nodes:
        if node.get("type") == "Process" or "process_id" in node or "process_title" in node:
            return node
    raise ParseError(
        "no procedure (a node of type Process) in the data", url=response.url, kind=SLUG
    )


def _reference(process: Mapping[str, Any], response: Response) -> str:
    found = _reference_or_none(process)
    if not found:
        raise ParseError(
            "procedure without a reference (label or process_id)", url=response.url, kind=SLUG
        )
    return found


def _reference_or_none(node: Mapping[str, Any]) -> str | None:
    """`2016/0132(COD)` from `label`, else from `process_id` + `process_type`."""
    found = procedure(_text(node.get("label")))
    match = _PROCESS_ID.match(_text(node.get("process_id")))
    kind = _last(_ref(node.get("process_type")))
    if not found and match and re.fullmatch(r"[A-Z]{3}", kind):
        found = procedure_from_parts(match[1], match[2], kind)
    return found


def _resolved(value: Any, index: Mapping[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Embedded nodes as they are; bare ids looked up in the graph (flattened JSON-LD)."""
    values = value if isinstance(value, list) else [value] if value else []
    nodes = [item if isinstance(item, dict) else index.get(_ref(item)) for item in values]
    return [node for node in nodes if node]


def _event(node: Mapping[str, Any], own: set[str], *, forecast: bool) -> Event:
    kind = _last(_ref(node.get("had_activity_type")))
    point = _text(node.get("notation_agendaPoint"))
    return Event(
        date=parse_date(_text(node.get("activity_date"))),
        title=_activity_title(node, kind),
        kind=kind,
        reference=_event_reference(node, own),
        url=_absolute(_ref(node)) if _ref(node) else "",
        source="EP",
        forecast=forecast,
        details=f"agenda point {point}" if point else "",
    )


def _activity_title(node: Mapping[str, Any], kind: str) -> str:
    label = _english(node.get("activity_label"))
    return label or ACTIVITY_TITLES.get(kind) or _humanize(kind) or _untyped_title(node)


def _untyped_title(node: Mapping[str, Any]) -> str:
    # Some decisions come without a type: one on a text adopted (TA-…) is Parliament's.
    decided = [_short(ref) for ref in _refs(node.get("decided_on_a_realization_of"))]
    if _text(node.get("type")) == "Decision" and any(d.startswith("TA-") for d in decided):
        return ACTIVITY_TITLES["PLENARY_AMEND_PROPOSAL"]
    return _humanize(_text(node.get("type")))


def _event_reference(node: Mapping[str, Any], own: set[str]) -> str:
    """The document the activity is about: the only one linked, or the file's own one.

    Joint debates and announcements link dozens of other files' documents; those lists
    name this file's document only where it is among the file's own ones.
    """
    for link in _REFERENCE_LINKS:
        docs = [_short(ref) for ref in _refs(node.get(link))]
        picked = docs[0] if len(docs) == 1 else next((d for d in docs if d in own), "")
        if picked:
            return document_label(picked)
    return ""


def _sorted_events(events: list[Event]) -> list[Event]:
    # By date, ties in source order (sorted() is stable); undated ones last.
    return sorted(events, key=lambda event: (event.date is None, event.date or ""))


def derive_stage(events: Iterable[Event], procedure_type: str) -> str:
    """The stage reached after the latest activity of `STAGE_AFTER` (see the module doc)."""
    known = [e for e in events if not e.forecast and e.date and e.kind in STAGE_AFTER]
    if not known:
        return ""
    latest = max(known, key=lambda e: (e.date, STAGE_AFTER[e.kind][0]))
    return STAGE_AFTER[latest.kind][1][_column(procedure_type)]


def _column(procedure_type: str) -> int:
    if procedure_type == "COD":
        return 0
    return 1 if procedure_type in COUNCIL_DECIDES else 2


# --- documents ----------------------------------------------------------------------------


def document_label(doc_id: str) -> str:
    """The reference people (and OEIL) write: `A-8-2017-0212` -> `A8-0212/2017`,
    `TA-9-…` -> `T9-…`, `LIBE-PR-597620` -> `PE597.620`, `SP-2024-377-…` -> `SP(2024)377`."""
    series = _SERIES.match(doc_id)
    if series:
        prefix = {"TA": "T", "RC": "RC-B"}.get(series[1], series[1])
        return f"{prefix}{int(series[2])}-{series[4]}/{series[3]}"
    committee = _COMMITTEE_DOC.match(doc_id)
    if committee:
        return f"PE{committee[3]}.{committee[4]}"
    sp = _SP.match(doc_id)
    return f"SP({sp[1]}){int(sp[2])}" if sp else doc_id


def _document_kind(doc_id: str) -> str:
    committee = _COMMITTEE_DOC.match(doc_id)
    if committee and committee[2] in DOCUMENT_TITLES:
        return committee[2]
    return doc_id.split("-", 1)[0]


def _document_title(doc_id: str) -> str:
    kind = _document_kind(doc_id)
    title = DOCUMENT_TITLES.get(kind, "Document")
    committee = _COMMITTEE_DOC.match(doc_id)
    return f"{title} ({committee[1]})" if committee and kind == committee[2] else title


def _documents(own: set[str], activities: list[dict[str, Any]]) -> list[Document]:
    """The file's own documents and those its activities link, by date then reference."""
    dates = _document_dates(activities)
    ids = own | {doc_id for node in activities for doc_id in _linked_documents(node, own)}
    ordered = sorted(ids, key=lambda d: (d not in dates, dates.get(d, ""), document_label(d), d))
    return [_document(doc_id, dates.get(doc_id)) for doc_id in ordered]


def _linked_documents(node: Mapping[str, Any], own: set[str]) -> list[str]:
    # Long lists belong to joint debates: keep only this file's own documents from them.
    found: list[str] = []
    for link in _DOCUMENT_LINKS:
        docs = [_short(ref) for ref in _refs(node.get(link))]
        found += docs if len(docs) <= 2 else [d for d in docs if d in own]
    return found


def _document_dates(activities: list[dict[str, Any]]) -> dict[str, str]:
    """Each document's date: the earliest activity that links it (its tabling, its vote)."""
    links = [
        (day, _short(ref))
        for node in activities
        if (day := parse_date(_text(node.get("activity_date"))))
        for link in _DOCUMENT_LINKS
        for ref in _refs(node.get(link))
    ]
    dates: dict[str, str] = {}
    for day, doc_id in sorted(links, reverse=True):
        dates[doc_id] = day  # latest first, so the earliest date is written last
    return dates


def _document(doc_id: str, day: str | None) -> Document:
    return Document(
        title=_document_title(doc_id),
        reference=document_label(doc_id),
        date=day,
        url=document_url(doc_id),
        kind=_document_kind(doc_id),
    )


def document_url(doc_id: str) -> str:
    """The page a person reads (europarl doceo, as OEIL links it), else the data portal's URI."""
    series = _SERIES.match(doc_id)
    if (series and series[1] in DOCEO_SERIES) or _COMMITTEE_DOC.match(doc_id):
        return f"{DOCEO}{doc_id}_EN.html"
    return f"{BASE}eli/dl/doc/{doc_id}"


def _document_identifiers(documents: Iterable[Document]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for document in documents:
        found |= find_identifiers(document.reference)
    return found


# --- procedure fields ---------------------------------------------------------------------


def _procedure_fields(process: Mapping[str, Any], kind: str) -> tuple[tuple[str, str], ...]:
    roles = _participations(process.get("had_participation"))
    pairs = [
        ("process_id", _text(process.get("process_id"))),
        ("procedure_type", kind),
        ("api_current_stage", _last(_ref(process.get("current_stage")))),
        ("committee_lead", ", ".join(roles.get("COMMITTEE_LEAD", []))),
        ("committees_opinion", ", ".join(roles.get("COMMITTEE_OPINION", []))),
        ("rapporteur", ", ".join(roles.get("RAPPORTEUR", []))),
    ]
    return tuple((name, value) for name, value in pairs if value)


def _participations(value: Any) -> dict[str, list[str]]:
    """role code -> sorted committees (`LIBE`) or person ids (`person/197829`)."""
    roles: dict[str, set[str]] = {}
    for node in value if isinstance(value, list) else []:
        role = _last(_ref(node.get("participation_role"))) if isinstance(node, dict) else ""
        if role:
            roles.setdefault(role, set()).update(_participants(node))
    return {role: sorted(names) for role, names in roles.items()}


def _participants(node: Mapping[str, Any]) -> list[str]:
    # A committee's role names the committee; a member's names the person (no name here).
    committees = [_last(ref) for ref in _refs(node.get("had_participant_organization"))]
    return committees or _refs(node.get("had_participant_person"))


# --- procedures list and feed -------------------------------------------------------------


def _list_record(nodes: list[dict[str, Any]], response: Response) -> Record:
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
            f"list entry {_ref(node) or '?'} is a {_text(node.get('type')) or 'node'}, not a "
            "procedure: only /procedures answers are procedure lists",
            url=response.url,
            kind=SLUG,
        )
    reference = _reference_or_none(node)
    process_id = _text(node.get("process_id")) or _short(_ref(node))
    if not (reference or process_id):
        raise ParseError("list entry without a process id or label", url=response.url, kind=SLUG)
    link = url_for(reference) if reference else f"{API}/procedures/{process_id}?{JSON_LD}"
    return Item(
        id=reference or process_id,
        title=_text(node.get("label")) or reference or process_id,
        link=link,
    )


def _is_process(node: Mapping[str, Any]) -> bool:
    kind = _text(node.get("type"))
    return kind == "Process" or (not kind and "/dl/proc/" in f"/{_ref(node)}")


# --- the procedures feed (Atom) -----------------------------------------------------------


def _feed_record(root: etree._Element, response: Response) -> Record:
    timeframe = parse_qs(urlsplit(response.url).query).get("timeframe", [""])[0]
    items = {item.id: item for item in map(_feed_item, root.findall(f"{_ATOM}entry"))}
    return Record(
        kind="procedure_list",
        title=f"EP procedures changed ({timeframe or 'feed'})",
        url=response.url,
        # Sorted: the feed's order (said to vary) is no change.
        items=tuple(sorted(items.values(), key=lambda item: item.id)),
    )


def _feed_item(entry: etree._Element) -> Item:
    uri = (entry.findtext(f"{_ATOM}id") or "").strip()
    match = _PROCESS_ID.match(_last(uri))
    if not match:
        raise ParseError(f"feed entry without a procedure id: {uri[:120]!r}", kind=SLUG)
    kind = _feed_type(entry)
    reference = procedure_from_parts(match[1], match[2], kind) if kind else ""
    process_id = _last(uri)
    return Item(
        id=reference or process_id,
        title=" ".join((entry.findtext(f"{_ATOM}title") or "").split()) or reference or process_id,
        link=url_for(reference or process_id),
        updated=parse_datetime((entry.findtext(f"{_ATOM}updated") or "").strip()),
    )


def _feed_type(entry: etree._Element) -> str:
    """The procedure type an entry's category names (its term or the end of its scheme)."""
    for category in entry.findall(f"{_ATOM}category"):
        for value in (category.get("term", ""), _last(category.get("scheme", ""))):
            if re.fullmatch(r"[A-Z]{3}", value):
                return value
    return ""


# --- plenary sitting (RDF/XML) ------------------------------------------------------------


def _xml_record(response: Response) -> Record:
    """The Atom procedures feed or a sitting in RDF/XML; an HTML challenge page is Blocked."""
    refuse_challenge(response)
    root = _xml(response)
    if root.tag == f"{_ATOM}feed":
        return _feed_record(root, response)
    if root.tag != _RDF + "RDF":
        raise ParseError(
            "not an RDF/XML document (no rdf:RDF root) nor the Atom procedures feed",
            url=response.url,
            kind=SLUG,
        )
    return _meeting(root, response)


def _meeting(root: etree._Element, response: Response) -> Record:
    sitting = _sitting(root, response)
    events = _meeting_events(root, sitting)
    return Record(
        kind="meeting",
        title=_label(sitting) or _value(sitting, "activity_id"),
        url=response.url,
        identifiers=identifier_pairs(find_identifiers(" ".join(e.title for e in events))),
        events=tuple(events),
        documents=tuple(_meeting_documents(sitting)),
        fields=_meeting_fields(sitting),
    )


def _meeting_events(root: etree._Element, sitting: etree._Element) -> list[Event]:
    """The minutes' items, then the agenda's points (forecasts), each in the sitting's order."""
    about = _RDF + "about"
    index = {el.get(about): el for el in root.iter() if len(el) and el.get(about)}
    items = [_meeting_event(node, None) for node in _children(sitting, _ELI + "consists_of", index)]
    agenda = [_meeting_event(node, slot) for slot in _frames(sitting, index) for node in slot[1]]
    return [event for event, _ in sorted(items + agenda, key=_meeting_order)]


def _xml(response: Response) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(response.body, parser=parser)
    except etree.XMLSyntaxError as error:
        raise ParseError(f"not XML ({error})", url=response.url, kind=SLUG) from None
    return root


def _sitting(root: etree._Element, response: Response) -> etree._Element:
    candidates = [node for node in root if node.find(_ELI + "activity_id") is not None]
    for node in candidates:
        if _last(_resource(node, "had_activity_type")).endswith("PLENARY_SITTING"):
            return node
    if candidates:
        return candidates[0]
    raise ParseError(
        "no meeting (an activity with an activity_id) in the RDF", url=response.url, kind=SLUG
    )


def _children(
    node: etree._Element, tag: str, index: Mapping[str, etree._Element]
) -> Iterator[etree._Element]:
    """Nodes under `tag`: nested ones, or ones named by rdf:resource and described elsewhere."""
    for link in node.findall(tag):
        nested = [child for child in link if child.get(_RDF + "about")]
        described = index.get(link.get(_RDF + "resource", ""))
        yield from nested or ([described] if described is not None else [])


def _frames(sitting: etree._Element, index: Mapping[str, etree._Element]) -> list[_Slot]:
    """The agenda's time slots, each with its start time and its agenda points."""
    slots = _children(sitting, _EPVOC + "scheduledIn", index)
    return [
        (_value(slot, "activity_start_date"), list(_children(slot, _ELI + "consists_of", index)))
        for slot in slots
    ]


def _meeting_event(node: etree._Element, slot: _Slot | None) -> tuple[Event, _Order]:
    point = _agenda_point(node)
    event = Event(
        date=parse_date(_value(node, "activity_date")),
        title=_label(node),
        kind=_last(_resource(node, "had_activity_type")),
        reference=document_label(_last(_resource(node, "recorded_in_a_realization_of"))),
        url=node.get(_RDF + "about", ""),
        source="EP",
        forecast=slot is not None,
        details=f"agenda point {point}" if point else "",
    )
    return event, (
        slot[0] if slot else "",
        _number(_value(node, "activity_order")),
        _value(node, "activity_id"),
    )


def _agenda_point(node: etree._Element) -> str:
    for notation in node.findall(_SKOS + "notation"):
        if notation.get(_RDF + "datatype", "").endswith("agendaPoint"):
            return (notation.text or "").strip()
    return ""


def _number(text: str) -> int:
    return int(text) if text.isdigit() else 0


def _meeting_order(pair: tuple[Event, _Order]) -> tuple[bool, str, bool, str, int, str]:
    # RDF/XML keeps no order: the minutes first by item number, then the agenda by time slot.
    event, (slot, order, activity_id) = pair
    return (event.date is None, event.date or "", event.forecast, slot, order, activity_id)


def _value(node: etree._Element, name: str) -> str:
    found = node.find(_ELI + name)
    return (found.text or "").strip() if found is not None else ""


def _resource(node: etree._Element, name: str) -> str:
    found = node.find(_ELI + name)
    return found.get(_RDF + "resource", "") if found is not None else ""


def _label(node: etree._Element) -> str:
    texts: dict[str, str] = {}
    for label in node.findall(_ELI + "activity_label"):
        texts.setdefault(label.get(_LANG, ""), (label.text or "").strip())
    return _preferred(texts)


def _meeting_documents(sitting: etree._Element) -> list[Document]:
    day = parse_date(_value(sitting, "activity_date"))
    links = sitting.findall(_ELI + "recorded_in_a_realization_of")
    links += sitting.findall(_ELI + "documented_by_a_realization_of")
    ids = sorted({_last(link.get(_RDF + "resource", "")) for link in links} - {""})
    return [_document(doc_id, day) for doc_id in ids]


def _meeting_fields(sitting: etree._Element) -> tuple[tuple[str, str], ...]:
    locality = sitting.find(_VCARD + "hasLocality")
    pairs = [
        ("activity_id", _value(sitting, "activity_id")),
        ("activity_type", _last(_resource(sitting, "had_activity_type"))),
        ("start", parse_datetime(_value(sitting, "activity_start_date")) or ""),
        ("end", parse_datetime(_value(sitting, "activity_end_date")) or ""),
        ("locality", _last(locality.get(_RDF + "resource", "")) if locality is not None else ""),
        ("parliamentary_term", _last(_resource(sitting, "parliamentary_term"))),
        ("attendees", _value(sitting, "number_of_attendees")),
    ]
    return tuple((name, value) for name, value in pairs if value)


def official_page(record: Record) -> tuple[str, str] | None:
    """The Parliament's page of a procedure: the API serves data, its pages for people are
    the Legislative Observatory's procedure files."""
    reference = first_identifier(record, "procedure")
    if not reference:
        return None
    return ("European Parliament", f"{OEIL_FILE}?reference={reference}")
