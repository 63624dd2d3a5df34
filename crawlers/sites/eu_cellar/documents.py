"""The act itself, its Official Journal issue and the acts it is linked to, as documents."""

from __future__ import annotations

from collections.abc import Mapping

from crawlers.sites.eu_cellar.journal import oj_documents
from crawlers.sites.eu_cellar.notice import (
    EURLEX,
    by_tag,
    code_of,
    english_title,
    first_value,
    label_of,
    same_as,
)
from crawlers.sites.readers.xml_data import Element, stripped
from vocab.dates import parse_date
from vocab.records import Document

# Links from the WORK to other acts -> (document kind, label put before the linked title).
RELATIONS: dict[str, tuple[str, str]] = {
    "RESOURCE_LEGAL_ADOPTS_RESOURCE_LEGAL": ("proposal", "Proposal adopted by this act"),
    "RESOURCE_LEGAL_AMENDS_RESOURCE_LEGAL": ("amends", "Act amended"),
    "RESOURCE_LEGAL_REPEALS_RESOURCE_LEGAL": ("repeals", "Act repealed"),
    "RESOURCE_LEGAL_CORRECTS_RESOURCE_LEGAL": ("corrects", "Act corrected"),
    "RESOURCE_LEGAL_BASED_ON_RESOURCE_LEGAL": ("legal_basis", "Legal basis"),
    "RESOURCE_LEGAL_CONSOLIDATED_BY_ACT_CONSOLIDATED": (
        "consolidated_version",
        "Consolidated version",
    ),
}


def notice_documents(
    root: Element, tags: Mapping[str, list[Element]], celex: str
) -> list[Document]:
    act = Document(
        title=english_title(root) or label_of(tags, "WORK_HAS_RESOURCE-TYPE") or "Act",
        reference=celex,
        date=parse_date(first_value(tags, "WORK_DATE_DOCUMENT", "DATE_DOCUMENT")),
        url=EURLEX + celex,
        kind=code_of(tags, "WORK_HAS_RESOURCE-TYPE"),
    )
    inverse = root.find("INVERSE")  # links other works make to this one
    related = _related(tags) + (_related(by_tag(inverse)) if inverse is not None else [])
    unique = {(d.kind, d.reference): d for d in related if d.reference != celex}
    ordered = sorted(
        unique.values(), key=lambda d: (d.kind, d.date is None, d.date or "", d.reference)
    )
    return [act, *oj_documents(tags), *ordered]


def _related(tags: Mapping[str, list[Element]]) -> list[Document]:
    # A link without a CELEX (parts of a consolidation, say) names nothing a reader can open.
    documents = [
        _relation(link, *RELATIONS[name]) for name in RELATIONS for link in tags.get(name, [])
    ]
    return [document for document in documents if document.reference]


def _relation(link: Element, kind: str, label: str) -> Document:
    found = same_as(link.findall("SAMEAS"), "celex")
    embedded = link.find("EMBEDDED_NOTICE")
    title = stripped(embedded, "EXPRESSION/EXPRESSION_TITLE/VALUE")
    day = stripped(embedded, "WORK/WORK_DATE_DOCUMENT/VALUE")
    reference = found[0] if found else ""
    return Document(
        # The label first: a consolidated version carries the title of the act it consolidates.
        title=f"{label}: {title.strip()}" if title and title.strip() else label,
        reference=reference,
        date=parse_date(day),
        url=EURLEX + reference,
        kind=kind,
    )
