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

from collections.abc import Mapping, Sequence

from crawlers.sites.de_bundestag.dip import (
    DIP_SITE,
    SECRET_HOSTS,
    SLUG,
    entities_of,
    is_list,
    load_object,
)
from crawlers.sites.de_bundestag.lists import list_record, with_kom
from crawlers.sites.de_bundestag.queries import follow, requests
from crawlers.sites.de_bundestag.vorgang import vorgang_record
from vocab.errors import ParseError
from vocab.fetch import Response
from vocab.records import Record, first_identifier

__all__ = [
    "HOSTS",
    "PARAMS",
    "SECRET_HOSTS",
    "URL_HELP",
    "follow",
    "official_page",
    "parse",
    "requests",
]

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


def parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record:
    """A `vorgang` record when a Vorgang entity is among the responses, else a list record."""
    if not responses:
        raise ParseError("no response to parse", kind=SLUG)
    bodies = [(response, load_object(response)) for response in responses]
    entities = [entity for response, body in bodies for entity in entities_of(body, response)]
    vorgaenge = [body for _, body in bodies if not is_list(body) and body.get("typ") == "Vorgang"]
    if vorgaenge:
        return vorgang_record(vorgaenge[0], entities)
    return list_record(with_kom(entities, params), responses[0])


def official_page(record: Record) -> tuple[str, str] | None:
    """The Vorgang on DIP, the Bundestag's documentation system for people."""
    vorgang = first_identifier(record, "de_vorgang")
    return ("DIP", f"{DIP_SITE}/vorgang/{vorgang}") if vorgang else None
