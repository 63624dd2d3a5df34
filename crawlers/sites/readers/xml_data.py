"""Helpers for reading XML answers, through lxml only, with a parser that trusts nothing.

The parser resolves no entities, fetches nothing over the network (no DTD, no XInclude) and
drops comments and processing instructions, so every child a reader meets is an element.
Lookups take Clark names (`{namespace}local`), as `ATOM + "entry"`.
"""

from __future__ import annotations

from lxml import etree

from vocab.errors import ParseError
from vocab.fetch import Response

Element = etree._Element

ATOM = "{http://www.w3.org/2005/Atom}"


def _parser(*, drop_blank_text: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
        remove_blank_text=drop_blank_text,
    )


def read_xml(response: Response, kind: str, *, drop_blank_text: bool = False) -> Element:
    """The root element of a response; a ParseError ("not XML (…)") when it is not XML."""
    try:
        return etree.fromstring(response.body, parser=_parser(drop_blank_text=drop_blank_text))
    except etree.XMLSyntaxError as error:
        raise ParseError(f"not XML ({error})", url=response.url, kind=kind) from None


def stripped(element: Element | None, path: str) -> str:
    """The direct text of the first element at `path`, stripped ('' when there is none)."""
    return "" if element is None else (element.findtext(path) or "").strip()
