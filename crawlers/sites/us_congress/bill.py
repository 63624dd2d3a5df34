"""One bill from its answers (detail, actions, summaries, text versions): a record of kind `bill`."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

from crawlers.sites.readers.json_data import obj, objects, one_line
from crawlers.sites.us_congress.answers import Answer
from crawlers.sites.us_congress.congress import (
    LISTS,
    SLUG,
    bill_in_url,
    bill_of,
    normal_bill,
    page_url,
)
from vocab.dates import parse_date
from vocab.errors import ConfigError, ParseError
from vocab.fetch import Target
from vocab.records import Document, Event, Record, identifier_pairs

_INTRODUCED = (1, "Introduced")
_REFERRED = (2, "Referred to committee")
_BECAME_LAW = (7, "Became law")
_CODE_MILESTONES: dict[str, tuple[int, str]] = {
    "1000": _INTRODUCED,
    "10000": _INTRODUCED,
    "Intro-H": _INTRODUCED,
    "2000": _REFERRED,
    "11000": _REFERRED,
    "5000": (3, "Reported"),
    "14000": (3, "Reported"),
    "8000": (4, "Passed House"),
    "17000": (4, "Passed Senate"),
    "9000": (4, "Failed in House"),
    "18000": (4, "Failed in Senate"),
    "28000": (5, "Presented to President"),
    "29000": (6, "Signed by President"),
    "30000": (6, "Vetoed by President"),
    "31000": (6, "Vetoed by President"),
    "36000": _BECAME_LAW,
}

# Text formats in the order a reader would want them.
_FORMATS = ("Formatted Text", "PDF", "Generated HTML", "Formatted XML")
_BLOCK_END = re.compile(r"</(?:p|li|h\d|div|ul|ol)\s*>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def bill_record(answers: list[Answer], params: Mapping[str, str]) -> Record:
    congress, kind, number = _the_bill(answers, params)
    detail = next((data["bill"] for kind_, data, _ in answers if kind_ == "detail"), {})
    # Actions come back newest first; events read oldest first.
    actions = _chronological(_entries(answers, "actions"))
    summaries = _entries(answers, "summaries")
    return Record(
        kind="bill",
        key=f"US:{congress}-{kind}-{number}",
        title=one_line(detail.get("title")),
        stage=_stage(actions, detail),
        url=page_url(congress, kind, number),
        identifiers=identifier_pairs([("us_bill", f"{congress}-{kind}-{number}")]),
        events=tuple(_event(action) for action in actions),
        documents=_documents(summaries, _entries(answers, "text")),
        fields=_fields(detail, summaries),
    )


def _entries(answers: list[Answer], kind: str) -> list[dict[str, Any]]:
    """The entries of every answer of `kind`, pages in the order they were given."""
    return [entry for kind_, data, _ in answers if kind_ == kind for entry in data[LISTS[kind]]]


def _the_bill(answers: list[Answer], params: Mapping[str, str]) -> tuple[str, str, str]:
    """The one bill the answers are about; answers about two bills are refused."""
    found = {bill for answer in answers for bill in _bills_named(answer)}
    if len(found) > 1:
        named = ", ".join("-".join(bill) for bill in sorted(found))
        raise ParseError(f"answers about one bill, not {named}", kind=SLUG)
    # What the answers say wins; with nothing in them, the source's own params name the bill.
    source = Target(url="-".join(found.pop())) if found else Target(url="", params=params)
    try:
        return bill_of(source)
    except ConfigError:
        what = "a known bill (congress, type, number) in the answers, their URLs or the params"
        raise ParseError(what, kind=SLUG) from None


def _bills_named(answer: Answer) -> set[tuple[str, str, str]]:
    # The bill says who it is; sub-resources echo the request; the URL comes last.
    kind, data, url = answer
    bill, request = obj(data.get("bill")) if kind == "detail" else {}, obj(data.get("request"))
    if bill:
        parts = (bill.get("congress"), bill.get("type"), bill.get("number"))
    else:
        parts = (request.get("congress"), request.get("billType"), request.get("billNumber"))
    found = normal_bill(*parts) or normal_bill(*(bill_in_url(url) or (None, None, None)))
    return {found} if found else set()


def _chronological(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Oldest first: reverse the API's newest-first order, then sort (stably) by date."""
    ordered = list(reversed(actions))
    ordered.sort(key=lambda action: parse_date(action.get("actionDate")) or "9999-99-99")
    return ordered


def _event(action: dict[str, Any]) -> Event:
    return Event(
        date=parse_date(action.get("actionDate")),
        title=one_line(action.get("text")),
        kind=action.get("actionCode") or action.get("type") or "",
        source=obj(action.get("sourceSystem")).get("name") or "",
    )


def _stage(actions: list[dict[str, Any]], detail: dict[str, Any]) -> str:
    """The highest milestone the actions reach (the latest on a tie); see the table above."""
    best = (0, "")
    for action in actions:
        milestone = _milestone(action)
        if milestone and milestone[0] >= best[0]:
            best = milestone
    if not actions and detail.get("laws"):
        # Without the actions, the bill's own list of laws still says it became law.
        return _BECAME_LAW[1]
    return best[1]


def _milestone(action: dict[str, Any]) -> tuple[int, str] | None:
    if action.get("type") == "BecameLaw":
        return _BECAME_LAW
    found = _CODE_MILESTONES.get(str(action.get("actionCode") or ""))
    if found:
        return found
    referred = "referred to" in (action.get("text") or "").lower()
    return _REFERRED if action.get("type") == "IntroReferral" and referred else None


def _documents(
    summaries: list[dict[str, Any]], texts: list[dict[str, Any]]
) -> tuple[Document, ...]:
    documents = [_summary_document(s) for s in summaries] + [_text_document(t) for t in texts]
    return tuple(sorted(set(documents), key=lambda d: (d.date or "", d.kind, d.title, d.url)))


def _summary_document(summary: dict[str, Any]) -> Document:
    what = one_line(summary.get("actionDesc"))
    return Document(
        title=f"CRS summary: {what}" if what else "CRS summary",
        date=parse_date(summary.get("actionDate")),
        kind="summary",
    )


def _text_document(version: dict[str, Any]) -> Document:
    return Document(
        title=one_line(version.get("type")) or "Text",
        date=parse_date(version.get("date")),
        url=_text_url(version.get("formats") or ()),
        kind="text version",
    )


def _text_url(formats: Iterable[Any]) -> str:
    urls = {f.get("type"): f.get("url") for f in formats if isinstance(f, dict) and f.get("url")}
    preferred = [urls[name] for name in _FORMATS if name in urls]
    return (preferred or sorted(urls.values()) or [""])[0]


def _fields(detail: dict[str, Any], summaries: list[dict[str, Any]]) -> tuple[tuple[str, str], ...]:
    pairs = (
        ("sponsor", "; ".join(s.get("fullName") or "" for s in objects(detail.get("sponsors")))),
        ("introduced_date", parse_date(detail.get("introducedDate")) or ""),
        ("origin_chamber", detail.get("originChamber") or ""),
        ("policy_area", obj(detail.get("policyArea")).get("name") or ""),
        ("cosponsor_count", _count(detail.get("cosponsors"))),
        ("laws", "; ".join(_law(law) for law in objects(detail.get("laws")))),
        ("latest_summary", _latest_summary(summaries)),
    )
    return tuple((name, value) for name, value in pairs if value)


def _count(value: Any) -> str:
    count = value.get("count") if isinstance(value, dict) else None
    return str(count) if count is not None else ""


def _law(law: dict[str, Any]) -> str:
    return " ".join(part for part in (law.get("type"), law.get("number")) if part)


def _latest_summary(summaries: list[dict[str, Any]]) -> str:
    """The text of the newest summary (by action date, then update date), as plain text."""
    if not summaries:
        return ""
    newest = max(
        summaries,
        key=lambda s: (
            s.get("actionDate") or "",
            s.get("updateDate") or "",
            s.get("versionCode") or "",
        ),
    )
    return plain_text(newest.get("text") or "")


def plain_text(markup: str) -> str:
    """HTML as text: one line per paragraph, tags dropped, entities decoded, spaces collapsed."""
    text = _TAG.sub("", _BLOCK_END.sub("\n", markup))
    lines = (" ".join(html.unescape(line).split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
