"""Publications Office Cellar: the metadata notice of one EU act or document, by CELEX number.

Asks `http://publications.europa.eu/resource/celex/{CELEX}` for the XML "object" notice
(`Accept: application/xml;notice=object`, labels decoded in English) and reads the WORK:

- identifiers: the CELEX number, the ELI (`eli/reg_del/2014/1/oj`), the Official Journal
  citation (`OJ L 1, 4.1.2014`), the procedure when a dossier link names it
  (`2016/0132/COD` in any element about the dossier or procedure), the COM / SWD / JOIN
  number of a Commission document (read from its CELEX, `52022PC0209` -> `COM(2022) 209`) and
  the CELEX of the proposal an act adopts;
- fields: form (`Delegated regulation`, code `REG_DEL`), author, date of the document, of
  publication, of entry into force and of application (Cellar files both under
  ENTRY-INTO-FORCE and tells them apart by the annotation's TYPE_OF_DATE: EV entry into
  force, MA application), end of validity (`9999-12-31` means open-ended, kept as given),
  in force, EuroVoc descriptors;
- documents: the act itself, its Official Journal issue, and the acts it adopts, amends,
  repeals, corrects or is based on, and the consolidated versions that include it;
- stage: "In force" / "No longer in force" when the notice says so, else empty.

The key is `EU:{procedure}` when the notice names a procedure, else `EU:CELEX:{celex}`.

Title: an object notice describes the WORK only; the English expression title is in the
"branch" and "tree" notices, which this parser also reads (a top-level EXPRESSION in English).
When there is none, as in the object notice of 32014R0001, the title is the form and the
CELEX number ("Delegated regulation (CELEX 32014R0001)"), never a guess at the real title.

Skipped: the expressions' and manifestations' file lists (which languages and formats
exist), subject-matter and directory codes, internal and build annotations.

Follows: the Publications Office's Cellar RESTful interface for notices (a resource URI
`…/resource/celex/{CELEX}` with `Accept: application/xml;notice=object`), as the Cellar
documentation for reusers describes it; tested on a real object notice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import unquote

from lxml import etree

from vocab.dates import parse_date
from vocab.errors import ConfigError, ParseError
from vocab.fetch import Request, Response, Target
from vocab.identifiers import find_identifiers, procedure_from_parts
from vocab.records import Document, Record, first_identifier, identifier_pairs

SLUG = "eu_cellar"
RESOURCE = "http://publications.europa.eu/resource/celex/"
EURLEX = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:"
HEADERS = (("Accept", "application/xml;notice=object"), ("Accept-Language", "eng"))

URL_HELP = (
    "A CELEX number (32014R0001, 52022PC0209) or any URL naming one: "
    f"{RESOURCE}32014R0001, {EURLEX}32014R0001; or --param celex=…"
)
# The URL only names the CELEX number: a Cellar resource or a EUR-Lex page.
HOSTS = ("publications.europa.eu", "eur-lex.europa.eu")
PARAMS: dict[str, str] = {
    "celex": "CELEX number, e.g. 32014R0001; the source URL is then ignored.",
}

# Links from the WORK to other acts -> (document kind, label put before the linked title).
RELATIONS: dict[str, tuple[str, str]] = {
    "RESOURCE_LEGAL_ADOPTS_RESOURCE_LEGAL": ("proposal", "Proposal adopted by this act"),
    "RESOURCE_LEGAL_AMENDS_RESOURCE_LEGAL": ("amends", "Act amended"),
    "RESOURCE_LEGAL_REPEALS_RESOURCE_LEGAL": ("repeals", "Act repealed"),
    "RESOURCE_LEGAL_CORRECTS_RESOURCE_LEGAL": ("corrects", "Act corrected"),
    "RESOURCE_LEGAL_BASED_ON_RESOURCE_LEGAL": ("legal_basis", "Legal basis"),
    "RESOURCE_LEGAL_CONSOLIDATED_BY_ACT_CONSOLIDATED": (
        "consolidated_version",
        "Consolidated version",
    ),
}

# Kinds of date Cellar keeps under ENTRY-INTO-FORCE (authority table fd_335) -> field name.
DATE_TYPES: dict[str, str] = {"EV": "date_entry_into_force", "MA": "date_application"}

# CELEX document types of Commission papers -> the prefix of their number (COM(2022) 209).
PAPER_TYPES: dict[str, str] = {"PC": "COM", "DC": "COM", "SC": "SWD", "JC": "JOIN"}

_CELEX = re.compile(
    r"(?<![0-9A-Z])([0-9CE]\d{4}[A-Z]{1,2}\d{4}(?:\(\d{1,2}\))?(?:-\d{8})?)(?![0-9A-Z])"
)
_CELLAR_PROCEDURE = re.compile(r"\b(\d{4})/(\d{1,4})/([A-Z]{3})\b")
_PAPER = re.compile(r"^5(\d{4})([A-Z]{2})(\d{4})$")
_OJ_SERIES = re.compile(r"OJ-([A-Z]+)$")


# --- requests ---------------------------------------------------------------------------


def url_for(celex: str) -> str:
    """The Cellar resource of a CELEX number: `32014R0001` -> `…/resource/celex/32014R0001`."""
    found = _CELEX.search(unquote(celex).upper())
    if not found:
        raise ConfigError(f"no CELEX number in {celex!r} (expected e.g. 32014R0001)")
    return RESOURCE + found[1]


def requests(target: Target) -> list[Request]:
    """One request for the object notice of the CELEX in `celex`, else in the URL."""
    return [Request(url=url_for(target.params.get("celex") or target.url), headers=HEADERS)]


# --- parse ------------------------------------------------------------------------------


def parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record:
    """The notice as a Record: identifiers, dates as fields, related acts as documents."""
    response = _first(responses)
    root = _xml(response)
    work = root.find("WORK")
    if work is None:
        raise ParseError("notice without a WORK", url=response.url, kind=SLUG)
    tags = _by_tag(work)
    celex = _celex(tags, response)
    return _record(root, tags, celex, response)


def _first(responses: Sequence[Response]) -> Response:
    for response in responses:
        if response.body.strip():
            return response
    raise ParseError("no response with a body", kind=SLUG)


def _xml(response: Response) -> etree._Element:
    # Notices run to megabytes: no entity expansion, no network, no blank text nodes.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
    try:
        root = etree.fromstring(response.body, parser=parser)
    except etree.XMLSyntaxError as error:
        raise ParseError(f"not XML ({error})", url=response.url, kind=SLUG) from None
    if root.tag != "NOTICE":
        raise ParseError(f"not a Cellar notice (root <{root.tag}>)", url=response.url, kind=SLUG)
    return root


def _by_tag(work: etree._Element) -> dict[str, list[etree._Element]]:
    """The WORK's properties by name, read in one pass (every reader below looks them up)."""
    tags: dict[str, list[etree._Element]] = {}
    for child in work:
        if isinstance(child.tag, str):
            tags.setdefault(child.tag, []).append(child)
    return tags


def _celex(tags: Mapping[str, list[etree._Element]], response: Response) -> str:
    for tag in ("ID_CELEX", "RESOURCE_LEGAL_ID_CELEX"):
        values = _values(tags.get(tag, []))
        if values:
            return values[0]
    same = _same_as(tags.get("SAMEAS", []), "celex")
    if not same:
        raise ParseError("notice without a CELEX number", url=response.url, kind=SLUG)
    return same[0]


def _record(
    root: etree._Element, tags: Mapping[str, list[etree._Element]], celex: str, response: Response
) -> Record:
    procedures = sorted(_procedures(tags))
    form = _label(tags, "WORK_HAS_RESOURCE-TYPE")
    return Record(
        kind="notice",
        key=f"EU:{procedures[0]}" if procedures else f"EU:CELEX:{celex}",
        title=_title(root) or (f"{form} (CELEX {celex})" if form else f"CELEX {celex}"),
        stage=_in_force_stage(tags),
        url=response.url,
        identifiers=identifier_pairs(_identifiers(tags, celex, procedures)),
        documents=tuple(_documents(root, tags, celex)),
        fields=_fields(tags, celex),
    )


# --- small readers ------------------------------------------------------------------------


def _values(elements: Iterable[etree._Element]) -> list[str]:
    """The VALUE of each element, stripped, empty ones dropped."""
    texts = ((element.findtext("VALUE") or "").strip() for element in elements)
    return [text for text in texts if text]


def _value(tags: Mapping[str, list[etree._Element]], *names: str) -> str:
    for name in names:
        values = _values(tags.get(name, []))
        if values:
            return values[0]
    return ""


def _same_as(elements: Iterable[etree._Element], kind: str) -> list[str]:
    """The identifiers of one scheme (celex, eli, oj…) among SAMEAS elements.

    Only their own URI: an embedded notice deeper down names other works and files.
    """
    found = [
        (uri.findtext("IDENTIFIER") or "").strip()
        for element in elements
        for uri in element.findall("URI")
        if (uri.findtext("TYPE") or "") == kind
    ]
    return [value for value in found if value]


def _label(tags: Mapping[str, list[etree._Element]], name: str) -> str:
    labels = _labels(tags, name)
    return labels[0] if labels else ""


def _labels(tags: Mapping[str, list[etree._Element]], *names: str) -> list[str]:
    """The English labels (PREFLABEL) of concepts, unique, in notice order (first = main one)."""
    found = [
        (element.findtext("PREFLABEL") or "").strip()
        for name in names
        for element in tags.get(name, [])
    ]
    return list(dict.fromkeys(label for label in found if label))


def _code(tags: Mapping[str, list[etree._Element]], name: str) -> str:
    element = next(iter(tags.get(name, [])), None)
    return (element.findtext("OP-CODE") or "").strip() if element is not None else ""


def _title(root: etree._Element) -> str:
    """The English expression title of a branch or tree notice; object notices have none."""
    for expression in root.findall("EXPRESSION"):
        languages = {
            (e.text or "").strip()
            for e in expression.iterfind("EXPRESSION_USES_LANGUAGE/IDENTIFIER")
        }
        if "ENG" in languages:
            return (expression.findtext("EXPRESSION_TITLE/VALUE") or "").strip()
    return ""


def _in_force_stage(tags: Mapping[str, list[etree._Element]]) -> str:
    state = _value(tags, "RESOURCE_LEGAL_IN-FORCE").lower()
    return {"true": "In force", "false": "No longer in force"}.get(state, "")


# --- identifiers --------------------------------------------------------------------------


def _identifiers(
    tags: Mapping[str, list[etree._Element]], celex: str, procedures: list[str]
) -> set[tuple[str, str]]:
    found = {("celex", _canonical_celex(celex)), ("eli", _eli(tags)), ("oj", _oj_citation(tags))}
    found |= {("procedure", value) for value in procedures}
    for proposal in _linked_celex(tags, "RESOURCE_LEGAL_ADOPTS_RESOURCE_LEGAL"):
        found |= {("celex", _canonical_celex(proposal)), *_paper(proposal)}
    return found | _paper(celex)


def _canonical_celex(celex: str) -> str:
    # vocab.identifiers writes CELEX one way (no "(01)" suffix); consolidated ones stay as given.
    found = sorted(value for scheme, value in find_identifiers(celex) if scheme == "celex")
    return found[0] if found else celex


def _paper(celex: str) -> set[tuple[str, str]]:
    """`52022PC0209` -> ("com", "COM(2022) 209"): a Commission paper's number is in its CELEX."""
    match = _PAPER.match(celex)
    if not match or match[2] not in PAPER_TYPES:
        return set()
    return find_identifiers(f"{PAPER_TYPES[match[2]]}({match[1]}) {int(match[3])}")


def _eli(tags: Mapping[str, list[etree._Element]]) -> str:
    """`http://data.europa.eu/eli/reg_del/2014/1/oj` -> `eli/reg_del/2014/1/oj` (docs/DOMAIN.md)."""
    uri = _value(tags, "RESOURCE_LEGAL_ELI", "ELI")
    return uri[uri.find("eli/") :] if "eli/" in uri else ""


def _procedures(tags: Mapping[str, list[etree._Element]]) -> set[str]:
    """Procedures named in the dossier links (Cellar writes `2016/0132/COD`)."""
    texts = [
        text.strip()
        for name, elements in tags.items()
        if "DOSSIER" in name or "PROCEDURE" in name
        for element in elements
        for text in element.itertext()
    ]
    found = {
        procedure_from_parts(*m.groups()) for t in texts for m in _CELLAR_PROCEDURE.finditer(t)
    }
    return found | {
        value for t in texts for scheme, value in find_identifiers(t) if scheme == "procedure"
    }


# --- Official Journal ---------------------------------------------------------------------


def _oj(tags: Mapping[str, list[etree._Element]]) -> etree._Element | None:
    link = next(iter(tags.get("RESOURCE_LEGAL_PUBLISHED_IN_OFFICIAL-JOURNAL", [])), None)
    return link.find("EMBEDDED_NOTICE") if link is not None else None


def _oj_citation(tags: Mapping[str, list[etree._Element]]) -> str:
    """`OJ L 1, 4.1.2014`: series, issue number and date of the issue the act appeared in."""
    notice = _oj(tags)
    if notice is None:
        return ""
    series = _OJ_SERIES.search(
        notice.findtext("WORK/OFFICIAL-JOURNAL_PART_OF_COLLECTION_DOCUMENT/OP-CODE") or ""
    )
    number = (notice.findtext("WORK/OFFICIAL-JOURNAL_NUMBER/VALUE") or "").strip()
    day = parse_date(notice.findtext("WORK/DATE_PUBLICATION/VALUE"))
    if not (series and number.isdigit() and day):
        return ""
    year, month, date = day.split("-")
    return f"OJ {series[1]} {int(number)}, {int(date)}.{int(month)}.{year}"


def _publication_date(tags: Mapping[str, list[etree._Element]]) -> str | None:
    notice = _oj(tags)
    return (
        parse_date(notice.findtext("WORK/DATE_PUBLICATION/VALUE")) if notice is not None else None
    )


def _oj_document(tags: Mapping[str, list[etree._Element]]) -> list[Document]:
    notice = _oj(tags)
    if notice is None:
        return []
    issues = _same_as(
        tags["RESOURCE_LEGAL_PUBLISHED_IN_OFFICIAL-JOURNAL"][0].findall("SAMEAS"), "oj"
    )
    title = notice.findtext("EXPRESSION/EXPRESSION_TITLE/VALUE") or "Official Journal"
    return [
        Document(
            title=title.strip(),
            reference=_oj_citation(tags),
            date=_publication_date(tags),
            url=f"http://publications.europa.eu/resource/oj/{issues[0]}" if issues else "",
            kind="official_journal",
        )
    ]


# --- documents ----------------------------------------------------------------------------


def _documents(
    root: etree._Element, tags: Mapping[str, list[etree._Element]], celex: str
) -> list[Document]:
    act = Document(
        title=_title(root) or _label(tags, "WORK_HAS_RESOURCE-TYPE") or "Act",
        reference=celex,
        date=parse_date(_value(tags, "WORK_DATE_DOCUMENT", "DATE_DOCUMENT")),
        url=EURLEX + celex,
        kind=_code(tags, "WORK_HAS_RESOURCE-TYPE"),
    )
    inverse = root.find("INVERSE")  # links other works make to this one
    related = _related(tags) + (_related(_by_tag(inverse)) if inverse is not None else [])
    unique = {(d.kind, d.reference): d for d in related if d.reference != celex}
    ordered = sorted(
        unique.values(), key=lambda d: (d.kind, d.date is None, d.date or "", d.reference)
    )
    return [act, *_oj_document(tags), *ordered]


def _related(tags: Mapping[str, list[etree._Element]]) -> list[Document]:
    # A link without a CELEX (parts of a consolidation, say) names nothing a reader can open.
    documents = [
        _relation(link, *RELATIONS[name]) for name in RELATIONS for link in tags.get(name, [])
    ]
    return [document for document in documents if document.reference]


def _relation(link: etree._Element, kind: str, label: str) -> Document:
    found = _same_as(link.findall("SAMEAS"), "celex")
    embedded = link.find("EMBEDDED_NOTICE")
    title = embedded.findtext("EXPRESSION/EXPRESSION_TITLE/VALUE") if embedded is not None else None
    day = embedded.findtext("WORK/WORK_DATE_DOCUMENT/VALUE") if embedded is not None else None
    reference = found[0] if found else ""
    return Document(
        # The label first: a consolidated version carries the title of the act it consolidates.
        title=f"{label}: {title.strip()}" if title and title.strip() else label,
        reference=reference,
        date=parse_date(day),
        url=EURLEX + reference,
        kind=kind,
    )


def _linked_celex(tags: Mapping[str, list[etree._Element]], name: str) -> list[str]:
    return [
        value for link in tags.get(name, []) for value in _same_as(link.findall("SAMEAS"), "celex")
    ]


# --- fields -------------------------------------------------------------------------------


def _fields(tags: Mapping[str, list[etree._Element]], celex: str) -> tuple[tuple[str, str], ...]:
    pairs = [
        ("celex", celex),
        ("form", _label(tags, "WORK_HAS_RESOURCE-TYPE")),
        ("form_code", _code(tags, "WORK_HAS_RESOURCE-TYPE")),
        ("author", "; ".join(sorted(_labels(tags, "WORK_CREATED_BY_AGENT", "CREATED_BY")))),
        ("date_document", parse_date(_value(tags, "WORK_DATE_DOCUMENT", "DATE_DOCUMENT")) or ""),
        ("date_publication", _publication_date(tags) or ""),
        *_effect_dates(tags),
        (
            "date_end_of_validity",
            parse_date(_value(tags, "RESOURCE_LEGAL_DATE_END-OF-VALIDITY")) or "",
        ),
        ("in_force", _value(tags, "RESOURCE_LEGAL_IN-FORCE")),
        ("eli", _value(tags, "RESOURCE_LEGAL_ELI", "ELI")),
        ("oj_id", ", ".join(_same_as(tags.get("SAMEAS", []), "oj"))),
        ("eurovoc", "; ".join(_eurovoc(tags))),
    ]
    return tuple((name, value) for name, value in pairs if value)


def _effect_dates(tags: Mapping[str, list[etree._Element]]) -> list[tuple[str, str]]:
    """Entry into force and application, told apart by the annotation's TYPE_OF_DATE."""
    dates: dict[str, set[str]] = {}
    for element in tags.get("RESOURCE_LEGAL_DATE_ENTRY-INTO-FORCE", []):
        code = re.match(r"\{(\w+)\|", element.findtext("ANNOTATION/TYPE_OF_DATE") or "")
        name = DATE_TYPES.get(code[1] if code else "EV", "date_effect_other")
        day = parse_date(element.findtext("VALUE"))
        if day:
            dates.setdefault(name, set()).add(day)
    order = [*DATE_TYPES.values(), "date_effect_other"]
    return [(name, ", ".join(sorted(dates[name]))) for name in order if name in dates]


def _eurovoc(tags: Mapping[str, list[etree._Element]]) -> list[str]:
    """EuroVoc descriptors, sorted: Cellar lists them in no stable order."""
    labels = {
        (concept.findtext("PREFLABEL") or "").strip()
        for facet in tags.get("WORK_IS_ABOUT_CONCEPT_EUROVOC", [])
        for concept in facet.iterfind("WORK_IS_ABOUT_CONCEPT_EUROVOC_CONCEPT")
    }
    return sorted(labels - {""}, key=str.casefold)


def official_page(record: Record) -> tuple[str, str] | None:
    """The act on EUR-Lex (the Cellar notice is metadata, its page for people is EUR-Lex's)."""
    celex = first_identifier(record, "celex")
    return ("EUR-Lex", f"{EURLEX}{celex}") if celex else None
