"""A bill list (`/api/v1/Bills?SearchTerm=…`): a record of kind `bill_list`, one item per bill."""

from __future__ import annotations

from typing import Any

from crawlers.sites.readers.json_data import one_line
from crawlers.sites.uk_bills.answers import Answer
from crawlers.sites.uk_bills.bill import bill_stage
from crawlers.sites.uk_bills.bills_api import SITE, SLUG, bill_number
from vocab.dates import parse_datetime
from vocab.errors import ParseError
from vocab.records import Item, Record


def list_record(answers: list[Answer]) -> Record:
    items = [item for _, data, _ in answers for item in data["items"]]
    total = answers[0][1].get("totalResults")
    return Record(
        kind="bill_list",
        url=answers[0][2],
        items=tuple(_list_item(item, answers[0][2]) for item in items),
        fields=(("total_results", str(total)),) if total is not None else (),
    )


def _list_item(item: dict[str, Any], url: str) -> Item:
    bill = bill_number(item.get("billId"))
    if not bill:
        raise ParseError("the billId of every bill in the list", url=url, kind=SLUG)
    return Item(
        id=bill,
        title=one_line(item.get("shortTitle")),
        link=f"{SITE}/{bill}",
        summary=bill_stage(item),
        updated=parse_datetime(item.get("lastUpdate")),
    )
