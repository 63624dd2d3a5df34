"""A Zaak's Documents: each as a record document and as the event of its date."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawlers.sites.nl_tweedekamer.odata import ODATA, SOURCE, date_order, text
from vocab.dates import parse_date
from vocab.records import Document, Event


def document_event(document: Mapping[str, Any]) -> Event:
    return Event(
        date=parse_date(text(document.get("Datum"))),
        title=text(document.get("Soort")) or "Document",
        kind="Document",
        reference=text(document.get("DocumentNummer")),
        url=_resource_url(document),
        source=SOURCE,
        details=text(document.get("Onderwerp")) or text(document.get("Titel")),
    )


def document(entity: Mapping[str, Any]) -> Document:
    return Document(
        title=text(entity.get("Onderwerp")) or text(entity.get("Titel")),
        reference=text(entity.get("DocumentNummer")),
        date=parse_date(text(entity.get("Datum"))),
        url=_resource_url(entity),
        kind=text(entity.get("Soort")),
    )


def document_order(document: Document) -> tuple[bool, str, str]:
    return (*date_order(document.date), document.reference)


def _resource_url(document: Mapping[str, Any]) -> str:
    return f"{ODATA}Document({text(document.get('Id'))})/Resource"
