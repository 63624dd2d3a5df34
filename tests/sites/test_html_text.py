"""The shared HTML readers (crawlers/sites/readers/html_text.py) on small pages."""

from __future__ import annotations

from crawlers.sites.readers.html_text import (
    absolute_url,
    block_lines,
    canonical_url,
    field_name,
    inline_text,
    parse_html,
    text,
)

CELL = (
    "<dd>Ongoing\n  procedure<br>since <b>12/03/2024</b>"
    "<button>Show</button><script>x()</script><!-- hidden --><div>Rapporteur</div></dd>"
)


def test_text_is_one_line_with_white_space_collapsed() -> None:
    soup = parse_html("<p>Key\n\n  events&nbsp;and <i>forecasts</i></p>")
    assert text(soup.p) == "Key events and forecasts"
    assert text(None) == ""


def test_block_lines_break_where_blocks_do_and_leave_controls_out() -> None:
    cell = parse_html(CELL).dd
    assert block_lines(cell, {"br", "div"}) == [
        "Ongoing procedure",
        "since 12/03/2024",
        "Rapporteur",
    ]
    # An element not named a block adds nothing between its text and the next.
    assert block_lines(cell, set()) == ["Ongoing proceduresince 12/03/2024Rapporteur"]


def test_inline_text_keeps_blocks_apart_by_a_space() -> None:
    cell = parse_html(CELL).dd
    assert inline_text(cell, {"br", "div"}) == "Ongoing procedure since 12/03/2024 Rapporteur"
    assert inline_text(None, {"br"}) == ""


def test_links_are_made_absolute_and_stripped() -> None:
    assert absolute_url("https://oeil.europarl.europa.eu/", " /oeil/en/x ") == (
        "https://oeil.europarl.europa.eu/oeil/en/x"
    )
    assert absolute_url("https://eur-lex.europa.eu/procedure/EN/2022_155", "../a?uri=b") == (
        "https://eur-lex.europa.eu/procedure/a?uri=b"
    )


def test_canonical_url_else_the_fallback() -> None:
    page = parse_html('<head><link rel="canonical" href=" https://example.org/p "></head>')
    assert canonical_url(page, "https://fetched") == "https://example.org/p"
    assert canonical_url(parse_html("<p>none</p>"), "https://fetched") == "https://fetched"


def test_field_name_of_a_label() -> None:
    assert field_name("Legal basis:") == "legal_basis"
    assert field_name("  EuroVoc descriptor ") == "eurovoc_descriptor"
