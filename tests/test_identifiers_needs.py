"""Identifiers: a pattern is skipped only when the text lacks what it needs; found as before."""

from __future__ import annotations

import pytest

from vocab.identifiers import find_identifiers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "see 2022/155 (COD) and 2021/ 106\n/COD",
            {("procedure", "2022/0155(COD)"), ("procedure", "2021/0106(COD)")},
        ),
        ("KOM(2022)0209 endg.", {("com", "COM(2022) 209")}),
        (
            "Ratsdok. 9068/22 and ST 14862 2022 INIT REV 1",
            {("council", "ST 9068/22"), ("council", "ST 14862/22 REV 1")},
        ),
        ("P9_A(2023)0364", {("ep_report", "A9-0364/2023")}),
        ("A9-0364/2023 opens the text", {("ep_report", "A9-0364/2023")}),
        ("1999/2022/0155(COD)", {("procedure", "2022/0155(COD)")}),
        ("2022 \n / 155 (COD)", {("procedure", "2022/0155(COD)")}),
        ("COM COM(2022) 1 and JOIN/2021/12", {("com", "COM(2022) 1"), ("com", "JOIN(2021) 12")}),
        ("T10-0022/2025", {("ep_text", "T10-0022/2025")}),
        ("directive (ec) No 2000/31", {("celex", "32000L0031")}),
        (
            "zaak 2024Z15447, stuk 2024D22325",
            {("nl_zaak", "2024Z15447"), ("nl_document", "2024D22325")},
        ),
        ("kst-32317-891", {("nl_dossier", "32317"), ("nl_kamerstuk", "32317-891")}),
    ],
)
def test_each_scheme_is_still_found(text: str, expected: set[tuple[str, str]]) -> None:
    assert expected <= find_identifiers(text)


@pytest.mark.parametrize(
    "text",
    [
        "dates only: 26/04/2019, 03/10/2019 | 14:05",
        "9-0364/2023, xA9-0001/2020 and COM(22) 1",
        "x2024Z15447 and é2024D22325 (after a letter: no Dutch number)",
        "Regulation (Union) 2021/1232, review 3, DG HOME",
        "",
    ],
)
def test_a_text_without_what_a_pattern_needs_cites_nothing(text: str) -> None:
    assert find_identifiers(text) == set()
