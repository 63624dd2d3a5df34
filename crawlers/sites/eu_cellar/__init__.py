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
from collections.abc import Mapping, Sequence
from urllib.parse import unquote

from crawlers.sites.eu_cellar.documents import notice_documents
from crawlers.sites.eu_cellar.fields import notice_fields
from crawlers.sites.eu_cellar.identifiers import notice_identifiers, procedures_named
from crawlers.sites.eu_cellar.notice import (
    EURLEX,
    SLUG,
    by_tag,
    english_title,
    first_value,
    label_of,
    same_as,
    values_of,
)
from crawlers.sites.readers.xml_data import Element, read_xml
from vocab.errors import ConfigError, ParseError
from vocab.fetch import Request, Response, Target
from vocab.records import Record, first_identifier, identifier_pairs

RESOURCE = "http://publications.europa.eu/resource/celex/"
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
_CELEX = re.compile(
    r"(?<![0-9A-Z])([0-9CE]\d{4}[A-Z]{1,2}\d{4}(?:\(\d{1,2}\))?(?:-\d{8})?)(?![0-9A-Z])"
)


def url_for(celex: str) -> str:
    """The Cellar resource of a CELEX number: `32014R0001` -> `…/resource/celex/32014R0001`."""
    found = _CELEX.search(unquote(celex).upper())
    if not found:
        raise ConfigError(f"no CELEX number in {celex!r} (expected e.g. 32014R0001)")
    return RESOURCE + found[1]


def requests(target: Target) -> list[Request]:
    """One request for the object notice of the CELEX in `celex`, else in the URL."""
    return [Request(url=url_for(target.params.get("celex") or target.url), headers=HEADERS)]


def parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record:
    """The notice as a Record: identifiers, dates as fields, related acts as documents."""
    response = _first(responses)
    root = _notice(response)
    work = root.find("WORK")
    if work is None:
        raise ParseError("notice without a WORK", url=response.url, kind=SLUG)
    tags = by_tag(work)
    celex = _celex(tags, response)
    return _record(root, tags, celex, response)


def _first(responses: Sequence[Response]) -> Response:
    for response in responses:
        if response.body.strip():
            return response
    raise ParseError("no response with a body", kind=SLUG)


def _notice(response: Response) -> Element:
    # Notices run to megabytes: no blank text nodes kept.
    root = read_xml(response, SLUG, drop_blank_text=True)
    if root.tag != "NOTICE":
        raise ParseError(f"not a Cellar notice (root <{root.tag}>)", url=response.url, kind=SLUG)
    return root


def _celex(tags: Mapping[str, list[Element]], response: Response) -> str:
    for tag in ("ID_CELEX", "RESOURCE_LEGAL_ID_CELEX"):
        values = values_of(tags.get(tag, []))
        if values:
            return values[0]
    same = same_as(tags.get("SAMEAS", []), "celex")
    if not same:
        raise ParseError("notice without a CELEX number", url=response.url, kind=SLUG)
    return same[0]


def _record(
    root: Element, tags: Mapping[str, list[Element]], celex: str, response: Response
) -> Record:
    procedures = sorted(procedures_named(tags))
    form = label_of(tags, "WORK_HAS_RESOURCE-TYPE")
    return Record(
        kind="notice",
        key=f"EU:{procedures[0]}" if procedures else f"EU:CELEX:{celex}",
        title=english_title(root) or (f"{form} (CELEX {celex})" if form else f"CELEX {celex}"),
        stage=_in_force_stage(tags),
        url=response.url,
        identifiers=identifier_pairs(notice_identifiers(tags, celex, procedures)),
        documents=tuple(notice_documents(root, tags, celex)),
        fields=notice_fields(tags, celex),
    )


def _in_force_stage(tags: Mapping[str, list[Element]]) -> str:
    state = first_value(tags, "RESOURCE_LEGAL_IN-FORCE").lower()
    return {"true": "In force", "false": "No longer in force"}.get(state, "")


def official_page(record: Record) -> tuple[str, str] | None:
    """The act on EUR-Lex (the Cellar notice is metadata, its page for people is EUR-Lex's)."""
    celex = first_identifier(record, "celex")
    return ("EUR-Lex", f"{EURLEX}{celex}") if celex else None
