"""Which file a record belongs to, and which other files it cites. Pure rules over identifiers.

A record with a key (`EU:2022/0155(COD)`, `NL:kst-32317-891`) is that file.
A record without one (a press release, a watched page) is a file of its own,
and every identifier it carries is a citation: it is linked to the files it
cites, never filed under them, so two sources' versions never share a file by
accident. For a keyed record, identifiers of its own jurisdiction name it;
identifiers of another jurisdiction (an EU COM number in a Dutch motion) are
citations that become DossierLinks.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from monitor.normalise import Folded
from vocab.records import Record

SCHEME_JURISDICTION = {
    "procedure": "EU",
    "com": "EU",
    "swd": "EU",
    "celex": "EU",
    "council": "EU",
    "ep_report": "EU",
    "ep_text": "EU",
    "eli": "EU",
    "nl_zaak": "NL",
    "nl_document": "NL",
    "nl_dossier": "NL",
    "nl_kamerstuk": "NL",
    "de_vorgang": "DE",
    "de_drucksache": "DE",
    "uk_bill": "UK",
    "us_bill": "US",
}
# Strongest first: a procedure reference names one file; a Council number may serve several.
JOIN_ORDER = (
    "procedure",
    "com",
    "celex",
    "nl_zaak",
    "nl_kamerstuk",
    "de_vorgang",
    "uk_bill",
    "us_bill",
    "ep_report",
    "ep_text",
    "council",
)
NOT_OWN = {"nl_dossier", "nl_document", "de_drucksache"}  # shared by many files: never a join key


# Names people give a file instead of its number: a record that uses one cites that file.
_CSA_NAMES = (
    r"\bCSAM?[- ]?(?:verordening|regulation|Verordnung)\b|\bchat ?control(?:e|le)?\b|\bChatkontrolle\b"
    r"|\brèglement CSAM\b|\bcontrôle des conversations\b"
)
ALIASES: dict[str, tuple[str, str]] = {_CSA_NAMES: ("procedure", "2022/0155(COD)")}
# Words one of which an alias needs (as normalise.CLUES): a text without any of them is
# not searched for it; an alias without clues is always searched.
ALIAS_CLUES: dict[str, tuple[str, ...]] = {_CSA_NAMES: ("csa", "chat", "conver")}


# The files Lexwatch watches out of the box, by the title a file page shows before any of
# their own sources has been read (docs/DOMAIN.md; the seeded watches follow the same files).
KNOWN_TITLES: dict[str, str] = {
    "2022/0155(COD)": "Regulation laying down rules to prevent and combat child sexual abuse",
    "2020/0259(COD)": "Temporary derogation from the ePrivacy Directive to combat child sexual "
    "abuse online (Regulation (EU) 2021/1232)",
    "2023/0452(COD)": "Extension of the temporary ePrivacy derogation (Regulation (EU) 2024/1307)",
    "2024/0035(COD)": "Combating the sexual abuse and sexual exploitation of children and child "
    "sexual abuse material (recast)",
}


def alias_citations(text: str) -> list[tuple[str, str]]:
    """The files a text names by one of their seeded aliases."""
    folded = Folded(text or "")  # lower-cased once for every alias's clues
    return [
        target
        for pattern, target in ALIASES.items()
        if folded.may_match(ALIAS_CLUES.get(pattern))
        and re.search(pattern, folded.text, re.IGNORECASE)
    ]


def jurisdiction(key: str, fallback: str = "") -> str:
    """The jurisdiction a dossier key names (`EU:…` -> EU), else the fallback."""
    prefix, sep, _rest = key.partition(":")
    return prefix if sep and prefix.isupper() and len(prefix) <= 3 else fallback


def own_identifiers(record: Record, home: str) -> list[tuple[str, str]]:
    """The identifiers that name this record's file (its own jurisdiction's)."""
    return [(s, v) for s, v in record.identifiers if SCHEME_JURISDICTION.get(s, home) == home]


def citations(record: Record, home: str) -> list[tuple[str, str]]:
    """The files this record cites (by number or alias), strongest identifier first.

    A keyed record cites the files of other jurisdictions; a record without a key
    names no file of its own, so every file it mentions is a citation.
    """
    named = alias_citations(f"{record.title}\n{record.text}")
    pairs = list(dict.fromkeys([*record.identifiers, *named]))
    if record.key:
        pairs = [(s, v) for s, v in pairs if SCHEME_JURISDICTION.get(s, home) != home]
    return join_candidates(pairs)


STRONG = {
    "procedure",
    "com",
    "celex",
    "nl_zaak",
    "nl_kamerstuk",
    "de_vorgang",
    "uk_bill",
    "us_bill",
}


def join_candidates(
    pairs: list[tuple[str, str]], *, strong_only: bool = False
) -> list[tuple[str, str]]:
    """Identifiers usable to find an existing file, strongest scheme first.

    `strong_only`: only identifiers that name one file and nothing else (a Council
    document or an EP report may serve several files).
    """
    rank = {scheme: index for index, scheme in enumerate(JOIN_ORDER)}
    usable = [p for p in pairs if p[0] in rank and (p[0] in STRONG or not strong_only)]
    return sorted(usable, key=lambda p: (rank[p[0]], p[1]))


def fallback_key(source_name: str) -> str:
    """The key of a file that is just one watched source (a page, a feed)."""
    return f"SRC:{source_name}"


# How a person writes a US bill's type (congress.gov's citations).
_US_TYPES = {
    "hr": "H.R.",
    "s": "S.",
    "hres": "H.Res.",
    "sres": "S.Res.",
    "hjres": "H.J.Res.",
    "sjres": "S.J.Res.",
    "hconres": "H.Con.Res.",
    "sconres": "S.Con.Res.",
}
_REFERENCES: tuple[tuple[str, str, Callable[[re.Match[str]], str]], ...] = (
    ("SRC:", r".*", lambda m: ""),  # a source's own file names no legislative file
    ("EU:CELEX:", r"(\w+)", lambda m: f"CELEX {m[1]}"),
    ("NL:kst-", r"(.+)-(\d+)", lambda m: f"Kamerstuk {m[1]}, nr. {m[2]}"),
    ("NL:", r"(\d{4}Z\d+)", lambda m: f"Zaak {m[1]}"),
    ("DE:vorgang-", r"(\d+)", lambda m: f"DIP Vorgang {m[1]}"),
    ("UK:bill-", r"(\d+)", lambda m: f"Bill {m[1]}"),
    (
        "US:",
        r"(\d+)-([a-z]+)-(\d+)",
        lambda m: f"{_US_TYPES.get(m[2], m[2].upper())} {m[3]} ({_ordinal(int(m[1]))} Congress)",
    ),
)


def _ordinal(number: int) -> str:
    teen = 10 <= number % 100 <= 20
    return f"{number}{'th' if teen else {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th')}"


def reference(key: str) -> str:
    """The reference a person knows a file by: `EU:2022/0155(COD)` -> `2022/0155(COD)`.

    A source's own file (`SRC:…`) has none: it is named by its title or its source.
    """
    for prefix, pattern, spell in _REFERENCES:
        if key.startswith(prefix) and (found := re.fullmatch(pattern, key[len(prefix) :])):
            return spell(found)
    return key.partition(":")[2] if jurisdiction(key) else key


def display_name(key: str, title: str) -> str:
    """What a reader sees as a file's name: its title, else its source's name or its reference."""
    if title.strip():
        return title.strip()
    return key.removeprefix("SRC:") if key.startswith("SRC:") else reference(key)
