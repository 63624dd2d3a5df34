"""The documents a procedure's activities link: named as people and OEIL cite them, linked
to the page a person reads."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from crawlers.sites.eu_ep_api.jsonld import BASE, ids_of, short_id, value_text
from vocab.dates import parse_date
from vocab.identifiers import find_identifiers
from vocab.records import Document

DOCEO = "https://www.europarl.europa.eu/doceo/document/"
DOCEO_SERIES = frozenset(
    {"A", "B", "RC", "TA"}
)  # Parliament's own series; C-documents are not there

# EP document id prefix -> what the document is.
DOCUMENT_TITLES: dict[str, str] = {
    "A": "Committee report tabled for plenary",
    "B": "Motion for a resolution",
    "RC": "Joint motion for a resolution",
    "C": "Document from another institution",
    "TA": "Text adopted by Parliament",
    "PV": "Minutes of the plenary sitting",
    "CRE": "Verbatim report of the plenary sitting",
    "OJQ": "Plenary agenda",
    "SP": "Commission response to text adopted in plenary",
    "PR": "Committee draft report",
    "AM": "Amendments tabled in committee",
    "PA": "Committee draft opinion",
    "AD": "Committee opinion",
    "AG": "Provisional agreement resulting from interinstitutional negotiations",
}

# Which links of an activity name the document it is about, most telling first.
REFERENCE_LINKS = (
    "decided_on_a_realization_of",
    "based_on_a_realization_of",
    "recorded_in_a_realization_of",
    "documented_by_a_realization_of",
)
_DOCUMENT_LINKS = REFERENCE_LINKS[:3]  # agendas (documented_by) cover the whole sitting
_SERIES = re.compile(r"^(A|B|C|TA|RC)-(\d{1,2})-(\d{4})-(\d{4})$")
_COMMITTEE_DOC = re.compile(r"^([A-Z]{2,6})-([A-Z]{2})-(\d{3})(\d{3})$")
_SP = re.compile(r"^SP-(\d{4})-(\d+)\b")


def document_label(doc_id: str) -> str:
    """The reference people (and OEIL) write: `A-8-2017-0212` -> `A8-0212/2017`,
    `TA-9-…` -> `T9-…`, `LIBE-PR-597620` -> `PE597.620`, `SP-2024-377-…` -> `SP(2024)377`."""
    series = _SERIES.match(doc_id)
    if series:
        prefix = {"TA": "T", "RC": "RC-B"}.get(series[1], series[1])
        return f"{prefix}{int(series[2])}-{series[4]}/{series[3]}"
    committee = _COMMITTEE_DOC.match(doc_id)
    if committee:
        return f"PE{committee[3]}.{committee[4]}"
    sp = _SP.match(doc_id)
    return f"SP({sp[1]}){int(sp[2])}" if sp else doc_id


def _document_kind(doc_id: str) -> str:
    committee = _COMMITTEE_DOC.match(doc_id)
    if committee and committee[2] in DOCUMENT_TITLES:
        return committee[2]
    return doc_id.split("-", 1)[0]


def _document_title(doc_id: str) -> str:
    kind = _document_kind(doc_id)
    title = DOCUMENT_TITLES.get(kind, "Document")
    committee = _COMMITTEE_DOC.match(doc_id)
    return f"{title} ({committee[1]})" if committee and kind == committee[2] else title


def procedure_documents(own: set[str], activities: list[dict[str, Any]]) -> list[Document]:
    """The file's own documents and those its activities link, by date then reference."""
    dates = _document_dates(activities)
    ids = own | {doc_id for node in activities for doc_id in _linked_documents(node, own)}
    ordered = sorted(ids, key=lambda d: (d not in dates, dates.get(d, ""), document_label(d), d))
    return [document_of(doc_id, dates.get(doc_id)) for doc_id in ordered]


def _linked_documents(node: Mapping[str, Any], own: set[str]) -> list[str]:
    # Long lists belong to joint debates: keep only this file's own documents from them.
    found: list[str] = []
    for link in _DOCUMENT_LINKS:
        docs = [short_id(ref) for ref in ids_of(node.get(link))]
        found += docs if len(docs) <= 2 else [d for d in docs if d in own]
    return found


def _document_dates(activities: list[dict[str, Any]]) -> dict[str, str]:
    """Each document's date: the earliest activity that links it (its tabling, its vote)."""
    links = [
        (day, short_id(ref))
        for node in activities
        if (day := parse_date(value_text(node.get("activity_date"))))
        for link in _DOCUMENT_LINKS
        for ref in ids_of(node.get(link))
    ]
    dates: dict[str, str] = {}
    for day, doc_id in sorted(links, reverse=True):
        dates[doc_id] = day  # latest first, so the earliest date is written last
    return dates


def document_of(doc_id: str, day: str | None) -> Document:
    return Document(
        title=_document_title(doc_id),
        reference=document_label(doc_id),
        date=day,
        url=document_url(doc_id),
        kind=_document_kind(doc_id),
    )


def document_url(doc_id: str) -> str:
    """The page a person reads (europarl doceo, as OEIL links it), else the data portal's URI."""
    series = _SERIES.match(doc_id)
    if (series and series[1] in DOCEO_SERIES) or _COMMITTEE_DOC.match(doc_id):
        return f"{DOCEO}{doc_id}_EN.html"
    return f"{BASE}eli/dl/doc/{doc_id}"


def document_identifiers(documents: Iterable[Document]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for document in documents:
        found |= find_identifiers(document.reference)
    return found
