"""A procedure file's fields: basic information, key players, technical information and
the final act, one name once."""

from __future__ import annotations

from crawlers.sites.eu_oeil.layout import Page
from crawlers.sites.eu_oeil.players import player_fields
from crawlers.sites.eu_oeil.tables import cells_of, data_rows, join_once, tables_of, text_lines
from crawlers.sites.readers.html_text import field_name, text
from vocab.identifiers import procedure

# Technical information rows already in the record elsewhere (key, stage).
_TECHNICAL_SKIP = {"procedure_reference", "stage_reached_in_procedure"}


def record_fields(page: Page) -> tuple[tuple[str, str], ...]:
    """The file's fields in page order, values of one name joined by '; '."""
    pairs = [*_basic_fields(page), *player_fields(page), *_technical_fields(page)]
    pairs += _final_act_fields(page)
    merged: dict[str, list[str]] = {}
    for name, value in pairs:
        if value:
            merged.setdefault(name, []).append(value)
    # One name once: record_to_json turns fields into an object.
    return tuple((name, "; ".join(values)) for name, values in merged.items())


def basic_pairs(page: Page) -> list[tuple[str, list[str]]]:
    """Basic information as (bold label, the lines under it), in page order."""
    section = page.sections.get("basic information")
    if section is None:
        return []
    bold = [*section.find_all("strong"), *section.find_all(class_="font-weight-bold")]
    labels = {text(tag) for tag in bold}
    pairs: list[tuple[str, list[str]]] = []
    for line in text_lines(section):
        if line in labels:
            pairs.append((line, []))
        elif pairs:
            pairs[-1][1].append(line)
    return pairs


def _basic_fields(page: Page) -> list[tuple[str, str]]:
    # The first bold label is the reference itself (its line is the procedure type,
    # repeated in technical information); Status becomes the record's stage.
    return [
        (field_name(label), join_once(values))
        for label, values in basic_pairs(page)
        if label != "Status" and procedure(label) is None
    ]


def technical_rows(page: Page) -> dict[str, str]:
    """Technical information rows as {slug of label: values joined}."""
    section = page.sections.get("technical information")
    found: dict[str, str] = {}
    for table in tables_of(section) if section else []:
        for cells in map(cells_of, data_rows(table)):
            if len(cells) >= 2:
                found.setdefault(field_name(text(cells[0])), join_once(text_lines(cells[1])))
    return found


def _technical_fields(page: Page) -> list[tuple[str, str]]:
    return [
        (name, value) for name, value in technical_rows(page).items() if name not in _TECHNICAL_SKIP
    ]


def _final_act_fields(page: Page) -> list[tuple[str, str]]:
    section = page.sections.get("final act")
    if section is None:
        return []
    chrome = {"final act", "pdf", "summary"}
    return [
        ("final_act", join_once(line for line in text_lines(section) if line.lower() not in chrome))
    ]
