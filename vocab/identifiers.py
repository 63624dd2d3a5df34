"""The identifiers of one legislative file, found in any text and written one way.

Sources write the same document many ways (`COM(2022) 209 final`, `COM(2022)0209`,
`COM/2022/209`, `KOM(2022) 209 endg.`). Records keep identifiers as
(scheme, canonical value) pairs so that two sources join on equal strings.

Schemes and their canonical forms:

| scheme | canonical value | read from |
| --- | --- | --- |
| procedure | `2022/0155(COD)` | `2022/155 (COD)`, `2021/0106/COD`, EP API `2022-0155` with its type, EUR-Lex `2022_155` |
| com | `COM(2022) 209` | COM / KOM / COM/2022/209, with or without `final` |
| swd | `SWD(2022) 209` | SWD / SEC staff working documents |
| celex | `52022PC0209` | CELEX numbers; adopted acts from "Regulation (EU) 2021/1232" |
| council | `ST 14862/22` (+ ` REV 1`, ` ADD 1`) | `ST 14862 2022 INIT`, `Ratsdok. 9068/22` |
| ep_report | `A9-0364/2023` | `A9-0364/2023`, `P9_A(2023)0364`, `A-9-2023-0364` |
| ep_text | `T10-0022/2025` | `T10-0022/2025`, `P10_TA(2025)0022`, `TA-10-2025-0022` |
| eli, oj | `eli/reg/2021/1232/oj`, `OJ L 1, 4.1.2014` | as the Cellar parser sets them |
| nl_zaak, nl_document | `2024Z15447`, `2024D22325` | Tweede Kamer numbers |
| nl_dossier, nl_kamerstuk | `32317`, `32317-891` | Kamerstuk numbers, `kst-32317-891` |
| de_drucksache, de_vorgang, uk_bill, us_bill | as the parsers set them | the national APIs |
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

# Each pattern opens on the character class of its first character, and checks the word
# boundary before it with a look-behind just after it: a pattern that opens on `\b` is tried
# at every position of the text, one that opens on a class is skipped along it in C, many
# times faster (the matches are the same: `\bX` with X a word character is "X, not after one").
_PROCEDURE = re.compile(
    r"(\d(?<!\w\d)\d{3})\s*/\s*(\d{1,4})\s*(?:\(\s*([A-Z]{3})\s*\)|/([A-Z]{3})\b)"
)
_COM = re.compile(
    r"(C(?<!\wC)OM|K(?<!\wK)OM|S(?<!\wS)WD|S(?<!\wS)EC|J(?<!\wJ)OIN)"
    r"\s*(?:\(\s*(\d{4})\s*\)\s*|/(\d{4})/)0*(\d{1,4})\b"
)
_CELEX = re.compile(r"([1-9CE](?<!\w[1-9CE])\d{4}[A-Z]{1,2}\d{4})(?:\(\d+\))?\b")
_COUNCIL = re.compile(
    r"(?:S(?<!\wS)T|R(?<!\wR)atsdok\.?)\s*(\d{3,5})\s*[/ ]\s*(\d{4}|\d{2})\b(?:\s+INIT)?((?:\s+(?:REV|ADD|COR)\s*\d+)*)"
)
_EP_NUMBER = re.compile(r"([AT])(?<!\w[AT])(\d{1,2})-(\d{4})/(\d{4})\b")
_EP_SERIES = re.compile(r"P(?<!\wP)(\d{1,2})_(A|TA)\((\d{4})\)(\d{4})\b")
_EP_REGISTER = re.compile(r"(A(?<!\wA)|T(?<!\wT)A)-(\d{1,2})-(\d{4})-(\d{4})(?!\d)")
_ACT = re.compile(
    r"\b(Regulation|Directive|Decision)\s*\((?:EU|EC|EU, Euratom)\)\s*(?:No\.?\s*)?(\d{1,4})/(\d{1,4})\b",
    re.IGNORECASE,
)
_NL_CASE = re.compile(r"(\d(?<!\w\d)\d{3})([ZD])(\d{5})\b")
_NL_KAMERSTUK = re.compile(r"kst-(?<!\wkst-)(\d{5}(?:-[A-Z0-9]+)?)-(\d+)\b")

# What each pattern needs in the text, checked first: a word or a pattern opening on a
# character that is not a digit, scanned for in C far faster than a pattern opening on a
# digit or a class. A text without it is not searched with the pattern.
_NEEDS: dict[re.Pattern[str], tuple[str, ...] | re.Pattern[str]] = {
    _COUNCIL: ("ST", "Ratsdok"),
    _EP_SERIES: ("_A(", "_TA("),
    _EP_REGISTER: ("A-",),
    _ACT: re.compile(r"\([eE][uUcC]"),  # "(EU", "(EC" in any case: every act cites one
    _NL_KAMERSTUK: ("kst-",),
}
# The two patterns on digits that most texts have candidates for are tried only where their
# slash (a procedure's) or hyphen (an EP number's) is: no two of their matches overlap, so
# these are the matches `finditer` gives. Zero-width after the anchor: none is skipped.
_PROCEDURE_SLASH = re.compile(r"/(?=\s*\d{1,4}\s*[(/])")
_EP_NUMBER_HYPHEN = re.compile(r"-(?<=\d-)(?=\d{4}/\d{4})")
_PAPER_WORDS = tuple(re.compile(word) for word in ("COM", "KOM", "SWD", "SEC", "JOIN"))
_NL_CASE_NEEDS = (re.compile(r"Z(?<=\dZ)\d"), re.compile(r"D(?<=\dD)\d"))

_ACT_LETTER = {"regulation": "R", "directive": "L", "decision": "D"}
_PAPER_SCHEME = {"COM": "com", "KOM": "com", "JOIN": "com", "SWD": "swd", "SEC": "swd"}


def procedure(text: str) -> str | None:
    """`2022/0155(COD)` from any spelling of a procedure reference, else None."""
    match = _PROCEDURE.search(text or "")
    return f"{match[1]}/{int(match[2]):04d}({match[3] or match[4]})" if match else None


def procedure_from_parts(year: str | int, number: str | int, kind: str) -> str:
    """`2022/0155(COD)` from the parts the EP API and EUR-Lex give separately."""
    return f"{int(year)}/{int(number):04d}({kind.upper()})"


def find_identifiers(text: str) -> set[tuple[str, str]]:
    """Every identifier of a known scheme that `text` cites, canonical."""
    found: set[tuple[str, str]] = set()
    for finder in _FINDERS:
        found.update(finder(text or ""))
    return found


def _matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)`, nothing when the text lacks what the pattern needs."""
    needs = _NEEDS[pattern]
    if isinstance(needs, re.Pattern):
        return pattern.finditer(text) if needs.search(text) else iter(())
    return pattern.finditer(text) if any(word in text for word in needs) else iter(())


def _procedures(text: str) -> set[tuple[str, str]]:
    return {
        ("procedure", f"{m[1]}/{int(m[2]):04d}({m[3] or m[4]})")
        for m in _procedure_matches(text)
        if 1950 < int(m[1]) < 2100
    }


def _procedure_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of _PROCEDURE: each opens on four digits, white space, then its slash."""
    for slash in _PROCEDURE_SLASH.finditer(text):
        end = slash.start()
        while end and text[end - 1].isspace():  # as the pattern's \s
            end -= 1
        if end >= 4 and (found := _PROCEDURE.match(text, end - 4)):
            yield found


def _ep_number_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of _EP_NUMBER: each opens on its letter and one or two digits, then its hyphen."""
    for hyphen in _EP_NUMBER_HYPHEN.finditer(text):
        at = hyphen.start()
        starts = [start for start in (at - 3, at - 2) if start >= 0]
        found = next((m for s in starts if (m := _EP_NUMBER.match(text, s))), None)
        if found:
            yield found


def _paper_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of _COM, tried where one of its words is (its matches never overlap)."""
    for word in _PAPER_WORDS:
        for at in word.finditer(text):
            if found := _COM.match(text, at.start()):
                yield found


def _papers(text: str) -> set[tuple[str, str]]:
    found = set()
    for m in _paper_matches(text):
        prefix = "COM" if m[1] in ("COM", "KOM") else m[1]
        found.add((_PAPER_SCHEME[m[1]], f"{prefix}({m[2] or m[3]}) {int(m[4])}"))
    return found


def _celex(text: str) -> set[tuple[str, str]]:
    return {("celex", m[1]) for m in _CELEX.finditer(text)}


def _council(text: str) -> set[tuple[str, str]]:
    found = set()
    for m in _matches(_COUNCIL, text):
        parts = [f"{kind} {n}" for kind, n in re.findall(r"(REV|ADD|COR)\s*(\d+)", m[3] or "")]
        found.add(("council", " ".join([f"ST {int(m[1])}/{m[2][-2:]}", *parts])))
    return found


def _ep_numbers(text: str) -> set[tuple[str, str]]:
    found = {(_ep_scheme(m[1]), f"{m[1]}{m[2]}-{m[3]}/{m[4]}") for m in _ep_number_matches(text)}
    for m in _matches(_EP_SERIES, text):
        letter = "A" if m[2] == "A" else "T"
        found.add((_ep_scheme(letter), f"{letter}{m[1]}-{m[4]}/{m[3]}"))
    for m in _matches(_EP_REGISTER, text):  # the EP register writes A-9-2022-0234, TA-9-2024-0138
        letter = "A" if m[1] == "A" else "T"
        found.add((_ep_scheme(letter), f"{letter}{m[2]}-{m[4]}/{m[3]}"))
    return found


def _ep_scheme(letter: str) -> str:
    return "ep_report" if letter == "A" else "ep_text"


def _acts(text: str) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for m in _matches(_ACT, text):
        first, second = int(m[2]), int(m[3])
        year, number = (first, second) if first > 1950 and len(m[2]) == 4 else (second, first)
        if year < 100:
            year += 1900 if year > 50 else 2000
        found.add(("celex", f"3{year}{_ACT_LETTER[m[1].lower()]}{number:04d}"))
    return found


def _dutch(text: str) -> set[tuple[str, str]]:
    cases = _NL_CASE.finditer(text) if any(n.search(text) for n in _NL_CASE_NEEDS) else ()
    found = {("nl_zaak" if m[2] == "Z" else "nl_document", f"{m[1]}{m[2]}{m[3]}") for m in cases}
    for m in _matches(_NL_KAMERSTUK, text):
        found.update({("nl_dossier", m[1]), ("nl_kamerstuk", f"{m[1]}-{m[2]}")})
    return found


_FINDERS: tuple[Callable[[str], set[tuple[str, str]]], ...] = (
    _procedures,
    _papers,
    _celex,
    _council,
    _ep_numbers,
    _acts,
    _dutch,
)
