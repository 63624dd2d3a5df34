"""congress.gov API v3: one US bill's title, stage, actions, summaries and text versions.

A source is one bill: 118th Congress S.1207 (EARN IT) is `congress=118, type=s,
number=1207`. `requests` asks api.congress.gov for the bill (`/v3/bill/118/s/1207`), its
actions (`/actions`), its CRS summaries (`/summaries`) and its text versions (`/text`);
`follow` walks `pagination.next` of the actions (and of summaries and texts). The API key
travels in the `X-Api-Key` header, never in a URL: congress.gov's swagger
(congress-gov-v3-swagger.json) declares only the `api_key` query parameter, but the API is
served through api.data.gov, whose developer manual accepts the key in `X-Api-Key` too, and
a URL is what ends up in logs, snapshots and error messages. The crawler's guard sends the
key to `api.congress.gov` only (`SECRET_HOSTS`). `parse combines whichever answers
it gets into one `bill` record keyed `US:118-s-1207`, recognising each answer by its URL
path, else by its JSON shape:

- the bill: title, sponsor, introduction date, origin chamber, policy area, cosponsor
  count, public laws;
- its actions: one event each, oldest first. The API lists actions newest first, so
  actions of the same day keep the reverse of the API's order (the capture of H.R.21
  lists "Referred to the House Committee" before "Introduced in House" on 2021-01-04);
- its summaries and text versions: one document each; the latest summary's text,
  stripped of HTML, is the field `latest_summary`.

The stage is normalised from the actions, not copied from the latest action's text (which
changes with every referral to a subcommittee). Library of Congress action codes
(https://www.congress.gov/help/field-values/action-codes) and action types map to
milestones; the stage is the highest milestone reached, the latest one on a tie:

| milestone | rank | actionCode / type |
| --- | --- | --- |
| Introduced | 1 | 1000 (House), 10000 (Senate), Intro-H |
| Referred to committee | 2 | 2000, 11000; type IntroReferral whose text says "referred to" |
| Reported | 3 | 5000 (to House), 14000 (to Senate) |
| Passed House / Passed Senate | 4 | 8000 / 17000 |
| Failed in House / Failed in Senate | 4 | 9000 / 18000 |
| Presented to President | 5 | 28000 |
| Signed by President | 6 | 29000 |
| Vetoed by President | 6 | 30000 (pocket veto), 31000 |
| Became law | 7 | 36000; type BecameLaw |

House (H…) codes have no authoritative list and Senate actions carry no code, so only the
codes above count. A list of bills (`/v3/bill/117/hr`) becomes a `bill_list` record.
The API key never appears in a record or an error message.

Follows: the congress.gov API v3 swagger published by the Library of Congress (2026-06,
copied in tests/fixtures/us_congress): `/bill/{congress}/{billType}/{billNumber}` and its
`/actions`, `/summaries`, `/text`, with `format=json` (the default is XML) and `limit` at
most 250; a test checks every shipped request against it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from crawlers.sites.readers.answers import one_or_list
from crawlers.sites.readers.json_data import loads_or_none, obj
from crawlers.sites.us_congress.answers import answer_of
from crawlers.sites.us_congress.bill import bill_record
from crawlers.sites.us_congress.congress import (
    API,
    SECRET_HOSTS,
    SLUG,
    TYPE_SLUGS,
    auth,
    bill_of,
    json_url,
    kind_from_shape,
    kind_from_url,
    page_url,
)
from crawlers.sites.us_congress.lists import list_record
from vocab.errors import ParseError
from vocab.fetch import Request, Response, Target
from vocab.records import Record, first_identifier

__all__ = [
    "HOSTS",
    "PARAMS",
    "SECRET_HOSTS",
    "URL_HELP",
    "bill_of",
    "follow",
    "official_page",
    "page_url",
    "parse",
    "requests",
]

URL_HELP = (
    "A bill on congress.gov such as https://www.congress.gov/bill/118th-congress/senate-bill/1207, "
    "its API URL (https://api.congress.gov/v3/bill/118/s/1207), 118-s-1207, or --param "
    "congress=118 --param type=s --param number=1207. Needs a congress.gov API key."
)

# The bill's page and its API address.
HOSTS = ("www.congress.gov", "congress.gov", "api.congress.gov")
PARAMS: dict[str, str] = {
    "congress": "the Congress, e.g. 118 (2023-2024)",
    "type": "the bill type: hr, s, hjres, sjres, hconres, sconres, hres or sres",
    "number": "the bill number, e.g. 1207",
}


def requests(target: Target) -> list[Request]:
    """The bill, its actions, summaries and text versions, each with the API key in a header."""
    congress, kind, number = bill_of(target)
    headers = auth(target)
    base = f"{API}/bill/{congress}/{kind}/{number}"
    # 250 actions a page (the API's maximum) keeps most bills to one request.
    asks = (("", "detail", {}), ("/actions", "actions", {"limit": "250"}))
    asks += (("/summaries", "summaries", {}), ("/text", "text", {}))
    return [
        Request(url=json_url(base + path, extra), headers=headers, role=role)
        for path, role, extra in asks
    ]


def follow(response: Response, target: Target) -> list[Request]:
    """The next page of a bill's actions (or summaries, texts), from `pagination.next`."""
    data = loads_or_none(response.text())
    if not isinstance(data, dict):
        return []
    kind = kind_from_url(response.url) or kind_from_shape(data)
    following = obj(data.get("pagination")).get("next")
    # Lists of bills are not walked: a Congress has thousands of them.
    if (
        kind not in ("actions", "summaries", "text")
        or not isinstance(following, str)
        or not following
    ):
        return []
    return [Request(url=json_url(following), headers=auth(target), role=kind)]


def parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record:
    """One `bill` record from a bill's answers, or a `bill_list` record from a list of bills."""
    if not responses:
        raise ParseError("no congress.gov answer to read", kind=SLUG)
    answers = [answer_of(response) for response in responses]
    return one_or_list(
        answers,
        one=lambda found: bill_record(found, params),
        many=list_record,
        mixed="a list of bills cannot be read together with one bill's answers",
        kind=SLUG,
    )


def official_page(record: Record) -> tuple[str, str] | None:
    """The bill on congress.gov: `117-hr-21` -> …/bill/117th-congress/house-bill/21."""
    congress, _, rest = first_identifier(record, "us_bill").partition("-")
    kind, _, number = rest.partition("-")
    if not (congress.isdigit() and kind in TYPE_SLUGS and number):
        return None
    return ("congress.gov", page_url(congress, kind, number))
