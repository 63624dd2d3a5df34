"""Each site module's official page, built from the identifiers of a real capture it parsed.

Following the links is impossible offline: the tests pin the exact URL each
module builds (the shapes are those the sites use for people: OEIL's procedure
file, EUR-Lex's procedure page, tweedekamer.nl's case page, DIP, bills.parliament.uk,
congress.gov).
"""

from __future__ import annotations

import pytest

from crawlers.sites import SITES
from tests.helpers import FIXTURES, capture, expected
from vocab.records import Record

OEIL = "https://oeil.europarl.europa.eu/oeil/en/procedure-file?reference="
CASES = [
    ("eu_oeil", "new-procedure-file_2022-2852-RSP.html", ("OEIL", f"{OEIL}2022/2852(RSP)")),
    (
        "eu_oeil",
        "new-document-summary_1651118.html",  # a summary links to its procedure's file
        ("OEIL", f"{OEIL}2021/2540(RSP)"),
    ),
    (
        "eu_eurlex",
        "procedure_2021_106.html",
        ("EUR-Lex", "https://eur-lex.europa.eu/procedure/EN/2021_106"),
    ),
    (
        "eu_eurlex",
        "document_P9-A-2021-0270.html",
        ("EUR-Lex", "https://eur-lex.europa.eu/procedure/EN/2020_2167"),
    ),
    (
        "eu_cellar",
        "notice-object_32014R0001.xml",
        ("EUR-Lex", "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32014R0001"),
    ),
    ("eu_ep_api", "procedure_2016-0132-COD.json", ("European Parliament", f"{OEIL}2016/0132(COD)")),
    (
        "eu_ep_press",
        "press-release_20241212IPR25960.html",
        (
            "EP press room",
            "https://www.europarl.europa.eu/news/en/press-room/20241212IPR25960/"
            "ep-paves-way-for-the-use-of-eu-funds-to-finance-natural-disaster-recovery",
        ),
    ),
    (
        "nl_tweedekamer",
        "zaak_2024Z15447_expand-Document.json",
        ("Tweede Kamer", "https://www.tweedekamer.nl/kamerstukken/detail?id=2024Z15447"),
    ),
    (
        "nl_tweedekamer",
        "motie_32317-891_Kathmann_CSAM-detectiebevel.xml",
        (
            "officielebekendmakingen.nl",
            "https://zoek.officielebekendmakingen.nl/kst-32317-891.html",
        ),
    ),
    (
        "de_bundestag",
        "schema-built_vorgang_290001.json",
        ("DIP", "https://dip.bundestag.de/vorgang/290001"),
    ),
    (
        "uk_bills",
        "bill-2818_detail_MODIFIED.json",
        ("bills.parliament.uk", "https://bills.parliament.uk/bills/2818"),
    ),
    (
        "us_congress",
        "bill_117-hr-21_detail.json",
        ("congress.gov", "https://www.congress.gov/bill/117th-congress/house-bill/21"),
    ),
]
WITHOUT = {
    "page",
    "feed",
    "json",
    "eu_commission_hys",
}  # nothing official to name: the source is it


def parsed(slug: str, name: str) -> Record:
    """The record a site module reads from a real capture, fetched from the URL it came from."""
    stems = (name, name.rsplit(".", 1)[0])  # OEIL's expected files keep the .html
    found = next(s for s in stems if (FIXTURES / slug / f"{s}.expected.json").is_file())
    url = expected(slug, f"{found}.expected.json")["url"]
    return SITES[slug].parse([capture(slug, name, url)], {})


@pytest.mark.parametrize(("slug", "name", "page"), CASES)
def test_the_official_page_of_a_real_capture(slug: str, name: str, page: tuple[str, str]) -> None:
    assert SITES[slug].official_page(parsed(slug, name)) == page


def test_every_site_kind_names_its_official_page_or_says_it_has_none() -> None:
    named = {slug for slug, module in SITES.items() if hasattr(module, "official_page")}
    assert named == set(SITES) - WITHOUT
    assert {slug for slug, _name, _page in CASES} == named, "each is tested on a capture"


def test_a_record_without_the_identifier_names_no_page() -> None:
    for slug in set(SITES) - WITHOUT:
        assert SITES[slug].official_page(Record(kind="x", url="https://elsewhere.example/")) is None
