"""Bodies are decoded as their site meant: the Content-Type header's charset, else the page's own
<meta charset> or <meta http-equiv>, else a detected encoding. Legacy-encoded pages used to be
stored with replacement characters."""

from __future__ import annotations

import pytest
from sqlmodel import select

from db.engine import get_engine, session_scope
from db.models import Version
from vocab.fetch import Response
from vocab.settings import get_settings

HU = "Árvíztűrő tükörfúrógép: a gyermekek szexuális bántalmazásáról szóló rendelet"
PL = "Zażółć gęślą jaźń — rozporządzenie w sprawie niegodziwego traktowania dzieci"


def _page(text: str, head: str = "") -> str:
    return f"<html><head>{head}<title>t</title></head><body><div id='m'><p>{text}</p></div></body></html>"


@pytest.mark.parametrize(
    ("content_type", "head", "encoding"),
    [
        ("text/html; charset=windows-1250", "", "windows-1250"),  # the header
        ("text/html", '<meta charset="windows-1250">', "windows-1250"),  # <meta charset>
        (
            "text/html",
            '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-2">',
            "iso-8859-2",
        ),
        ("", '<meta charset="ISO-8859-2">', "iso-8859-2"),
        # The header wins over the page: HTTP says how the bytes were sent.
        ("text/html; charset=utf-8", '<meta charset="windows-1250">', "utf-8"),
    ],
)
def test_the_declared_charset_is_used(content_type: str, head: str, encoding: str) -> None:
    body = _page(HU, head).encode(encoding)
    assert HU in Response("http://x/", body, headers={"content-type": content_type}).text()


def test_an_undeclared_legacy_encoding_is_detected() -> None:
    text = " ".join([PL] * 8)  # enough text for a detector, as on a real page
    body = _page(text).encode("windows-1250")
    decoded = Response("http://x/", body, headers={"content-type": "text/html"}).text()
    assert PL in decoded and "\ufffd" not in decoded


def test_utf8_without_a_declaration_stays_utf8() -> None:
    body = _page(HU).encode("utf-8")
    assert HU in Response("http://x/", body).text()


def test_a_legacy_page_is_stored_without_replacement_characters(site, lexwatch) -> None:
    body = _page(HU, '<meta http-equiv="content-type" content="text/html; charset=windows-1250">')
    site.serve("/hu.html", body.encode("windows-1250"), content_type="text/html")
    add = [
        "sources",
        "add",
        "--kind",
        "page",
        "--url",
        site.url("/hu.html"),
        "--name",
        "hu",
        "--param",
        "selector=#m",
    ]
    assert lexwatch(*add).code == 0
    assert lexwatch("crawl").code == 0
    with session_scope(get_engine(get_settings().db_url)) as session:
        [version] = session.exec(select(Version))
    assert HU in version.text and "\ufffd" not in version.text
