"""Tweede Kamer open data: Zaken (documents, votes, activities), lists, SyncFeed pages, motions.

Reads four kinds of response, told apart by their content (never by the request's role):

- an OData v4 Zaak (https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/), alone or as the
  entity of a query for its `Nummer`, fetched with `ZAAK_EXPAND`: its documents with their
  current version (whose `ExterneIdentifier` is the kamerstuk, `kst-32317-892`), its decisions
  with their votes and the agenda item and activity that date them (a Besluit has no date of
  its own), its Kamerstukdossier, and its activities (plenary debates, votes, committee
  meetings; on the Zaak or through an agenda item) as scheduled steps: a planned or moved one
  is a forecast known by its activity's `Id` (so the agenda moves it in place), a held one a
  step, a cancelled or deleted one left out; each links its page on tweedekamer.nl. A record
  of kind `zaak`;
- any other OData `value` list of Zaken or Documents: a record of kind `zaak_list`, one item
  each. The shipped list sources (a word, a dossier) ask for the same expansions, so the list
  carries each Zaak's decisions and activities (each activity once): its votes come out as dated events linked to the motion
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

from collections.abc import Mapping, Sequence

from crawlers.sites.nl_tweedekamer.lists import zaak_list_record
from crawlers.sites.nl_tweedekamer.motion import motion_record
from crawlers.sites.nl_tweedekamer.odata import (
    ODATA_FIELDS,
    PUBLICATION,
    SLUG,
    TK_SITE,
    ZAAK_EXPAND,
    load_json,
    single_zaak,
)
from crawlers.sites.nl_tweedekamer.queries import requests
from crawlers.sites.nl_tweedekamer.syncfeed import next_page, syncfeed_record
from crawlers.sites.nl_tweedekamer.zaak import zaak_record
from crawlers.sites.readers.json_data import object_or_none
from crawlers.sites.readers.xml_data import ATOM, read_xml
from vocab.errors import ParseError
from vocab.fetch import Request, Response, Target
from vocab.records import Record, first_identifier

__all__ = [
    "HOSTS",
    "ODATA_FIELDS",
    "PARAMS",
    "URL_HELP",
    "ZAAK_EXPAND",
    "follow",
    "official_page",
    "parse",
    "requests",
]

URL_HELP = (
    "Give a Zaak number (--param zaak=2024Z15447), a Kamerstuk dossier (--param dossier=32317 "
    "or 21501-33) or a word (--param query=CSAM), optionally with --param since=2024-10-01; "
    "or a URL: any gegevensmagazijn OData v4 query, a SyncFeed URL "
    "(https://gegevensmagazijn.tweedekamer.nl/SyncFeed/2.0/Feed?category=Zaak) or a "
    "DocumentPublicatie(<Id>)/Resource URL of a motion's XML."
)
HOSTS = ("gegevensmagazijn.tweedekamer.nl",)
PARAMS = {
    "zaak": (
        "Zaak number such as 2024Z15447: that Zaak with its documents, decisions and votes, "
        "and its activities (plenary debates, votes, committee meetings) as scheduled steps "
        "on its agenda."
    ),
    "dossier": "Kamerstuk dossier such as 32317 or 21501-33: the Zaken of that dossier, with "
    "their decisions and activities.",
    "query": "A word or phrase: the Zaken whose Onderwerp contains it.",
    "since": "A date or time: only Zaken changed after it (GewijzigdOp), for polling a dossier or "
    "query; a zaak is always read whole.",
}


def follow(response: Response, target: Target) -> list[Request]:
    """The next page: OData's `@odata.nextLink`, or the SyncFeed's `next` link."""
    found = next_page(response) if _is_xml(response) else _odata_next(response)
    if not found or found == response.url:
        return []
    return [Request(found, role="page")]


def _odata_next(response: Response) -> str:
    data = object_or_none(response.text())
    return str(data.get("@odata.nextLink") or "") if data is not None else ""


def parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record:
    """One Record from the responses of one source; pages of one list are merged."""
    if not responses:
        raise ParseError("no response to parse", kind=SLUG)
    kinds = [_kind(response) for response in responses]
    same = [r for r, kind in zip(responses, kinds, strict=True) if kind == kinds[0]]
    readers = {
        "motion": motion_record,
        "atom": syncfeed_record,
        "zaak": zaak_record,
        "list": zaak_list_record,
    }
    return readers[kinds[0]](same)


def _kind(response: Response) -> str:
    if _is_xml(response):
        tag = read_xml(response, SLUG).tag
        if tag == f"{ATOM}feed":
            return "atom"
        if tag == "officiele-publicatie":
            return "motion"
        raise ParseError(f"XML with unknown root <{tag}>", url=response.url, kind=SLUG)
    return "zaak" if single_zaak(load_json(response), response.url) else "list"


def _is_xml(response: Response) -> bool:
    return response.text().lstrip("\ufeff \t\r\n").startswith("<")


def official_page(record: Record) -> tuple[str, str] | None:
    """The case (Zaak) on tweedekamer.nl, else the Kamerstuk as officially published."""
    zaak = first_identifier(record, "nl_zaak")
    if zaak:
        return ("Tweede Kamer", f"{TK_SITE}/kamerstukken/detail?id={zaak}")
    kamerstuk = first_identifier(record, "nl_kamerstuk")
    if not kamerstuk:
        return None
    return ("officielebekendmakingen.nl", PUBLICATION.format(f"kst-{kamerstuk}"))
