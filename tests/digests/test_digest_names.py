"""A digest names files as readers know them: by title and reference, never by internal key."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from digests.compose import compose
from digests.model import EventView, FileRef
from tests.digests.test_compose import CSA, MOTION, NOW, _change, _input

# A key outside a link (links keep the key: it is the address); a name never looks so.
KEY = re.compile(r"(?<!/)\b(?:SRC|EU|NL|DE|UK|US):\S")
GAZETTE = FileRef("SRC:Magyar Közlöny (official gazette)", "Magyar Közlöny", "", "HU")


def _email():
    changes = [
        _change(1, CSA, "major", "Stage changed from 'A' to 'Awaiting Council position'"),
        _change(2, MOTION, "notable", "New document"),
        _change(3, GAZETTE, "notable", "New item: 'Magyar Közlöny 2026. évi 151. szám'"),
    ]
    upcoming = [EventView(CSA, "2025-11-20", "Indicative plenary sitting date", "OEIL")]
    return compose(_input(changes, upcoming), now=NOW)


def test_no_key_in_the_text_or_what_the_html_shows() -> None:
    email = _email()
    shown = BeautifulSoup(email.html, "lxml").get_text(" ")
    assert KEY.findall(email.text) == [] and KEY.findall(shown) == []


def test_a_file_shows_its_reference_and_its_stage() -> None:
    email = _email()
    assert "2022/0155(COD) | stage now: Awaiting Council position" in email.text
    assert "Kamerstuk 32317, nr. 891" in email.text
    assert "2022/0155(COD) · stage now: Awaiting Council position" in (
        BeautifulSoup(email.html, "lxml").get_text()
    )


def test_a_source_of_its_own_has_no_reference_line_and_links_still_work() -> None:
    email = _email()
    title_at = email.text.index("Magyar Közlöny\n")
    assert email.text[title_at:].split("\n")[1] == ""  # no key, no empty separator
    assert "/files/EU:2022/0155(COD)" in email.html  # links keep the key: it is the address
