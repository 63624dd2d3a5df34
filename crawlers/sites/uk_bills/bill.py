"""One bill from its answers (detail, stages, publications): a record of kind `bill`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from crawlers.sites.readers.json_data import obj, objects, one_line
from crawlers.sites.uk_bills.answers import Answer
from crawlers.sites.uk_bills.bills_api import API, BILL_PATH, SITE, SLUG, as_int, bill_number
from vocab.dates import parse_date, parse_datetime
from vocab.errors import ParseError
from vocab.records import Document, Event, Record, identifier_pairs

# Houses a stage can be "in"; the API files Royal Assent under "Unassigned", which says nothing.
_HOUSES = ("Commons", "Lords")


def bill_record(answers: list[Answer], params: Mapping[str, str]) -> Record:
    bill = _the_bill(answers, params)
    detail = next((data for kind, data, _ in answers if kind == "detail"), None)
    stages = [item for kind, data, _ in answers if kind == "stages" for item in data["items"]]
    publications = [
        p for kind, data, _ in answers if kind == "publications" for p in data["publications"]
    ]
    return Record(
        kind="bill",
        key=f"UK:bill-{bill}",
        title=one_line(obj(detail).get("shortTitle")),
        stage=bill_stage(detail),
        url=f"{SITE}/{bill}",
        identifiers=identifier_pairs([("uk_bill", bill)]),
        events=_events(stages),
        documents=_documents(publications),
        fields=_fields(detail),
    )


def _the_bill(answers: list[Answer], params: Mapping[str, str]) -> str:
    """The one bill the answers are about; answers about two bills are refused."""
    found = {bill for answer in answers for bill in _bills_named(answer)}
    if len(found) > 1:
        raise ParseError(
            f"answers about one bill, not bills {', '.join(sorted(found, key=int))}", kind=SLUG
        )
    if found:
        return found.pop()
    given = params.get("bill", "").strip()
    if given.isdigit():
        return str(int(given))
    raise ParseError(
        "the bill id (no billId in the answers, their URLs or --param bill)", kind=SLUG
    )


def _bills_named(answer: Answer) -> set[str]:
    # What the content says wins over the URL: a stages page names its bill only in sittings.
    kind, data, url = answer
    named = {bill_number(data.get("billId"))}
    if kind == "stages":
        named |= {bill_number(s.get("billId")) for item in data["items"] for s in _sittings(item)}
    named.discard("")
    if named:
        return named
    match = BILL_PATH.search(urlsplit(url).path)
    return {str(int(match[1]))} if match else set()


def bill_stage(detail: dict[str, Any] | None) -> str:
    if not detail:
        return ""
    if detail.get("isAct"):
        return "Act of Parliament"
    if detail.get("billWithdrawn"):
        return "Withdrawn"
    if detail.get("isDefeated"):
        return "Defeated"
    return _stage_title(obj(detail.get("currentStage")))


def _stage_title(stage: dict[str, Any]) -> str:
    """`Commons: 2nd reading`; the description alone when the house is not Commons or Lords."""
    description = one_line(stage.get("description"))
    house = stage.get("house") or ""
    return f"{house}: {description}" if house in _HOUSES and description else description


def _sittings(stage: dict[str, Any]) -> list[dict[str, Any]]:
    return objects(stage.get("stageSittings"))


def _events(stages: list[dict[str, Any]]) -> tuple[Event, ...]:
    """One event per sitting, in date order; undated sittings last, ties by stage order."""
    rows = [(stage, sitting) for stage in stages for sitting in _sittings(stage)]
    rows.sort(key=_sitting_order)
    events = (_event(stage, sitting) for stage, sitting in rows)
    # A committee sitting morning and afternoon is one event of that day; pages of /Stages
    # that overlap (the bill moved on between two requests) repeat nothing either.
    return tuple(dict.fromkeys(events))


def _sitting_order(row: tuple[dict[str, Any], dict[str, Any]]) -> tuple[bool, str, int, int]:
    stage, sitting = row
    day = parse_date(sitting.get("date")) or ""
    return (not day, day, as_int(stage.get("sortOrder")), as_int(sitting.get("id")))


def _event(stage: dict[str, Any], sitting: dict[str, Any]) -> Event:
    house = stage.get("house") or ""
    return Event(
        date=parse_date(sitting.get("date")),
        title=_stage_title(stage),
        kind=stage.get("abbreviation") or str(stage.get("stageId") or ""),
        source=house if house in _HOUSES else "Parliament",
    )


def _documents(publications: list[dict[str, Any]]) -> tuple[Document, ...]:
    """One document per publication, oldest first (the API lists them newest first)."""
    ordered = sorted(
        publications, key=lambda p: (parse_date(p.get("displayDate")) or "", as_int(p.get("id")))
    )
    return tuple(_document(publication) for publication in ordered)


def _document(publication: dict[str, Any]) -> Document:
    return Document(
        title=one_line(publication.get("title")),
        date=parse_date(publication.get("displayDate")),
        url=_publication_url(publication),
        kind=obj(publication.get("publicationType")).get("name") or "",
    )


def _publication_url(publication: dict[str, Any]) -> str:
    """The HTML link if any (readable in a browser), else the first link, else the first file."""
    links = [link for link in objects(publication.get("links")) if link.get("url")]
    html = [link for link in links if "html" in (link.get("contentType") or "")]
    if html or links:
        return (html or links)[0]["url"]
    return _file_url(publication)


def _file_url(publication: dict[str, Any]) -> str:
    # Files are served by the API itself; the publication id and the file id make the URL.
    files = [f for f in objects(publication.get("files")) if f.get("id") is not None]
    if not files or publication.get("id") is None:
        return ""
    return f"{API}/Publications/{publication['id']}/Documents/{files[0]['id']}/Download"


def _fields(detail: dict[str, Any] | None) -> tuple[tuple[str, str], ...]:
    if not detail:
        return ()
    pairs = (
        ("long_title", one_line(detail.get("longTitle"))),
        ("originating_house", detail.get("originatingHouse") or ""),
        ("current_house", detail.get("currentHouse") or ""),
        ("sponsors", "; ".join(_sponsors(detail.get("sponsors") or ()))),
        ("is_act", "true" if detail.get("isAct") else "false"),
        ("last_update", parse_datetime(detail.get("lastUpdate")) or ""),
    )
    return tuple((name, value) for name, value in pairs if value)


def _sponsors(sponsors: Iterable[Any]) -> list[str]:
    ordered = sorted(
        (s for s in sponsors if isinstance(s, dict)), key=lambda s: as_int(s.get("sortOrder"))
    )
    return [text for text in map(_sponsor, ordered) if text]


def _sponsor(sponsor: dict[str, Any]) -> str:
    """`Kevin Hollinrake (Conservative, Thirsk and Malton)`, plus `for <department>` if given."""
    member = obj(sponsor.get("member"))
    organisation = obj(sponsor.get("organisation")).get("name") or ""
    about = ", ".join(part for part in (member.get("party"), member.get("memberFrom")) if part)
    name = member.get("name") or ""
    person = f"{name} ({about})" if name and about else name
    if person and organisation:
        return f"{person} for {organisation}"
    return person or organisation
