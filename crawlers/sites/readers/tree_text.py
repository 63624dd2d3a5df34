"""Reading HTML as text on one lxml tree, string by string as the page kind always read it.

The page kind once read pages through BeautifulSoup on its lxml builder; this reads
the same libxml2 tree directly, at a fraction of the cost, and keeps that reading's
rules so a page gives the same text as before:
- an element's text is its strings joined with a space, runs of white space as one;
- comments are no text, nor are strings inside a script, style, template, rt or rp
  element, except for that element itself;
- a dropped element leaves its neighbours' strings apart ('a<script/>b' reads 'a b').
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

CONTAINERS = frozenset({"script", "style", "template", "rt", "rp"})  # their strings are apart


def parse_tree(markup: str) -> etree._Element | None:
    """The root element of `markup` on libxml2's HTML parser (fed whole), or None if empty."""
    parser = etree.HTMLParser()
    parser.feed(markup)
    try:
        return parser.close()
    except etree.XMLSyntaxError:  # nothing but white space or comments
        return None


def is_element(node: etree._Element) -> bool:
    """An element, not a comment or processing instruction."""
    return isinstance(node.tag, str)


def context(node: etree._Element) -> str | None:
    """The nearest container among a node's ancestors (its strings belong to that one)."""
    return next((a.tag for a in node.iterancestors() if a.tag in CONTAINERS), None)


def text(node: etree._Element | None, kind: str | None = None) -> str:
    """An element's text on one line; `kind` is the container it sits in, if any."""
    if node is None:
        return ""
    wanted = node.tag if node.tag in CONTAINERS else None
    found: list[str] = []
    _strings(node, node.tag if node.tag in CONTAINERS else kind, wanted, found)
    return " ".join(" ".join(found).split())


def _strings(node: etree._Element, kind: str | None, wanted: str | None, out: list[str]) -> None:
    if node.text and kind == wanted:
        out.append(node.text)
    for child in node:
        if is_element(child):
            _strings(child, child.tag if child.tag in CONTAINERS else kind, wanted, out)
        if child.tail and kind == wanted:
            out.append(child.tail)


def drop(root: etree._Element, nodes: Iterable[etree._Element]) -> set[etree._Element]:
    """Take `nodes` out of the tree, each leaving a placeholder that keeps its tail apart."""
    holders = set()
    for node in list(nodes):
        parent = node.getparent()
        if parent is None or node is root:
            continue
        holder = etree.Comment("")
        holder.tail, node.tail = node.tail, None
        parent.replace(node, holder)
        holders.add(holder)
    return holders
