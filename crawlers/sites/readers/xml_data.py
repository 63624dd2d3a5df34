"""Helpers for reading XML answers, through lxml only, with a parser that trusts nothing.

The parser resolves no entities, fetches nothing over the network (no DTD, no XInclude) and
drops comments and processing instructions, so every child a reader meets is an element.
Lookups take Clark names (`{namespace}local`); `ns` builds the prefix of one namespace.
"""

from __future__ import annotations

from lxml import etree

from vocab.errors import ParseError
from vocab.fetch import Response

Element = etree._Element

ATOM = "{http://www.w3.org/2005/Atom}"


def ns(uri: str) -> str:
    """The Clark prefix of a namespace: `ns("http://www.w3.org/2005/Atom") + "entry"`."""
    return "{" + uri + "}"


def _parser(*, drop_blank_text: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
        remove_blank_text=drop_blank_text,
    )


def xml_or_none(body: bytes, *, drop_blank_text: bool = False) -> Element | None:
    """The root element of `body`, or None when it is not well-formed XML."""
    try:
        return etree.fromstring(body, parser=_parser(drop_blank_text=drop_blank_text))
    except etree.XMLSyntaxError:
        return None


def read_xml(response: Response, kind: str, *, drop_blank_text: bool = False) -> Element:
    """The root element of a response; a ParseError ("not XML (…)") when it is not XML."""
    try:
        return etree.fromstring(response.body, parser=_parser(drop_blank_text=drop_blank_text))
    except etree.XMLSyntaxError as error:
        raise ParseError(f"not XML ({error})", url=response.url, kind=kind) from None


def local_name(element: Element) -> str:
    """The tag of an element without its namespace."""
    return etree.QName(element).localname


def stripped(element: Element | None, path: str) -> str:
    """The direct text of the first element at `path`, stripped ('' when there is none)."""
    return "" if element is None else (element.findtext(path) or "").strip()


def text_of(element: Element | None) -> str:
    """All the text inside an element, spaces collapsed into one line ('' for None)."""
    return "" if element is None else " ".join("".join(element.itertext()).split())


def child_text(element: Element | None, path: str) -> str:
    """`text_of` the first element at `path` under `element`."""
    return "" if element is None else text_of(element.find(path))


def child_attribute(element: Element, path: str, name: str) -> str:
    """An attribute of the first element at `path` ('' when the element or attribute is missing)."""
    found = element.find(path)
    return "" if found is None else found.get(name, "")


def atom_link(element: Element, rel: str) -> str:
    """The href of an Atom element's first `<link>` of relation `rel` (no rel means alternate)."""
    for link in element.findall(f"{ATOM}link"):
        if link.get("rel", "alternate") == rel:
            return link.get("href", "")
    return ""
