"""Text and links read from the Tweede Kamer's XML (SyncFeed pages, officiële publicaties)."""

from __future__ import annotations

from crawlers.sites.readers.xml_data import ATOM, Element


def text_of(element: Element | None) -> str:
    """All the text inside an element, spaces collapsed into one line ('' for None)."""
    return "" if element is None else " ".join("".join(element.itertext()).split())


def child_text(element: Element | None, path: str) -> str:
    """`text_of` the first element at `path` under `element`."""
    return "" if element is None else text_of(element.find(path))


def local_name(element: Element) -> str:
    """The tag of an element without its namespace."""
    return element.tag.rsplit("}", 1)[-1]


def atom_link(element: Element, rel: str) -> str:
    """The href of an Atom element's first `<link>` of relation `rel` (no rel means alternate)."""
    for link in element.findall(f"{ATOM}link"):
        if link.get("rel", "alternate") == rel:
            return link.get("href", "")
    return ""
