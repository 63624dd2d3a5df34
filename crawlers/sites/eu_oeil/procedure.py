"""An OEIL procedure file as a `procedure` Record: reference, title, stage, identifiers,
key events and forecasts, the documentation gateway's documents."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

from bs4 import Tag

from crawlers.sites.eu_oeil.address import url_for
from crawlers.sites.eu_oeil.fields import basic_pairs, record_fields, technical_rows
from crawlers.sites.eu_oeil.layout import Page
from crawlers.sites.eu_oeil.tables import cell_link, joined_lines, rows_by_head
from crawlers.sites.readers.html_text import text
from vocab.dates import parse_date
from vocab.identifiers import find_identifiers, procedure
from vocab.records import Document, Event, Record, identifier_pairs

# Column names for tables that carry no heading row (every old-layout table but the
# key players): the cells come in this order on the page.
_KEY_EVENT_COLUMNS = ("Date", "Event", "Reference", "Summary")
_FORECAST_COLUMNS = ("Date", "Subject")
# Which heading names an event's date and which its title: key events say `Event`, the
# Forecasts table says `Subject` (`19/10/2026 | Indicative plenary sitting date, 1st reading`).
_DATE_HEAD = re.compile(r"\bdate\b", re.IGNORECASE)
_TITLE_HEAD = re.compile(r"\b(?:event|subject|forecast)\b", re.IGNORECASE)
# The national parliaments fold names each document's chamber (`IT_CHAMBER`) in this column.
_CHAMBER_HEAD = "Parliament/Chamber"
_GATEWAY_COLUMNS = ("Document type", "Committee", "Reference", "Date", "Institution", "Summary")
_Dated = TypeVar("_Dated", Event, Document)
# Sections whose text cites the file's documents: identifiers are read from them only,
# so that site chrome and the transparency register never add identifiers.
_CITING_SECTIONS = ("key events", "documentation gateway", "final act")


def read_procedure(page: Page) -> Record:
    """The procedure file as a `procedure` Record keyed `EU:<reference>`."""
    reference = _reference(page)
    return Record(
        kind="procedure",
        key=f"EU:{reference}",
        title=_title(page),
        stage=_stage(page),
        url=url_for(reference),
        identifiers=_identifiers(reference, page.sections),
        events=(*_key_events(page), *_forecasts(page)),
        documents=_documents(page),
        fields=record_fields(page),
    )


def _reference(page: Page) -> str:
    heading = page.soup.find("h2", class_=re.compile(r"title-h1$")) or page.soup.select_one(
        "#procedure-file-header .ep-layout_level1 .ep_name"
    )
    found = procedure(text(heading)) or procedure(
        technical_rows(page).get("procedure_reference", "")
    )
    if found is None:
        raise page.fail("no procedure reference in the page heading or technical information")
    return found


def _title(page: Page) -> str:
    heading = page.soup.find("h2", class_=re.compile(r"title-h1$"))
    # The newer layouts put the title in the h2 right after the reference; the old one
    # in the second heading of the page header.
    title_tag = (
        heading.find_next("h2")
        if heading
        else page.soup.select_one("#procedure-file-header .ep-layout_level2-large .ep_name")
    )
    title = text(title_tag)
    if not title or title.lower() in page.sections:
        raise page.fail("no procedure title")
    return title


def _stage(page: Page) -> str:
    """OEIL's status as shown under Basic information, else the technical stage."""
    status = dict(basic_pairs(page)).get("Status", [])
    stage = status[0] if status else technical_rows(page).get("stage_reached_in_procedure", "")
    if not stage:
        raise page.fail("no status (Basic information) nor stage reached (Technical information)")
    return stage


def _identifiers(reference: str, sections: Mapping[str, Tag]) -> tuple[tuple[str, str], ...]:
    found = {("procedure", reference)}
    for name in _CITING_SECTIONS:
        if name in sections:
            found |= find_identifiers(_cited_text(sections[name]))
    return identifier_pairs(found)


def _cited_text(section: Tag) -> str:
    # Links count too: EUR-Lex links carry the CELEX number the visible text lacks.
    hrefs = [link["href"] for link in section.find_all("a", href=True)]
    return " ".join([*section.stripped_strings, *hrefs])


def _key_events(page: Page) -> list[Event]:
    section = page.sections.get("key events")
    if section is None:
        raise page.fail("no key events section")
    events = _events(section, _KEY_EVENT_COLUMNS, forecast=False)
    if not events:
        raise page.fail("key events section has no readable rows")
    return events


def _forecasts(page: Page) -> list[Event]:
    # Read like key events, by its heading; its columns are `Date | Subject`.
    section = page.sections.get("forecasts")
    return _events(section, _FORECAST_COLUMNS, forecast=True) if section else []


def _events(section: Tag, columns: Sequence[str], *, forecast: bool) -> list[Event]:
    rows = rows_by_head(section, columns)
    events = [event for row in rows if (event := _event(row, forecast))]
    return _in_date_order(events)


def _event(row: Mapping[str, Tag], forecast: bool) -> Event | None:
    title = text(_cell(row, _TITLE_HEAD))
    if not title:
        return None
    reference, summary = row.get("Reference"), row.get("Summary")
    return Event(
        date=parse_date(text(_cell(row, _DATE_HEAD))),
        title=title,
        reference=joined_lines(reference),
        url=cell_link(reference) or cell_link(summary),
        source="EP",
        forecast=forecast,
        details=text(summary),
    )


def _cell(row: Mapping[str, Tag], head: re.Pattern[str]) -> Tag | None:
    """The cell under the first heading that `head` matches (`Event`, `Subject`, `Date`…)."""
    return next((cell for name, cell in row.items() if head.search(name)), None)


def _in_date_order(rows: Iterable[_Dated]) -> list[_Dated]:
    # Undated rows last; sorted() is stable, so rows of one day keep the page's order.
    return sorted(rows, key=lambda row: (row.date is None, row.date or ""))


def _documents(page: Page) -> tuple[Document, ...]:
    section = page.sections.get("documentation gateway")
    if section is None:
        return ()
    documents = []
    for institution, item in _accordion(section):
        rows = rows_by_head(item, _GATEWAY_COLUMNS)
        documents += [doc for row in rows if (doc := _document(row, institution))]
    return tuple(_in_date_order(documents))


def _accordion(section: Tag) -> list[tuple[str, Tag]]:
    """(institution, its block) for each fold of the gateway, or ("", section) if none.

    The fold's title ("European Parliament") is the documents' kind in every layout; the
    old page's own code column ("EP") is left aside so that kinds agree across layouts.
    """
    items = section.find_all("li", class_=re.compile(r"accordion-item$"))
    titled = [
        (text(item.find(class_=re.compile(r"accordion(-item)?-title$"))), item) for item in items
    ]
    # The old page repeats every row once more under "All".
    return [(title, item) for title, item in titled if title.lower() != "all"] or [("", section)]


def _document(row: Mapping[str, Tag], institution: str) -> Document | None:
    title = text(row.get("Document type"))
    if not title:
        return None
    # Opinions of several committees share one type, the contributions of national
    # parliaments one type and one reference: the committee or the chamber tells them apart.
    body = text(row.get("Committee")) or text(row.get(_CHAMBER_HEAD))
    reference = joined_lines(row.get("Reference"))
    chamber = text(row.get(_CHAMBER_HEAD))
    return Document(
        title=f"{title} ({body})" if body else title,
        # A contribution cites the Commission proposal as its reference: with the chamber it
        # stays one document of its own instead of merging with every other chamber's.
        reference=f"{reference} ({chamber})" if chamber and reference else reference,
        date=parse_date(text(row.get("Date"))),
        url=cell_link(row.get("Reference")) or cell_link(row.get("Summary")),
        kind=institution,
    )
