"""European Commission "Have your say" initiatives matching a search, with stage and feedback period.

Reads the JSON search API behind the Better Regulation portal
(https://ec.europa.eu/info/law/better-regulation/brpapi/searchInitiatives?text=…) into an
`initiatives` record: one item per initiative (its id, short title, public page, feedback
start as the published date, stage and feedback period as the summary) and the totals
of the search as fields.

Follows: the search API the Better Regulation portal itself calls
(`brpapi/searchInitiatives?text=…&size=…&language=…`), as a real answer shows it
(tests/fixtures/eu_commission_hys); the Commission publishes no description of it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from vocab.dates import parse_datetime
from vocab.errors import ConfigError, ParseError
from vocab.fetch import Request, Response, Target
from vocab.records import Item, Record

SLUG = "eu_commission_hys"
API = "https://ec.europa.eu/info/law/better-regulation/brpapi/searchInitiatives"
PUBLIC_PAGE = "https://ec.europa.eu/info/law/better-regulation/have-your-say/initiatives/{id}_en"

URL_HELP = (
    "Words to search for with --param text=… (any URL, e.g. the portal's "
    "https://ec.europa.eu/info/law/better-regulation/have-your-say/initiatives_en), or a "
    "search API URL such as "
    "https://ec.europa.eu/info/law/better-regulation/brpapi/searchInitiatives?text=child+sexual+abuse"
)

HOSTS = ("ec.europa.eu",)
PARAMS: dict[str, str] = {
    "text": "words to search initiatives for (required unless the URL is a search API URL)",
    "size": "how many initiatives to read, newest search page only (default: 20)",
    "language": "language of the search (default: EN)",
}

_HEADERS = (("Accept", "application/json"),)
# The search page's totals, kept as fields: a new matching initiative changes them.
_TOTALS = {
    "totalElements": "total_elements",
    "totalPages": "total_pages",
    "numberOfElements": "number_of_elements",
    "number": "page_number",
    "size": "page_size",
}


def url_for(text: str, size: str = "20", language: str = "EN") -> str:
    """The search API URL for `text`: …/brpapi/searchInitiatives?text=…&language=EN&size=20."""
    if not text.strip():
        raise ConfigError("eu_commission_hys needs words to search for: a text=… parameter")
    return f"{API}?{urlencode({'text': text.strip(), 'language': language, 'size': size})}"


def requests(target: Target) -> list[Request]:
    """One request: the search for the `text` param, else the search API URL given."""
    params = target.params
    if params.get("text", "").strip():
        size, language = params.get("size") or "20", params.get("language") or "EN"
        return [Request(url=url_for(params["text"], size, language), headers=_HEADERS)]
    if "/brpapi/searchInitiatives" in target.url:
        return [Request(url=target.url, headers=_HEADERS)]
    raise ConfigError(
        "eu_commission_hys needs a text=… parameter or a brpapi/searchInitiatives URL"
    )


def parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record:
    """The initiatives record of the search answer among the responses."""
    if not responses:
        raise ParseError("no search answer to read", kind=SLUG)
    response = next((r for r in responses if "searchInitiatives" in r.url), responses[0])
    page = _result_page(response)
    content = _content(page, response)
    items = sorted((_item(entry, response) for entry in content), key=_item_order)
    return Record(
        kind="initiatives",
        title=_title(response.url, params),
        url=response.url,
        items=tuple(items),
        fields=tuple(sorted(_fields(page, content, response.url, params).items())),
    )


def _result_page(response: Response) -> Mapping[str, Any]:
    """The `initiativeResultDtoPage` object of the answer."""
    try:
        data = json.loads(response.text())
    except json.JSONDecodeError as error:
        raise ParseError(
            f"the answer is not JSON ({error.msg})", url=response.url, kind=SLUG
        ) from None
    page = data.get("initiativeResultDtoPage") if isinstance(data, dict) else None
    if not isinstance(page, dict):
        raise ParseError(
            "initiativeResultDtoPage (the search result page) is missing",
            url=response.url,
            kind=SLUG,
        )
    return page


def _content(page: Mapping[str, Any], response: Response) -> list[Any]:
    content = page.get("content")
    if not isinstance(content, list):
        raise ParseError(
            "initiativeResultDtoPage.content (list of initiatives) is missing",
            url=response.url,
            kind=SLUG,
        )
    return content


def _item_order(item: Item) -> tuple[int, str]:
    # The API orders by relevance, which may shift between runs; by id the list is stable.
    return (int(item.id), "") if item.id.isdigit() else (0, item.id)


# --- one initiative ---------------------------------------------------------------------


def _item(entry: Mapping[str, Any], response: Response) -> Item:
    ident = _initiative_id(entry)
    title = str(entry.get("shortTitle") or _english_title(entry)).strip()
    if not ident or not title:
        missing = "id or reference" if not ident else "shortTitle"
        raise ParseError(f"initiative without {missing}", url=response.url, kind=SLUG)
    status = _current_status(entry)
    return Item(
        id=ident,
        title=title,
        link=PUBLIC_PAGE.format(id=ident) if ident.isdigit() else "",
        published=_api_datetime(status.get("feedbackStartDate")),
        summary=_summary(entry, status),
    )


def _initiative_id(entry: Mapping[str, Any]) -> str:
    """The numeric id (the API sends 12472.0), else the Ares reference."""
    number = entry.get("id")
    if isinstance(number, int | float) and float(number).is_integer():
        return str(int(number))
    return str(entry.get("reference") or "").strip()


def _english_title(entry: Mapping[str, Any]) -> str:
    for translation in entry.get("initiativeTranslations") or []:
        if translation.get("language") == "EN" and translation.get("field") == "SHORT_TITLE":
            return str(translation.get("value") or "")
    return ""


def _current_status(entry: Mapping[str, Any]) -> Mapping[str, Any]:
    """The status marked current, else the first; an empty one when the API gives none."""
    statuses = [s for s in entry.get("currentStatuses") or [] if isinstance(s, dict)]
    current = [s for s in statuses if s.get("isCurrent")]
    return (current or statuses or [{}])[0]


def _summary(entry: Mapping[str, Any], status: Mapping[str, Any]) -> str:
    """Stage and feedback period in one line, e.g. 'Stage: INIT_PLANNED; feedback: DISABLED …'."""
    if not status:
        return f"Initiative status: {entry.get('initiativeStatus') or 'not given'}; no current stage given"
    return (
        f"Stage: {status.get('frontEndStage') or 'not given'}; "
        f"feedback: {status.get('receivingFeedbackStatus') or 'not given'}; "
        f"feedback period: {_period(status)}"
    )


def _period(status: Mapping[str, Any]) -> str:
    start = _api_datetime(status.get("feedbackStartDate"))
    end = _api_datetime(status.get("feedbackEndDate"))
    if not start:
        return f"not set (ends {end})" if end else "not set"
    return f"from {start} to {end}" if end else f"from {start}, no end date"


def _api_datetime(value: Any) -> str | None:
    """'2026/05/26 17:16:00' (the API's own format, Brussels time) as ISO '2026-05-26T17:16:00'."""
    if not isinstance(value, str) or not value.strip():
        return None
    date, _, time = value.strip().partition(" ")
    return parse_datetime(f"{date.replace('/', '-')} {time}".strip())


# --- record-level facts -----------------------------------------------------------------


def _title(url: str, params: Mapping[str, str]) -> str:
    text = params.get("text") or _query(url, "text")
    return f"Have your say initiatives matching “{text}”" if text else "Have your say initiatives"


def _query(url: str, name: str) -> str:
    return parse_qs(urlsplit(url).query).get(name, [""])[0]


def _fields(
    page: Mapping[str, Any], content: list[Any], url: str, params: Mapping[str, str]
) -> dict[str, str]:
    fields = {name: str(page[key]) for key, name in _TOTALS.items() if page.get(key) is not None}
    if "total_elements" not in fields:
        raise ParseError("initiativeResultDtoPage.totalElements is missing", url=url, kind=SLUG)
    fields["text"] = params.get("text") or _query(url, "text")
    for entry in content:
        fields.update(_initiative_fields(entry))
    return {name: value for name, value in fields.items() if value}


def _initiative_fields(entry: Mapping[str, Any]) -> dict[str, str]:
    """What an item cannot hold (Ares reference, topics, act type), keyed '<id>.<name>'."""
    ident = _initiative_id(entry)
    topics = ", ".join(str(t.get("label") or t.get("code")) for t in entry.get("topics") or [])
    return {
        f"{ident}.reference": str(entry.get("reference") or ""),
        f"{ident}.status": str(entry.get("initiativeStatus") or ""),
        f"{ident}.act_type": str(entry.get("foreseenActType") or ""),
        f"{ident}.topics": topics,
    }
