"""What every answer shape of the Tweede Kamer shares: the API's addresses, the OData fields
read, and the small readers of an OData entity (its text leaves, its live navigation lists)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote

from crawlers.sites.readers.json_data import listed, loads_or_none, one_line
from vocab.errors import ParseError
from vocab.fetch import Response
from vocab.records import Item

SLUG = "nl_tweedekamer"
ODATA = "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/"
PUBLICATION = "https://zoek.officielebekendmakingen.nl/{}.html"
TK_SITE = "https://www.tweedekamer.nl"
SOURCE = "Tweede Kamer"
# Every OData property read by this package, by entity type; tests check them against $metadata.
ODATA_FIELDS: dict[str, tuple[str, ...]] = {
    "Zaak": (
        "Id",
        "Nummer",
        "Soort",
        "Titel",
        "Citeertitel",
        "Status",
        "Onderwerp",
        "GestartOp",
        "Vergaderjaar",
        "Volgnummer",
        "HuidigeBehandelstatus",
        "Afgedaan",
        "GewijzigdOp",
        "Verwijderd",
        "Kabinetsappreciatie",
        "Document",
        "Besluit",
        "Kamerstukdossier",
        "Activiteit",
        "Agendapunt",
    ),
    "Document": (
        "Id",
        "Soort",
        "DocumentNummer",
        "Titel",
        "Onderwerp",
        "Datum",
        "Volgnummer",
        "GewijzigdOp",
        "Verwijderd",
        "HuidigeDocumentVersie",
        "Kamerstukdossier",
    ),
    "DocumentVersie": ("ExterneIdentifier", "DocumentPublicatie"),
    "DocumentPublicatie": ("Identifier",),
    "Kamerstukdossier": ("Nummer", "Toevoeging", "Verwijderd"),
    "Besluit": (
        "Id",
        "StemmingsSoort",
        "BesluitSoort",
        "BesluitTekst",
        "GewijzigdOp",
        "Verwijderd",
        "Agendapunt",
        "Stemming",
    ),
    "Agendapunt": ("Aanvangstijd", "Verwijderd", "Activiteit"),
    "Activiteit": (
        "Id",
        "Soort",
        "Nummer",
        "Onderwerp",
        "Datum",
        "Aanvangstijd",
        "Eindtijd",
        "Locatie",
        "Status",
        "Voortouwnaam",
        "Verwijderd",
    ),
    "Stemming": (
        "Soort",
        "FractieGrootte",
        "ActorNaam",
        "ActorFractie",
        "Vergissing",
        "Persoon_Id",
        "Verwijderd",
    ),
}

# What a Zaak is fetched with: documents and their current version (the kamerstuk number),
# decisions with votes and the agenda item / activity that date them, the dossier, and the
# activities on the Zaak, directly or through an agenda item (only what the agenda reads).
_ACTIVITY = "Activiteit($select=" + ",".join(ODATA_FIELDS["Activiteit"]) + ")"
ZAAK_EXPAND = (
    "Document($expand=HuidigeDocumentVersie),"
    "Besluit($expand=Stemming,Agendapunt($expand=Activiteit)),"
    "Kamerstukdossier,"
    f"{_ACTIVITY},"
    f"Agendapunt($select=Verwijderd;$expand={_ACTIVITY})"
)


def text(value: Any) -> str:
    """A JSON leaf as one clean line of text ('' for null)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return one_line(value)


def live(value: Any) -> list[Mapping[str, Any]]:
    """The entities of an expanded navigation property, deleted ones left out."""
    return [e for e in listed(value) if isinstance(e, dict) and e.get("Verwijderd") is not True]


def nonempty(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((name, value) for name, value in pairs if value)


def date_order(date: str | None) -> tuple[bool, str]:
    # Undated events go last, after every dated one.
    return date is None, date or ""


def item_order(item: Item) -> str:
    return item.id


def load_json(response: Response) -> dict[str, Any]:
    data = loads_or_none(response.text())
    if data is None:
        raise ParseError("response is neither JSON nor XML", url=response.url, kind=SLUG)
    if not isinstance(data, dict):
        raise ParseError("JSON response is not an object", url=response.url, kind=SLUG)
    return data


def asks_one_zaak(url: str) -> bool:
    """True for a query of one Zaak by its Nummer (what `zaak=` asks): its answer is that Zaak."""
    return re.search(r"\$filter=Nummer eq '", unquote(url)) is not None


def single_zaak(data: Mapping[str, Any], url: str) -> Mapping[str, Any] | None:
    """The Zaak of a detail response: a bare entity, or the entity a query by Nummer found.

    A word or dossier query that happens to find one Zaak stays a list: its record must not
    change kind when a second Zaak appears.
    """
    if "Nummer" in data:
        return data
    values = data.get("value")
    if asks_one_zaak(url) and isinstance(values, list) and len(values) == 1:
        return values[0] if isinstance(values[0], dict) and "Nummer" in values[0] else None
    return None
