"""A list of bills (`/v3/bill/117/hr`): a record of kind `bill_list`."""

from __future__ import annotations

from typing import Any

from crawlers.sites.readers.json_data import obj, one_line
from crawlers.sites.us_congress.answers import Answer
from crawlers.sites.us_congress.congress import SLUG, TYPE_SLUGS, normal_bill, page_url
from vocab.dates import parse_date, parse_datetime
from vocab.errors import ParseError
from vocab.records import Item, Record

# How congress.gov cites a bill, for list entries that come without a title.
_CITATIONS = {
    "hr": "H.R.",
    "s": "S.",
    "hjres": "H.J.Res.",
    "sjres": "S.J.Res.",
    "hconres": "H.Con.Res.",
    "sconres": "S.Con.Res.",
    "hres": "H.Res.",
    "sres": "S.Res.",
}


def list_record(answers: list[Answer]) -> Record:
    bills = [bill for _, data, _ in answers for bill in data["bills"]]
    pagination = obj(answers[0][1].get("pagination"))
    total = pagination.get("total", pagination.get("count"))
    return Record(
        kind="bill_list",
        url=answers[0][2],
        items=tuple(_list_item(bill, answers[0][2]) for bill in bills),
        fields=(("total", str(total)),) if total is not None else (),
    )


def _moment(text: str | None) -> str | None:
    """A timestamp as ISO UTC, a bare date (the list's updateDate) as that date."""
    # parse_datetime reads "2022-04-03" as midnight; the list means a day, not an instant.
    return parse_datetime(text) if text and "T" in text else parse_date(text)


def _list_item(bill: dict[str, Any], url: str) -> Item:
    parts = normal_bill(bill.get("congress"), bill.get("type"), bill.get("number"))
    if not parts:
        raise ParseError("congress, type and number of every bill in the list", url=url, kind=SLUG)
    congress, kind, number = parts
    latest = obj(bill.get("latestAction"))
    summary = ": ".join(
        p for p in (parse_date(latest.get("actionDate")), one_line(latest.get("text"))) if p
    )
    return Item(
        id=f"{congress}-{kind}-{number}",
        title=one_line(bill.get("title")) or f"{_CITATIONS.get(kind, kind.upper())}{number}",
        link=page_url(congress, kind, number) if kind in TYPE_SLUGS else "",
        summary=summary,
        updated=_moment(bill.get("updateDate")),
    )
