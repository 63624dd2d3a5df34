"""The identifiers a notice gives its act: CELEX, ELI, the Official Journal citation, the
procedure, the COM / SWD / JOIN number of a Commission paper, the proposal it adopts."""

from __future__ import annotations

import re
from collections.abc import Mapping

from crawlers.sites.eu_cellar.journal import oj_citation
from crawlers.sites.eu_cellar.notice import first_value, linked_celex
from crawlers.sites.readers.xml_data import Element
from vocab.identifiers import find_identifiers, procedure_from_parts

# CELEX document types of Commission papers -> the prefix of their number (COM(2022) 209).
PAPER_TYPES: dict[str, str] = {"PC": "COM", "DC": "COM", "SC": "SWD", "JC": "JOIN"}
_CELLAR_PROCEDURE = re.compile(r"\b(\d{4})/(\d{1,4})/([A-Z]{3})\b")
_PAPER = re.compile(r"^5(\d{4})([A-Z]{2})(\d{4})$")


def notice_identifiers(
    tags: Mapping[str, list[Element]], celex: str, procedures: list[str]
) -> set[tuple[str, str]]:
    found = {("celex", _canonical_celex(celex)), ("eli", eli_of(tags)), ("oj", oj_citation(tags))}
    found |= {("procedure", value) for value in procedures}
    for proposal in linked_celex(tags, "RESOURCE_LEGAL_ADOPTS_RESOURCE_LEGAL"):
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


def eli_of(tags: Mapping[str, list[Element]]) -> str:
    """`http://data.europa.eu/eli/reg_del/2014/1/oj` -> `eli/reg_del/2014/1/oj` (docs/DOMAIN.md)."""
    uri = first_value(tags, "RESOURCE_LEGAL_ELI", "ELI")
    return uri[uri.find("eli/") :] if "eli/" in uri else ""


def procedures_named(tags: Mapping[str, list[Element]]) -> set[str]:
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
