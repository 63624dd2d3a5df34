"""EUR-Lex procedure pages (every step, its documents, the status) and EUR-Lex document pages.

A procedure page (https://eur-lex.europa.eu/procedure/EN/2022_155) becomes a `procedure`
record keyed `EU:2022/0155(COD)`: the heading gives title, status and type, the collapsed
"More information" block gives legal basis, EuroVoc terms and directory codes, and the
"Follow the steps of procedure" section gives one event per step with its documents.
A document page (legal-content/EN/ALL/?uri=…) becomes a `document` record.

EUR-Lex sometimes answers scripted clients with a redirect or a bot challenge instead
of the page: a redirect page is a fetch problem (`FetchError`), a challenge (its AWS WAF
JavaScript page, a captcha, a `202` with an empty body) is `Blocked`; neither is a change.

Follows: EUR-Lex's pages as served (https://eur-lex.europa.eu/procedure/EN/{year}_{number},
legal-content/EN/ALL/?uri=…); EUR-Lex publishes no machine-readable description of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from urllib.parse import parse_qs, urljoin, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag

from crawlers.sites.challenge import challenge_reason
from vocab.dates import parse_date
from vocab.errors import Blocked, ConfigError, FetchError, ParseError
from vocab.fetch import Request, Response, Target
from vocab.identifiers import find_identifiers, procedure, procedure_from_parts
from vocab.records import Document, Event, Record, first_identifier, identifier_pairs

SLUG = "eu_eurlex"
BASE = "https://eur-lex.europa.eu"

URL_HELP = (
    "A EUR-Lex procedure page such as https://eur-lex.europa.eu/procedure/EN/2022_155, "
    "or just the procedure reference (2022/0155(COD)); a EUR-Lex document page "
    "(https://eur-lex.europa.eu/legal-content/EN/ALL/?uri=…) is read as one document."
)

HOSTS = ("eur-lex.europa.eu",)
PARAMS: dict[str, str] = {
    "reference": "procedure reference such as 2022/0155(COD), used when no URL is given",
}

_HEADERS = (("Accept", "text/html"), ("Accept-Language", "en"))

# Labels whose links are documents of the step; other labels are details of the step.
_DOCUMENT_LABELS = ("Documents", "CELEX number of the main document")
# Repeated on every step and already in the record's fields: not worth a details line.
_QUIET_LABELS = (*_DOCUMENT_LABELS, "Procedure")
_STEP_FIELDS = {
    "Leading person": "leading_person",
    "Leading service": "leading_service",
    "Parliamentary committee responsible": "ep_committee_responsible",
}
_FIELD_NAMES = {
    "eurovoc_thesaurus": "eurovoc",
    "eurovoc_descriptor": "eurovoc",
    "type_of_the_competence_conferred_on_the_eu": "competence",
}
_BLOCKS = {"br", "div", "p", "li", "ul", "ol", "dd", "dt", "dl", "tr", "h2", "h3", "h4"}
_SKIPPED = {"button", "script", "style", "noscript"}
_SLASHED_PROCEDURE = re.compile(r"\b(\d{4})\s*/\s*(\d{1,4})\s*/\s*([A-Z]{3})\b")
_YEAR_NUMBER = re.compile(r"\b(\d{4})\s*[/_\-]\s*(\d{1,4})\b")
_NUMERIC_DATE = re.compile(r"\b(\d{2})/(\d{2})/(\d{4})\b")
_PARENTHETICAL = re.compile(r"^(.*?)\s*\(([^()]*)\)$")

# Markers of bot challenges (AWS WAF, captcha services, no-JavaScript walls). A real EUR-Lex
# page mentions "captcha" and "enable javascript" too, so these are only checked on pages
# that are not recognisably a procedure or document page.
_CHALLENGE_MARKERS = (
    "awswafintegration",
    "aws-waf-token",
    "gokuprops",
    "challenge.js",
    "javascript is disabled",
    "enable javascript and cookies",
    "verify you are human",
    "verify that you are human",
    "are you a robot",
    "g-recaptcha",
    "h-captcha",
    "captcha",
    "cf-challenge",
    "request unsuccessful",
)


# --- requests ---------------------------------------------------------------------------


def url_for(reference: str) -> str:
    """The EUR-Lex procedure page of a reference: 2022/0155(COD) → …/procedure/EN/2022_155."""
    canonical = procedure(reference) or reference
    match = _YEAR_NUMBER.search(canonical or "")
    if not match:
        raise ConfigError(
            f"not a procedure reference: {reference!r} (expected e.g. 2022/0155(COD))"
        )
    # EUR-Lex writes the number without leading zeros in its procedure URLs.
    return f"{BASE}/procedure/EN/{match[1]}_{int(match[2])}"


def requests(target: Target) -> list[Request]:
    """One request: the page given, or the procedure page of the reference given."""
    given = target.url.strip() or target.params.get("reference", "").strip()
    if not given:
        raise ConfigError("eu_eurlex needs a EUR-Lex URL or a reference=2022/0155(COD) parameter")
    url = given if given.startswith(("http://", "https://")) else url_for(given)
    return [Request(url=url, headers=_HEADERS)]


# --- parse ------------------------------------------------------------------------------


def parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record:
    """A procedure record from a procedure page, else a document record from a document page."""
    if not responses:
        raise ParseError("no EUR-Lex response to read", kind=SLUG)
    pages = [(response, BeautifulSoup(response.text(), "lxml")) for response in responses]
    for response, soup in pages:
        _refuse_challenge(response, soup)
    for response, soup in pages:
        if _is_procedure(response, soup):
            return _procedure_record(response, soup)
    for response, soup in pages:
        if _is_document(response, soup):
            return _document_record(response, soup)
    raise ParseError(
        "neither a procedure page (#procedureHeading) nor a document page (p.DocumentTitle)",
        url=responses[0].url,
        kind=SLUG,
    )


def _is_procedure(response: Response, soup: BeautifulSoup) -> bool:
    return soup.find(id="procedureHeading") is not None


def _is_document(response: Response, soup: BeautifulSoup) -> bool:
    return soup.select_one("p.DocumentTitle") is not None or "/legal-content/" in response.url


# --- challenge and redirect pages -------------------------------------------------------


def _refuse_challenge(response: Response, soup: BeautifulSoup) -> None:
    """FetchError for a redirect page, Blocked for a bot challenge, sent instead of the page."""
    redirect = _redirect_reason(response, soup)
    if redirect:
        raise FetchError(
            f"EUR-Lex answered with a redirect page ({redirect}) instead of {response.url}"
        )
    wall = _wall_reason(response, soup)
    if wall:
        raise Blocked(wall, url=response.url)


def _is_page(response: Response, soup: BeautifulSoup) -> bool:
    return _is_procedure(response, soup) or soup.select_one("p.DocumentTitle") is not None


def _redirect_reason(response: Response, soup: BeautifulSoup) -> str:
    if 300 <= response.status < 400:
        return f"HTTP {response.status} to {response.headers.get('location', '?')}"
    target = "" if _is_page(response, soup) else _redirect_target(soup)
    return f"redirect to {target}" if target else ""


def _wall_reason(response: Response, soup: BeautifulSoup) -> str:
    if response.body.strip() and _is_page(response, soup):
        return ""
    shared = challenge_reason(response)  # empty, AWS WAF, a JavaScript wall
    if shared:
        return shared
    lowered = response.text().lower()
    return next((f"'{m}' in the page" for m in _CHALLENGE_MARKERS if m in lowered), "")


def _redirect_target(soup: BeautifulSoup) -> str:
    """Where a '302 Moved' or meta-refresh page points, or '' when it is no such page."""
    refresh = soup.find("meta", attrs={"http-equiv": re.compile("^refresh$", re.I)})
    if refresh is not None:
        return str(refresh.get("content", "")).partition("=")[2].strip() or "?"
    title = _inline(soup.title) if soup.title else ""
    # "302 Found", "302 Moved Temporarily", "Redirecting…"; not a "404 Not Found".
    if not re.search(r"\b30[12378]\b|\bmoved\b|\bredirect", title, re.I):
        return ""
    link = soup.find("a", href=True)
    return str(link["href"]) if link else "?"


# --- procedure page ---------------------------------------------------------------------


def _procedure_record(response: Response, soup: BeautifulSoup) -> Record:
    heading = soup.find(id="procedureHeading")
    key = _heading_reference(heading, response)
    prefix, title = _heading_title(heading, response)
    status = _status_box(heading)
    events, documents, step_fields = _steps(soup, response)
    publication = _publication(soup, response)
    events = _sorted_events([*events, *publication[0]])
    documents = _unique_documents([*documents, *publication[1]])
    fields = {**_heading_fields(heading, status), **step_fields}
    return Record(
        kind="procedure",
        key=f"EU:{key}",
        title=title,
        stage=_inline(status.find("b")) if status else "",
        url=response.url,
        identifiers=_procedure_identifiers(key, prefix, documents, fields),
        events=events,
        documents=tuple(documents),
        fields=tuple(sorted(fields.items())),
    )


def _heading_reference(heading: Tag, response: Response) -> str:
    """`2021/0106(COD)` from the heading's 'Procedure 2021/0106/COD'."""
    label = _inline(heading.find("b"))
    match = _SLASHED_PROCEDURE.search(label)
    if match:
        return procedure_from_parts(match[1], match[2], match[3])
    found = procedure(label)
    if not found:
        raise ParseError(
            "procedure reference (heading 'Procedure YYYY/NNNN/TYPE') is missing",
            url=response.url,
            kind=SLUG,
        )
    return found


def _heading_title(heading: Tag, response: Response) -> tuple[str, str]:
    """The document prefix ('COM (2021) 206') and the title ('Proposal for a REGULATION …')."""
    text = _inline(heading.find("p"))
    if not text:
        raise ParseError(
            "procedure title (paragraph of #procedureHeading) is missing",
            url=response.url,
            kind=SLUG,
        )
    prefix, colon, rest = text.partition(":")
    # Only a short prefix naming a document is split off; a colon inside the title stays.
    if colon and rest.strip() and len(prefix) < 40 and find_identifiers(prefix):
        return prefix.strip(), rest.strip()
    return "", text


def _status_box(heading: Tag) -> Tag | None:
    """The heading cell holding the status ('Ongoing', 'Completed (Adopted act: …)')."""
    marker = heading.find(class_="procStatus")
    return marker.parent if marker is not None else None


def _heading_fields(heading: Tag, status: Tag | None) -> dict[str, str]:
    fields = {"status": _inline(status)} if status else {}
    fields.update(_adopted_act(status))
    for cell in heading.find_all("div"):
        if _inline(cell).startswith("Type:") and cell.find("b"):
            fields["procedure_type"] = _inline(cell.find("b"))
    details = heading.find(id="procedureDetails")
    for label, value in _pairs(details.find("dl") if details else None):
        fields[_field_name(label)] = _field_value(label, value)
    return fields


def _adopted_act(status: Tag | None) -> dict[str, str]:
    """The CELEX number of the adopted act a completed procedure links from its status."""
    links = [_inline(a) for a in status.find_all("a")] if status else []
    celex = [
        value for link in links for scheme, value in find_identifiers(link) if scheme == "celex"
    ]
    return {"adopted_act": celex[0]} if celex else {}


def _procedure_identifiers(
    key: str, prefix: str, documents: Iterable[Document], fields: Mapping[str, str]
) -> tuple[tuple[str, str], ...]:
    # Identifiers come from the file's own documents, not from its title or legal basis:
    # a title citing another act, or Treaty articles shared by many files, would join
    # unrelated files.
    found = {("procedure", key), *find_identifiers(prefix)}
    for document in documents:
        found.update(find_identifiers(f"{document.title} {document.reference}"))
    if fields.get("adopted_act"):
        found.add(("celex", fields["adopted_act"]))
    return identifier_pairs(found)


# --- steps ------------------------------------------------------------------------------


def _steps(
    soup: BeautifulSoup, response: Response
) -> tuple[list[Event], list[Document], dict[str, str]]:
    section = soup.select_one("section.cd-timeline")
    rows = section.select("div.eventRow") if section else []
    if not rows:
        raise ParseError(
            "steps section ('Follow the steps of procedure', section.cd-timeline with "
            "div.eventRow steps) is missing",
            url=response.url,
            kind=SLUG,
        )
    steps = [_step(row, response) for row in rows]
    events = [event for event, _, _ in steps]
    documents = [document for _, docs, _ in steps for document in docs]
    return events, documents, _step_fields(events, [pairs for _, _, pairs in steps])


def _step(row: Tag, response: Response) -> tuple[Event, list[Document], list[tuple[str, Tag]]]:
    """One step: its event, its documents and its detail pairs (label, value cell)."""
    date = parse_date(_inline(row.select_one(".eventDate")))
    title = _inline(row.select_one(".eventTitle strong")) or _inline(row.select_one(".eventTitle"))
    if not title:
        raise ParseError(
            f"label of the step {row.get('id', '?')} is missing", url=response.url, kind=SLUG
        )
    pairs = _pairs(_step_details(row))
    documents = _step_documents(row, pairs, date, response.url)
    main = _main_document(row, documents, response.url)
    event = Event(
        date=date,
        title=title,
        kind=_step_code(row),
        reference=main.reference if main else "",
        url=main.url if main else "",
        source=_institution(row),
        details=_step_details_text(row, pairs),
    )
    return event, documents, pairs


def _step_details(row: Tag) -> Tag | None:
    """The collapsed block after a step row holding its detail list."""
    block = row.find_next_sibling("div")
    if block is None or "eventRow" in (block.get("class") or []):
        return None
    return block.find("dl")


def _step_code(row: Tag) -> str:
    """EUR-Lex's own code of the step from the row id: '2024-03-13_AMEND_R1_byEP' → 'AMEND_R1_byEP'."""
    return re.sub(r"^\d{4}-\d{2}-\d{2}_", "", str(row.get("id", "")))


def _institution(row: Tag) -> str:
    block = row.find_parent(class_="cd-timeline__content")
    heading = block.select_one(".cd-timeline_title h3") if block else None
    return _inline(heading)


def _phase(row: Tag) -> str:
    group = row.find_parent(class_="cd-timeline-group")
    return _inline(group.find("h2")) if group else ""


def _step_details_text(row: Tag, pairs: list[tuple[str, Tag]]) -> str:
    phase = _phase(row)
    lines = [f"Phase: {phase}"] if phase else []
    lines += [
        f"{label}: {_field_value(label, value)}"
        for label, value in pairs
        if label not in _QUIET_LABELS
    ]
    return "\n".join(lines)


def _step_fields(events: list[Event], steps_pairs: list[list[tuple[str, Tag]]]) -> dict[str, str]:
    """Leading person/service and EP committee/rapporteur; the latest step saying them wins."""
    fields: dict[str, str] = {}
    ordered = sorted(zip(events, steps_pairs, strict=True), key=lambda pair: pair[0].date or "")
    for _, pairs in ordered:
        for index, (label, value) in enumerate(pairs):
            if label in _STEP_FIELDS:
                fields[_STEP_FIELDS[label]] = _field_value(label, value)
            if label == "Parliamentary committee responsible":
                fields.update(_rapporteur_after(pairs[index + 1 :]))
    return fields


def _rapporteur_after(pairs: list[tuple[str, Tag]]) -> dict[str, str]:
    """The rapporteur line that follows the committee responsible (opinions have their own)."""
    if pairs and pairs[0][0] == "Rapporteur":
        return {"ep_rapporteur": _field_value("Rapporteur", pairs[0][1])}
    return {}


# --- documents of a step ----------------------------------------------------------------


def _step_documents(
    row: Tag, pairs: list[tuple[str, Tag]], date: str | None, base: str
) -> list[Document]:
    links = _celex_cell_links(row)
    links += [
        a
        for label, value in pairs
        if label in _DOCUMENT_LABELS
        for a in value.find_all("a", href=True)
    ]
    return _unique_documents(_document(link, date, base) for link in links)


def _celex_cell_links(row: Tag) -> list[Tag]:
    """The CELEX links beside a step; 'internal procedure' links lead to pages, not documents."""
    cell = row.select_one(".eventCelex")
    links = cell.find_all("a", href=True) if cell else []
    return [a for a in links if "internal" not in _inline(a).lower()]


def _document(link: Tag, date: str | None, base: str) -> Document:
    label = _inline(link)
    match = _PARENTHETICAL.match(label)
    title, kind = (match[1], match[2]) if match else (label, _uri_scheme(str(link["href"])))
    return Document(
        title=title,
        reference=_canonical_reference(title),
        date=date,
        url=urljoin(base, str(link["href"])),
        kind=kind,
    )


def _canonical_reference(label: str) -> str:
    """The label in Lexwatch's canonical form when it is one known identifier, else as written."""
    found = find_identifiers(label)
    return next(iter(found))[1] if len(found) == 1 else label


def _uri_scheme(href: str) -> str:
    """EUR-Lex's class of a linked document, from its `uri=` prefix (consil, celex, COM, eesc…)."""
    uri = parse_qs(urlsplit(href).query).get("uri", [""])[0]
    return uri.partition(":")[0].lower() if ":" in uri else ""


def _main_document(row: Tag, documents: list[Document], base: str) -> Document | None:
    """The step's main document: its CELEX beside the step, else an adopted text, else the first."""
    celex = [urljoin(base, str(a["href"])) for a in _celex_cell_links(row)]
    for document in documents:
        if document.url in celex:
            return document
    adopted = [d for d in documents if d.kind.lower() == "texts adopted"]
    # `documents` is sorted by reference, so a Council `ST n/yy` comes before its ADD/REV.
    return (adopted or documents or [None])[0]


def _unique_documents(documents: Iterable[Document]) -> list[Document]:
    """Documents once each (the same CELEX is linked beside a step and in its details)."""
    seen: dict[tuple[str, str], Document] = {}
    for document in documents:
        seen.setdefault((document.reference, document.url), document)
    return sorted(seen.values(), key=lambda d: (d.date or "", d.reference, d.url))


def _sorted_events(events: Iterable[Event]) -> tuple[Event, ...]:
    # The page may list steps newest first, oldest first, or grouped by phase: the
    # record keeps them in one order so that a re-rendered page is not a change.
    return tuple(
        sorted(events, key=lambda e: (e.date or "", e.source, e.title, e.kind, e.reference))
    )


# --- publication in the Official Journal (completed procedures) -------------------------


def _publication(soup: BeautifulSoup, response: Response) -> tuple[list[Event], list[Document]]:
    """The 'Publication in the Official Journal' box completed procedures show above the steps."""
    box = soup.find(id="pubOjHeading")
    if box is None:
        return [], []
    pairs = dict(_pairs(box.find("dl")))
    date = parse_date(_inline(pairs.get("Date of publication")))
    cell = pairs.get("CELEX number of the main document")
    link = cell.find("a", href=True) if cell else None
    documents = [_document(link, date, response.url)] if link else []
    return [_publication_event(box, date, documents)], documents


def _publication_event(box: Tag, date: str | None, documents: list[Document]) -> Event:
    label = box.find("span", id=True)
    main = documents[0] if documents else None
    return Event(
        date=date,
        title=_inline(label) or "Publication in the Official Journal",
        kind=_step_code(label) if label else "PUB_OJ",
        reference=main.reference if main else "",
        url=main.url if main else "",
        source="Official Journal of the European Union",
    )


# --- document page ----------------------------------------------------------------------


def _document_record(response: Response, soup: BeautifulSoup) -> Record:
    number = _document_number(soup, response)
    title = _document_title(soup, response)
    pairs = [pair for dl in soup.select("dl.NMetadata") for pair in _pairs(dl)]
    fields = {_field_name(label): _field_value(label, v) for label, v in pairs if label != "Link"}
    procedures = sorted(_document_procedures(pairs))
    found = [*find_identifiers(number), *(("procedure", p) for p in procedures)]
    return Record(
        kind="document",
        key=f"EU:{procedures[0]}" if len(procedures) == 1 else "",
        title=title,
        url=response.url,
        identifiers=identifier_pairs([*found, *_celex_fields(fields)]),
        documents=(_page_document(soup, response, number, title, fields),),
        fields=tuple(sorted({"document_number": number, **fields}.items())),
    )


def _document_title(soup: BeautifulSoup, response: Response) -> str:
    title = _inline(soup.find(id="title")) or _inline(soup.find(id="englishTitle"))
    if not title:
        raise ParseError("document title (p#title) is missing", url=response.url, kind=SLUG)
    return title


def _document_number(soup: BeautifulSoup, response: Response) -> str:
    """'P9_A(2021)0270' from the page heading 'Document P9_A(2021)0270'."""
    heading = _inline(soup.select_one("p.DocumentTitle"))
    number = re.sub(r"^Document\s+", "", heading)
    if not number:
        raise ParseError(
            "document number (p.DocumentTitle) is missing", url=response.url, kind=SLUG
        )
    return number


def _document_procedures(pairs: list[tuple[str, Tag]]) -> set[str]:
    found: set[str] = set()
    for label, value in pairs:
        if label.startswith("Procedure number"):
            for match in _SLASHED_PROCEDURE.finditer(_inline(value)):
                found.add(procedure_from_parts(match[1], match[2], match[3]))
    return found


def _celex_fields(fields: Mapping[str, str]) -> set[tuple[str, str]]:
    """CELEX numbers the page states as such (a 'CELEX number' metadata line)."""
    return {
        pair
        for name, value in fields.items()
        if "celex" in name
        for pair in find_identifiers(value)
    }


def _page_document(
    soup: BeautifulSoup, response: Response, number: str, title: str, fields: Mapping[str, str]
) -> Document:
    canonical = soup.find("link", rel="canonical", href=True)
    return Document(
        title=title,
        reference=_canonical_reference(number),
        date=parse_date(fields.get("date_of_document")),
        url=str(canonical["href"]) if canonical else response.url,
        kind=fields.get("form", ""),
    )


# --- small readers ----------------------------------------------------------------------


def _pairs(dl: Tag | None) -> list[tuple[str, Tag]]:
    """(label, value cell) for each dt/dd of a definition list, labels without the colon."""
    if dl is None:
        return []
    pairs = []
    for term in dl.find_all("dt", recursive=False):
        value = term.find_next_sibling("dd")
        if value is not None:
            pairs.append((_inline(term).rstrip(": ").strip(), value))
    return pairs


def _field_name(label: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")
    return _FIELD_NAMES.get(name, name)


def _field_value(label: str, value: Tag) -> str:
    """A detail as one line: EuroVoc terms joined by '; ', other lines by ' | ', dates ISO."""
    if "eurovoc" in label.lower():
        text = "; ".join(_inline(a) for a in value.find_all("a")) or "; ".join(_lines(value))
    else:
        text = " | ".join(_lines(value))
    text = re.sub(r"\s+;", ";", text)
    return _NUMERIC_DATE.sub(r"\3-\2-\1", text)


def _lines(tag: Tag) -> list[str]:
    """The text of a cell split where the page breaks lines (br, div, li…), whitespace collapsed."""
    parts = "".join(_pieces(tag)).split("\n")
    return [line for line in (re.sub(r"\s+", " ", part).strip() for part in parts) if line]


def _pieces(tag: Tag) -> Iterator[str]:
    for child in tag.children:
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:  # not a comment or CDATA
                yield re.sub(r"\s+", " ", str(child))
        elif isinstance(child, Tag) and child.name not in _SKIPPED:
            block = child.name in _BLOCKS
            yield "\n" if block else ""
            yield from _pieces(child)
            yield "\n" if block else ""


def _inline(tag: Tag | None) -> str:
    """The text of a tag on one line, buttons and scripts left out."""
    return " ".join(_lines(tag)) if tag is not None else ""


def official_page(record: Record) -> tuple[str, str] | None:
    """The procedure page on EUR-Lex, else the EUR-Lex page the record was read from."""
    reference = first_identifier(record, "procedure")
    if reference:
        return ("EUR-Lex", url_for(reference))
    return ("EUR-Lex", record.url) if record.url.startswith(f"{BASE}/") else None
