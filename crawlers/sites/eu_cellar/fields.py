"""The notice's fields: form, author, the dates of the act, whether it is in force, EuroVoc."""

from __future__ import annotations

import re
from collections.abc import Mapping

from crawlers.sites.eu_cellar.journal import publication_date
from crawlers.sites.eu_cellar.notice import code_of, first_value, label_of, labels_of, same_as
from crawlers.sites.readers.xml_data import Element, stripped
from vocab.dates import parse_date

# Kinds of date Cellar keeps under ENTRY-INTO-FORCE (authority table fd_335) -> field name.
DATE_TYPES: dict[str, str] = {"EV": "date_entry_into_force", "MA": "date_application"}


def notice_fields(tags: Mapping[str, list[Element]], celex: str) -> tuple[tuple[str, str], ...]:
    pairs = [
        ("celex", celex),
        ("form", label_of(tags, "WORK_HAS_RESOURCE-TYPE")),
        ("form_code", code_of(tags, "WORK_HAS_RESOURCE-TYPE")),
        ("author", "; ".join(sorted(labels_of(tags, "WORK_CREATED_BY_AGENT", "CREATED_BY")))),
        (
            "date_document",
            parse_date(first_value(tags, "WORK_DATE_DOCUMENT", "DATE_DOCUMENT")) or "",
        ),
        ("date_publication", publication_date(tags) or ""),
        *_effect_dates(tags),
        (
            "date_end_of_validity",
            parse_date(first_value(tags, "RESOURCE_LEGAL_DATE_END-OF-VALIDITY")) or "",
        ),
        ("in_force", first_value(tags, "RESOURCE_LEGAL_IN-FORCE")),
        ("eli", first_value(tags, "RESOURCE_LEGAL_ELI", "ELI")),
        ("oj_id", ", ".join(same_as(tags.get("SAMEAS", []), "oj"))),
        ("eurovoc", "; ".join(_eurovoc(tags))),
    ]
    return tuple((name, value) for name, value in pairs if value)


def _effect_dates(tags: Mapping[str, list[Element]]) -> list[tuple[str, str]]:
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


def _eurovoc(tags: Mapping[str, list[Element]]) -> list[str]:
    """EuroVoc descriptors, sorted: Cellar lists them in no stable order."""
    labels = {
        stripped(concept, "PREFLABEL")
        for facet in tags.get("WORK_IS_ABOUT_CONCEPT_EUROVOC", [])
        for concept in facet.iterfind("WORK_IS_ABOUT_CONCEPT_EUROVOC_CONCEPT")
    }
    return sorted(labels - {""}, key=str.casefold)
