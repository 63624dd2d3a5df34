"""The small readers of a Cellar notice: the WORK's properties by name, their values, labels,
codes and SAMEAS identifiers, and the English expression title."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from crawlers.sites.readers.xml_data import Element, stripped

SLUG = "eu_cellar"
EURLEX = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:"


def by_tag(work: Element) -> dict[str, list[Element]]:
    """The WORK's properties by name, read in one pass (every reader below looks them up)."""
    tags: dict[str, list[Element]] = {}
    for child in work:
        if isinstance(child.tag, str):
            tags.setdefault(child.tag, []).append(child)
    return tags


def values_of(elements: Iterable[Element]) -> list[str]:
    """The VALUE of each element, stripped, empty ones dropped."""
    texts = (stripped(element, "VALUE") for element in elements)
    return [text for text in texts if text]


def first_value(tags: Mapping[str, list[Element]], *names: str) -> str:
    for name in names:
        values = values_of(tags.get(name, []))
        if values:
            return values[0]
    return ""


def same_as(elements: Iterable[Element], kind: str) -> list[str]:
    """The identifiers of one scheme (celex, eli, oj…) among SAMEAS elements.

    Only their own URI: an embedded notice deeper down names other works and files.
    """
    found = [
        stripped(uri, "IDENTIFIER")
        for element in elements
        for uri in element.findall("URI")
        if (uri.findtext("TYPE") or "") == kind
    ]
    return [value for value in found if value]


def label_of(tags: Mapping[str, list[Element]], name: str) -> str:
    labels = labels_of(tags, name)
    return labels[0] if labels else ""


def labels_of(tags: Mapping[str, list[Element]], *names: str) -> list[str]:
    """The English labels (PREFLABEL) of concepts, unique, in notice order (first = main one)."""
    found = [stripped(element, "PREFLABEL") for name in names for element in tags.get(name, [])]
    return list(dict.fromkeys(label for label in found if label))


def code_of(tags: Mapping[str, list[Element]], name: str) -> str:
    element = next(iter(tags.get(name, [])), None)
    return stripped(element, "OP-CODE")


def english_title(root: Element) -> str:
    """The English expression title of a branch or tree notice; object notices have none."""
    for expression in root.findall("EXPRESSION"):
        languages = {
            (e.text or "").strip()
            for e in expression.iterfind("EXPRESSION_USES_LANGUAGE/IDENTIFIER")
        }
        if "ENG" in languages:
            return stripped(expression, "EXPRESSION_TITLE/VALUE")
    return ""


def linked_celex(tags: Mapping[str, list[Element]], name: str) -> list[str]:
    return [
        value for link in tags.get(name, []) for value in same_as(link.findall("SAMEAS"), "celex")
    ]
