"""Bundestag and Bundesrat files from the DIP API: a Vorgang with its steps and papers, or a list.

Follows: the DIP API v1.2 OpenAPI description (bundesAPI/dip-bundestag-api, `openapi.yaml`,
info.version "1.2"), plus the `/vorgang` filters `f.titel` and `f.deskriptor` of the later
generated parameter model of the same API. Only documented filters are sent:

- a Vorgang: `GET /vorgang/{id}` and its steps `GET /vorgangsposition?f.vorgang={id}`; its
  papers are then asked by id, `GET /drucksache?f.id=…&f.id=…` (the ids its steps cite), since
  `/drucksache` has no `f.vorgang`. A paper is kept only when it is tied to the Vorgang: its
  `vorgangsbezug` names it, or (that list is cut at four) one of the Vorgang's steps cites it;
- Vorgänge by words of their title or a descriptor (`f.titel`, `f.deskriptor`), with
  `f.aktualisiert.start` for `since`. DIP has no KOM filter: `kom` keeps, of the Vorgänge such
  a query lists, those whose `kom` field is that Commission document;
- Drucksachen by number, `GET /drucksache?f.dokumentnummer=…`.

No real response has been captured yet (the API needs a key), so the tests run on responses
built to that schema. Every request carries `Authorization: ApiKey <key>`, and the
crawler sends it to search.dip.bundestag.de only: a source URL on another host gets a refusal.

Responses are told apart by their content: a single entity whose `typ` is "Vorgang" makes a
record of kind `vorgang`; a list (`documents` + `cursor`) of Vorgänge, Drucksachen or
Vorgangspositionen alone makes a `<entity>_list` record. The fields it relies on, exactly:

- list responses: `documents`, `cursor`;
- Vorgang: `id`, `typ`, `titel`, `beratungsstand`, `abstract`, `vorgangstyp`, `wahlperiode`,
  `kom`, `ratsdok`, `gesta`, `initiative`, `sachgebiet`, `deskriptor[].name`,
  `zustimmungsbeduerftigkeit`, `datum`, `aktualisiert`,
  `verkuendung[]` (`verkuendungsdatum`, `fundstelle`, `pdf_url`, `verkuendungsblatt_kuerzel`),
  `inkrafttreten[]` (`datum`, `erlaeuterung`);
- Vorgangsposition: `id`, `typ`, `vorgang_id`, `vorgangsposition`, `zuordnung` (BT/BR),
  `dokumentart`, `datum`, `titel`, `aktualisiert`, `kom`, `ratsdok`,
  `fundstelle` (`id`, `dokumentnummer`, `dokumentart`, `drucksachetyp`, `datum`, `pdf_url`,
  `herausgeber`, `urheber[]`), `beschlussfassung[]` (`beschlusstenor`, `abstimmungsart`,
  `mehrheit`, `dokumentnummer`, `abstimm_ergebnis_bemerkung` — the vote's result as DIP
  writes it, e.g. "einstimmig" —, `grundlage`), `ueberweisung[]` (`ausschuss`, `federfuehrung`),
  `aktivitaet_anzeige[]` (`aktivitaetsart`, `titel`);
- Drucksache: `id`, `typ`, `dokumentart`, `dokumentnummer`, `drucksachetyp`, `herausgeber`,
  `titel`, `datum`, `aktualisiert`, `fundstelle.pdf_url`, `vorgangsbezug[].id`,
  `vorgangsbezug_anzahl`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from vocab.dates import parse_date, parse_datetime
from vocab.errors import ConfigError, MissingKey, ParseError
from vocab.fetch import Request, Response, Target
from vocab.identifiers import find_identifiers
from vocab.records import Document, Event, Item, Record, first_identifier, identifier_pairs

SLUG = "de_bundestag"
API = "https://search.dip.bundestag.de/api/v1/"
DIP_SITE = "https://dip.bundestag.de"  # the same documentation, as pages for people
KEY_NAME = "dip_api_key"
# The only host the key may be sent to; the crawler's guard refuses any other (crawlers/guard.py).
SECRET_HOSTS = {KEY_NAME: "search.dip.bundestag.de"}
MISSING_KEY = (
    "the Bundestag DIP API needs a key: set LEXWATCH_DIP_API_KEY "
    "(get one free at https://dip.bundestag.de/über-dip/hilfe/api)"
)

URL_HELP = (
    "Give a DIP Vorgang id (--param vorgang=289987), words of a title (--param query=Chatkontrolle) "
    "or a descriptor (--param deskriptor='Sexueller Missbrauch von Kindern'), optionally narrowed "
    "to one Commission document (--param kom='COM(2022) 209'), or a Drucksache number "
    "(--param drucksache=20/1234), optionally with --param since=2024-10-01; "
    "or a URL of the DIP API (https://search.dip.bundestag.de/api/v1/…). Needs an API key."
)

HOSTS = ("search.dip.bundestag.de",)
PARAMS = {
    "vorgang": "DIP Vorgang id: that file with all its steps (Vorgangspositionen) and papers.",
    "kom": "Commission document such as COM(2022) 209 (any spelling), with query or deskriptor: "
    "of the Vorgänge they find, those with that KOM-Nr. (DIP has no KOM filter).",
    "query": "Words of a title: Vorgänge whose title has them (f.titel).",
    "deskriptor": "A descriptor of the Bundestag thesaurus: Vorgänge indexed with it (f.deskriptor).",
    "drucksache": "Drucksache number such as 20/1234 or 337/22: those Drucksachen.",
    "since": "A date or time: only entities updated after it (f.aktualisiert.start), for lists; "
    "a vorgang is always read whole.",
}

_ABBREVIATION = {"Drucksache": "Drs.", "Plenarprotokoll": "PlPr."}
# Parameters that become /vorgang word filters, and the filter each one is.
_WORDS = (("query", "titel"), ("deskriptor", "deskriptor"))
KOM_NEEDS_WORDS = (
    f"{SLUG}: DIP cannot search by Commission document; give words of the title "
    "(--param query=…) or a descriptor (--param deskriptor=…) with kom, which then keeps the "
    "Vorgänge with that KOM-Nr."
)
_IDS_PER_REQUEST = 100  # the largest page a DIP list answers
_ENTITY_LIST = {"Vorgang": "vorgang_list", "Dokument": "drucksache_list"}


# --- requests ---------------------------------------------------------------------------


def requests(target: Target) -> list[Request]:
    """The DIP requests for the target's parameters, or its URL, each with the API key."""
    headers = _auth(target)
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


def _auth(target: Target) -> tuple[tuple[str, str], ...]:
    key = (target.secrets.get(KEY_NAME) or "").strip()
    if not key:
        raise MissingKey(MISSING_KEY)
    return (("Authorization", f"ApiKey {key}"),)


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
        _kom(params["kom"])  # refused when the source is saved if it names no COM document
        if not query:
            raise ConfigError(KOM_NEEDS_WORDS)
    return query


def _kom(value: str) -> str:
    """'COM(2022) 209 final', 'COM/2022/209' … as one canonical 'COM(2022) 209'."""
    found = sorted(v for scheme, v in find_identifiers(value) if scheme == "com")
    if not found:
        raise ConfigError(f"{SLUG}: kom must be a Commission document such as COM(2022) 209")
    return found[0]


def _kom_field(value: str) -> str:
    """A DIP `kom` field readable by find_identifiers: DIP writes '(2017) 600 endg.'."""
    return f"KOM{value}" if value.startswith("(") else value


def _since(value: str) -> str:
    moment = parse_datetime(value)
    if not moment:
        raise ConfigError(f"{SLUG}: since must be a date or time, not {value!r}")
    return moment if "T" in moment else f"{moment}T00:00:00"


def _encode(query: Iterable[tuple[str, str]]) -> str:
    # %20 rather than '+', so that the URL reads the same in logs and in the cursor check.
    return urlencode(list(query), quote_via=quote, safe="()/:")


# --- follow -------------------------------------------------------------------------------


def follow(response: Response, target: Target) -> list[Request]:
    """The next page of a list, and the Drucksachen a page of Vorgangspositionen cites."""
    page = _json_or_none(response)
    if not _is_list(page) or not page.get("documents"):
        return []
    return [*_papers_cited(page, target), *_next_page(page, response, target)]


def _next_page(page: Mapping[str, Any], response: Response, target: Target) -> list[Request]:
    """The same query with `cursor=`, until the cursor stops changing."""
    cursor = str(page.get("cursor") or "")
    # DIP answers the last page with the cursor it was asked with.
    if not cursor or cursor == _sent_cursor(response.url):
        return []
    return [Request(_with_cursor(response.url, cursor), _auth(target), role=response.role)]


def _papers_cited(page: Mapping[str, Any], target: Target) -> list[Request]:
    """`/drucksache?f.id=…` for the Drucksachen the steps on this page cite (f.id repeats)."""
    steps = _of_typ(_dicts(page.get("documents")), "Vorgangsposition")
    ids = sorted({_text(p["fundstelle"].get("id")) for p in steps if _cites_drucksache(p)})
    chunks = [ids[i : i + _IDS_PER_REQUEST] for i in range(0, len(ids), _IDS_PER_REQUEST)]
    query = [[("f.id", paper) for paper in chunk] for chunk in chunks if chunk]
    return [
        Request(f"{API}drucksache?{_encode(q)}", _auth(target), role="drucksachen") for q in query
    ]


def _cites_drucksache(position: Mapping[str, Any]) -> bool:
    paper = position.get("fundstelle")
    return isinstance(paper, dict) and _is_drucksache(paper) and _text(paper.get("id")).isdigit()


def _sent_cursor(url: str) -> str:
    return dict(parse_qsl(urlsplit(url).query)).get("cursor", "")


def _with_cursor(url: str, cursor: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "cursor"]
    return urlunsplit(parts._replace(query=_encode([*query, ("cursor", cursor)])))


# --- parse ----------------------------------------------------------------------------------


def parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record:
    """A `vorgang` record when a Vorgang entity is among the responses, else a list record."""
    if not responses:
        raise ParseError("no response to parse", kind=SLUG)
    bodies = [(response, _json(response)) for response in responses]
    entities = [entity for response, body in bodies for entity in _entities(body, response)]
    vorgaenge = [body for _, body in bodies if not _is_list(body) and body.get("typ") == "Vorgang"]
    if vorgaenge:
        return _vorgang(vorgaenge[0], entities)
    return _list(_with_kom(entities, params), responses[0])


def _json(response: Response) -> dict[str, Any]:
    data = _json_or_none(response)
    if data is None:
        raise ParseError("response is not a JSON object", url=response.url, kind=SLUG)
    return data


def _json_or_none(response: Response) -> dict[str, Any] | None:
    try:
        data = json.loads(response.text())
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _is_list(body: Mapping[str, Any] | None) -> bool:
    return body is not None and isinstance(body.get("documents"), list)


def _entities(body: Mapping[str, Any], response: Response) -> list[Mapping[str, Any]]:
    """The entities of a list page, or the one entity of a detail response."""
    if _is_list(body):
        return [e for e in body["documents"] if isinstance(e, dict)]
    if body.get("typ"):
        return [body]
    raise ParseError("neither a DIP entity nor a DIP list", url=response.url, kind=SLUG)


# --- small readers --------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A JSON leaf as one clean line of text ('' for null; lists joined with '; ')."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(filter(None, (_text(v) for v in value)))
    return " ".join(str(value).split())


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _of_typ(entities: Iterable[Mapping[str, Any]], typ: str) -> list[Mapping[str, Any]]:
    return [entity for entity in entities if entity.get("typ") == typ]


def _number(entity: Mapping[str, Any]) -> int:
    # DIP ids are digit strings; they order positions that share a date.
    text = _text(entity.get("id"))
    return int(text) if text.isdigit() else 0


def _reference(paper: Mapping[str, Any], chamber: str = "") -> str:
    """'BT-Drs. 20/1234', 'BR-Drs. 337/22', 'BT-PlPr. 20/45': BT and BR numbers can collide."""
    number = _text(paper.get("dokumentnummer"))
    if not number:
        return ""
    kind = _ABBREVIATION.get(_text(paper.get("dokumentart")), "")
    prefix = "-".join(filter(None, [_text(paper.get("herausgeber")) or chamber, kind]))
    return f"{prefix} {number}".strip()


def _nonempty(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((name, value) for name, value in pairs if value)


# --- a Vorgang ------------------------------------------------------------------------------


def _vorgang(vorgang: Mapping[str, Any], entities: list[Mapping[str, Any]]) -> Record:
    number, title = _text(vorgang.get("id")), _text(vorgang.get("titel"))
    if not number or not title:
        raise ParseError(f"Vorgang without {'id' if not number else 'titel'}", kind=SLUG)
    positions = [
        p for p in _of_typ(entities, "Vorgangsposition") if _text(p.get("vorgang_id")) == number
    ]
    papers = [d for d in _of_typ(entities, "Dokument") if d.get("dokumentart") == "Drucksache"]
    drucksachen = [d for d in papers if _tied(d, number, positions)]
    return Record(
        kind="vorgang",
        key=f"DE:vorgang-{number}",
        title=title,
        stage=_text(vorgang.get("beratungsstand")),
        url=f"{API}vorgang/{number}",
        identifiers=_identifiers(vorgang, positions, drucksachen),
        events=_events(vorgang, positions),
        documents=_documents(positions, drucksachen),
        fields=_fields(vorgang),
        text=_lines(vorgang.get("abstract")),
    )


def _tied(drucksache: Mapping[str, Any], number: str, positions: list[Mapping[str, Any]]) -> bool:
    """True when the paper belongs to the Vorgang: its `vorgangsbezug` names it, or (DIP cuts
    that list at four) one of the Vorgang's steps cites it."""
    named = {_text(v.get("id")) for v in _dicts(drucksache.get("vorgangsbezug"))}
    if number in named:
        return True
    cut = (drucksache.get("vorgangsbezug_anzahl") or 0) > len(named)
    cited = {_text((p.get("fundstelle") or {}).get("id")) for p in positions}
    return cut and _text(drucksache.get("id")) in cited


def _with_kom(
    entities: list[Mapping[str, Any]], params: Mapping[str, str]
) -> list[Mapping[str, Any]]:
    """With `kom`, the listed Vorgänge whose `kom` field is that Commission document."""
    if not params.get("kom"):
        return entities
    wanted = ("com", _kom(params["kom"]))
    return [e for e in entities if wanted in find_identifiers(_kom_field(_text(e.get("kom"))))]


def _lines(value: Any) -> str:
    """Readable text: one block per line, blank lines dropped."""
    return "\n".join(line.strip() for line in str(value or "").splitlines() if line.strip())


def _identifiers(
    vorgang: Mapping[str, Any],
    positions: list[Mapping[str, Any]],
    drucksachen: list[Mapping[str, Any]],
) -> tuple[tuple[str, str], ...]:
    papers = [(p.get("fundstelle") or {}, _text(p.get("zuordnung"))) for p in positions]
    papers += [(d, "") for d in drucksachen]
    pairs = [("de_vorgang", _text(vorgang.get("id")))]
    pairs += [
        ("de_drucksache", _reference(paper, chamber))
        for paper, chamber in papers
        if _is_drucksache(paper)
    ]
    texts = _cited(vorgang, positions, drucksachen)
    return identifier_pairs([*pairs, *find_identifiers("\n".join(texts))])


def _cited(
    vorgang: Mapping[str, Any],
    positions: list[Mapping[str, Any]],
    drucksachen: list[Mapping[str, Any]],
) -> list[str]:
    """The texts that cite EU papers: titles, the abstract, the KOM and Ratsdok numbers."""
    texts = [_text(entity.get("titel")) for entity in [vorgang, *drucksachen]]
    texts.append(_text(vorgang.get("abstract")))
    for entity in [vorgang, *positions]:
        texts += [_kom_field(_text(entity.get("kom"))), _ratsdok(_text(entity.get("ratsdok")))]
    return texts


def _is_drucksache(paper: Mapping[str, Any]) -> bool:
    return _text(paper.get("dokumentart")) == "Drucksache"


def _ratsdok(number: str) -> str:
    # DIP gives the bare Council number ('9068/22'); the prefix lets find_identifiers read it.
    return f"Ratsdok. {number}" if number else ""


def _events(vorgang: Mapping[str, Any], positions: list[Mapping[str, Any]]) -> tuple[Event, ...]:
    ranked = [(_number(p), _position_event(p)) for p in positions]
    ranked += [(0, _promulgation(v)) for v in _dicts(vorgang.get("verkuendung"))]
    ranked += [(0, _entry_into_force(i)) for i in _dicts(vorgang.get("inkrafttreten"))]
    return tuple(event for _, event in sorted(ranked, key=_event_order))


def _event_order(pair: tuple[int, Event]) -> tuple[bool, str, int, str]:
    # Undated events last; positions of one day in DIP's own order (their ids).
    number, event = pair
    return event.date is None, event.date or "", number, event.title


def _position_event(position: Mapping[str, Any]) -> Event:
    paper = position.get("fundstelle") or {}
    chamber = _text(position.get("zuordnung"))
    return Event(
        date=parse_date(_text(position.get("datum")) or _text(paper.get("datum"))),
        title=_text(position.get("vorgangsposition")),
        kind=_text(position.get("dokumentart")) or _text(paper.get("dokumentart")),
        reference=_reference(paper, chamber),
        url=_text(paper.get("pdf_url")),
        source=chamber,
        details=_position_details(position),
    )


def _position_details(position: Mapping[str, Any]) -> str:
    paper = position.get("fundstelle") or {}
    parts = [f"Urheber: {_text(paper.get('urheber'))}" if paper.get("urheber") else ""]
    referrals = [_referral(u) for u in _dicts(position.get("ueberweisung"))]
    parts.append(f"Überweisung: {', '.join(referrals)}" if referrals else "")
    parts += [_decision(b) for b in _dicts(position.get("beschlussfassung"))]
    activities = [_activity(a) for a in _dicts(position.get("aktivitaet_anzeige"))]
    parts.append(f"Aktivitäten: {', '.join(activities)}" if activities else "")
    return "; ".join(part for part in parts if part)


def _referral(ueberweisung: Mapping[str, Any]) -> str:
    lead = " (federführend)" if ueberweisung.get("federfuehrung") is True else ""
    return _text(ueberweisung.get("ausschuss")) + lead


def _decision(decision: Mapping[str, Any]) -> str:
    """'Beschluss: Annahme der Vorlage (20/5678, Namentliche Abstimmung, einstimmig, …)'.

    `abstimm_ergebnis_bemerkung` is the vote's result where DIP gives one ("einstimmig",
    the groups for and against); `grundlage` the article the decision rests on.
    """
    names = (
        "dokumentnummer",
        "abstimmungsart",
        "mehrheit",
        "abstimm_ergebnis_bemerkung",
        "grundlage",
    )
    extra = ", ".join(filter(None, (_text(decision.get(name)) for name in names)))
    tenor = _text(decision.get("beschlusstenor"))
    return f"Beschluss: {tenor}" + (f" ({extra})" if extra else "")


def _activity(activity: Mapping[str, Any]) -> str:
    return " ".join(
        filter(None, [_text(activity.get("aktivitaetsart")), _text(activity.get("titel"))])
    )


def _promulgation(verkuendung: Mapping[str, Any]) -> Event:
    return Event(
        date=parse_date(_text(verkuendung.get("verkuendungsdatum"))),
        title="Verkündung",
        kind="Verkündung",
        reference=_text(verkuendung.get("fundstelle")),
        url=_text(verkuendung.get("pdf_url")),
        source=_text(verkuendung.get("verkuendungsblatt_kuerzel")),
    )


def _entry_into_force(inkrafttreten: Mapping[str, Any]) -> Event:
    return Event(
        date=parse_date(_text(inkrafttreten.get("datum"))),
        title="Inkrafttreten",
        kind="Inkrafttreten",
        details=_text(inkrafttreten.get("erlaeuterung")),
    )


def _documents(
    positions: list[Mapping[str, Any]], drucksachen: list[Mapping[str, Any]]
) -> tuple[Document, ...]:
    """Each paper once, by reference: a Drucksache entity (it has a title) wins over a fundstelle."""
    found: dict[str, Document] = {}
    for position in positions:
        document = _fundstelle_document(position)
        if document.reference:
            found.setdefault(document.reference, document)
    found.update((d.reference, d) for d in map(_drucksache_document, drucksachen) if d.reference)
    return tuple(sorted(found.values(), key=lambda d: (d.date is None, d.date or "", d.reference)))


def _fundstelle_document(position: Mapping[str, Any]) -> Document:
    paper = position.get("fundstelle") or {}
    kind = _text(paper.get("drucksachetyp")) or _text(paper.get("dokumentart"))
    authors = _text(paper.get("urheber"))
    return Document(
        title=(kind or _text(position.get("vorgangsposition")))
        + (f" ({authors})" if authors else ""),
        reference=_reference(paper, _text(position.get("zuordnung"))),
        date=parse_date(_text(paper.get("datum")) or _text(position.get("datum"))),
        url=_text(paper.get("pdf_url")),
        kind=kind,
    )


def _drucksache_document(drucksache: Mapping[str, Any]) -> Document:
    return Document(
        title=_text(drucksache.get("titel")),
        reference=_reference(drucksache),
        date=parse_date(_text(drucksache.get("datum"))),
        url=_text((drucksache.get("fundstelle") or {}).get("pdf_url")),
        kind=_text(drucksache.get("drucksachetyp")),
    )


def _fields(vorgang: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    # `aktualisiert` is left out: a stamp that moves is not a change of the file.
    names = ("vorgangstyp", "wahlperiode", "gesta", "kom", "ratsdok", "initiative", "sachgebiet")
    pairs = [(name, _text(vorgang.get(name))) for name in names]
    descriptors = sorted(_text(d.get("name")) for d in _dicts(vorgang.get("deskriptor")))
    pairs.append(("deskriptor", "; ".join(filter(None, descriptors))))
    pairs.append(("zustimmungsbeduerftigkeit", _text(vorgang.get("zustimmungsbeduerftigkeit"))))
    return _nonempty(pairs)


# --- a list -------------------------------------------------------------------------------


def _list(entities: list[Mapping[str, Any]], first: Response) -> Record:
    typ = _text(entities[0].get("typ")) if entities else ""
    # An empty list has no entity to tell its kind: the endpoint in the URL does.
    endpoint = urlsplit(first.url).path.rstrip("/").rsplit("/", 1)[-1]
    kind = _ENTITY_LIST.get(typ) or f"{typ.lower() or endpoint}_list"
    readers = {
        "Vorgang": _vorgang_item,
        "Dokument": _drucksache_item,
        "Vorgangsposition": _position_item,
    }
    items = {
        item.id: item
        for item in (readers.get(_text(e.get("typ")), _other_item)(e) for e in entities)
    }
    return Record(kind=kind, url=first.url, items=tuple(sorted(items.values(), key=lambda i: i.id)))


def _vorgang_item(vorgang: Mapping[str, Any]) -> Item:
    return Item(
        id=_text(vorgang.get("id")),
        title=_text(vorgang.get("titel")),
        link=f"{API}vorgang/{_text(vorgang.get('id'))}",
        published=parse_date(_text(vorgang.get("datum"))),
        summary=" — ".join(
            filter(None, [_text(vorgang.get("vorgangstyp")), _text(vorgang.get("beratungsstand"))])
        ),
        updated=parse_datetime(_text(vorgang.get("aktualisiert"))),
    )


def _drucksache_item(drucksache: Mapping[str, Any]) -> Item:
    return Item(
        id=_reference(drucksache) or _text(drucksache.get("id")),
        title=_text(drucksache.get("titel")),
        link=_text((drucksache.get("fundstelle") or {}).get("pdf_url")),
        published=parse_date(_text(drucksache.get("datum"))),
        summary=_text(drucksache.get("drucksachetyp")),
        updated=parse_datetime(_text(drucksache.get("aktualisiert"))),
    )


def _position_item(position: Mapping[str, Any]) -> Item:
    event = _position_event(position)
    return Item(
        id=_text(position.get("id")),
        title=f"{event.title}: {_text(position.get('titel'))}",
        link=event.url,
        published=event.date,
        summary=event.reference,
        updated=parse_datetime(_text(position.get("aktualisiert"))),
    )


def _other_item(entity: Mapping[str, Any]) -> Item:
    return Item(id=_text(entity.get("id")), title=_text(entity.get("titel")))


def official_page(record: Record) -> tuple[str, str] | None:
    """The Vorgang on DIP, the Bundestag's documentation system for people."""
    vorgang = first_identifier(record, "de_vorgang")
    return ("DIP", f"{DIP_SITE}/vorgang/{vorgang}") if vorgang else None
