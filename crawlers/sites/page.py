"""Any HTML page, optionally narrowed by a CSS or XPath selector, compared as readable text.

The page is read as blocks of text (headings, paragraphs, list items, table rows)
in reading order, each heading kept as a line starting with '#', so that a change
can say where it happened ("2 paragraphs added under 'Key events'"). Scripts,
styles and parts named by `ignore` are left out; the items of an unordered list
are compared as a set, so a list served in another order is no change.

Follows: no published description; any HTML page the admin names, read as libxml2 parses
HTML (one lxml parse, crawlers/sites/readers/tree_text.py), the selectors as CSS Selectors
Level 3 (applied through cssselect's XPath) or XPath 1.0.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from functools import lru_cache

from cssselect import HTMLTranslator, SelectorError
from lxml import etree
from lxml import html as lxml_html

from crawlers.sites import expressions
from crawlers.sites.readers.tree_text import CONTAINERS, context, drop, is_element, parse_tree, text
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
HANDLED = HEADINGS | {"tr", "ul"}  # their line holds the text of everything under them


def requests(target: Target) -> list[Request]:
    """One request: the page itself."""
    return [Request(target.url)]


def parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record:
    """The page's title and readable text (of the selected part, when a selector is given)."""
    response = responses[0]
    markup = response.text()
    _check_complete(markup, response.url)
    tree = parse_tree(markup)
    title = _title(tree)
    body = "\n".join(_lines(tree, markup, params, response.url)) if tree is not None else ""
    if not body.strip():
        raise ParseError("the page has no readable text", url=response.url, kind="page")
    idents = find_identifiers(f"{title}\n{body}")
    return Record(
        kind="page", title=title, url=response.url, identifiers=tuple(sorted(idents)), text=body
    )


def _check_complete(markup: str, url: str) -> None:
    if not markup.strip():
        raise ParseError("the page came back empty", url=url, kind="page")
    if _HTML_OPEN.search(markup) and "</html>" not in _lowered_tail(markup):
        raise ParseError("the page is truncated: it has no closing </html>", url=url, kind="page")


_HTML_OPEN = re.compile("<html", re.IGNORECASE)  # as `"<html" in markup.lower()`


def _lowered_tail(markup: str) -> str:
    """The last 4,096 characters of the page in lower case, without lower-casing all of it.

    Only U+0130 grows when lower-cased; with it the whole page is lowered, as before.
    """
    return (markup.lower() if "\u0130" in markup else markup[-4096:].lower())[-4096:]


def _title(tree: etree._Element | None) -> str:
    if tree is None:
        return ""
    node = next(tree.iter("title"), None)
    node = node if node is not None else next(tree.iter("h1"), None)
    return text(node, context(node)) if node is not None else ""


def _lines(tree: etree._Element, markup: str, params: Mapping[str, str], url: str) -> list[str]:
    """The readable lines of the page, or of the parts its parameters select."""
    if params.get("xpath"):  # on the page as served: nothing dropped first
        return [line for part in _by_xpath(markup, params["xpath"], url) for line in part]
    holders = drop(tree, tree.iter(*DROP))
    if params.get("ignore"):
        holders |= drop(tree, _css(tree, params["ignore"], url))
    if params.get("selector"):
        found = _css(tree, params["selector"], url)
        if not found:
            raise ParseError(
                f"the selector '{params['selector']}' matched nothing", url=url, kind="page"
            )
        return [line for root in found for line in blocks(root, holders)]
    body = next(tree.iter("body"), None)
    return blocks(body, holders) if body is not None else _document_lines(tree, holders)


def _css(tree: etree._Element, selector: str, url: str) -> list[etree._Element]:
    try:
        return _compiled(selector)(tree)
    except SelectorError as exc:
        raise ParseError(
            f"the selector '{selector}' is not valid: {exc}", url=url, kind="page"
        ) from exc


@lru_cache(maxsize=256)
def _compiled(selector: str) -> etree.XPath:
    """A CSS selector as the XPath that finds its elements (the same, in document order)."""
    return etree.XPath(HTMLTranslator().css_to_xpath(selector))


def _by_xpath(markup: str, xpath: str, url: str) -> list[list[str]]:
    try:
        nodes = lxml_html.fromstring(markup).xpath(xpath)
    except etree.XPathError as exc:
        raise ParseError(f"the XPath '{xpath}' is not valid: {exc}", url=url, kind="page") from exc
    elements = [n for n in nodes if isinstance(n, etree._Element)]
    if not elements:
        raise ParseError(f"the XPath '{xpath}' matched nothing", url=url, kind="page")
    parts = [parse_tree(lxml_html.tostring(e, encoding="unicode")) for e in elements]
    return [_document_lines(part, set()) for part in parts if part is not None]


def blocks(root: etree._Element, holders: Collection[etree._Element] = ()) -> list[str]:
    """The readable lines of an element: headings as '# …', one line per block.

    `holders` are the placeholders of dropped elements (see tree_text.drop).
    """
    if root.tag in HEADINGS:
        return [_heading(root, context(root))]
    lines: list[str] = []
    kind = context(root)
    for child in root:
        if is_element(child):
            _visit(child, _Walk(lines, holders), False, kind)
    return lines


def _document_lines(tree: etree._Element, holders: Collection[etree._Element]) -> list[str]:
    """A page without a body is read whole, from its root element on."""
    lines: list[str] = []
    _visit(tree, _Walk(lines, holders), False, None)
    return lines


class _Walk:
    """Where one walk puts its lines, and which comments stand for dropped elements."""

    def __init__(self, lines: list[str], holders: Collection[etree._Element]) -> None:
        self.lines, self.holders = lines, holders


def _visit(node: etree._Element, walk: _Walk, inside: bool, kind: str | None) -> None:
    """One element, then its descendants in document order; `inside`: under a heading, a table
    row or an unordered list, whose line already holds the text."""
    tag = node.tag
    kind = tag if tag in CONTAINERS else kind
    if tag in HEADINGS:
        walk.lines.append(_heading(node, kind))
    elif tag == "tr":
        walk.lines.append(" | ".join(text(cell, k) for cell, k in _cells(node, kind)))
    elif tag == "ul":
        items = [text(li, kind) for li in node if li.tag == "li"]
        walk.lines.extend(sorted(items))
    elif tag in BLOCKS and not inside:
        _own_text(node, walk, kind)
    inside = inside or tag in HANDLED
    for child in node:
        if is_element(child):
            _visit(child, walk, inside, kind)


def _heading(node: etree._Element, kind: str | None) -> str:
    return "#" * int(node.tag[1]) + " " + text(node, kind)


def _cells(row: etree._Element, kind: str | None) -> Iterator[tuple[etree._Element, str | None]]:
    """Every td and th under a row, nested tables' too, with the container each sits in."""
    for child in row:
        if is_element(child):
            inner = child.tag if child.tag in CONTAINERS else kind
            if child.tag in ("td", "th"):
                yield child, inner
            yield from _cells(child, inner)


def _own_text(node: etree._Element, walk: _Walk, kind: str | None) -> None:
    """The text of a block that is not inside one of its child blocks.

    Its own strings count whatever they are, comments included (as they always did);
    a child element counts by its text.
    """
    parent = node.getparent()
    if node.tag == "li" and parent is not None and parent.tag == "ul":
        return
    parts = [node.text or ""]
    for child in node:
        if is_element(child):
            if child.tag not in BLOCKS and child.tag not in HEADINGS:
                parts.append(text(child, kind))
        elif child not in walk.holders:
            parts.append(_markup_string(child))
        parts.append(child.tail or "")
    line = " ".join(" ".join(parts).split())
    if line:
        walk.lines.append(line)


def _markup_string(node: etree._Element) -> str:
    """A comment's text, or a processing instruction's target and text."""
    if node.tag is etree.ProcessingInstruction:
        return f"{node.target} {node.text or ''}"
    return node.text or ""
