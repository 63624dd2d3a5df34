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

import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from vocab.dates import parse_date, parse_datetime
from vocab.errors import ConfigError, MissingKey, ParseError
from vocab.fetch import Request, Response, Target
from vocab.records import Document, Event, Item, Record, first_identifier, identifier_pairs
from vocab.redact import redact

SLUG = "us_congress"
API = "https://api.congress.gov/v3"
SITE = "https://www.congress.gov"
KEY_NAME = "congress_api_key"
HOST = "api.congress.gov"
# The only host the key may be sent to; the crawler's guard refuses any other (crawlers/guard.py).
SECRET_HOSTS = {KEY_NAME: HOST}
MISSING_KEY = (
    "congress.gov needs an API key: set LEXWATCH_CONGRESS_API_KEY "
    "(free at https://api.congress.gov/sign-up/)"
)

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

# Bill types of the API and the words congress.gov uses for them in its page URLs.
_TYPE_SLUGS = {
    "hr": "house-bill",
    "s": "senate-bill",
    "hjres": "house-joint-resolution",
    "sjres": "senate-joint-resolution",
    "hconres": "house-concurrent-resolution",
    "sconres": "senate-concurrent-resolution",
    "hres": "house-resolution",
    "sres": "senate-resolution",
}
_SLUG_TYPES = {slug: kind for kind, slug in _TYPE_SLUGS.items()}
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

_API_BILL = re.compile(
    r"/v3/bill/(\d+)/([a-z]+)/(\d+)(?:/(actions|summaries|text))?/?$", re.IGNORECASE
)
_API_LIST = re.compile(r"/v3/bill(?:/\d+(?:/[a-z]+)?)?/?$", re.IGNORECASE)
# The record key's own form, `118-s-1207` or `US:118-s-1207`, given as the source's URL.
_KEY_FORM = re.compile(r"(?:US:)?(\d+)-([a-z]+)-(\d+)", re.IGNORECASE)
_PAGE_BILL = re.compile(r"/bill/(\d+)(?:st|nd|rd|th)-congress/([a-z-]+)/(\d+)", re.IGNORECASE)

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


# --- requests ----------------------------------------------------------------------------


def requests(target: Target) -> list[Request]:
    """The bill, its actions, summaries and text versions, each with the API key in a header."""
    congress, kind, number = bill_of(target)
    headers = _auth(target)
    base = f"{API}/bill/{congress}/{kind}/{number}"
    # 250 actions a page (the API's maximum) keeps most bills to one request.
    asks = (("", "detail", {}), ("/actions", "actions", {"limit": "250"}))
    asks += (("/summaries", "summaries", {}), ("/text", "text", {}))
    return [
        Request(url=_json_url(base + path, extra), headers=headers, role=role)
        for path, role, extra in asks
    ]


def bill_of(target: Target) -> tuple[str, str, str]:
    """(congress, type, number) of a source: its params, else read from its URL."""
    given = dict(zip(("congress", "type", "number"), _bill_in_url(target.url), strict=False))
    given.update({name: target.params[name].strip() for name in PARAMS if name in target.params})
    given = {name: value for name, value in given.items() if value}
    kind = given.get("type", "").lower()
    found = _normal(given.get("congress"), _SLUG_TYPES.get(kind, kind), given.get("number"))
    if not found or found[1] not in _TYPE_SLUGS:
        raise ConfigError(
            "us_congress needs a bill URL such as "
            "https://www.congress.gov/bill/118th-congress/senate-bill/1207 "
            "or the parameters congress=118, type=s and number=1207"
        )
    return found


def _bill_in_url(url: str) -> tuple[str, ...]:
    text = (url or "").strip()
    path = urlsplit(text).path
    match = _API_BILL.search(path) or _PAGE_BILL.search(path) or _KEY_FORM.fullmatch(text)
    return (match[1], match[2], match[3]) if match else ()


def _api_key(target: Target) -> str:
    key = (target.secrets.get(KEY_NAME) or "").strip()
    if not key:
        raise MissingKey(MISSING_KEY)
    return key


def _auth(target: Target) -> tuple[tuple[str, str], ...]:
    return (("X-Api-Key", _api_key(target)),)


def _json_url(url: str, extra: Mapping[str, str] | None = None) -> str:
    """`url` asking for JSON, without any api_key a next link might carry."""
    parts = urlsplit(url)
    query = {k: v for k, v in parse_qsl(parts.query) if k.lower() != "api_key"}
    query.update({"format": "json", **(extra or {})})
    return urlunsplit(parts._replace(query=urlencode(query)))


def follow(response: Response, target: Target) -> list[Request]:
    """The next page of a bill's actions (or summaries, texts), from `pagination.next`."""
    data = _json_or_none(response)
    if not isinstance(data, dict):
        return []
    kind = _kind_from_url(response.url) or _kind_from_shape(data)
    following = _obj(data.get("pagination")).get("next")
    # Lists of bills are not walked: a Congress has thousands of them.
    if (
        kind not in ("actions", "summaries", "text")
        or not isinstance(following, str)
        or not following
    ):
        return []
    return [Request(url=_json_url(following), headers=_auth(target), role=kind)]


# --- parse -------------------------------------------------------------------------------


def parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record:
    """One `bill` record from a bill's answers, or a `bill_list` record from a list of bills."""
    if not responses:
        raise ParseError("no congress.gov answer to read", kind=SLUG)
    answers = [_answer(response) for response in responses]
    kinds = {kind for kind, _, _ in answers}
    if "list" in kinds:
        if kinds != {"list"}:
            raise ParseError(
                "a list of bills cannot be read together with one bill's answers", kind=SLUG
            )
        return _list_record(answers)
    return _bill_record(answers, params)


# An answer is (kind, JSON object, URL without the key): detail, actions, summaries, text or list.
Answer = tuple[str, dict[str, Any], str]

# The list each kind of answer must carry.
_LISTS = {"actions": "actions", "summaries": "summaries", "text": "textVersions", "list": "bills"}


def _answer(response: Response) -> Answer:
    url = public_url(response.url)
    data = _json_object(response, url)
    kind = _kind_from_url(response.url) or _kind_from_shape(data)
    _check_shape(kind, data, url)
    return kind, data, url


def _json_object(response: Response, url: str) -> dict[str, Any]:
    data = _json_or_none(response)
    if not isinstance(data, dict):
        raise ParseError(
            "a JSON object (the answer is not JSON, or not an object)", url=url, kind=SLUG
        )
    if "error" in data:
        error = _error_text(data["error"])
        raise ParseError(f"a bill, but congress.gov answered an error: {error}", url=url, kind=SLUG)
    return data


def public_url(url: str) -> str:
    """`url` without its api_key, fit for a record or an error message."""
    parts = urlsplit(url)
    query = [(name, value) for name, value in parse_qsl(parts.query) if name.lower() != "api_key"]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _error_text(error: Any) -> str:
    # api.data.gov answers {"error": {"code", "message"}}; congress.gov itself a bare string.
    text = (
        str(error.get("message") or error.get("code") or "unknown")
        if isinstance(error, dict)
        else str(error)
    )
    return redact(text, ())  # an error that quotes the request must not quote a key


def _json_or_none(response: Response) -> Any:
    try:
        return json.loads(response.text())
    except ValueError:
        return None


def _kind_from_url(url: str) -> str:
    path = urlsplit(url).path
    match = _API_BILL.search(path)
    if match:
        return (match[4] or "detail").lower()
    return "list" if _API_LIST.search(path) else ""


def _kind_from_shape(data: dict[str, Any]) -> str:
    if isinstance(data.get("bill"), dict):
        return "detail"
    return next((kind for kind, key in _LISTS.items() if isinstance(data.get(key), list)), "")


def _check_shape(kind: str, data: dict[str, Any], url: str) -> None:
    if kind == "detail":
        if not isinstance(data.get("bill"), dict) or not data["bill"]:
            raise ParseError("the 'bill' object of the bill's answer", url=url, kind=SLUG)
        return
    key = _LISTS.get(kind)
    if key is None:
        raise ParseError(
            "a bill, its actions, summaries or text versions, or a list of bills",
            url=url,
            kind=SLUG,
        )
    entries = data.get(key)
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise ParseError(f"a list of objects '{key}' in the {kind} answer", url=url, kind=SLUG)


# --- the bill ----------------------------------------------------------------------------


def _bill_record(answers: list[Answer], params: Mapping[str, str]) -> Record:
    congress, kind, number = _the_bill(answers, params)
    detail = next((data["bill"] for kind_, data, _ in answers if kind_ == "detail"), {})
    # Actions come back newest first; events read oldest first.
    actions = _chronological(_entries(answers, "actions"))
    summaries = _entries(answers, "summaries")
    return Record(
        kind="bill",
        key=f"US:{congress}-{kind}-{number}",
        title=_clean(detail.get("title")),
        stage=_stage(actions, detail),
        url=page_url(congress, kind, number),
        identifiers=identifier_pairs([("us_bill", f"{congress}-{kind}-{number}")]),
        events=tuple(_event(action) for action in actions),
        documents=_documents(summaries, _entries(answers, "text")),
        fields=_fields(detail, summaries),
    )


def _entries(answers: list[Answer], kind: str) -> list[dict[str, Any]]:
    """The entries of every answer of `kind`, pages in the order they were given."""
    return [entry for kind_, data, _ in answers if kind_ == kind for entry in data[_LISTS[kind]]]


def page_url(congress: str, kind: str, number: str) -> str:
    """The bill's page on congress.gov: …/bill/117th-congress/house-bill/21."""
    return f"{SITE}/bill/{_ordinal(int(congress))}-congress/{_TYPE_SLUGS[kind]}/{number}"


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


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
    bill, request = _obj(data.get("bill")) if kind == "detail" else {}, _obj(data.get("request"))
    if bill:
        parts = (bill.get("congress"), bill.get("type"), bill.get("number"))
    else:
        parts = (request.get("congress"), request.get("billType"), request.get("billNumber"))
    found = _normal(*parts) or _normal(*(_bill_in_url(url) or (None, None, None)))
    return {found} if found else set()


def _normal(congress: Any, kind: Any, number: Any) -> tuple[str, str, str] | None:
    """(congress, type, number) written one way, or None when a part is missing or not a number."""
    congress, kind, number = (str(part or "").strip() for part in (congress, kind, number))
    if not (congress.isdigit() and number.isdigit() and kind.isalpha()):
        return None
    return str(int(congress)), kind.lower(), str(int(number))


def _obj(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one: a null or odd leaf is not a crash."""
    return value if isinstance(value, dict) else {}


# --- actions -----------------------------------------------------------------------------


def _chronological(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Oldest first: reverse the API's newest-first order, then sort (stably) by date."""
    ordered = list(reversed(actions))
    ordered.sort(key=lambda action: parse_date(action.get("actionDate")) or "9999-99-99")
    return ordered


def _event(action: dict[str, Any]) -> Event:
    return Event(
        date=parse_date(action.get("actionDate")),
        title=_clean(action.get("text")),
        kind=action.get("actionCode") or action.get("type") or "",
        source=_obj(action.get("sourceSystem")).get("name") or "",
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


# --- documents and fields ----------------------------------------------------------------


def _documents(
    summaries: list[dict[str, Any]], texts: list[dict[str, Any]]
) -> tuple[Document, ...]:
    documents = [_summary_document(s) for s in summaries] + [_text_document(t) for t in texts]
    return tuple(sorted(set(documents), key=lambda d: (d.date or "", d.kind, d.title, d.url)))


def _summary_document(summary: dict[str, Any]) -> Document:
    what = _clean(summary.get("actionDesc"))
    return Document(
        title=f"CRS summary: {what}" if what else "CRS summary",
        date=parse_date(summary.get("actionDate")),
        kind="summary",
    )


def _text_document(version: dict[str, Any]) -> Document:
    return Document(
        title=_clean(version.get("type")) or "Text",
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
        ("sponsor", "; ".join(s.get("fullName") or "" for s in _objects(detail.get("sponsors")))),
        ("introduced_date", parse_date(detail.get("introducedDate")) or ""),
        ("origin_chamber", detail.get("originChamber") or ""),
        ("policy_area", _obj(detail.get("policyArea")).get("name") or ""),
        ("cosponsor_count", _count(detail.get("cosponsors"))),
        ("laws", "; ".join(_law(law) for law in _objects(detail.get("laws")))),
        ("latest_summary", _latest_summary(summaries)),
    )
    return tuple((name, value) for name, value in pairs if value)


def _objects(value: Any) -> list[dict[str, Any]]:
    return (
        [entry for entry in value or () if isinstance(entry, dict)]
        if isinstance(value, list)
        else []
    )


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


# --- a list of bills ---------------------------------------------------------------------


def _list_record(answers: list[Answer]) -> Record:
    bills = [bill for _, data, _ in answers for bill in data["bills"]]
    pagination = _obj(answers[0][1].get("pagination"))
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


def _clean(text: str | None) -> str:
    """Spaces collapsed: a re-spaced title is not a change."""
    return " ".join((text or "").split())


def _list_item(bill: dict[str, Any], url: str) -> Item:
    parts = _normal(bill.get("congress"), bill.get("type"), bill.get("number"))
    if not parts:
        raise ParseError("congress, type and number of every bill in the list", url=url, kind=SLUG)
    congress, kind, number = parts
    latest = _obj(bill.get("latestAction"))
    summary = ": ".join(
        p for p in (parse_date(latest.get("actionDate")), _clean(latest.get("text"))) if p
    )
    return Item(
        id=f"{congress}-{kind}-{number}",
        title=_clean(bill.get("title")) or f"{_CITATIONS.get(kind, kind.upper())}{number}",
        link=page_url(congress, kind, number) if kind in _TYPE_SLUGS else "",
        summary=summary,
        updated=_moment(bill.get("updateDate")),
    )


def official_page(record: Record) -> tuple[str, str] | None:
    """The bill on congress.gov: `117-hr-21` -> …/bill/117th-congress/house-bill/21."""
    congress, _, rest = first_identifier(record, "us_bill").partition("-")
    kind, _, number = rest.partition("-")
    if not (congress.isdigit() and kind in _TYPE_SLUGS and number):
        return None
    return ("congress.gov", page_url(congress, kind, number))
