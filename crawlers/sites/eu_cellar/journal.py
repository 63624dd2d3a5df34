"""The Official Journal issue an act was published in: its citation, date and document."""

from __future__ import annotations

import re
from collections.abc import Mapping

from crawlers.sites.eu_cellar.notice import same_as
from crawlers.sites.readers.xml_data import Element, stripped
from vocab.dates import parse_date
from vocab.records import Document

_OJ_SERIES = re.compile(r"OJ-([A-Z]+)$")


def _oj(tags: Mapping[str, list[Element]]) -> Element | None:
    link = next(iter(tags.get("RESOURCE_LEGAL_PUBLISHED_IN_OFFICIAL-JOURNAL", [])), None)
    return link.find("EMBEDDED_NOTICE") if link is not None else None


def oj_citation(tags: Mapping[str, list[Element]]) -> str:
    """`OJ L 1, 4.1.2014`: series, issue number and date of the issue the act appeared in."""
    notice = _oj(tags)
    if notice is None:
        return ""
    series = _OJ_SERIES.search(
        notice.findtext("WORK/OFFICIAL-JOURNAL_PART_OF_COLLECTION_DOCUMENT/OP-CODE") or ""
    )
    number = stripped(notice, "WORK/OFFICIAL-JOURNAL_NUMBER/VALUE")
    day = parse_date(notice.findtext("WORK/DATE_PUBLICATION/VALUE"))
    if not (series and number.isdigit() and day):
        return ""
    year, month, date = day.split("-")
    return f"OJ {series[1]} {int(number)}, {int(date)}.{int(month)}.{year}"


def publication_date(tags: Mapping[str, list[Element]]) -> str | None:
    notice = _oj(tags)
    return (
        parse_date(stripped(notice, "WORK/DATE_PUBLICATION/VALUE")) if notice is not None else None
    )


def oj_documents(tags: Mapping[str, list[Element]]) -> list[Document]:
    notice = _oj(tags)
    if notice is None:
        return []
    issues = same_as(
        tags["RESOURCE_LEGAL_PUBLISHED_IN_OFFICIAL-JOURNAL"][0].findall("SAMEAS"), "oj"
    )
    title = notice.findtext("EXPRESSION/EXPRESSION_TITLE/VALUE") or "Official Journal"
    return [
        Document(
            title=title.strip(),
            reference=oj_citation(tags),
            date=publication_date(tags),
            url=f"http://publications.europa.eu/resource/oj/{issues[0]}" if issues else "",
            kind="official_journal",
        )
    ]
