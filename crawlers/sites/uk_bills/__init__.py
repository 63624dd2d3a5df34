"""UK Parliament Bills API: one bill's title, current stage, stage sittings and publications.

A source is one bill (`3137` is the Online Safety Act 2023). `requests` asks the Bills API
for the bill (`/api/v1/Bills/{id}`), its stages (`/Stages`, paged by `Skip`/`Take`, which
`follow` walks) and its publications (`/Publications`). `parse` combines whichever of those
answers it is given into one `bill` record keyed `UK:bill-{id}`; each answer is recognised
by its URL path, else by its JSON shape, never by the request's role:

- the bill: title (`shortTitle`), stage, fields (long title, houses, sponsors, isAct,
  lastUpdate);
- its stages: one event per sitting, in date order; a stage without a sitting yet (the
  next reading, not scheduled) gives no event;
- its publications: one document each, with its HTML link when there is one.

The stage is "Act of Parliament" once `isAct` is set, "Withdrawn" or "Defeated" when the
bill says so, else the current stage as "<House>: <description>" ("Commons: 2nd reading";
"Royal Assent" alone, since the API files it under the house "Unassigned").

A bill list (`/api/v1/Bills?SearchTerm=…`) becomes a `bill_list` record, one item per bill.
The stage reference list (`/api/v1/Stages`) is refused with a ParseError: it names no bill,
every bill's stages already carry their own description and abbreviation, and a watcher has
no use for a table of stage names.

Follows: the UK Parliament Bills API v1 (https://bills-api.parliament.uk, described by the
OpenAPI document Parliament publishes with it; no copy is kept in this repository): the
paths `/api/v1/Bills/{billId}`, `/api/v1/Bills/{billId}/Stages` (with `Skip` / `Take`) and
`/api/v1/Bills/{billId}/Publications`, as generated clients of that description list them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import parse_qs, urlencode, urlsplit

from crawlers.sites.readers.answers import one_or_list
from crawlers.sites.readers.json_data import loads_or_none
from crawlers.sites.uk_bills.answers import answer_of
from crawlers.sites.uk_bills.bill import bill_record
from crawlers.sites.uk_bills.bills_api import (
    API,
    HEADERS,
    SITE,
    SLUG,
    as_int,
    bill_id,
    kind_from_url,
)
from crawlers.sites.uk_bills.lists import list_record
from vocab.errors import ParseError
from vocab.fetch import Request, Response, Target
from vocab.records import Record, first_identifier

__all__ = ["HOSTS", "PARAMS", "URL_HELP", "bill_id", "follow", "official_page", "parse", "requests"]

URL_HELP = (
    "A bill on bills.parliament.uk such as https://bills.parliament.uk/bills/3137, its "
    "Bills API URL (https://bills-api.parliament.uk/api/v1/Bills/3137), its id (3137), "
    "or --param bill=3137."
)

# The bill's page and its Bills API address.
HOSTS = ("bills.parliament.uk", "bills-api.parliament.uk")
PARAMS: dict[str, str] = {
    "bill": "the Bills API id of the bill, e.g. 3137 (Online Safety Act 2023); "
    "wins over the URL when both are given",
}


def requests(target: Target) -> list[Request]:
    """The bill, its stages and its publications, from the Bills API."""
    bill = bill_id(target)
    base = f"{API}/Bills/{bill}"
    return [
        Request(url=base, headers=HEADERS, role="detail"),
        Request(url=f"{base}/Stages", headers=HEADERS, role="stages"),
        Request(url=f"{base}/Publications", headers=HEADERS, role="publications"),
    ]


def follow(response: Response, target: Target) -> list[Request]:
    """The next page of a bill's stages, while the API says there are more."""
    data = loads_or_none(response.text()) if kind_from_url(response.url) == "stages" else None
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        return []
    skip = _query_int(response.url, "skip") + len(items)
    if skip >= as_int(data.get("totalResults")):
        return []
    query = urlencode({"Skip": skip, "Take": as_int(data.get("itemsPerPage")) or len(items)})
    url = f"{response.url.split('?', 1)[0]}?{query}"
    return [Request(url=url, headers=HEADERS, role="stages")]


def _query_int(url: str, name: str) -> int:
    # The API spells its paging parameters Skip/Take; accept any case.
    query = {key.lower(): values for key, values in parse_qs(urlsplit(url).query).items()}
    return as_int((query.get(name) or ["0"])[0])


def parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record:
    """One `bill` record from a bill's answers, or a `bill_list` record from a bill list."""
    if not responses:
        raise ParseError("no Bills API answer to read", kind=SLUG)
    answers = [answer_of(response) for response in responses]
    return one_or_list(
        answers,
        one=lambda found: bill_record(found, params),
        many=list_record,
        mixed="a bill list cannot be read together with one bill's answers",
        kind=SLUG,
    )


def official_page(record: Record) -> tuple[str, str] | None:
    """The bill on bills.parliament.uk."""
    bill = first_identifier(record, "uk_bill")
    return ("bills.parliament.uk", f"{SITE}/{bill}") if bill else None
