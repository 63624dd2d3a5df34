"""Tweede Kamer open data: Zaken with documents and votes, query lists, SyncFeed pages, motion texts.

Reads four kinds of response, told apart by their content (never by the request's role):

- an OData v4 Zaak (https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/), alone or as the
  entity of a query for its `Nummer`, fetched with `ZAAK_EXPAND`: its documents with their
  current version (whose `ExterneIdentifier` is the kamerstuk, `kst-32317-892`), its decisions
  with their votes and the agenda item and activity that date them (a Besluit has no date of
  its own), and its Kamerstukdossier: a record of kind `zaak`;
- any other OData `value` list of Zaken or Documents: a record of kind `zaak_list`, one item
  each. The shipped list sources (a word, a dossier) ask for the same expansions, so the list
  carries each Zaak's decisions: its votes come out as dated events linked to the motion
  (`kst-…`) and its dossier, the items say how each Zaak was decided;
- a SyncFeed page (Atom, `/SyncFeed/2.0/Feed?category=Zaak`): a record of kind `syncfeed`;
- the officiële-publicatie XML of a Kamerstuk (`DocumentPublicatie(<Id>)/Resource`): a record of
  kind `motion` (or `kamerstuk` when the stuk is not a motion) with its full text.

OData property names are those of the `$metadata` (namespace TK.DA.GGM.OData); `ODATA_FIELDS`
lists every one this module reads, and a test checks them (and every navigation property of
`ZAAK_EXPAND`) against the captured `$metadata`.

Follows: the Tweede Kamer Gegevensmagazijn OData v4 API, version 2.0 (its `$metadata`, EDMX
namespace TK.DA.GGM.OData, captured in tests/fixtures/nl_tweedekamer/odata-v4-2.0_metadata.xml).
The stage is what the decisions say (`aangenomen`, `verworpen`, else the latest BesluitSoort),
never the record status `Vrijgegeven`, which only says the entity is published.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote, unquote

from vocab.dates import parse_date, parse_datetime
from vocab.errors import ConfigError, ParseError
from vocab.fetch import Request, Response, Target
from vocab.identifiers import find_identifiers
from vocab.records import Document, Event, Item, Record, first_identifier, identifier_pairs

SLUG = "nl_tweedekamer"
ODATA = "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/"
PUBLICATION = "https://zoek.officielebekendmakingen.nl/{}.html"
TK_SITE = "https://www.tweedekamer.nl"
SOURCE = "Tweede Kamer"
# What a Zaak is fetched with: documents and their current version (the kamerstuk number),
# decisions with votes and the agenda item / activity that date them, the dossier.
ZAAK_EXPAND = (
    "Document($expand=HuidigeDocumentVersie),"
    "Besluit($expand=Stemming,Agendapunt($expand=Activiteit)),"
    "Kamerstukdossier"
)
ATOM = "{http://www.w3.org/2005/Atom}"

URL_HELP = (
    "Give a Zaak number (--param zaak=2024Z15447), a Kamerstuk dossier (--param dossier=32317 "
    "or 21501-33) or a word (--param query=CSAM), optionally with --param since=2024-10-01; "
    "or a URL: any gegevensmagazijn OData v4 query, a SyncFeed URL "
    "(https://gegevensmagazijn.tweedekamer.nl/SyncFeed/2.0/Feed?category=Zaak) or a "
    "DocumentPublicatie(<Id>)/Resource URL of a motion's XML."
)

HOSTS = ("gegevensmagazijn.tweedekamer.nl",)
PARAMS = {
    "zaak": "Zaak number such as 2024Z15447: that Zaak with its documents, decisions and votes.",
    "dossier": "Kamerstuk dossier such as 32317 or 21501-33: the Zaken of that dossier.",
    "query": "A word or phrase: the Zaken whose Onderwerp contains it.",
    "since": "A date or time: only Zaken changed after it (GewijzigdOp), for polling a dossier or "
    "query; a zaak is always read whole.",
}

# Every OData property read below, by entity type; tests check them against $metadata.
ODATA_FIELDS: dict[str, tuple[str, ...]] = {
    "Zaak": (
        "Id", "Nummer", "Soort", "Titel", "Citeertitel", "Status", "Onderwerp", "GestartOp",
        "Vergaderjaar", "Volgnummer", "HuidigeBehandelstatus", "Afgedaan", "GewijzigdOp",
        "Verwijderd", "Kabinetsappreciatie", "Document", "Besluit", "Kamerstukdossier",
    ),
    "Document": (
        "Id", "Soort", "DocumentNummer", "Titel", "Onderwerp", "Datum", "Volgnummer",
        "GewijzigdOp", "Verwijderd", "HuidigeDocumentVersie", "Kamerstukdossier",
    ),
    "DocumentVersie": ("ExterneIdentifier", "DocumentPublicatie"),
    "DocumentPublicatie": ("Identifier",),
    "Kamerstukdossier": ("Nummer", "Toevoeging", "Verwijderd"),
    "Besluit": (
        "Id", "StemmingsSoort", "BesluitSoort", "BesluitTekst", "GewijzigdOp", "Verwijderd",
        "Agendapunt", "Stemming",
    ),
    "Agendapunt": ("Aanvangstijd", "Activiteit"),
    "Activiteit": ("Datum",),
    "Stemming": (
        "Soort", "FractieGrootte", "ActorNaam", "ActorFractie", "Vergissing", "Persoon_Id",
        "Verwijderd",
    ),
}  # fmt: skip

_ZAAK_NUMBER = re.compile(r"^\d{4}Z\d{5}$")
_DOSSIER = re.compile(r"^(\d{1,6})(?:-([0-9A-Za-z]+))?$")
_CLOSING = "en gaat over tot de orde van de dag"
_VOTE_ORDER = {"Voor": 0, "Tegen": 1}
_EVENT_RANK = {"start": 0, "document": 1, "besluit": 2}


# --- requests ---------------------------------------------------------------------------


def requests(target: Target) -> list[Request]:
    """The OData query for the target's parameters, or its URL as given."""
    params = target.params
    if params.get("zaak"):
        return [Request(_zaak_url(params["zaak"]))]
    filters = _list_filters(params)
    if filters:
        odata_filter = " and ".join([*filters, "Verwijderd eq false"])
        # Expanded like a single Zaak: the list then carries each Zaak's decisions and votes.
        return [Request(_query_url("Zaak", odata_filter) + f"&$expand={ZAAK_EXPAND}")]
    if target.url:
        return [Request(target.url)]
    raise ConfigError(f"{SLUG}: give a zaak, dossier, query or since parameter, or a URL")


def _zaak_url(number: str) -> str:
    number = number.strip()
    if not _ZAAK_NUMBER.match(number):
        raise ConfigError(f"{SLUG}: zaak must look like 2024Z15447, not {number!r}")
    return _query_url("Zaak", f"Nummer eq '{number}'") + f"&$expand={ZAAK_EXPAND}"


def _query_url(entity_set: str, odata_filter: str) -> str:
    # Spaces must be escaped; the OData punctuation stays readable in logs.
    return f"{ODATA}{entity_set}?$filter={quote(odata_filter, safe=chr(39) + '(),/:$')}"


def _asks_one_zaak(url: str) -> bool:
    """True for a query of one Zaak by its Nummer (what `zaak=` asks): its answer is that Zaak."""
    return re.search(r"\$filter=Nummer(?: |%20)eq(?: |%20)'", url) is not None


def _list_filters(params: Mapping[str, str]) -> list[str]:
    filters = []
    if params.get("dossier"):
        filters.append(_dossier_filter(params["dossier"]))
    if params.get("query"):
        filters.append(f"contains(Onderwerp,{_literal(params['query'])})")
    if params.get("since"):
        filters.append(f"GewijzigdOp gt {_since(params['since'])}")
    return filters


def _dossier_filter(dossier: str) -> str:
    match = _DOSSIER.match(dossier.strip().replace(" ", ""))
    if not match:
        raise ConfigError(f"{SLUG}: dossier must look like 32317 or 21501-33, not {dossier!r}")
    condition = f"d/Nummer eq {int(match[1])}"
    if match[2]:
        condition += f" and d/Toevoeging eq {_literal(match[2])}"
    return f"Kamerstukdossier/any(d:{condition})"


def _literal(text: str) -> str:
    # OData string literals escape a quote by doubling it.
    return "'" + text.strip().replace("'", "''") + "'"


def _since(value: str) -> str:
    moment = parse_datetime(value)
    if not moment:
        raise ConfigError(f"{SLUG}: since must be a date or time, not {value!r}")
    return (moment if "T" in moment else f"{moment}T00:00:00") + "Z"


# --- follow -------------------------------------------------------------------------------


def follow(response: Response, target: Target) -> list[Request]:
    """The next page: OData's `@odata.nextLink`, or the SyncFeed's `next` link."""
    found = _atom_next(response) if _is_xml(response) else _odata_next(response)
    if not found or found == response.url:
        return []
    return [Request(found, role="page")]


def _odata_next(response: Response) -> str:
    try:
        data = json.loads(response.text())
    except ValueError:
        return ""
    return str(data.get("@odata.nextLink") or "") if isinstance(data, dict) else ""


def _atom_next(response: Response) -> str:
    root = _xml_or_none(response)
    # An empty page repeats its own position: following it would loop.
    if root is None or root.tag != f"{ATOM}feed" or root.find(f"{ATOM}entry") is None:
        return ""
    return _atom_link(root, "next")


# --- parse ----------------------------------------------------------------------------------


def parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record:
    """One Record from the responses of one source; pages of one list are merged."""
    if not responses:
        raise ParseError("no response to parse", kind=SLUG)
    kinds = [_kind(response) for response in responses]
    same = [r for r, kind in zip(responses, kinds, strict=True) if kind == kinds[0]]
    readers = {"motion": _motion, "atom": _syncfeed, "zaak": _zaak, "list": _zaak_list}
    return readers[kinds[0]](same)


def _kind(response: Response) -> str:
    if _is_xml(response):
        tag = _xml(response).tag
        if tag == f"{ATOM}feed":
            return "atom"
        if tag == "officiele-publicatie":
            return "motion"
        raise ParseError(f"XML with unknown root <{tag}>", url=response.url, kind=SLUG)
    return "zaak" if _single_zaak(_json(response), response.url) else "list"


def _is_xml(response: Response) -> bool:
    return response.text().lstrip("\ufeff \t\r\n").startswith("<")


def _xml(response: Response) -> ET.Element:
    # The standard parser resolves no external entities, and expat >= 2.4 caps entity expansion.
    try:
        return ET.fromstring(response.body)
    except ET.ParseError as error:
        raise ParseError(f"broken XML: {error}", url=response.url, kind=SLUG) from error


def _xml_or_none(response: Response) -> ET.Element | None:
    try:
        return ET.fromstring(response.body)
    except ET.ParseError:
        return None


def _json(response: Response) -> dict[str, Any]:
    try:
        data = json.loads(response.text())
    except ValueError as error:
        raise ParseError("response is neither JSON nor XML", url=response.url, kind=SLUG) from error
    if not isinstance(data, dict):
        raise ParseError("JSON response is not an object", url=response.url, kind=SLUG)
    return data


def _single_zaak(data: Mapping[str, Any], url: str) -> Mapping[str, Any] | None:
    """The Zaak of a detail response: a bare entity, or the entity a query by Nummer found.

    A word or dossier query that happens to find one Zaak stays a list: its record must not
    change kind when a second Zaak appears.
    """
    if "Nummer" in data:
        return data
    values = data.get("value")
    if _asks_one_zaak(url) and isinstance(values, list) and len(values) == 1:
        return values[0] if isinstance(values[0], dict) and "Nummer" in values[0] else None
    return None


# --- small readers --------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A JSON leaf as one clean line of text ('' for null)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return " ".join(str(value).split())


def _live(value: Any) -> list[Mapping[str, Any]]:
    """The entities of an expanded navigation property, deleted ones left out."""
    entities = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
    return [e for e in entities if isinstance(e, dict) and e.get("Verwijderd") is not True]


def _nonempty(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((name, value) for name, value in pairs if value)


# --- a Zaak -----------------------------------------------------------------------------------


def _zaak(responses: Sequence[Response]) -> Record:
    zaak = _single_zaak(_json(responses[0]), responses[0].url) or {}
    number = _text(zaak.get("Nummer"))
    if not number:
        raise ParseError("Zaak without Nummer", url=responses[0].url, kind=SLUG)
    title = _text(zaak.get("Onderwerp")) or _text(zaak.get("Titel"))
    if not title:
        raise ParseError(f"Zaak {number} has neither Onderwerp nor Titel", kind=SLUG)
    documents, besluiten = _live(zaak.get("Document")), _live(zaak.get("Besluit"))
    return Record(
        kind="zaak",
        key=f"NL:{number}",
        title=title,
        stage=_zaak_stage(zaak, besluiten),
        url=f"{ODATA}Zaak({_text(zaak.get('Id'))})",
        identifiers=_zaak_identifiers(zaak, documents),
        events=_zaak_events(zaak, documents, besluiten),
        documents=tuple(sorted((_document(d) for d in documents), key=_document_order)),
        fields=_zaak_fields(zaak),
    )


def _zaak_stage(zaak: Mapping[str, Any], besluiten: list[Mapping[str, Any]]) -> str:
    """What the decisions say: the last vote's outcome, else the latest decision's kind.

    `Status` ("Vrijgegeven") is left out on purpose: it says the record is published,
    not where the Zaak stands.
    """
    ordered = sorted(besluiten, key=_besluit_order)
    decided = [result for result in map(_result, ordered) if result]
    if decided:
        return decided[-1]
    latest = _text(ordered[-1].get("BesluitSoort")) if ordered else ""
    return latest or _text(zaak.get("HuidigeBehandelstatus"))


def _result(besluit: Mapping[str, Any]) -> str:
    """'aangenomen' or 'verworpen' when the Besluit is a vote's outcome, else ''."""
    said = f"{_text(besluit.get('BesluitSoort'))} {_text(besluit.get('BesluitTekst'))}".lower()
    if "verworpen" in said:
        return "verworpen"
    # "Stemmen - zonder stemming aannemen" adopts a text without a vote.
    return "aangenomen" if "aangenomen" in said or "aannemen" in said else ""


def _besluit_order(besluit: Mapping[str, Any]) -> tuple[str, str, str]:
    moment = _besluit_date(besluit) or ""
    return moment, _text(besluit.get("GewijzigdOp")), _text(besluit.get("Id"))


def _besluit_date(besluit: Mapping[str, Any]) -> str | None:
    # A Besluit has no date of its own: its agenda item (or that item's activity) has it.
    agendapunt = besluit.get("Agendapunt")
    if not isinstance(agendapunt, dict):
        return None
    activiteit = agendapunt.get("Activiteit")
    if isinstance(activiteit, dict) and activiteit.get("Datum"):
        return parse_date(_text(activiteit.get("Datum")))
    return parse_date(_text(agendapunt.get("Aanvangstijd")))


def _zaak_identifiers(
    zaak: Mapping[str, Any], documents: list[Mapping[str, Any]]
) -> tuple[tuple[str, str], ...]:
    pairs = [("nl_zaak", _text(zaak.get("Nummer"))), *_dossier_pairs(zaak)]
    texts = [_text(zaak.get(name)) for name in ("Onderwerp", "Titel", "Citeertitel")]
    for document in documents:
        pairs += [("nl_document", _text(document.get("DocumentNummer"))), *_dossier_pairs(document)]
        texts += [_text(document.get("Onderwerp")), _text(document.get("Titel"))]
        texts += _publication_ids(document)
    return identifier_pairs([*pairs, *find_identifiers("\n".join(texts))])


def _dossier_pairs(entity: Mapping[str, Any]) -> list[tuple[str, str]]:
    """nl_dossier (and nl_kamerstuk with the entity's Volgnummer) from an expanded dossier."""
    pairs = []
    for dossier in _live(entity.get("Kamerstukdossier")):
        name = "-".join(
            filter(None, [_text(dossier.get("Nummer")), _text(dossier.get("Toevoeging"))])
        )
        pairs.append(("nl_dossier", name))
        if entity.get("Volgnummer") is not None:
            pairs.append(("nl_kamerstuk", f"{name}-{_text(entity.get('Volgnummer'))}"))
    return pairs


def _publication_ids(document: Mapping[str, Any]) -> list[str]:
    """The `kst-…` identifiers of the document's current version and its publications."""
    version = document.get("HuidigeDocumentVersie")
    if not isinstance(version, dict):
        return []
    found = [_text(version.get("ExterneIdentifier"))]
    return found + [_text(p.get("Identifier")) for p in _live(version.get("DocumentPublicatie"))]


def _zaak_events(
    zaak: Mapping[str, Any],
    documents: list[Mapping[str, Any]],
    besluiten: list[Mapping[str, Any]],
) -> tuple[Event, ...]:
    ranked = [("start", _start_event(zaak))]
    ranked += [("document", _document_event(d)) for d in documents]
    motion = _motion_reference(zaak, documents)
    ranked += [("besluit", _besluit_event(b, motion)) for b in besluiten]
    return tuple(event for _, event in sorted(ranked, key=_event_order))


def _motion_reference(zaak: Mapping[str, Any], documents: list[Mapping[str, Any]]) -> str:
    """`kst-32317-892`: the kamerstuk the Zaak's votes are about, else the Zaak's number.

    The documents' current version names it (`ExterneIdentifier`); else the dossier and the
    Zaak's Volgnummer make it up.
    """
    for document in sorted(documents, key=lambda d: _text(d.get("DocumentNummer"))):
        found = [i for i in _publication_ids(document) if i.startswith("kst-")]
        if found:
            return found[0]
    kamerstuk = [v for s, v in _dossier_pairs(zaak) if s == "nl_kamerstuk"]
    return f"kst-{kamerstuk[0]}" if kamerstuk else _text(zaak.get("Nummer"))


def _event_order(pair: tuple[str, Event]) -> tuple[Any, ...]:
    # By date, then start, documents, decisions; the rest only so that the API's order of
    # documents of one day does not read as a change.
    rank, event = pair
    return *_date_order(event.date), _EVENT_RANK[rank], event.reference, event.title, event.details


def _date_order(date: str | None) -> tuple[bool, str]:
    # Undated events go last, after every dated one.
    return date is None, date or ""


def _start_event(zaak: Mapping[str, Any]) -> Event:
    return Event(
        date=parse_date(_text(zaak.get("GestartOp"))),
        title="Zaak gestart",
        kind=_text(zaak.get("Soort")),
        reference=_text(zaak.get("Nummer")),
        url=f"{ODATA}Zaak({_text(zaak.get('Id'))})",
        source=SOURCE,
    )


def _document_event(document: Mapping[str, Any]) -> Event:
    return Event(
        date=parse_date(_text(document.get("Datum"))),
        title=_text(document.get("Soort")) or "Document",
        kind="Document",
        reference=_text(document.get("DocumentNummer")),
        url=_resource_url(document),
        source=SOURCE,
        details=_text(document.get("Onderwerp")) or _text(document.get("Titel")),
    )


def _besluit_event(besluit: Mapping[str, Any], motion: str) -> Event:
    """A decision, dated by its activity, linked to the motion (and so its dossier)."""
    said = _text(besluit.get("BesluitTekst")).rstrip(".") or _text(besluit.get("BesluitSoort"))
    return Event(
        date=_besluit_date(besluit),
        title=said or "Besluit",
        kind=_text(besluit.get("BesluitSoort")),
        reference=motion,
        url=PUBLICATION.format(motion) if motion.startswith("kst-") else "",
        source=SOURCE,
        details=_vote_details(besluit),
    )


def _vote_details(besluit: Mapping[str, Any]) -> str:
    """How each party (or member, in a roll call) voted: 'Voor: D66 (9), …; Tegen: …'."""
    groups: dict[str, list[str]] = {}
    for vote in _live(besluit.get("Stemming")):
        groups.setdefault(_text(vote.get("Soort")) or "?", []).append(_voter(vote))
    parts = [_text(besluit.get("StemmingsSoort"))]
    for choice in sorted(groups, key=lambda c: (_VOTE_ORDER.get(c, 2), c)):
        parts.append(f"{choice}: {', '.join(sorted(groups[choice]))}")
    return "; ".join(part for part in parts if part)


def _voter(vote: Mapping[str, Any]) -> str:
    party = _text(vote.get("ActorFractie"))
    if vote.get("Persoon_Id"):
        label = f"{_text(vote.get('ActorNaam'))} ({party})"
    else:
        label = f"{party} ({_text(vote.get('FractieGrootte'))})"
    return label + (" (vergissing)" if vote.get("Vergissing") is True else "")


def _document(document: Mapping[str, Any]) -> Document:
    return Document(
        title=_text(document.get("Onderwerp")) or _text(document.get("Titel")),
        reference=_text(document.get("DocumentNummer")),
        date=parse_date(_text(document.get("Datum"))),
        url=_resource_url(document),
        kind=_text(document.get("Soort")),
    )


def _document_order(document: Document) -> tuple[bool, str, str]:
    return (*_date_order(document.date), document.reference)


def _resource_url(document: Mapping[str, Any]) -> str:
    return f"{ODATA}Document({_text(document.get('Id'))})/Resource"


def _zaak_fields(zaak: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    names = (
        ("soort", "Soort"),
        ("titel", "Titel"),
        ("vergaderjaar", "Vergaderjaar"),
        ("volgnummer", "Volgnummer"),
        ("status", "Status"),
        ("huidige_behandelstatus", "HuidigeBehandelstatus"),
        ("kabinetsappreciatie", "Kabinetsappreciatie"),
        ("afgedaan", "Afgedaan"),
    )
    return _nonempty((name, _text(zaak.get(key))) for name, key in names)


# --- a list of Zaken or Documents -------------------------------------------------------------


def _zaak_list(responses: Sequence[Response]) -> Record:
    entities: dict[str, Mapping[str, Any]] = {}
    for response in responses:
        values = _json(response).get("value")
        if not isinstance(values, list):
            raise ParseError("OData response without a value list", url=response.url, kind=SLUG)
        if not values and "Nummer eq" in unquote(response.url):
            raise ParseError("no Zaak with the requested Nummer", url=response.url, kind=SLUG)
        entities.update((_number(entity), entity) for entity in _live(values))
    zaken = [e for e in entities.values() if "Nummer" in e]
    # Sorted so that a page served in another order is not a change.
    return Record(
        kind="zaak_list",
        url=responses[0].url,
        identifiers=identifier_pairs(
            p for z in zaken for p in _zaak_identifiers(z, _live(z.get("Document")))
        ),
        events=tuple(sorted((e for z in zaken for e in _list_events(z)), key=_list_event_order)),
        items=tuple(sorted(map(_item, entities.values()), key=_item_order)),
    )


def _number(entity: Mapping[str, Any]) -> str:
    number = _text(entity.get("Nummer") or entity.get("DocumentNummer"))
    if not number:
        raise ParseError("list entity without Nummer or DocumentNummer", kind=SLUG)
    return number


def _list_events(zaak: Mapping[str, Any]) -> list[Event]:
    """A listed Zaak's decisions as events, each titled with the motion it decides."""
    motion = _motion_reference(zaak, _live(zaak.get("Document")))
    label = f"{_text(zaak.get('Soort')) or 'Zaak'} {motion.removeprefix('kst-')}"
    events = [_besluit_event(b, motion) for b in _live(zaak.get("Besluit"))]
    return [replace(e, title=f"{label}: {e.title}") for e in events]


def _list_event_order(event: Event) -> tuple[Any, ...]:
    return *_date_order(event.date), event.reference, event.title, event.details


def _item(entity: Mapping[str, Any]) -> Item:
    entity_set = "Zaak" if "Nummer" in entity else "Document"
    stage = _zaak_stage(entity, _live(entity.get("Besluit"))) if entity_set == "Zaak" else ""
    parts = [_text(entity.get("Soort")), _text(entity.get("Titel")), stage]
    return Item(
        id=_number(entity),
        title=_text(entity.get("Onderwerp")) or _text(entity.get("Titel")),
        link=f"{ODATA}{entity_set}({_text(entity.get('Id'))})",
        published=parse_date(_text(entity.get("GestartOp") or entity.get("Datum"))),
        summary=" — ".join(filter(None, parts)),
        updated=parse_datetime(_text(entity.get("GewijzigdOp"))),
    )


def _item_order(item: Item) -> str:
    return item.id


# --- a SyncFeed page ----------------------------------------------------------------------------


def _syncfeed(responses: Sequence[Response]) -> Record:
    # The SyncFeed is an API in an Atom envelope whose entries carry entity XML; feedparser
    # would treat that XML as HTML content, so the envelope is read directly.
    items: dict[str, Item] = {}
    for response in responses:
        items.update(
            (item.id, item) for item in map(_atom_item, _xml(response).iter(f"{ATOM}entry"))
        )
    return Record(
        kind="syncfeed", url=responses[0].url, items=tuple(sorted(items.values(), key=_item_order))
    )


def _atom_item(entry: ET.Element) -> Item:
    entity = _atom_entity(entry)
    guid = _child_text(entry, f"{ATOM}title") or _child_text(entry, f"{ATOM}id")
    if not guid:
        raise ParseError("SyncFeed entry without title or id", kind=SLUG)
    return Item(
        id=_local_text(entity, "nummer") or guid,
        title=_local_text(entity, "onderwerp") or _local_text(entity, "titel") or guid,
        link=_atom_link(entry, "enclosure")
        or _atom_link(entry, "alternate")
        or _child_text(entry, f"{ATOM}id"),
        summary=_entity_summary(entity),
        updated=parse_datetime(_child_text(entry, f"{ATOM}updated")),
    )


def _atom_entity(entry: ET.Element) -> ET.Element | None:
    content = entry.find(f"{ATOM}content")
    return None if content is None else next(iter(content), None)


def _atom_link(element: ET.Element, rel: str) -> str:
    for link in element.findall(f"{ATOM}link"):
        if link.get("rel", "alternate") == rel:
            return link.get("href", "")
    return ""


def _local_text(entity: ET.Element | None, name: str) -> str:
    """The text of the entity's child called `name`, whatever its namespace."""
    if entity is None:
        return ""
    for child in entity:
        if child.tag.rsplit("}", 1)[-1] == name:
            return " ".join("".join(child.itertext()).split())
    return ""


def _entity_summary(entity: ET.Element | None) -> str:
    if entity is None:
        return ""
    deleted = any(k.endswith("verwijderd") and v == "true" for k, v in entity.attrib.items())
    return entity.tag.rsplit("}", 1)[-1] + (" (verwijderd)" if deleted else "")


def _child_text(element: ET.Element, tag: str) -> str:
    child = element.find(tag)
    return "" if child is None else " ".join("".join(child.itertext()).split())


# --- a motion's officiële-publicatie XML --------------------------------------------------------


@dataclass(frozen=True)
class _Stuk:
    """What the officiële publicatie says of one Kamerstuk."""

    dossier: str
    number: str
    title: str
    date: str | None
    paragraphs: tuple[str, ...]
    submitters: tuple[str, ...]
    dossier_title: str
    meta: Mapping[str, str]

    @property
    def kamerstuk(self) -> str:
        return f"{self.dossier}-{self.number}"

    @property
    def is_motion(self) -> bool:
        return "motie" in self.title.lower()


def _motion(responses: Sequence[Response]) -> Record:
    stuk = _read_stuk(_xml(responses[0]), responses[0].url)
    return Record(
        kind="motion" if stuk.is_motion else "kamerstuk",
        key=f"NL:kst-{stuk.kamerstuk}",
        title=stuk.title,
        url=PUBLICATION.format(f"kst-{stuk.kamerstuk}"),
        identifiers=_stuk_identifiers(stuk),
        events=(_stuk_event(stuk),),
        fields=_stuk_fields(stuk),
        text="\n".join(stuk.paragraphs),
    )


def _read_stuk(root: ET.Element, url: str) -> _Stuk:
    stuk, meta = root.find("kamerstuk/stuk"), _meta(root)
    if stuk is None:
        raise ParseError("officiële publicatie without kamerstuk/stuk", url=url, kind=SLUG)
    paragraphs = _paragraphs(stuk)
    submitters = _submitters(paragraphs, meta)
    dossier_title = _child_text(root, "kamerstuk/dossier/titel")
    return _Stuk(
        dossier=_dossier(root, meta, url),
        number=_ondernummer(stuk, meta, url),
        title=_stuk_title(stuk, submitters, meta, url),
        date=_stuk_date(stuk, meta),
        paragraphs=tuple(paragraphs),
        submitters=tuple(submitters),
        dossier_title=dossier_title or meta.get("OVERHEIDop.dossiertitel", ""),
        meta={**meta, "vergaderjaar": _vergaderjaar(root, meta)},
    )


def _stuk_event(stuk: _Stuk) -> Event:
    return Event(
        date=stuk.date,
        title="Motie ingediend" if stuk.is_motion else "Kamerstuk gepubliceerd",
        kind=stuk.meta.get("DC.type") or ("Motie" if stuk.is_motion else "Kamerstuk"),
        reference=f"kst-{stuk.kamerstuk}",
        url=PUBLICATION.format(f"kst-{stuk.kamerstuk}"),
        source=SOURCE,
        details=stuk.title,
    )


def _stuk_fields(stuk: _Stuk) -> tuple[tuple[str, str], ...]:
    return _nonempty(
        [
            ("number", stuk.number),
            ("dossier", stuk.dossier),
            ("submitters", "; ".join(stuk.submitters)),
            ("date", stuk.date or ""),
            ("dossier_title", stuk.dossier_title),
            ("vergaderjaar", stuk.meta.get("vergaderjaar", "")),
            ("document_title", stuk.meta.get("OVERHEIDop.documenttitel", "")),
        ]
    )


def _stuk_identifiers(stuk: _Stuk) -> tuple[tuple[str, str], ...]:
    # A motion that cites COM(2022) 209 or a procedure keeps that identifier for linking.
    texts = [stuk.title, stuk.dossier_title, stuk.meta.get("OVERHEIDop.documenttitel", "")]
    found = find_identifiers("\n".join([*texts, *stuk.paragraphs]))
    pairs = [("nl_dossier", stuk.dossier), ("nl_kamerstuk", stuk.kamerstuk), *found]
    return identifier_pairs(pairs)


def _meta(root: ET.Element) -> dict[str, str]:
    """The first non-empty `<meta content>` per name (DC.type comes several times; the first is the kind)."""
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        content = " ".join(meta.get("content", "").split())
        if content:
            found.setdefault(meta.get("name", ""), content)
    return found


def _dossier(root: ET.Element, meta: Mapping[str, str], url: str) -> str:
    """`32317` or `21501-33`: the body writes `<dossiernr>21 501</dossiernr>-<raadnr>33</raadnr>`."""
    element = root.find("kamerstuk/dossier/dossiernummer")
    parts = (
        [] if element is None else ["".join("".join(child.itertext()).split()) for child in element]
    )
    dossier = "-".join(part for part in parts if part) or meta.get("OVERHEIDop.dossiernummer", "")
    if not re.fullmatch(r"\d+(?:-[0-9A-Za-z]+)*", dossier):
        raise ParseError("motion XML without a dossiernummer", url=url, kind=SLUG)
    return dossier


def _ondernummer(stuk: ET.Element, meta: Mapping[str, str], url: str) -> str:
    number = _child_text(stuk, "stuknr/ondernummer") or meta.get("OVERHEIDop.ondernummer", "")
    if not number.isdigit():
        raise ParseError("motion XML without an ondernummer", url=url, kind=SLUG)
    return number


def _paragraphs(stuk: ET.Element) -> list[str]:
    """Every paragraph of the stuk's body, one clean line each, in reading order."""
    body = stuk.find("algemeen")
    paragraphs = (
        " ".join("".join(al.itertext()).split())
        for al in (body if body is not None else stuk).iter("al")
    )
    return [paragraph for paragraph in paragraphs if paragraph]


def _submitters(paragraphs: list[str], meta: Mapping[str, str]) -> list[str]:
    """The signatures: the lines after the closing formula (an `<al-groep>` when several sign)."""
    for index, paragraph in enumerate(paragraphs):
        if paragraph.lower().startswith(_CLOSING):
            return paragraphs[index + 1 :]
    return [meta["OVERHEIDop.indiener"]] if meta.get("OVERHEIDop.indiener") else []


def _stuk_title(stuk: ET.Element, submitters: list[str], meta: Mapping[str, str], url: str) -> str:
    title = _child_text(stuk, "titel") or meta.get("OVERHEIDop.documenttitel", "")
    if not title:
        raise ParseError("motion XML without a titel", url=url, kind=SLUG)
    return _readable(title, submitters) if title.isupper() else title


def _readable(shouting: str, names: list[str]) -> str:
    """'MOTIE VAN HET LID VAN HOUWELINGEN' as 'Motie van het lid Van Houwelingen': the
    signatures give the names' own capitals."""
    text = shouting.lower()
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name.lower())}\b", lambda _, name=name: name, text)
    return text[:1].upper() + text[1:]


def _stuk_date(stuk: ET.Element, meta: Mapping[str, str]) -> str | None:
    element = stuk.find("datumtekst/datum")
    if element is not None and parse_date(element.get("isodatum")):
        return parse_date(element.get("isodatum"))
    return parse_date(meta.get("DCTERMS.issued")) or parse_date(_child_text(stuk, "datumtekst"))


def _vergaderjaar(root: ET.Element, meta: Mapping[str, str]) -> str:
    for line in root.iter("tekstregel"):
        match = re.search(r"\d{4}-\d{4}", "".join(line.itertext()))
        if line.get("inhoud") == "vergaderjaar" and match:
            return match[0]
    return meta.get("OVERHEIDop.vergaderjaar", "")


def official_page(record: Record) -> tuple[str, str] | None:
    """The case (Zaak) on tweedekamer.nl, else the Kamerstuk as officially published."""
    zaak = first_identifier(record, "nl_zaak")
    if zaak:
        return ("Tweede Kamer", f"{TK_SITE}/kamerstukken/detail?id={zaak}")
    kamerstuk = first_identifier(record, "nl_kamerstuk")
    if not kamerstuk:
        return None
    return ("officielebekendmakingen.nl", PUBLICATION.format(f"kst-{kamerstuk}"))
