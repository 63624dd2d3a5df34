"""The page kind reads one lxml tree with the rules it always had (crawlers/sites/readers/tree_text.py)."""

from __future__ import annotations

import pytest

from crawlers.sites import page
from vocab.errors import ParseError
from vocab.fetch import Response
from vocab.identifiers import find_identifiers


def _text(html: str, **params: str) -> str:
    return page.parse([Response("https://example.org/", html.encode())], params).text


def test_a_dropped_element_keeps_the_words_around_it_apart() -> None:
    assert _text("<p>before<script>x()</script>after</p>") == "before after"


def test_a_comment_is_no_text_inside_an_element_but_a_blocks_own_comment_counts() -> None:
    assert _text("<div>a<span>b<!--hidden-->c</span></div>") == "a b c"
    assert _text("<p>a<!--note-->b</p>") == "a note b"  # as the page kind always read it


def test_ruby_annotations_are_left_out_and_lists_compared_as_sets() -> None:
    html = "<div><ruby>漢<rt>kan</rt></ruby> text</div><ul><li>b</li><li>a</li></ul>"
    assert _text(html).splitlines() == ["漢 text", "a", "b"]


def test_rows_headings_and_blocks_give_one_line_each() -> None:
    html = "<h2>Events <small>2</small></h2><table><tr><td>1 May</td><th>Vote</th></tr></table>"
    assert _text(html).splitlines() == ["## Events 2", "1 May | Vote"]


def test_ignore_and_selector_apply_to_the_page_with_scripts_dropped() -> None:
    html = "<main><p>one</p><script>s</script><div class='ad'><p>ad</p></div><div><p>two</p></div></main>"
    assert _text(html, ignore=".ad") == "one\ntwo"
    assert _text(html, selector="main > div:nth-child(3)") == "two"  # the script is gone


def test_a_selector_the_parser_cannot_apply_is_a_parse_error_naming_it() -> None:
    with pytest.raises(ParseError, match="is not valid"):
        _text("<p>x</p>", selector="p:unknown")


def test_identifiers_need_a_word_boundary_before_them() -> None:
    found = find_identifiers("2022/0155(COD) x2022/0156(COD) kst-32317-891 xkst-32317-892")
    assert found == {
        ("procedure", "2022/0155(COD)"),
        ("nl_dossier", "32317"),
        ("nl_kamerstuk", "32317-891"),
    }
    assert find_identifiers("see COM(2022) 209 and XCOM(2022) 210, P9_A(2023)0364") == {
        ("com", "COM(2022) 209"),
        ("ep_report", "A9-0364/2023"),
    }
