"""EP Legislative Observatory (OEIL): a procedure file's status, key events, forecasts and documents.

OEIL has served a procedure file in three layouts, and this module reads all of them:

- the old page (`/oeil/popups/ficheprocedure.do`), built of `div.ep-table` rows, where a
  section's heading names its content block through `span.proc-section-switch[data-id]`;
- the 2023 page (`/oeil/en/procedure-file`, `erpl_` classes) and the current one
  (`es_` classes), which share one structure: `div.oeil-spy-section` blocks, each headed
  by an `h2` and holding real `<table>`s.

It also reads OEIL's document summary page (`/oeil/en/document-summary?id=…`) into a
Record of kind "summary". Which page it is comes from the content, never from the URL.

Follows: OEIL's current pages as served on https://oeil.europarl.europa.eu (relaunched site,
2025–2026; OEIL publishes no machine-readable description). The former address
`oeil.secure.europarl.europa.eu` answers `307` to the current one: requests are built on the
current host, an old-host URL is rewritten before it is fetched, and a record's URL is the
page's address on the current host. The Forecasts table is `Date | Subject`; the
documentation gateway's national parliaments table names each document's chamber in a
`Parliament/Chamber` column. OEIL sits behind an AWS WAF: its challenge (a `202` with an empty
body, or a JavaScript challenge page) raises `Blocked` (crawlers.sites.challenge).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag

from crawlers.sites.challenge import refuse_challenge
from vocab.dates import parse_date
from vocab.errors import ConfigError, ParseError
from vocab.fetch import Request, Response, Target
from vocab.identifiers import find_identifiers, procedure
from vocab.records import Document, Event, Record, first_identifier, identifier_pairs

OEIL = "https://oeil.europarl.europa.eu"
# The former address of the relaunched site: it answers 307 to OEIL, so URLs naming it are
# rewritten to OEIL before they are fetched.
OLD_HOST = "oeil.secure.europarl.europa.eu"
KIND = "eu_oeil"

URL_HELP = (
    "An OEIL procedure file, e.g. "
    "https://oeil.europarl.europa.eu/oeil/en/procedure-file?reference=2022/0155(COD) "
    "(old ficheprocedure.do links and oeil.secure addresses work too), or an OEIL document summary "
    "(…/oeil/en/document-summary?id=1651118); or no URL and --param reference=2022/0155(COD)."
)
# The Legislative Observatory: the relaunched site, its former "secure" address, and the
# www.europarl.europa.eu/oeil/ paths of the oldest ficheprocedure.do links.
HOSTS = ("oeil.europarl.europa.eu", "oeil.secure.europarl.europa.eu", "www.europarl.europa.eu")
PARAMS: dict[str, str] = {
    "reference": "procedure reference, e.g. 2022/0155(COD), used to build the URL when no URL is given",
}

# Column names for tables that carry no heading row (every old-layout table but the
# key players): the cells come in this order on the page.
_KEY_EVENT_COLUMNS = ("Date", "Event", "Reference", "Summary")
_FORECAST_COLUMNS = ("Date", "Subject")
# Which heading names an event's date and which its title: key events say `Event`, the
# Forecasts table says `Subject` (`19/10/2026 | Indicative plenary sitting date, 1st reading`).
_DATE_HEAD = re.compile(r"\bdate\b", re.IGNORECASE)
_TITLE_HEAD = re.compile(r"\b(?:event|subject|forecast)\b", re.IGNORECASE)
# The national parliaments fold names each document's chamber (`IT_CHAMBER`) in this column.
_CHAMBER_HEAD = "Parliament/Chamber"
_GATEWAY_COLUMNS = ("Document type", "Committee", "Reference", "Date", "Institution", "Summary")

# The old layout names a political group only in a tooltip ("EPP - Group of the European
# People's Party"); the short name precedes " - ", except for these two, which the
# current layout prints as below. Mapping them keeps a rapporteur equal across layouts.
_GROUP_SHORT_NAMES = {
    "Renew Europe group": "Renew",
    "The Left group in the European Parliament": "The Left",
}

_Dated = TypeVar("_Dated", Event, Document)

_MEP_LINK = re.compile(r"/meps/")
_SHADOW_BLOCK = re.compile(r"shadow", re.IGNORECASE)
_ONCLICK_LINK = re.compile(r"location\.href\s*=\s*'([^']+)'")
# Sections whose text cites the file's documents: identifiers are read from them only,
# so that site chrome and the transparency register never add identifiers.
_CITING_SECTIONS = ("key events", "documentation gateway", "final act")
# Technical information rows already in the record elsewhere (key, stage).
_TECHNICAL_SKIP = {"procedure_reference", "stage_reached_in_procedure"}


def url_for(reference: str) -> str:
    """The procedure file URL of a procedure reference written any usual way."""
    canonical = procedure(reference)
    if canonical is None:
        raise ConfigError(f"not a procedure reference: {reference!r} (e.g. 2022/0155(COD))")
    return f"{OEIL}/oeil/en/procedure-file?reference={canonical}"


def requests(target: Target) -> list[Request]:
    """One request: the source's URL on the current host, else the procedure file of `reference`."""
    if target.url:
        return [Request(url=current_url(target.url))]
    reference = target.params.get("reference", "")
    if not reference:
        raise ConfigError("eu_oeil needs a URL or a reference=2022/0155(COD) parameter")
    return [Request(url=url_for(reference))]


def current_url(url: str) -> str:
    """`url` on OEIL's current host: a procedure file by its reference, else the same path.

    The old host answers 307 to the new one; asking the new one directly saves the hop
    and keeps the stored address the one a reader's browser ends up at.
    """
    parts = urlsplit(url)
    if parts.hostname not in HOSTS or not parts.path.startswith("/oeil/"):
        return url
    reference = procedure(unquote(parts.query)) if "reference=" in parts.query else None
    if reference and parts.path.rstrip("/").endswith(("/procedure-file", "/ficheprocedure.do")):
        return url_for(reference)  # the old ficheprocedure.do page is now the procedure file
    return urlunsplit(parts._replace(scheme="https", netloc=urlsplit(OEIL).netloc))


def parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record:
    """The procedure file (or document summary) in the first response, as a Record."""
    if not responses:
        raise ParseError("no response to parse", kind=KIND)
    response = responses[0]
    # Response.text() replaces bad bytes: some captures carry U+FFFD in the footer.
    soup = BeautifulSoup(response.text(), "lxml")
    layout = _layout(soup)
    if layout is None:
        refuse_challenge(response)  # the WAF's answer is not a broken page
        raise _error(f"not an OEIL procedure file or document summary ({_glimpse(soup)})", response)
    if layout == "summary":
        return _summary(soup, response)
    return _procedure(_Page(soup, _sections(soup, layout), response))


# --- which page, which sections -------------------------------------------------------


@dataclass(frozen=True)
class _Page:
    """A parsed procedure file: the soup, its sections by lower-cased heading, the response."""

    soup: BeautifulSoup
    sections: Mapping[str, Tag]
    response: Response

    def fail(self, what: str) -> ParseError:
        return _error(what, self.response)


def _error(what: str, response: Response) -> ParseError:
    return ParseError(what, url=response.url, kind=KIND)


def _layout(soup: BeautifulSoup) -> str | None:
    """'old', 'table' (2023 and current procedure file), 'summary', or None."""
    if soup.find("span", class_="proc-section-switch"):
        return "old"
    if soup.find("div", class_="oeil-spy-section"):
        return "table"
    if soup.find(class_=re.compile(r"product-subtitle$")):
        return "summary"
    return None


def _glimpse(soup: BeautifulSoup) -> str:
    """What the page is instead, for the error message: its title or its first words."""
    title = _text(soup.find("title"))
    if title:
        return f"page title {title!r}"
    return f"page starts {_text(soup)[:80]!r}"


def _sections(soup: BeautifulSoup, layout: str) -> dict[str, Tag]:
    return _old_sections(soup) if layout == "old" else _table_sections(soup)


def _old_sections(soup: BeautifulSoup) -> dict[str, Tag]:
    # The old page keeps a heading and its content in sibling blocks; the heading's
    # open/close switch names the content block's id.
    found: dict[str, Tag] = {}
    for switch in soup.find_all("span", class_="proc-section-switch"):
        content = soup.find(id=switch.get("data-id") or None)
        if isinstance(content, Tag):
            found.setdefault(_text(switch.parent).lower(), content)
    return found


def _table_sections(soup: BeautifulSoup) -> dict[str, Tag]:
    found: dict[str, Tag] = {}
    for section in soup.find_all("div", class_="oeil-spy-section"):
        heading = section.find("h2")
        if heading is not None:
            found.setdefault(_text(heading).lower(), section)
    return found


# --- tables in both layouts -----------------------------------------------------------


def _tables(container: Tag) -> list[Tag]:
    """`<table>`s in the newer layouts, `div.ep-table` blocks in the old one."""
    return container.find_all("table") or container.find_all("div", class_="ep-table")


def _heads(table: Tag) -> list[str]:
    if table.name == "table":
        return [_text(th) for th in table.select("thead th")]
    heading = table.find("div", class_="ep-table-heading-row")
    return [_text(cell) for cell in _cells(heading)] if heading else []


def _body_rows(table: Tag) -> list[Tag]:
    if table.name == "table":
        return [tr for tr in table.find_all("tr") if tr.find_parent("thead") is None]
    rows = table.find_all("div", class_="ep-table-row")
    return [row for row in rows if "ep-table-heading-row" not in row.get("class", [])]


def _cells(row: Tag) -> list[Tag]:
    if row.name == "tr":
        return row.find_all(["th", "td"], recursive=False)
    return row.find_all("div", class_="ep-table-cell", recursive=False)


def _rows(container: Tag, columns: Sequence[str]) -> list[dict[str, Tag]]:
    """Each data row as {column heading: cell}; `columns` name headless tables' cells."""
    rows = []
    for table in _tables(container):
        heads = _heads(table) or columns
        rows += [dict(zip(heads, _cells(row), strict=False)) for row in _body_rows(table)]
    return rows


# --- the procedure file ---------------------------------------------------------------


def _procedure(page: _Page) -> Record:
    reference = _reference(page)
    return Record(
        kind="procedure",
        key=f"EU:{reference}",
        title=_title(page),
        stage=_stage(page),
        url=url_for(reference),
        identifiers=_identifiers(reference, page.sections),
        events=(*_key_events(page), *_forecasts(page)),
        documents=_documents(page),
        fields=_fields(page),
    )


def _reference(page: _Page) -> str:
    heading = page.soup.find("h2", class_=re.compile(r"title-h1$")) or page.soup.select_one(
        "#procedure-file-header .ep-layout_level1 .ep_name"
    )
    found = procedure(_text(heading)) or procedure(_technical(page).get("procedure_reference", ""))
    if found is None:
        raise page.fail("no procedure reference in the page heading or technical information")
    return found


def _title(page: _Page) -> str:
    heading = page.soup.find("h2", class_=re.compile(r"title-h1$"))
    # The newer layouts put the title in the h2 right after the reference; the old one
    # in the second heading of the page header.
    title_tag = (
        heading.find_next("h2")
        if heading
        else page.soup.select_one("#procedure-file-header .ep-layout_level2-large .ep_name")
    )
    title = _text(title_tag)
    if not title or title.lower() in page.sections:
        raise page.fail("no procedure title")
    return title


def _stage(page: _Page) -> str:
    """OEIL's status as shown under Basic information, else the technical stage."""
    status = dict(_basic_pairs(page)).get("Status", [])
    stage = status[0] if status else _technical(page).get("stage_reached_in_procedure", "")
    if not stage:
        raise page.fail("no status (Basic information) nor stage reached (Technical information)")
    return stage


def _identifiers(reference: str, sections: Mapping[str, Tag]) -> tuple[tuple[str, str], ...]:
    found = {("procedure", reference)}
    for name in _CITING_SECTIONS:
        if name in sections:
            found |= find_identifiers(_cited_text(sections[name]))
    return identifier_pairs(found)


def _cited_text(section: Tag) -> str:
    # Links count too: EUR-Lex links carry the CELEX number the visible text lacks.
    hrefs = [link["href"] for link in section.find_all("a", href=True)]
    return " ".join([*section.stripped_strings, *hrefs])


# --- events ---------------------------------------------------------------------------


def _key_events(page: _Page) -> list[Event]:
    section = page.sections.get("key events")
    if section is None:
        raise page.fail("no key events section")
    events = _events(section, _KEY_EVENT_COLUMNS, forecast=False)
    if not events:
        raise page.fail("key events section has no readable rows")
    return events


def _forecasts(page: _Page) -> list[Event]:
    # Read like key events, by its heading; its columns are `Date | Subject`.
    section = page.sections.get("forecasts")
    return _events(section, _FORECAST_COLUMNS, forecast=True) if section else []


def _events(section: Tag, columns: Sequence[str], *, forecast: bool) -> list[Event]:
    rows = _rows(section, columns)
    events = [event for row in rows if (event := _event(row, forecast))]
    return _in_date_order(events)


def _event(row: Mapping[str, Tag], forecast: bool) -> Event | None:
    title = _text(_cell(row, _TITLE_HEAD))
    if not title:
        return None
    reference, summary = row.get("Reference"), row.get("Summary")
    return Event(
        date=parse_date(_text(_cell(row, _DATE_HEAD))),
        title=title,
        reference=_joined(reference),
        url=_link(reference) or _link(summary),
        source="EP",
        forecast=forecast,
        details=_text(summary),
    )


def _cell(row: Mapping[str, Tag], head: re.Pattern[str]) -> Tag | None:
    """The cell under the first heading that `head` matches (`Event`, `Subject`, `Date`…)."""
    return next((cell for name, cell in row.items() if head.search(name)), None)


def _in_date_order(rows: Iterable[_Dated]) -> list[_Dated]:
    # Undated rows last; sorted() is stable, so rows of one day keep the page's order.
    return sorted(rows, key=lambda row: (row.date is None, row.date or ""))


# --- documentation gateway ------------------------------------------------------------


def _documents(page: _Page) -> tuple[Document, ...]:
    section = page.sections.get("documentation gateway")
    if section is None:
        return ()
    documents = []
    for institution, item in _accordion(section):
        rows = _rows(item, _GATEWAY_COLUMNS)
        documents += [doc for row in rows if (doc := _document(row, institution))]
    return tuple(_in_date_order(documents))


def _accordion(section: Tag) -> list[tuple[str, Tag]]:
    """(institution, its block) for each fold of the gateway, or ("", section) if none.

    The fold's title ("European Parliament") is the documents' kind in every layout; the
    old page's own code column ("EP") is left aside so that kinds agree across layouts.
    """
    items = section.find_all("li", class_=re.compile(r"accordion-item$"))
    titled = [
        (_text(item.find(class_=re.compile(r"accordion(-item)?-title$"))), item) for item in items
    ]
    # The old page repeats every row once more under "All".
    return [(title, item) for title, item in titled if title.lower() != "all"] or [("", section)]


def _document(row: Mapping[str, Tag], institution: str) -> Document | None:
    title = _text(row.get("Document type"))
    if not title:
        return None
    # Opinions of several committees share one type, the contributions of national
    # parliaments one type and one reference: the committee or the chamber tells them apart.
    body = _text(row.get("Committee")) or _text(row.get(_CHAMBER_HEAD))
    reference = _joined(row.get("Reference"))
    chamber = _text(row.get(_CHAMBER_HEAD))
    return Document(
        title=f"{title} ({body})" if body else title,
        # A contribution cites the Commission proposal as its reference: with the chamber it
        # stays one document of its own instead of merging with every other chamber's.
        reference=f"{reference} ({chamber})" if chamber and reference else reference,
        date=parse_date(_text(row.get("Date"))),
        url=_link(row.get("Reference")) or _link(row.get("Summary")),
        kind=institution,
    )


# --- fields ---------------------------------------------------------------------------


def _fields(page: _Page) -> tuple[tuple[str, str], ...]:
    pairs = [*_basic_fields(page), *_player_fields(page), *_technical_fields(page)]
    pairs += _final_act_fields(page)
    merged: dict[str, list[str]] = {}
    for name, value in pairs:
        if value:
            merged.setdefault(name, []).append(value)
    # One name once: record_to_json turns fields into an object.
    return tuple((name, "; ".join(values)) for name, values in merged.items())


def _basic_pairs(page: _Page) -> list[tuple[str, list[str]]]:
    """Basic information as (bold label, the lines under it), in page order."""
    section = page.sections.get("basic information")
    if section is None:
        return []
    bold = [*section.find_all("strong"), *section.find_all(class_="font-weight-bold")]
    labels = {_text(tag) for tag in bold}
    pairs: list[tuple[str, list[str]]] = []
    for line in _lines(section):
        if line in labels:
            pairs.append((line, []))
        elif pairs:
            pairs[-1][1].append(line)
    return pairs


def _basic_fields(page: _Page) -> list[tuple[str, str]]:
    # The first bold label is the reference itself (its line is the procedure type,
    # repeated in technical information); Status becomes the record's stage.
    return [
        (_slug(label), _join(values))
        for label, values in _basic_pairs(page)
        if label != "Status" and procedure(label) is None
    ]


def _technical(page: _Page) -> dict[str, str]:
    """Technical information rows as {slug of label: values joined}."""
    section = page.sections.get("technical information")
    found: dict[str, str] = {}
    for table in _tables(section) if section else []:
        for cells in map(_cells, _body_rows(table)):
            if len(cells) >= 2:
                found.setdefault(_slug(_text(cells[0])), _join(_lines(cells[1])))
    return found


def _technical_fields(page: _Page) -> list[tuple[str, str]]:
    return [
        (name, value) for name, value in _technical(page).items() if name not in _TECHNICAL_SKIP
    ]


def _final_act_fields(page: _Page) -> list[tuple[str, str]]:
    section = page.sections.get("final act")
    if section is None:
        return []
    chrome = {"final act", "pdf", "summary"}
    return [("final_act", _join(line for line in _lines(section) if line.lower() not in chrome))]


# --- key players ----------------------------------------------------------------------


@dataclass
class _Seat:
    """One committee of a key players table and the members named for it."""

    code: str
    associated: bool = False
    rapporteurs: list[str] = field(default_factory=list)
    shadows: list[str] = field(default_factory=list)
    appointed: list[str] = field(default_factory=list)


def _player_fields(page: _Page) -> list[tuple[str, str]]:
    section = page.sections.get("key players")
    pairs: list[tuple[str, str]] = []
    for table in _tables(section) if section else []:
        heads, rows = _heads(table), _body_rows(table)
        if heads and "committee" in heads[0].lower():
            pairs += _committee_fields(heads, rows)
        elif heads:
            pairs += _column_fields(heads, rows)
    return pairs


def _committee_fields(heads: Sequence[str], rows: Sequence[Tag]) -> list[tuple[str, str]]:
    """committee_responsible / rapporteur / rapporteur_appointed / shadow_rapporteurs, or
    the same for committees for opinion (named after the table's own headings)."""
    seats = _seats(rows, heads)
    role = _slug(heads[1]) if len(heads) > 1 else "rapporteur"
    shadows = "shadow_rapporteurs" if role == "rapporteur" else f"shadow_{role}"
    return [
        (_slug(heads[0]), _join(map(_seat_label, seats))),
        (role, _per_seat(seats, lambda seat: seat.rapporteurs)),
        (f"{role}_appointed", _per_seat(seats, lambda seat: seat.appointed)),
        (shadows, _per_seat(seats, lambda seat: seat.shadows)),
    ]


def _per_seat(seats: Sequence[_Seat], values: Callable[[_Seat], list[str]]) -> str:
    # With several committees in one table each entry says which committee it is for.
    tagged = len(seats) > 1
    return _join(f"{seat.code}: {v}" if tagged else v for seat in seats for v in values(seat))


def _seat_label(seat: _Seat) -> str:
    # An associated committee (Rule 57) shares competence: worth telling from an opinion.
    return f"{seat.code} (associated)" if seat.associated else seat.code


def _seats(rows: Sequence[Tag], heads: Sequence[str]) -> list[_Seat]:
    appointed_column = heads.index("Appointed") if "Appointed" in heads else 2
    seats: list[_Seat] = []
    for cells, row in ((_cells(row), row) for row in rows):
        code = _committee_code(cells[0]) if cells else ""
        if code or not seats:  # the newer layouts list shadows in a row of their own
            seats.append(_Seat(code, "associated committee" in _text(cells[0]).lower()))
        for name, shadow in _members(row):
            (seats[-1].shadows if shadow else seats[-1].rapporteurs).append(name)
        seats[-1].appointed += _dates(cells[appointed_column : appointed_column + 1])
    return seats


def _dates(cells: Sequence[Tag]) -> list[str]:
    return [day for cell in cells for line in _lines(cell) if (day := parse_date(line))]


def _committee_code(cell: Tag) -> str:
    badge = cell.find(class_=re.compile(r"badge-committee$")) or cell.find("abbr")
    return _text(badge)


def _members(row: Tag) -> list[tuple[str, bool]]:
    """(name with group, is a shadow) for each MEP linked in a key players row."""
    links = row.find_all("a", href=_MEP_LINK)
    return [(_member_name(link), link.find_parent(id=_SHADOW_BLOCK) is not None) for link in links]


def _member_name(link: Tag) -> str:
    name = _text(link)
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
    first = _slug(heads[0])
    pairs = []
    for index, head in enumerate(heads):
        name = _slug(head)
        # "Meeting", "Date" alone would not say whose: prefix them with the table's subject.
        if index and not name.startswith(first.split("_")[0]):
            name = f"{first}_{name}"
        pairs.append((name, _join(_column_values(rows, index))))
    return pairs


def _column_values(rows: Sequence[Tag], index: int) -> list[str]:
    cells = [_cells(row) for row in rows]
    return [_text(row[index]) for row in cells if len(row) > index]


# --- the document summary page --------------------------------------------------------


def _summary(soup: BeautifulSoup, response: Response) -> Record:
    subtitle = soup.find(class_=re.compile(r"product-subtitle$"))
    content = soup.find(class_=re.compile(r"product-content$"))
    found = {
        "title": _text(soup.find(class_=re.compile(r"product-name$"))),
        "procedure reference": procedure(_text(subtitle)) or "",
        # Its <time datetime> is a template placeholder (2018-07-01 on every page): read the text.
        "date": parse_date(_text(subtitle.find("time"))) or "",
        "text": _summary_text(content),
    }
    missing = [what for what, value in found.items() if not value]
    if missing:
        raise _error(f"no {', '.join(missing)} in the document summary", response)
    return _summary_record(found, content, response)


def _summary_text(content: Tag | None) -> str:
    """The summary's paragraphs, one a line."""
    if not isinstance(content, Tag):
        return ""
    return "\n".join(line for p in content.find_all("p") if (line := _text(p)))


def _summary_record(found: Mapping[str, str], content: Tag, response: Response) -> Record:
    reference = found["procedure reference"]
    # The document summarised, e.g. "Text adopted by Parliament, single reading".
    document_type = _text(content.find(class_=re.compile(r"links-list$")))
    return Record(
        kind="summary",
        key=f"EU:{reference}",
        title=found["title"],
        url=current_url(response.url),
        identifiers=identifier_pairs([("procedure", reference)]),
        fields=tuple(
            (k, v) for k, v in (("date", found["date"]), ("document_type", document_type)) if v
        ),
        text=found["text"],
    )


# --- text helpers ---------------------------------------------------------------------


def _text(tag: Tag | BeautifulSoup | None) -> str:
    """A tag's text on one line, runs of white space (and &nbsp;) as one space."""
    return " ".join(tag.get_text(" ").split()) if tag is not None else ""


def _lines(tag: Tag) -> list[str]:
    """A tag's text pieces, each cleaned, empty ones dropped."""
    return [line for piece in tag.get_text("\n").split("\n") if (line := " ".join(piece.split()))]


def _join(values: Iterable[str]) -> str:
    """Values joined by '; ', each once, in order."""
    return "; ".join(dict.fromkeys(value for value in values if value))


def _joined(cell: Tag | None) -> str:
    return _join(_lines(cell)) if cell is not None else ""


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


def _link(cell: Tag | None) -> str:
    """The first link of a cell, absolute; the old layout's buttons link by onclick."""
    if cell is None:
        return ""
    for link in cell.find_all("a", href=True):
        if not link["href"].startswith(("#", "javascript:")):
            return urljoin(f"{OEIL}/", link["href"])
    button = cell.find("button", onclick=_ONCLICK_LINK)
    match = _ONCLICK_LINK.search(str(button.get("onclick", ""))) if button else None
    return urljoin(f"{OEIL}/", match[1]) if match else ""


def official_page(record: Record) -> tuple[str, str] | None:
    """The procedure file on OEIL (a document summary's too: its procedure's file)."""
    reference = first_identifier(record, "procedure")
    return ("OEIL", url_for(reference)) if reference else None
