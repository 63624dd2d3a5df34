"""The key players section: committees with their rapporteurs, shadows and appointment
dates, and the other tables (Commission, Council) one field a column."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bs4 import Tag

from crawlers.sites.eu_oeil.layout import Page
from crawlers.sites.eu_oeil.tables import (
    cells_of,
    data_rows,
    head_names,
    join_once,
    tables_of,
    text_lines,
)
from crawlers.sites.readers.html_text import field_name, text
from vocab.dates import parse_date

# The old layout names a political group only in a tooltip ("EPP - Group of the European
# People's Party"); the short name precedes " - ", except for these two, which the
# current layout prints as below. Mapping them keeps a rapporteur equal across layouts.
_GROUP_SHORT_NAMES = {
    "Renew Europe group": "Renew",
    "The Left group in the European Parliament": "The Left",
}
_MEP_LINK = re.compile(r"/meps/")
_SHADOW_BLOCK = re.compile(r"shadow", re.IGNORECASE)


@dataclass
class _Seat:
    """One committee of a key players table and the members named for it."""

    code: str
    associated: bool = False
    rapporteurs: list[str] = field(default_factory=list)
    shadows: list[str] = field(default_factory=list)
    appointed: list[str] = field(default_factory=list)


def player_fields(page: Page) -> list[tuple[str, str]]:
    section = page.sections.get("key players")
    pairs: list[tuple[str, str]] = []
    for table in tables_of(section) if section else []:
        heads, rows = head_names(table), data_rows(table)
        if heads and "committee" in heads[0].lower():
            pairs += _committee_fields(heads, rows)
        elif heads:
            pairs += _column_fields(heads, rows)
    return pairs


def _committee_fields(heads: Sequence[str], rows: Sequence[Tag]) -> list[tuple[str, str]]:
    """committee_responsible / rapporteur / rapporteur_appointed / shadow_rapporteurs, or
    the same for committees for opinion (named after the table's own headings)."""
    seats = _seats(rows, heads)
    role = field_name(heads[1]) if len(heads) > 1 else "rapporteur"
    shadows = "shadow_rapporteurs" if role == "rapporteur" else f"shadow_{role}"
    return [
        (field_name(heads[0]), join_once(map(_seat_label, seats))),
        (role, _per_seat(seats, lambda seat: seat.rapporteurs)),
        (f"{role}_appointed", _per_seat(seats, lambda seat: seat.appointed)),
        (shadows, _per_seat(seats, lambda seat: seat.shadows)),
    ]


def _per_seat(seats: Sequence[_Seat], values: Callable[[_Seat], list[str]]) -> str:
    # With several committees in one table each entry says which committee it is for.
    tagged = len(seats) > 1
    return join_once(f"{seat.code}: {v}" if tagged else v for seat in seats for v in values(seat))


def _seat_label(seat: _Seat) -> str:
    # An associated committee (Rule 57) shares competence: worth telling from an opinion.
    return f"{seat.code} (associated)" if seat.associated else seat.code


def _seats(rows: Sequence[Tag], heads: Sequence[str]) -> list[_Seat]:
    appointed_column = heads.index("Appointed") if "Appointed" in heads else 2
    seats: list[_Seat] = []
    for cells, row in ((cells_of(row), row) for row in rows):
        code = _committee_code(cells[0]) if cells else ""
        if code or not seats:  # the newer layouts list shadows in a row of their own
            seats.append(_Seat(code, "associated committee" in text(cells[0]).lower()))
        for name, shadow in _members(row):
            (seats[-1].shadows if shadow else seats[-1].rapporteurs).append(name)
        seats[-1].appointed += _dates(cells[appointed_column : appointed_column + 1])
    return seats


def _dates(cells: Sequence[Tag]) -> list[str]:
    return [day for cell in cells for line in text_lines(cell) if (day := parse_date(line))]


def _committee_code(cell: Tag) -> str:
    badge = cell.find(class_=re.compile(r"badge-committee$")) or cell.find("abbr")
    return text(badge)


def _members(row: Tag) -> list[tuple[str, bool]]:
    """(name with group, is a shadow) for each MEP linked in a key players row."""
    links = row.find_all("a", href=_MEP_LINK)
    return [(_member_name(link), link.find_parent(id=_SHADOW_BLOCK) is not None) for link in links]


def _member_name(link: Tag) -> str:
    name = text(link)
    if name.endswith(")"):  # the newer layouts print "NAME Given (Group)"
        return name
    cell = link.find_parent("div", class_="ep-table-cell")
    tip = link.find_previous("span", class_="tiptip")
    if tip is None or tip.find_parent("div", class_="ep-table-cell") is not cell:
        return name
    group = " ".join(str(tip.get("title", "")).split(" - ")[0].split())
    return f"{name} ({_GROUP_SHORT_NAMES.get(group, group)})" if group else name


def _column_fields(heads: Sequence[str], rows: Sequence[Tag]) -> list[tuple[str, str]]:
    """Other key players tables (Commission DG, Commissioner, Council…): one field a column."""
    first = field_name(heads[0])
    pairs = []
    for index, head in enumerate(heads):
        name = field_name(head)
        # "Meeting", "Date" alone would not say whose: prefix them with the table's subject.
        if index and not name.startswith(first.split("_")[0]):
            name = f"{first}_{name}"
        pairs.append((name, join_once(_column_values(rows, index))))
    return pairs


def _column_values(rows: Sequence[Tag], index: int) -> list[str]:
    cells = [cells_of(row) for row in rows]
    return [text(row[index]) for row in cells if len(row) > index]
