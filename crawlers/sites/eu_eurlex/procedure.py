"""A EUR-Lex procedure page as a `procedure` Record: its heading (reference, title, status,
type, the "More information" details) with the steps and the Official Journal box."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bs4 import BeautifulSoup, Tag

from crawlers.sites.eu_eurlex.address import SLUG
from crawlers.sites.eu_eurlex.details import (
    SLASHED_PROCEDURE,
    detail_name,
    detail_value,
    dl_pairs,
    inline,
)
from crawlers.sites.eu_eurlex.steps import (
    read_publication,
    read_steps,
    sorted_events,
    unique_documents,
)
from vocab.errors import ParseError
from vocab.fetch import Response
from vocab.identifiers import find_identifiers, procedure, procedure_from_parts
from vocab.records import Document, Record, identifier_pairs


def procedure_record(response: Response, soup: BeautifulSoup) -> Record:
    """The procedure page as a `procedure` Record keyed `EU:<reference>`."""
    heading = soup.find(id="procedureHeading")
    key = _heading_reference(heading, response)
    prefix, title = _heading_title(heading, response)
    status = _status_box(heading)
    events, documents, step_fields = read_steps(soup, response)
    publication = read_publication(soup, response)
    events = sorted_events([*events, *publication[0]])
    documents = unique_documents([*documents, *publication[1]])
    fields = {**_heading_fields(heading, status), **step_fields}
    return Record(
        kind="procedure",
        key=f"EU:{key}",
        title=title,
        stage=inline(status.find("b")) if status else "",
        url=response.url,
        identifiers=_procedure_identifiers(key, prefix, documents, fields),
        events=events,
        documents=tuple(documents),
        fields=tuple(sorted(fields.items())),
    )


def _heading_reference(heading: Tag, response: Response) -> str:
    """`2021/0106(COD)` from the heading's 'Procedure 2021/0106/COD'."""
    label = inline(heading.find("b"))
    match = SLASHED_PROCEDURE.search(label)
    if match:
        return procedure_from_parts(match[1], match[2], match[3])
    found = procedure(label)
    if not found:
        raise ParseError(
            "procedure reference (heading 'Procedure YYYY/NNNN/TYPE') is missing",
            url=response.url,
            kind=SLUG,
        )
    return found


def _heading_title(heading: Tag, response: Response) -> tuple[str, str]:
    """The document prefix ('COM (2021) 206') and the title ('Proposal for a REGULATION …')."""
    text = inline(heading.find("p"))
    if not text:
        raise ParseError(
            "procedure title (paragraph of #procedureHeading) is missing",
            url=response.url,
            kind=SLUG,
        )
    prefix, colon, rest = text.partition(":")
    # Only a short prefix naming a document is split off; a colon inside the title stays.
    if colon and rest.strip() and len(prefix) < 40 and find_identifiers(prefix):
        return prefix.strip(), rest.strip()
    return "", text


def _status_box(heading: Tag) -> Tag | None:
    """The heading cell holding the status ('Ongoing', 'Completed (Adopted act: …)')."""
    marker = heading.find(class_="procStatus")
    return marker.parent if marker is not None else None


def _heading_fields(heading: Tag, status: Tag | None) -> dict[str, str]:
    fields = {"status": inline(status)} if status else {}
    fields.update(_adopted_act(status))
    for cell in heading.find_all("div"):
        if inline(cell).startswith("Type:") and cell.find("b"):
            fields["procedure_type"] = inline(cell.find("b"))
    details = heading.find(id="procedureDetails")
    for label, value in dl_pairs(details.find("dl") if details else None):
        fields[detail_name(label)] = detail_value(label, value)
    return fields


def _adopted_act(status: Tag | None) -> dict[str, str]:
    """The CELEX number of the adopted act a completed procedure links from its status."""
    links = [inline(a) for a in status.find_all("a")] if status else []
    celex = [
        value for link in links for scheme, value in find_identifiers(link) if scheme == "celex"
    ]
    return {"adopted_act": celex[0]} if celex else {}


def _procedure_identifiers(
    key: str, prefix: str, documents: Iterable[Document], fields: Mapping[str, str]
) -> tuple[tuple[str, str], ...]:
    # Identifiers come from the file's own documents, not from its title or legal basis:
    # a title citing another act, or Treaty articles shared by many files, would join
    # unrelated files.
    found = {("procedure", key), *find_identifiers(prefix)}
    for document in documents:
        found.update(find_identifiers(f"{document.title} {document.reference}"))
    if fields.get("adopted_act"):
        found.add(("celex", fields["adopted_act"]))
    return identifier_pairs(found)
