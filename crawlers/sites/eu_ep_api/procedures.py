"""A procedure (`/procedures/{YYYY-NNNN}`, JSON-LD): its events, documents, stage and fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawlers.sites.eu_ep_api.activities import ACTIVITY_TITLES, derive_stage
from crawlers.sites.eu_ep_api.documents import (
    REFERENCE_LINKS,
    document_identifiers,
    document_label,
    procedure_documents,
)
from crawlers.sites.eu_ep_api.jsonld import (
    SLUG,
    absolute,
    english,
    humanize,
    id_of,
    ids_of,
    last_segment,
    reference_or_none,
    short_id,
    value_text,
)
from crawlers.sites.readers.json_data import listed, objects
from vocab.dates import parse_date
from vocab.errors import ParseError
from vocab.fetch import Response
from vocab.records import Document, Event, Record, identifier_pairs


def procedure_record(nodes: list[dict[str, Any]], response: Response) -> Record:
    process = _process(nodes, response)
    reference = _reference(process, response)
    kind = (
        last_segment(id_of(process.get("process_type"))) or reference[-4:-1]
    )  # COD of 2016/0132(COD)
    events, documents = _steps(process, nodes)
    return Record(
        kind="procedure",
        key=f"EU:{reference}",
        title=english(process.get("process_title")),
        stage=derive_stage(events, kind),
        url=response.url,
        identifiers=identifier_pairs([("procedure", reference), *document_identifiers(documents)]),
        events=tuple(events),
        documents=tuple(documents),
        fields=_procedure_fields(process, kind),
    )


def _steps(
    process: Mapping[str, Any], nodes: list[dict[str, Any]]
) -> tuple[list[Event], list[Document]]:
    """Events (done, then scheduled) sorted by date, and the documents they link."""
    index = {node["id"]: node for node in nodes if isinstance(node.get("id"), str)}
    own = {short_id(ref) for ref in ids_of(process.get("created_a_realization_of"))}
    done = _resolved(process.get("consists_of"), index)
    scheduled = _resolved(process.get("was_scheduled_in"), index)
    events = [_event(node, own, forecast=False) for node in done]
    events += [_event(node, own, forecast=True) for node in scheduled]
    return _sorted_events(events), procedure_documents(own, done)


def _process(nodes: list[dict[str, Any]], response: Response) -> dict[str, Any]:
    for node in nodes:
        if node.get("type") == "Process" or "process_id" in node or "process_title" in node:
            return node
    raise ParseError(
        "no procedure (a node of type Process) in the data", url=response.url, kind=SLUG
    )


def _reference(process: Mapping[str, Any], response: Response) -> str:
    found = reference_or_none(process)
    if not found:
        raise ParseError(
            "procedure without a reference (label or process_id)", url=response.url, kind=SLUG
        )
    return found


def _resolved(value: Any, index: Mapping[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Embedded nodes as they are; bare ids looked up in the graph (flattened JSON-LD)."""
    nodes = [item if isinstance(item, dict) else index.get(id_of(item)) for item in listed(value)]
    return [node for node in nodes if node]


def _event(node: Mapping[str, Any], own: set[str], *, forecast: bool) -> Event:
    kind = last_segment(id_of(node.get("had_activity_type")))
    point = value_text(node.get("notation_agendaPoint"))
    return Event(
        date=parse_date(value_text(node.get("activity_date"))),
        title=_activity_title(node, kind),
        kind=kind,
        reference=_event_reference(node, own),
        url=absolute(id_of(node)) if id_of(node) else "",
        source="EP",
        forecast=forecast,
        details=f"agenda point {point}" if point else "",
    )


def _activity_title(node: Mapping[str, Any], kind: str) -> str:
    label = english(node.get("activity_label"))
    return label or ACTIVITY_TITLES.get(kind) or humanize(kind) or _untyped_title(node)


def _untyped_title(node: Mapping[str, Any]) -> str:
    # Some decisions come without a type: one on a text adopted (TA-…) is Parliament's.
    decided = [short_id(ref) for ref in ids_of(node.get("decided_on_a_realization_of"))]
    if value_text(node.get("type")) == "Decision" and any(d.startswith("TA-") for d in decided):
        return ACTIVITY_TITLES["PLENARY_AMEND_PROPOSAL"]
    return humanize(value_text(node.get("type")))


def _event_reference(node: Mapping[str, Any], own: set[str]) -> str:
    """The document the activity is about: the only one linked, or the file's own one.

    Joint debates and announcements link dozens of other files' documents; those lists
    name this file's document only where it is among the file's own ones.
    """
    for link in REFERENCE_LINKS:
        docs = [short_id(ref) for ref in ids_of(node.get(link))]
        picked = docs[0] if len(docs) == 1 else next((d for d in docs if d in own), "")
        if picked:
            return document_label(picked)
    return ""


def _sorted_events(events: list[Event]) -> list[Event]:
    # By date, ties in source order (sorted() is stable); undated ones last.
    return sorted(events, key=lambda event: (event.date is None, event.date or ""))


def _procedure_fields(process: Mapping[str, Any], kind: str) -> tuple[tuple[str, str], ...]:
    roles = _participations(process.get("had_participation"))
    pairs = [
        ("process_id", value_text(process.get("process_id"))),
        ("procedure_type", kind),
        ("api_current_stage", last_segment(id_of(process.get("current_stage")))),
        ("committee_lead", ", ".join(roles.get("COMMITTEE_LEAD", []))),
        ("committees_opinion", ", ".join(roles.get("COMMITTEE_OPINION", []))),
        ("rapporteur", ", ".join(roles.get("RAPPORTEUR", []))),
    ]
    return tuple((name, value) for name, value in pairs if value)


def _participations(value: Any) -> dict[str, list[str]]:
    """role code -> sorted committees (`LIBE`) or person ids (`person/197829`)."""
    roles: dict[str, set[str]] = {}
    for node in objects(value):
        role = last_segment(id_of(node.get("participation_role")))
        if role:
            roles.setdefault(role, set()).update(_participants(node))
    return {role: sorted(names) for role, names in roles.items()}


def _participants(node: Mapping[str, Any]) -> list[str]:
    # A committee's role names the committee; a member's names the person (no name here).
    committees = [last_segment(ref) for ref in ids_of(node.get("had_participant_organization"))]
    return committees or ids_of(node.get("had_participant_person"))
