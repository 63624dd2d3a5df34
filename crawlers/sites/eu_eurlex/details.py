"""How EUR-Lex pages print details: label/value definition lists, values on lines, EuroVoc
terms, dates as DD/MM/YYYY, procedure references as YYYY/NNNN/TYPE."""

from __future__ import annotations

import re

from bs4 import Tag

from crawlers.sites.readers.html_text import block_lines, field_name, inline_text
from vocab.identifiers import find_identifiers

_FIELD_NAMES = {
    "eurovoc_thesaurus": "eurovoc",
    "eurovoc_descriptor": "eurovoc",
    "type_of_the_competence_conferred_on_the_eu": "competence",
}
# The elements where a EUR-Lex cell breaks its text into lines.
_BLOCKS = {"br", "div", "p", "li", "ul", "ol", "dd", "dt", "dl", "tr", "h2", "h3", "h4"}
SLASHED_PROCEDURE = re.compile(r"\b(\d{4})\s*/\s*(\d{1,4})\s*/\s*([A-Z]{3})\b")
_NUMERIC_DATE = re.compile(r"\b(\d{2})/(\d{2})/(\d{4})\b")


def dl_pairs(dl: Tag | None) -> list[tuple[str, Tag]]:
    """(label, value cell) for each dt/dd of a definition list, labels without the colon."""
    if dl is None:
        return []
    pairs = []
    for term in dl.find_all("dt", recursive=False):
        value = term.find_next_sibling("dd")
        if value is not None:
            pairs.append((inline(term).rstrip(": ").strip(), value))
    return pairs


def detail_name(label: str) -> str:
    """A detail's label as a field name, EuroVoc and competence labels shortened."""
    name = field_name(label)
    return _FIELD_NAMES.get(name, name)


def detail_value(label: str, value: Tag) -> str:
    """A detail as one line: EuroVoc terms joined by '; ', other lines by ' | ', dates ISO."""
    if "eurovoc" in label.lower():
        text = "; ".join(inline(a) for a in value.find_all("a")) or "; ".join(cell_lines(value))
    else:
        text = " | ".join(cell_lines(value))
    text = re.sub(r"\s+;", ";", text)
    return _NUMERIC_DATE.sub(r"\3-\2-\1", text)


def canonical_reference(label: str) -> str:
    """The label in Lexwatch's canonical form when it is one known identifier, else as written."""
    found = find_identifiers(label)
    return next(iter(found))[1] if len(found) == 1 else label


def cell_lines(tag: Tag) -> list[str]:
    """The text of a cell split where the page breaks lines (br, div, li…), whitespace collapsed."""
    return block_lines(tag, _BLOCKS)


def inline(tag: Tag | None) -> str:
    """The text of a tag on one line, buttons and scripts left out."""
    return inline_text(tag, _BLOCKS)
