"""The Changes page: every change newest first, its filters, its pages, and the same filter as
CSV and Atom, each reached by following the links the page shows."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from sqlmodel import select

from db.engine import session_scope
from db.models import Change, Dossier, Source
from monitor.classify import at_least
from vocab.links import file_path

from . import builders
from .conftest import FILE_KEY, History

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def changes(app: FastAPI, history: History) -> dict[int, tuple]:
    """Changes of three jurisdictions over 70 days: change id -> (day, significance, source, file)."""
    builders.gazette(app, 60)
    builders.motion(app)
    builders.seed_watches(app)
    days = builders.spread(app)
    with session_scope(app.state.engine) as session:
        rows = session.exec(
            select(Change, Source.name, Source.jurisdiction, Dossier.key)
            .join(Source, Source.id == Change.source_id)
            .join(Dossier, Dossier.id == Change.dossier_id)
        ).all()
        return {
            c.id: (days[c.id].date().isoformat(), c.significance, name, home, key)
            for c, name, home, key in rows
        }


def ids(html: str) -> list[int]:
    """The changes a page lists, in its order."""
    return [int(i) for i in re.findall(r'<tr class="sig-\w+" id="change-(\d+)"', html)]


def link(html: str, selector: str) -> str:
    found = BeautifulSoup(html, "lxml").select_one(selector)
    assert found is not None, f"no {selector} on the page"
    return unescape(found["href"])


def every_page(client, url: str) -> list[int]:
    """The changes of every page of a listing, by following its 'Older' links."""
    seen: list[int] = []
    while url:
        html = client.get(url).text
        seen += ids(html)
        older = BeautifulSoup(html, "lxml").select_one("a[rel=next]")
        url = unescape(older["href"]) if older else ""
    return seen


def newest_first(changes: dict[int, tuple], keep=lambda row: True) -> list[int]:
    return sorted(
        (i for i, row in changes.items() if keep(row)),
        key=lambda i: (changes[i][0], i),
        reverse=True,
    )


def test_the_navigation_leads_to_every_change_newest_first(reader, changes) -> None:
    home = reader.get("/").text
    page = reader.get(link(home, "nav a[href='/changes']"))
    assert page.status_code == 200
    assert ids(page.text) == newest_first(changes)[:50], "page 1: the newest 50"
    assert every_page(reader, "/changes") == newest_first(changes)


def test_pages_keep_the_filters_and_go_back(reader, changes) -> None:
    first = reader.get("/changes", params={"jurisdiction": "HU"}).text
    older = link(first, "a[rel=next]")
    assert "jurisdiction=HU" in older and "page=2" in older
    second = reader.get(older).text
    hungarian = newest_first(changes, lambda row: row[3] == "HU")
    assert len(hungarian) == 60
    assert ids(first) + ids(second) == hungarian
    assert "page 2" in second and not BeautifulSoup(second, "lxml").select("a[rel=next]")
    newer = link(second, "a[rel=prev]")
    assert "jurisdiction=HU" in newer and ids(reader.get(newer).text) == ids(first)


@pytest.mark.parametrize(
    ("params", "keep"),
    [
        ({"source": "tk-motions"}, lambda row: row[2] == "tk-motions"),
        ({"file": FILE_KEY}, lambda row: row[4] == FILE_KEY),
        ({"jurisdiction": "NL"}, lambda row: row[3] == "NL"),
        ({"significance": "major"}, lambda row: row[1] == "major"),
        ({"significance": "notable"}, lambda row: at_least(row[1], "notable")),
        (
            {"from": "2026-01-10", "to": "2026-01-20"},
            lambda row: "2026-01-10" <= row[0] <= "2026-01-20",
        ),
        (
            {"from": "2026-01-10", "to": "2026-01-20", "jurisdiction": "HU"},
            lambda row: "2026-01-10" <= row[0] <= "2026-01-20" and row[3] == "HU",
        ),
    ],
)
def test_each_filter_narrows_the_list(reader, changes, params, keep) -> None:
    wanted = newest_first(changes, keep)
    assert wanted and len(wanted) < len(changes), "the filter must narrow something"
    assert (
        every_page(reader, "/changes?" + "&".join(f"{k}={v}" for k, v in params.items())) == wanted
    )


def test_a_watch_shows_what_its_digest_would(reader, changes) -> None:
    shown = ids(reader.get("/changes", params={"watch": builders.CSA_WATCH}).text)
    # The EU file (by its reference) and the Dutch motion (by the name "CSAM-verordening"),
    # notable and up; not the gazette, not the press items on the recast directive.
    wanted = newest_first(
        changes,
        lambda row: row[4] in (FILE_KEY, builders.MOTION_KEY) and at_least(row[1], "notable"),
    )
    assert shown == wanted and len(wanted) >= 3
    unknown = reader.get("/changes", params={"watch": "no-such-watch"}).text
    assert "There is no watch named no-such-watch" in unknown and ids(unknown) == []


def test_files_are_shown_by_name_never_by_key(reader, changes) -> None:
    html = reader.get("/changes", params={"jurisdiction": "HU"}).text
    text = BeautifulSoup(html, "lxml").select_one("table.changes-list").get_text(" ")
    assert builders.GAZETTE in text and "SRC:" not in text


def test_the_csv_link_carries_the_filters(reader, changes) -> None:
    page = reader.get("/changes", params={"jurisdiction": "HU", "from": "2026-01-20"}).text
    url = link(page, "a.csv")
    assert url.startswith("/changes.csv?") and "jurisdiction=HU" in url and "from=2026-01-20" in url
    response = reader.get(url)
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    wanted = newest_first(changes, lambda row: row[3] == "HU" and row[0] >= "2026-01-20")
    assert [int(r["url"].rsplit("-", 1)[1]) for r in rows] == wanted, (
        "every page, not only the first"
    )
    assert {r["file"] for r in rows} == {builders.GAZETTE} and {r["reference"] for r in rows} == {
        ""
    }


def test_the_atom_link_carries_the_filters_and_the_feed_token(
    app, reader, anonymous, changes
) -> None:
    page = reader.get("/changes", params={"source": "tk-motions"}).text
    url = link(page, "a.atom")
    assert url.startswith("/changes.atom?") and "source=tk-motions" in url and "token=" in url
    feed = anonymous.get(url)  # a feed reader holds only the token
    assert feed.status_code == 200 and feed.headers["content-type"].startswith(
        "application/atom+xml"
    )
    root = ElementTree.fromstring(feed.content)
    entries = root.findall(f"{ATOM}entry")
    wanted = newest_first(changes, lambda row: row[2] == "tk-motions")
    assert [int(e.find(f"{ATOM}id").text.rsplit("-", 1)[1]) for e in entries] == wanted
    assert root.find(f"{ATOM}title").text == "Lexwatch changes — tk-motions"
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert all(
        href.endswith(f"{file_path(builders.MOTION_KEY)}#change-{i}")
        for href, i in zip(links, wanted, strict=True)
    )


def test_the_page_needs_a_signed_in_user_and_the_exports_a_token(anonymous, changes) -> None:
    assert anonymous.get("/changes").status_code == 303
    assert anonymous.get("/changes.csv").status_code == 303
    assert anonymous.get("/changes.atom", params={"token": "nonsense"}).status_code == 401


def test_junk_in_the_query_string_is_ignored(reader, changes) -> None:
    response = reader.get(
        "/changes", params={"from": "last week", "significance": "huge", "page": "-3"}
    )
    assert response.status_code == 200 and ids(response.text) == newest_first(changes)[:50]
