"""European Parliament press releases: title, date, lead, body text and the files they cite.

One press room page (https://www.europarl.europa.eu/news/en/press-room/20241212IPR25960/…)
becomes a `press_release` record with one item (id = the IPR reference, e.g.
20241212IPR25960), the body as text (headings as '# ' lines), the "further information"
links as documents, and the procedure, report and text numbers the page cites.

A procedure link written without its type (`…ficheprocedure.do?reference=2020/0363`) takes
the type the page gives the same year and number elsewhere; when the page gives none, the
link stays a document with the bare reference `2020/0363` and its own address, and the
field `procedures_without_type` names it, so the reader still has the link.

Follows: the EP press room's pages as served on www.europarl.europa.eu/news/…/press-room/
(2022 and 2024 layouts); the press room publishes no machine-readable description. The EP's
sites sit behind an AWS WAF: a challenge instead of the page raises `Blocked`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar
from urllib.parse import unquote

from bs4 import BeautifulSoup, Tag

from crawlers.sites.challenge import refuse_challenge
from crawlers.sites.readers.html_text import absolute_url, canonical_url, inline_text, parse_html
from vocab.dates import parse_date, parse_datetime
from vocab.errors import ConfigError, ParseError
from vocab.fetch import Request, Response, Target
from vocab.identifiers import find_identifiers
from vocab.records import Document, Item, Record, identifier_pairs

SLUG = "eu_ep_press"
BASE = "https://www.europarl.europa.eu"

URL_HELP = (
    "An EP press release page such as https://www.europarl.europa.eu/news/en/press-room/"
    "20241212IPR25960/ep-paves-way-for-the-use-of-eu-funds-to-finance-natural-disaster-recovery, "
    "or just its reference 20241212IPR25960."
)

HOSTS = ("www.europarl.europa.eu", "europarl.europa.eu")
PARAMS: dict[str, str] = {
    "lang": "language of the page when only a reference is given (default: en)",
}

_T = TypeVar("_T", str, list[str])
_HEADERS = (("Accept", "text/html"),)
_IPR = re.compile(r"\b(\d{8}IPR\d{4,6})\b")
# The EP document register ("doceo") writes A9-0234/2022 as A-9-2022-0234, T9-… as TA-9-…;
# its file names go on with "_EN.html", so the number ends at a non-digit, not a word break.
_DOCEO = re.compile(r"\b(A|TA)-(\d{1,2})-(\d{4})-(\d{4})(?!\d)")
# An OEIL link whose reference has no type: `reference=2020/0363` (then `&`, `"` or the end).
_TYPELESS = re.compile(r"reference=(\d{4})/(\d{1,4})(?![\d(/])")
_BLOCK_NAMES = ["p", "h2", "h3", "h4", "h5", "li", "blockquote"]
_HEADINGS = {"h2", "h3", "h4", "h5"}
_BLOCKS = {"br", "div", "p", "li", "ul", "ol", "h2", "h3", "h4", "h5", "blockquote"}


def url_for(reference: str, lang: str = "en") -> str:
    """The press room page of a release: 20241212IPR25960 → …/news/en/press-room/20241212IPR25960."""
    match = _IPR.search(reference or "")
    if not match:
        raise ConfigError(
            f"not a press release reference: {reference!r} (expected e.g. 20241212IPR25960)"
        )
    return f"{BASE}/news/{lang}/press-room/{match[1]}"


def requests(target: Target) -> list[Request]:
    """One request: the page given, or the page of the reference given."""
    given = target.url.strip()
    if not given.startswith(("http://", "https://")):
        given = url_for(given, target.params.get("lang", "en") or "en")
    return [Request(url=given, headers=_HEADERS)]


def parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record:
    """The press release record of the press room page among the responses."""
    if not responses:
        raise ParseError("no press release page to read", kind=SLUG)
    response = _press_page(responses)
    soup = parse_html(response.text())
    article = soup.find("article", id="website-body")
    if article is None:
        refuse_challenge(response)  # the WAF's answer is not a changed page
        raise ParseError(
            "press release body (article#website-body) is missing", url=response.url, kind=SLUG
        )
    return _record(response, soup, article)


def _press_page(responses: Sequence[Response]) -> Response:
    """The response that is a press room page, judged by its URL or its content."""
    for response in responses:
        if "/press-room/" in response.url or b"ep_reference" in response.body:
            return response
    return responses[0]


def _record(response: Response, soup: BeautifulSoup, article: Tag) -> Record:
    title = _required(_inline(article.select_one("h1.ep_title")), "title (h1.ep_title)", response)
    lines = _required(_body_lines(article), "body text (div.ep-a_text)", response)
    summary = _inline(article.select_one("div.ep-a_text.ep-layout_chapo"))
    anchors = _anchors(article, response.url)
    facts = [_inline(li) for li in article.select("div.ep-a_facts li")]
    texts = [title, summary, *facts, *lines, *(name for name, _ in anchors)]
    found = _identifiers(texts, _hrefs(article))
    typed = _typed_procedures(found)
    fields = _fields(soup, article, facts)
    fields |= _untyped_field(_typeless(_hrefs(article)) - typed.keys())
    return Record(
        kind="press_release",
        title=title,
        url=response.url,
        identifiers=identifier_pairs(found),
        documents=tuple(_related_document(name, url, typed) for name, url in anchors),
        items=(_item(response, soup, article, title, summary),),
        fields=tuple(sorted(fields.items())),
        text="\n".join(lines),
    )


def _item(response: Response, soup: BeautifulSoup, article: Tag, title: str, summary: str) -> Item:
    return Item(
        id=_ipr(soup, response),
        title=title,
        link=canonical_url(soup, response.url),
        published=_published(article, response),
        summary=summary,
    )


def _required(value: _T, what: str, response: Response) -> _T:
    if not value:
        raise ParseError(f"{what} is missing", url=response.url, kind=SLUG)
    return value


# --- the item ---------------------------------------------------------------------------


def _ipr(soup: BeautifulSoup, response: Response) -> str:
    """The IPR reference: the page's 'Ref.:' line, else its canonical or fetched URL."""
    for text in (
        _inline(soup.select_one("div.ep_reference")),
        canonical_url(soup, response.url),
        response.url,
    ):
        match = _IPR.search(text)
        if match:
            return match[1]
    raise ParseError(
        "press release reference (Ref.: …IPR…) is missing", url=response.url, kind=SLUG
    )


def _published(article: Tag, response: Response) -> str:
    """The release's date and time as the page states it (Brussels time, no zone given)."""
    stamp = article.find("time", attrs={"itemprop": "datePublished"})
    published = parse_datetime(str(stamp.get("datetime", ""))) if stamp else None
    if not published:
        raise ParseError(
            "publication date (time[itemprop=datePublished]) is missing",
            url=response.url,
            kind=SLUG,
        )
    return published


# --- body text --------------------------------------------------------------------------


def _body_lines(article: Tag) -> list[str]:
    """The body paragraphs one per line; headings (bold-only paragraphs, h2–h5) as '# …'."""
    lines: list[str] = []
    for body in article.select("div.ep-a_text"):
        if "ep-layout_chapo" in (body.get("class") or []):
            continue  # the lead is the item's summary
        lines += [line for block in _blocks(body) if (line := _block_line(block))]
    return lines


def _blocks(body: Tag) -> list[Tag]:
    """Top-level text blocks of the body: a list item's own paragraph is not read twice."""
    blocks = body.find_all(_BLOCK_NAMES)
    ids = {id(block) for block in blocks}
    return [b for b in blocks if id(b.find_parent(_BLOCK_NAMES)) not in ids]


def _block_line(block: Tag) -> str:
    text = _inline(block)
    if not text:
        return ""
    return f"# {text}" if block.name in _HEADINGS or _bold_only(block, text) else text


def _bold_only(block: Tag, text: str) -> bool:
    """A paragraph whose whole text is bold: how these pages write their subheadings."""
    bold = " ".join(_inline(b) for b in block.find_all(["strong", "b"]))
    return bold == text


# --- links, identifiers, fields ---------------------------------------------------------


def _anchors(article: Tag, base: str) -> list[tuple[str, str]]:
    """The 'further information' links beside the text (procedure files, reports, briefs)."""
    links = article.select("div.ep-a_links li a[href]")
    pairs = [(_inline(link), absolute_url(base, link["href"])) for link in links]
    return [(title, url) for title, url in pairs if title]


def _related_document(title: str, url: str, typed: Mapping[str, str]) -> Document:
    found = _identifiers([title], [url])
    reference = next(iter(found))[1] if len(found) == 1 else ""
    if not found:  # a procedure link without its type: the page's typed one, else bare
        bare = sorted(_typeless([url]))
        reference = typed.get(bare[0], bare[0]) if bare else ""
    return Document(title=title, reference=reference, url=url, kind="related link")


def _typed_procedures(found: Iterable[tuple[str, str]]) -> dict[str, str]:
    """`2020/0363` -> `2020/0363(COD)` for every procedure the page cites with its type."""
    return {value.split("(")[0]: value for scheme, value in found if scheme == "procedure"}


def _typeless(hrefs: Iterable[str]) -> set[str]:
    """`2020/0363` of each OEIL link written without the procedure's type."""
    return {f"{m[1]}/{int(m[2]):04d}" for href in hrefs for m in _TYPELESS.finditer(unquote(href))}


def _untyped_field(references: set[str]) -> dict[str, str]:
    return {"procedures_without_type": ", ".join(sorted(references))} if references else {}


def _hrefs(article: Tag) -> list[str]:
    """Links of the body and of the link list: procedure files and reports are cited there."""
    links = article.select("div.ep-a_text a[href], div.ep-a_links a[href]")
    return [str(link["href"]).strip() for link in links]


def _identifiers(texts: Iterable[str], hrefs: Iterable[str]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for text in [*texts, *(unquote(href) for href in hrefs)]:
        found.update(find_identifiers(text))
        found.update(_doceo_numbers(text))
    return found


def _doceo_numbers(text: str) -> set[tuple[str, str]]:
    """A9-0234/2022 from a register link …/doceo/document/A-9-2022-0234_EN.html."""
    return {
        ("ep_report" if m[1] == "A" else "ep_text", f"{m[1][0]}{m[2]}-{m[4]}/{m[3]}")
        for m in _DOCEO.finditer(text)
    }


def _fields(soup: BeautifulSoup, article: Tag, facts: list[str]) -> dict[str, str]:
    subtitle = article.select_one("div.ep_subtitle")
    fields = {
        "category": _inline(subtitle.select_one(".ep-layout_category")) if subtitle else "",
        "content_type": _content_type(subtitle),
        "committees": ", ".join(_inline(a) for a in article.select(".ep-layout_committee abbr")),
        "plenary_date": _plenary_date(soup),
        "highlights": "\n".join(facts),
    }
    return {name: value for name, value in fields.items() if value}


def _content_type(subtitle: Tag | None) -> str:
    cells = subtitle.select(".ep-layout_contenttype") if subtitle else []
    return ", ".join(_inline(c) for c in cells if "ep-layout_committee" not in c.get("class", []))


def _plenary_date(soup: BeautifulSoup) -> str:
    """The plenary session the release belongs to, from the page keywords 'plenaryDate:17-10-2022'."""
    keywords = soup.find("meta", attrs={"name": "keywords"})
    match = (
        re.search(r"plenaryDate:([\d-]+)", str(keywords.get("content", ""))) if keywords else None
    )
    return (parse_date(match[1]) or "") if match else ""


# --- text ------------------------------------------------------------------------------


def _inline(tag: Tag | None) -> str:
    """The text of a tag on one line, whitespace collapsed, buttons and scripts left out."""
    return inline_text(tag, _BLOCKS)


def official_page(record: Record) -> tuple[str, str] | None:
    """The press release on the Parliament's press room, where it was read."""
    return ("EP press room", record.url) if record.url.startswith(f"{BASE}/") else None
