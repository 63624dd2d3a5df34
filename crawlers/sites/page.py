"""Any HTML page, optionally narrowed by a CSS or XPath selector, compared as readable text.

The page is read as blocks of text (headings, paragraphs, list items, table rows)
in reading order, each heading kept as a line starting with '#', so that a change
can say where it happened ("2 paragraphs added under 'Key events'"). Scripts,
styles and parts named by `ignore` are left out; the items of an unordered list
are compared as a set, so a list served in another order is no change.

Follows: no published description; any HTML page the admin names, read as HTML5 is parsed
(BeautifulSoup over lxml), the selectors as CSS Selectors Level 3 or XPath 1.0.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from bs4 import BeautifulSoup, Tag
from lxml import etree
from lxml import html as lxml_html

from crawlers.sites import expressions
from crawlers.sites.readers.html_text import parse_html, text
from vocab.errors import ParseError
from vocab.fetch import Request, Response, Target
from vocab.identifiers import find_identifiers
from vocab.records import Record

URL_HELP = "The address of any HTML page, e.g. https://www.example.org/dossier.html"
PARAMS = {
    "selector": "CSS selector of the part to watch, e.g. '#content' or 'table.events'",
    "xpath": "XPath of the part to watch, instead of a CSS selector",
    "ignore": "CSS selector of parts to leave out, e.g. '.cookie-banner, .visitor-count'",
}
# Checked when a source is saved, with the libraries _select applies them with.
EXPRESSIONS = {"selector": expressions.css, "xpath": expressions.xpath, "ignore": expressions.css}
DROP = ["script", "style", "noscript", "template", "iframe", "svg", "button", "form"]
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
BLOCKS = HEADINGS | {
    "p",
    "li",
    "tr",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "caption",
    "figcaption",
    "address",
    "summary",
    "div",
    "section",
    "article",
    "td",
    "th",
    "table",
    "ul",
    "ol",
    "dl",
    "main",
    "header",
    "footer",
    "aside",
    "nav",
    "details",
    "body",
    "html",
}


def requests(target: Target) -> list[Request]:
    """One request: the page itself."""
    return [Request(target.url)]


def parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record:
    """The page's title and readable text (of the selected part, when a selector is given)."""
    response = responses[0]
    markup = response.text()
    _check_complete(markup, response.url)
    soup = parse_html(markup)
    title = _title(soup)
    roots = _select(soup, markup, params, response.url)
    body = "\n".join(line for root in roots for line in blocks(root))
    if not body.strip():
        raise ParseError("the page has no readable text", url=response.url, kind="page")
    idents = find_identifiers(f"{title}\n{body}")
    return Record(
        kind="page", title=title, url=response.url, identifiers=tuple(sorted(idents)), text=body
    )


def _check_complete(markup: str, url: str) -> None:
    lowered = markup.lower()
    if not lowered.strip():
        raise ParseError("the page came back empty", url=url, kind="page")
    if "<html" in lowered and "</html>" not in lowered[-4096:]:
        raise ParseError("the page is truncated: it has no closing </html>", url=url, kind="page")


def _title(soup: BeautifulSoup) -> str:
    return text(soup.title or soup.find("h1"))


def _select(soup: BeautifulSoup, markup: str, params: Mapping[str, str], url: str) -> list[Tag]:
    for name in DROP:
        for node in soup.find_all(name):
            node.decompose()
    if params.get("ignore"):
        for node in soup.select(params["ignore"]):
            node.decompose()
    if params.get("xpath"):
        return _by_xpath(soup, markup, params["xpath"], url)
    if params.get("selector"):
        found = soup.select(params["selector"])
        if not found:
            raise ParseError(
                f"the selector '{params['selector']}' matched nothing", url=url, kind="page"
            )
        return found
    return [soup.body or soup]


def _by_xpath(soup: BeautifulSoup, markup: str, xpath: str, url: str) -> list[Tag]:
    try:
        nodes = lxml_html.fromstring(markup).xpath(xpath)
    except etree.XPathError as exc:
        raise ParseError(f"the XPath '{xpath}' is not valid: {exc}", url=url, kind="page") from exc
    elements = [n for n in nodes if isinstance(n, etree._Element)]
    if not elements:
        raise ParseError(f"the XPath '{xpath}' matched nothing", url=url, kind="page")
    return [parse_html(lxml_html.tostring(e, encoding="unicode")) for e in elements]


def blocks(root: Tag) -> Iterator[str]:
    """The readable lines of an element: headings as '# …', one line per block."""
    for node in root.find_all(True) if root.name not in HEADINGS else [root]:
        if node.name in HEADINGS:
            yield "#" * int(node.name[1]) + " " + text(node)
        elif node.name == "tr":
            yield " | ".join(text(cell) for cell in node.find_all(["td", "th"]))
        elif node.name == "ul":
            yield from sorted(text(li) for li in node.find_all("li", recursive=False))
        elif node.name in BLOCKS and not _inside_handled(node, root):
            yield from _own_text(node)


def _inside_handled(node: Tag, root: Tag) -> bool:
    """Text under a heading, a table row or an unordered list is already emitted by it."""
    for parent in node.parents:
        if parent is root:
            return False
        if parent.name in HEADINGS or parent.name in ("tr", "ul"):
            return True
    return False


def _own_text(node: Tag) -> Iterator[str]:
    """The text of a block that is not inside one of its child blocks."""
    if node.name == "li" and node.parent is not None and node.parent.name == "ul":
        return
    parts = []
    for child in node.children:
        if isinstance(child, Tag) and (child.name in BLOCKS or child.name in HEADINGS):
            continue
        parts.append(child.get_text(" ") if isinstance(child, Tag) else str(child))
    line = " ".join(" ".join(parts).split())
    if line:
        yield line
