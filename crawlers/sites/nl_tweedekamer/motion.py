"""The officiële-publicatie XML of a Kamerstuk (`DocumentPublicatie(<Id>)/Resource`): a record
of kind `motion` (or `kamerstuk` when the stuk is not a motion) with its full text."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from crawlers.sites.nl_tweedekamer.elements import child_text, text_of
from crawlers.sites.nl_tweedekamer.odata import PUBLICATION, SLUG, SOURCE, nonempty
from crawlers.sites.readers.xml_data import Element, read_xml
from vocab.dates import parse_date
from vocab.errors import ParseError
from vocab.fetch import Response
from vocab.identifiers import find_identifiers
from vocab.records import Event, Record, identifier_pairs

_CLOSING = "en gaat over tot de orde van de dag"


@dataclass(frozen=True)
class _Stuk:
    """What the officiële publicatie says of one Kamerstuk."""

    dossier: str
    number: str
    title: str
    date: str | None
    paragraphs: tuple[str, ...]
    submitters: tuple[str, ...]
    dossier_title: str
    meta: Mapping[str, str]

    @property
    def kamerstuk(self) -> str:
        return f"{self.dossier}-{self.number}"

    @property
    def is_motion(self) -> bool:
        return "motie" in self.title.lower()


def motion_record(responses: Sequence[Response]) -> Record:
    stuk = _read_stuk(read_xml(responses[0], SLUG), responses[0].url)
    return Record(
        kind="motion" if stuk.is_motion else "kamerstuk",
        key=f"NL:kst-{stuk.kamerstuk}",
        title=stuk.title,
        url=PUBLICATION.format(f"kst-{stuk.kamerstuk}"),
        identifiers=_stuk_identifiers(stuk),
        events=(_stuk_event(stuk),),
        fields=_stuk_fields(stuk),
        text="\n".join(stuk.paragraphs),
    )


def _read_stuk(root: Element, url: str) -> _Stuk:
    stuk, meta = root.find("kamerstuk/stuk"), _meta(root)
    if stuk is None:
        raise ParseError("officiële publicatie without kamerstuk/stuk", url=url, kind=SLUG)
    paragraphs = _paragraphs(stuk)
    submitters = _submitters(paragraphs, meta)
    dossier_title = child_text(root, "kamerstuk/dossier/titel")
    return _Stuk(
        dossier=_dossier(root, meta, url),
        number=_ondernummer(stuk, meta, url),
        title=_stuk_title(stuk, submitters, meta, url),
        date=_stuk_date(stuk, meta),
        paragraphs=tuple(paragraphs),
        submitters=tuple(submitters),
        dossier_title=dossier_title or meta.get("OVERHEIDop.dossiertitel", ""),
        meta={**meta, "vergaderjaar": _vergaderjaar(root, meta)},
    )


def _stuk_event(stuk: _Stuk) -> Event:
    return Event(
        date=stuk.date,
        title="Motie ingediend" if stuk.is_motion else "Kamerstuk gepubliceerd",
        kind=stuk.meta.get("DC.type") or ("Motie" if stuk.is_motion else "Kamerstuk"),
        reference=f"kst-{stuk.kamerstuk}",
        url=PUBLICATION.format(f"kst-{stuk.kamerstuk}"),
        source=SOURCE,
        details=stuk.title,
    )


def _stuk_fields(stuk: _Stuk) -> tuple[tuple[str, str], ...]:
    return nonempty(
        [
            ("number", stuk.number),
            ("dossier", stuk.dossier),
            ("submitters", "; ".join(stuk.submitters)),
            ("date", stuk.date or ""),
            ("dossier_title", stuk.dossier_title),
            ("vergaderjaar", stuk.meta.get("vergaderjaar", "")),
            ("document_title", stuk.meta.get("OVERHEIDop.documenttitel", "")),
        ]
    )


def _stuk_identifiers(stuk: _Stuk) -> tuple[tuple[str, str], ...]:
    # A motion that cites COM(2022) 209 or a procedure keeps that identifier for linking.
    texts = [stuk.title, stuk.dossier_title, stuk.meta.get("OVERHEIDop.documenttitel", "")]
    found = find_identifiers("\n".join([*texts, *stuk.paragraphs]))
    pairs = [("nl_dossier", stuk.dossier), ("nl_kamerstuk", stuk.kamerstuk), *found]
    return identifier_pairs(pairs)


def _meta(root: Element) -> dict[str, str]:
    """The first non-empty `<meta content>` per name (DC.type comes several times; the first is the kind)."""
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        content = " ".join(meta.get("content", "").split())
        if content:
            found.setdefault(meta.get("name", ""), content)
    return found


def _dossier(root: Element, meta: Mapping[str, str], url: str) -> str:
    """`32317` or `21501-33`: the body writes `<dossiernr>21 501</dossiernr>-<raadnr>33</raadnr>`."""
    element = root.find("kamerstuk/dossier/dossiernummer")
    parts = [] if element is None else [text_of(child).replace(" ", "") for child in element]
    dossier = "-".join(part for part in parts if part) or meta.get("OVERHEIDop.dossiernummer", "")
    if not re.fullmatch(r"\d+(?:-[0-9A-Za-z]+)*", dossier):
        raise ParseError("motion XML without a dossiernummer", url=url, kind=SLUG)
    return dossier


def _ondernummer(stuk: Element, meta: Mapping[str, str], url: str) -> str:
    number = child_text(stuk, "stuknr/ondernummer") or meta.get("OVERHEIDop.ondernummer", "")
    if not number.isdigit():
        raise ParseError("motion XML without an ondernummer", url=url, kind=SLUG)
    return number


def _paragraphs(stuk: Element) -> list[str]:
    """Every paragraph of the stuk's body, one clean line each, in reading order."""
    body = stuk.find("algemeen")
    paragraphs = (text_of(al) for al in (body if body is not None else stuk).iter("al"))
    return [paragraph for paragraph in paragraphs if paragraph]


def _submitters(paragraphs: list[str], meta: Mapping[str, str]) -> list[str]:
    """The signatures: the lines after the closing formula (an `<al-groep>` when several sign)."""
    for index, paragraph in enumerate(paragraphs):
        if paragraph.lower().startswith(_CLOSING):
            return paragraphs[index + 1 :]
    return [meta["OVERHEIDop.indiener"]] if meta.get("OVERHEIDop.indiener") else []


def _stuk_title(stuk: Element, submitters: list[str], meta: Mapping[str, str], url: str) -> str:
    title = child_text(stuk, "titel") or meta.get("OVERHEIDop.documenttitel", "")
    if not title:
        raise ParseError("motion XML without a titel", url=url, kind=SLUG)
    return _readable(title, submitters) if title.isupper() else title


def _readable(shouting: str, names: list[str]) -> str:
    """'MOTIE VAN HET LID VAN HOUWELINGEN' as 'Motie van het lid Van Houwelingen': the
    signatures give the names' own capitals."""
    text = shouting.lower()
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name.lower())}\b", lambda _, name=name: name, text)
    return text[:1].upper() + text[1:]


def _stuk_date(stuk: Element, meta: Mapping[str, str]) -> str | None:
    element = stuk.find("datumtekst/datum")
    if element is not None and parse_date(element.get("isodatum")):
        return parse_date(element.get("isodatum"))
    return parse_date(meta.get("DCTERMS.issued")) or parse_date(child_text(stuk, "datumtekst"))


def _vergaderjaar(root: Element, meta: Mapping[str, str]) -> str:
    for line in root.iter("tekstregel"):
        match = re.search(r"\d{4}-\d{4}", text_of(line))
        if line.get("inhoud") == "vergaderjaar" and match:
            return match[0]
    return meta.get("OVERHEIDop.vergaderjaar", "")
