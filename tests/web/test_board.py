"""The health board at 200 sources: it renders, pages, and its filter (health, kind,
jurisdiction, words) narrows it exactly; a filtered board is a link."""

from __future__ import annotations

from datetime import UTC, datetime
from html import unescape

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI

from db.models import Source
from monitor.health import effective_health
from web.board import ORDER, PER_PAGE

from . import builders


@pytest.fixture
def sources(app: FastAPI) -> list[Source]:
    return builders.many_sources(app, 200)


def shown(html: str) -> list[str]:
    """The names of the sources a board page lists, in order."""
    rows = BeautifulSoup(html, "lxml").select("table.board tbody tr[id^=source-]")
    return [row.select_one("td.source-cell a").get_text() for row in rows]


def whole_board(client, url: str) -> list[str]:
    """Every source of a (filtered) board, following its 'Next' links."""
    names: list[str] = []
    while url:
        html = client.get(url).text
        names += shown(html)
        following = BeautifulSoup(html, "lxml").select_one("nav.pages a[rel=next]")
        url = unescape(following["href"]) if following else ""
    return names


def health(source: Source) -> str:
    return effective_health(source, datetime.now(UTC))


def expected(sources: list[Source], keep=lambda s: True) -> list[str]:
    """Failing ones first, then by name: the board's order."""
    kept = [s for s in sources if keep(s)]
    return [s.name for s in sorted(kept, key=lambda s: (ORDER[health(s)], s.name.casefold()))]


def test_two_hundred_sources_render_in_pages_of_compact_rows(admin, sources) -> None:
    response = admin.get("/admin")
    assert response.status_code == 200
    first = shown(response.text)
    assert len(first) == PER_PAGE and first == expected(sources)[:PER_PAGE]
    assert "200 sources" in response.text
    assert whole_board(admin, "/admin") == expected(sources)


@pytest.mark.parametrize(
    ("params", "keep"),
    [
        ({"health": "broken"}, lambda s: health(s) == "broken"),
        ({"health": "stale"}, lambda s: health(s) == "stale"),
        ({"health": "paused"}, lambda s: not s.enabled),
        ({"kind": "nl_tweedekamer"}, lambda s: s.kind == "nl_tweedekamer"),
        ({"jurisdiction": "DE"}, lambda s: s.jurisdiction == "DE"),
        ({"q": "site7.example"}, lambda s: "site7.example" in s.url),
        ({"q": "MATCHED nothing"}, lambda s: "matched nothing" in s.health_reason),
        ({"q": "017 Source"}, lambda s: s.name.endswith("source 017")),  # every word, any order
        (
            {"health": "ok", "kind": "page", "jurisdiction": "NL"},
            lambda s: health(s) == "ok" and s.kind == "page" and s.jurisdiction == "NL",
        ),
    ],
)
def test_the_filter_narrows_the_board_exactly(admin, sources, params, keep) -> None:
    wanted = expected(sources, keep)
    assert 0 < len(wanted) < 200, "a filter that narrows something"
    url = "/admin?" + "&".join(f"{k}={v.replace(' ', '+')}" for k, v in params.items())
    assert whole_board(admin, url) == wanted
    html = admin.get(url).text
    assert f"{len(wanted)} of 200 sources match." in html
    form = BeautifulSoup(html, "lxml").select_one("form.board-filter")
    for name, value in params.items():  # the form shows the filter it applied
        field = form.select_one(f"[name={name}]")
        picked = field.select_one("option[selected]") if field.name == "select" else field
        assert picked["value"] == value, name


def test_the_counts_lead_to_the_board_filtered_by_health(admin, sources) -> None:
    html = admin.get("/admin").text
    links = BeautifulSoup(html, "lxml").select("p.health-counts a")
    assert {a.get_text(strip=True).split(" ", 1)[1] for a in links} >= {
        "ok",
        "broken",
        "failing",
        "paused",
    }
    for a in links:
        number, state = a.get_text(strip=True).split(" ", 1)
        names = whole_board(admin, unescape(a["href"]))
        keep = (
            (lambda s: not s.enabled) if state == "paused" else (lambda s, h=state: health(s) == h)
        )
        assert names == expected(sources, keep) and len(names) == int(number), state


def test_a_filter_matching_nothing_says_so(admin, sources) -> None:
    html = admin.get("/admin", params={"q": "no such source anywhere"}).text
    assert shown(html) == [] and "No source matches this filter." in html
    assert admin.get("/admin", params={"health": "splendid", "page": "x"}).status_code == 200
