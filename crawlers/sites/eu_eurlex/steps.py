"""The steps of a EUR-Lex procedure ("Follow the steps of procedure") and the Official
Journal box of a completed one: one event a step, the documents each step links."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup, Tag

from crawlers.sites.eu_eurlex.address import SLUG
from crawlers.sites.eu_eurlex.details import canonical_reference, detail_value, dl_pairs, inline
from crawlers.sites.readers.html_text import absolute_url
from vocab.dates import parse_date
from vocab.errors import ParseError
from vocab.fetch import Response
from vocab.records import Document, Event

# Labels whose links are documents of the step; other labels are details of the step.
_DOCUMENT_LABELS = ("Documents", "CELEX number of the main document")
# Repeated on every step and already in the record's fields: not worth a details line.
_QUIET_LABELS = (*_DOCUMENT_LABELS, "Procedure")
_STEP_FIELDS = {
    "Leading person": "leading_person",
    "Leading service": "leading_service",
    "Parliamentary committee responsible": "ep_committee_responsible",
}
_PARENTHETICAL = re.compile(r"^(.*?)\s*\(([^()]*)\)$")


def read_steps(
    soup: BeautifulSoup, response: Response
) -> tuple[list[Event], list[Document], dict[str, str]]:
    """Every step's event and documents, and the fields the latest steps state."""
    section = soup.select_one("section.cd-timeline")
    rows = section.select("div.eventRow") if section else []
    if not rows:
        raise ParseError(
            "steps section ('Follow the steps of procedure', section.cd-timeline with "
            "div.eventRow steps) is missing",
            url=response.url,
            kind=SLUG,
        )
    steps = [_step(row, response) for row in rows]
    events = [event for event, _, _ in steps]
    documents = [document for _, docs, _ in steps for document in docs]
    return events, documents, _step_fields(events, [pairs for _, _, pairs in steps])


def _step(row: Tag, response: Response) -> tuple[Event, list[Document], list[tuple[str, Tag]]]:
    """One step: its event, its documents and its detail pairs (label, value cell)."""
    date = parse_date(inline(row.select_one(".eventDate")))
    title = inline(row.select_one(".eventTitle strong")) or inline(row.select_one(".eventTitle"))
    if not title:
        raise ParseError(
            f"label of the step {row.get('id', '?')} is missing", url=response.url, kind=SLUG
        )
    pairs = dl_pairs(_step_details(row))
    documents = _step_documents(row, pairs, date, response.url)
    main = _main_document(row, documents, response.url)
    event = Event(
        date=date,
        title=title,
        kind=_step_code(row),
        reference=main.reference if main else "",
        url=main.url if main else "",
        source=_institution(row),
        details=_step_details_text(row, pairs),
    )
    return event, documents, pairs


def _step_details(row: Tag) -> Tag | None:
    """The collapsed block after a step row holding its detail list."""
    block = row.find_next_sibling("div")
    if block is None or "eventRow" in (block.get("class") or []):
        return None
    return block.find("dl")


def _step_code(row: Tag) -> str:
    """EUR-Lex's own code of the step from the row id: '2024-03-13_AMEND_R1_byEP' → 'AMEND_R1_byEP'."""
    return re.sub(r"^\d{4}-\d{2}-\d{2}_", "", str(row.get("id", "")))


def _institution(row: Tag) -> str:
    block = row.find_parent(class_="cd-timeline__content")
    heading = block.select_one(".cd-timeline_title h3") if block else None
    return inline(heading)


def _phase(row: Tag) -> str:
    group = row.find_parent(class_="cd-timeline-group")
    return inline(group.find("h2")) if group else ""


def _step_details_text(row: Tag, pairs: list[tuple[str, Tag]]) -> str:
    phase = _phase(row)
    lines = [f"Phase: {phase}"] if phase else []
    lines += [
        f"{label}: {detail_value(label, value)}"
        for label, value in pairs
        if label not in _QUIET_LABELS
    ]
    return "\n".join(lines)


def _step_fields(events: list[Event], steps_pairs: list[list[tuple[str, Tag]]]) -> dict[str, str]:
    """Leading person/service and EP committee/rapporteur; the latest step saying them wins."""
    fields: dict[str, str] = {}
    ordered = sorted(zip(events, steps_pairs, strict=True), key=lambda pair: pair[0].date or "")
    for _, pairs in ordered:
        for index, (label, value) in enumerate(pairs):
            if label in _STEP_FIELDS:
                fields[_STEP_FIELDS[label]] = detail_value(label, value)
            if label == "Parliamentary committee responsible":
                fields.update(_rapporteur_after(pairs[index + 1 :]))
    return fields


def _rapporteur_after(pairs: list[tuple[str, Tag]]) -> dict[str, str]:
    """The rapporteur line that follows the committee responsible (opinions have their own)."""
    if pairs and pairs[0][0] == "Rapporteur":
        return {"ep_rapporteur": detail_value("Rapporteur", pairs[0][1])}
    return {}


def _step_documents(
    row: Tag, pairs: list[tuple[str, Tag]], date: str | None, base: str
) -> list[Document]:
    links = _celex_cell_links(row)
    links += [
        a
        for label, value in pairs
        if label in _DOCUMENT_LABELS
        for a in value.find_all("a", href=True)
    ]
    return unique_documents(_document(link, date, base) for link in links)


def _celex_cell_links(row: Tag) -> list[Tag]:
    """The CELEX links beside a step; 'internal procedure' links lead to pages, not documents."""
    cell = row.select_one(".eventCelex")
    links = cell.find_all("a", href=True) if cell else []
    return [a for a in links if "internal" not in inline(a).lower()]


def _document(link: Tag, date: str | None, base: str) -> Document:
    label = inline(link)
    match = _PARENTHETICAL.match(label)
    title, kind = (match[1], match[2]) if match else (label, _uri_scheme(str(link["href"])))
    return Document(
        title=title,
        reference=canonical_reference(title),
        date=date,
        url=absolute_url(base, link["href"]),
        kind=kind,
    )


def _uri_scheme(href: str) -> str:
    """EUR-Lex's class of a linked document, from its `uri=` prefix (consil, celex, COM, eesc…)."""
    uri = parse_qs(urlsplit(href).query).get("uri", [""])[0]
    return uri.partition(":")[0].lower() if ":" in uri else ""


def _main_document(row: Tag, documents: list[Document], base: str) -> Document | None:
    """The step's main document: its CELEX beside the step, else an adopted text, else the first."""
    celex = [absolute_url(base, a["href"]) for a in _celex_cell_links(row)]
    for document in documents:
        if document.url in celex:
            return document
    adopted = [d for d in documents if d.kind.lower() == "texts adopted"]
    # `documents` is sorted by reference, so a Council `ST n/yy` comes before its ADD/REV.
    return (adopted or documents or [None])[0]


def unique_documents(documents: Iterable[Document]) -> list[Document]:
    """Documents once each (the same CELEX is linked beside a step and in its details)."""
    seen: dict[tuple[str, str], Document] = {}
    for document in documents:
        seen.setdefault((document.reference, document.url), document)
    return sorted(seen.values(), key=lambda d: (d.date or "", d.reference, d.url))


def sorted_events(events: Iterable[Event]) -> tuple[Event, ...]:
    # The page may list steps newest first, oldest first, or grouped by phase: the
    # record keeps them in one order so that a re-rendered page is not a change.
    return tuple(
        sorted(events, key=lambda e: (e.date or "", e.source, e.title, e.kind, e.reference))
    )


def read_publication(soup: BeautifulSoup, response: Response) -> tuple[list[Event], list[Document]]:
    """The 'Publication in the Official Journal' box completed procedures show above the steps."""
    box = soup.find(id="pubOjHeading")
    if box is None:
        return [], []
    pairs = dict(dl_pairs(box.find("dl")))
    date = parse_date(inline(pairs.get("Date of publication")))
    cell = pairs.get("CELEX number of the main document")
    link = cell.find("a", href=True) if cell else None
    documents = [_document(link, date, response.url)] if link else []
    return [_publication_event(box, date, documents)], documents


def _publication_event(box: Tag, date: str | None, documents: list[Document]) -> Event:
    label = box.find("span", id=True)
    main = documents[0] if documents else None
    return Event(
        date=date,
        title=inline(label) or "Publication in the Official Journal",
        kind=_step_code(label) if label else "PUB_OJ",
        reference=main.reference if main else "",
        url=main.url if main else "",
        source="Official Journal of the European Union",
    )
