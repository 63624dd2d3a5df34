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

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from vocab.dates import parse_date, parse_datetime
from vocab.errors import ConfigError, ParseError
from vocab.fetch import Request, Response, Target
from vocab.records import Document, Event, Item, Record, first_identifier, identifier_pairs

SLUG = "uk_bills"
API = "https://bills-api.parliament.uk/api/v1"
SITE = "https://bills.parliament.uk/bills"

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

_HEADERS = (("Accept", "application/json"),)
# Houses a stage can be "in"; the API files Royal Assent under "Unassigned", which says nothing.
_HOUSES = ("Commons", "Lords")

# Paths of the Bills API, matched case-insensitively: the API itself writes /Bills and /Stages.
_BILL_PATH = re.compile(r"/api/v1/bills/(\d+)(?:/(stages|publications))?/?$", re.IGNORECASE)
_LIST_PATH = re.compile(r"/api/v1/bills/?$", re.IGNORECASE)
_REFERENCE_PATH = re.compile(r"/api/v1/stages/?$", re.IGNORECASE)
# Any URL naming a bill: the public site (/bills/3137/stages) or the API (/Bills/3137).
_ANY_BILL = re.compile(r"/bills/(\d+)(?:/|$)", re.IGNORECASE)


# --- requests ----------------------------------------------------------------------------


def requests(target: Target) -> list[Request]:
    """The bill, its stages and its publications, from the Bills API."""
    bill = bill_id(target)
    base = f"{API}/Bills/{bill}"
    return [
        Request(url=base, headers=_HEADERS, role="detail"),
        Request(url=f"{base}/Stages", headers=_HEADERS, role="stages"),
        Request(url=f"{base}/Publications", headers=_HEADERS, role="publications"),
    ]


def bill_id(target: Target) -> str:
    """The bill id of a source: `--param bill`, else the number in a bill URL (or a bare id)."""
    url = target.url.strip()
    match = _ANY_BILL.search(urlsplit(url).path)
    given = target.params.get("bill", "").strip() or (url if url.isdigit() else "")
    given = given or (match[1] if match else "")
    if not given.isdigit():
        wrong = f" (not {given!r})" if given else ""
        raise ConfigError(
            f"uk_bills needs a bill id{wrong}: give a URL such as "
            "https://bills.parliament.uk/bills/3137, or a bill=3137 parameter"
        )
    return str(int(given))


def follow(response: Response, target: Target) -> list[Request]:
    """The next page of a bill's stages, while the API says there are more."""
    data = _json_or_none(response) if _kind_from_url(response.url) == "stages" else None
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        return []
    skip = _query_int(response.url, "skip") + len(items)
    if skip >= _int(data.get("totalResults")):
        return []
    query = urlencode({"Skip": skip, "Take": _int(data.get("itemsPerPage")) or len(items)})
    url = f"{response.url.split('?', 1)[0]}?{query}"
    return [Request(url=url, headers=_HEADERS, role="stages")]


def _query_int(url: str, name: str) -> int:
    # The API spells its paging parameters Skip/Take; accept any case.
    query = {key.lower(): values for key, values in parse_qs(urlsplit(url).query).items()}
    return _int((query.get(name) or ["0"])[0])


# --- small helpers -----------------------------------------------------------------------


def _clean(text: str | None) -> str:
    """Spaces collapsed: the API doubles some ("as at  6 April  2010"); re-spacing is no change."""
    return " ".join((text or "").split())


def _number(value: Any) -> str:
    """A bill id written one way ("2818"), or "" when it is missing or not a number."""
    text = str(value if value is not None else "").strip()
    return str(int(text)) if text.isdigit() else ""


def _obj(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one: a null or odd leaf is not a crash."""
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


# --- parse -------------------------------------------------------------------------------


def parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record:
    """One `bill` record from a bill's answers, or a `bill_list` record from a bill list."""
    if not responses:
        raise ParseError("no Bills API answer to read", kind=SLUG)
    answers = [_answer(response) for response in responses]
    kinds = {kind for kind, _, _ in answers}
    if "list" in kinds:
        if kinds != {"list"}:
            raise ParseError(
                "a bill list cannot be read together with one bill's answers", kind=SLUG
            )
        return _list_record(answers)
    return _bill_record(answers, params)


# An answer is (kind, JSON object, URL): kind is detail, stages, publications or list.
Answer = tuple[str, dict[str, Any], str]


def _answer(response: Response) -> Answer:
    data = _json_object(response)
    kind = _kind_from_url(response.url) or _kind_from_shape(data, response.url)
    if kind == "stage_reference":
        what = "a bill, not the stage reference list (/api/v1/Stages), which names no bill"
        raise ParseError(what, url=response.url, kind=SLUG)
    _check_shape(kind, data, response.url)
    return kind, data, response.url


def _json_object(response: Response) -> dict[str, Any]:
    data = _json_or_none(response)
    if not isinstance(data, dict):
        raise ParseError(
            "a JSON object (the answer is not JSON, or not an object)", url=response.url, kind=SLUG
        )
    if _is_problem(data):
        # ASP.NET "ProblemDetails": the API's way of saying 404 / 400.
        status, title = data.get("status"), data.get("title") or "error"
        raise ParseError(
            f"a bill, but the API answered {status} {title}", url=response.url, kind=SLUG
        )
    return data


def _json_or_none(response: Response) -> Any:
    try:
        return json.loads(response.text())
    except ValueError:
        return None


def _is_problem(data: dict[str, Any]) -> bool:
    known = ("billId", "items", "publications", "shortTitle")
    return "status" in data and "title" in data and not any(key in data for key in known)


def _kind_from_url(url: str) -> str:
    path = urlsplit(url).path
    match = _BILL_PATH.search(path)
    if match:
        return (match[2] or "detail").lower()
    if _LIST_PATH.search(path):
        return "list"
    return "stage_reference" if _REFERENCE_PATH.search(path) else ""


def _kind_from_shape(data: dict[str, Any], url: str) -> str:
    if isinstance(data.get("publications"), list):
        return "publications"
    if "billId" in data and ("shortTitle" in data or "currentStage" in data):
        return "detail"
    items = data.get("items")
    first = items[0] if isinstance(items, list) and items else None
    if isinstance(first, dict):
        return _kind_of_item(first)
    what = "a bill, its stages, its publications or a bill list (no billId, publications or items)"
    raise ParseError(what, url=url, kind=SLUG)


def _kind_of_item(item: dict[str, Any]) -> str:
    # Stages carry sittings, list entries a billId; the stage reference has only id/name/house.
    if "stageSittings" in item:
        return "stages"
    if "billId" in item:
        return "list"
    return "stage_reference" if "name" in item else "unknown"


# The list each answer must carry; a bill's detail must carry its billId instead.
_LISTS = {"stages": "items", "publications": "publications", "list": "items"}


def _check_shape(kind: str, data: dict[str, Any], url: str) -> None:
    if kind == "detail":
        if not _number(data.get("billId")):
            raise ParseError("the bill's billId (a number)", url=url, kind=SLUG)
        return
    key = _LISTS.get(kind)
    if key is None:
        raise ParseError("a bill, its stages, its publications or a bill list", url=url, kind=SLUG)
    entries = data.get(key)
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise ParseError(f"a list of objects '{key}' in the {kind} answer", url=url, kind=SLUG)


# --- the bill ----------------------------------------------------------------------------


def _bill_record(answers: list[Answer], params: Mapping[str, str]) -> Record:
    bill = _the_bill(answers, params)
    detail = next((data for kind, data, _ in answers if kind == "detail"), None)
    stages = [item for kind, data, _ in answers if kind == "stages" for item in data["items"]]
    publications = [
        p for kind, data, _ in answers if kind == "publications" for p in data["publications"]
    ]
    return Record(
        kind="bill",
        key=f"UK:bill-{bill}",
        title=_clean(_obj(detail).get("shortTitle")),
        stage=_stage(detail),
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
    named = {_number(data.get("billId"))}
    if kind == "stages":
        named |= {_number(s.get("billId")) for item in data["items"] for s in _sittings(item)}
    named.discard("")
    if named:
        return named
    match = _BILL_PATH.search(urlsplit(url).path)
    return {str(int(match[1]))} if match else set()


def _stage(detail: dict[str, Any] | None) -> str:
    if not detail:
        return ""
    if detail.get("isAct"):
        return "Act of Parliament"
    if detail.get("billWithdrawn"):
        return "Withdrawn"
    if detail.get("isDefeated"):
        return "Defeated"
    return _stage_title(_obj(detail.get("currentStage")))


def _stage_title(stage: dict[str, Any]) -> str:
    """`Commons: 2nd reading`; the description alone when the house is not Commons or Lords."""
    description = _clean(stage.get("description"))
    house = stage.get("house") or ""
    return f"{house}: {description}" if house in _HOUSES and description else description


def _sittings(stage: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in stage.get("stageSittings") or () if isinstance(s, dict)]


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
    return (not day, day, _int(stage.get("sortOrder")), _int(sitting.get("id")))


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
        publications, key=lambda p: (parse_date(p.get("displayDate")) or "", _int(p.get("id")))
    )
    return tuple(_document(publication) for publication in ordered)


def _document(publication: dict[str, Any]) -> Document:
    return Document(
        title=_clean(publication.get("title")),
        date=parse_date(publication.get("displayDate")),
        url=_publication_url(publication),
        kind=_obj(publication.get("publicationType")).get("name") or "",
    )


def _publication_url(publication: dict[str, Any]) -> str:
    """The HTML link if any (readable in a browser), else the first link, else the first file."""
    links = [link for link in publication.get("links") or () if _obj(link).get("url")]
    html = [link for link in links if "html" in (link.get("contentType") or "")]
    if html or links:
        return (html or links)[0]["url"]
    return _file_url(publication)


def _file_url(publication: dict[str, Any]) -> str:
    # Files are served by the API itself; the publication id and the file id make the URL.
    files = [f for f in publication.get("files") or () if _obj(f).get("id") is not None]
    if not files or publication.get("id") is None:
        return ""
    return f"{API}/Publications/{publication['id']}/Documents/{files[0]['id']}/Download"


def _fields(detail: dict[str, Any] | None) -> tuple[tuple[str, str], ...]:
    if not detail:
        return ()
    pairs = (
        ("long_title", _clean(detail.get("longTitle"))),
        ("originating_house", detail.get("originatingHouse") or ""),
        ("current_house", detail.get("currentHouse") or ""),
        ("sponsors", "; ".join(_sponsors(detail.get("sponsors") or ()))),
        ("is_act", "true" if detail.get("isAct") else "false"),
        ("last_update", parse_datetime(detail.get("lastUpdate")) or ""),
    )
    return tuple((name, value) for name, value in pairs if value)


def _sponsors(sponsors: Iterable[Any]) -> list[str]:
    ordered = sorted(
        (s for s in sponsors if isinstance(s, dict)), key=lambda s: _int(s.get("sortOrder"))
    )
    return [text for text in map(_sponsor, ordered) if text]


def _sponsor(sponsor: dict[str, Any]) -> str:
    """`Kevin Hollinrake (Conservative, Thirsk and Malton)`, plus `for <department>` if given."""
    member = _obj(sponsor.get("member"))
    organisation = _obj(sponsor.get("organisation")).get("name") or ""
    about = ", ".join(part for part in (member.get("party"), member.get("memberFrom")) if part)
    name = member.get("name") or ""
    person = f"{name} ({about})" if name and about else name
    if person and organisation:
        return f"{person} for {organisation}"
    return person or organisation


# --- a bill list -------------------------------------------------------------------------


def _list_record(answers: list[Answer]) -> Record:
    items = [item for _, data, _ in answers for item in data["items"]]
    total = answers[0][1].get("totalResults")
    return Record(
        kind="bill_list",
        url=answers[0][2],
        items=tuple(_list_item(item, answers[0][2]) for item in items),
        fields=(("total_results", str(total)),) if total is not None else (),
    )


def _list_item(item: dict[str, Any], url: str) -> Item:
    bill = _number(item.get("billId"))
    if not bill:
        raise ParseError("the billId of every bill in the list", url=url, kind=SLUG)
    return Item(
        id=bill,
        title=_clean(item.get("shortTitle")),
        link=f"{SITE}/{bill}",
        summary=_stage(item),
        updated=parse_datetime(item.get("lastUpdate")),
    )


def official_page(record: Record) -> tuple[str, str] | None:
    """The bill on bills.parliament.uk."""
    bill = first_identifier(record, "uk_bill")
    return ("bills.parliament.uk", f"{SITE}/{bill}") if bill else None
