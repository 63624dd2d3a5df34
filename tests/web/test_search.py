"""Search: any input is a valid query; ranking, snippets, filters, facets, permalinks, exports, feeds."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from db import repo, searchquery
from db.engine import session_scope
from db.models import Source, Version
from vocab.links import file_path

from .conftest import FILE_KEY

ATOM = "{http://www.w3.org/2005/Atom}"
NASTY = [
    '"',
    '""',
    "'",
    "AND",
    "OR",
    "NOT",
    "*",
    "**",
    "NEAR(",
    "NEAR(a b",
    "a AND",
    "OR b",
    "(",
    ")",
    "a)",
    "^",
    "-",
    "col:x",
    "title:child",
    "{a b}",
    "a + b",
    '"unbalanced',
    "\\",
    "%",
    "_",
    "\x00",
    "’",
    "؟",
    "🙂",
    "a" * 2000,
    " ".join(["word"] * 300),
    "SELECT * FROM user",
    "'; DROP TABLE version; --",
]


SEARCHES = ("/search", "/search.csv", "/search.json", "/search.atom", "/api/search")


@pytest.mark.parametrize(
    "query", ["%00", "a%00b", "%01", "child%00", "%1b%5B31mchild%7F", "%C2%85"]
)
def test_control_characters_in_a_search_are_cleaned_on_every_endpoint(
    reader, history, query
) -> None:
    for path in SEARCHES:
        for name in ("q", "source", "jurisdiction", "stage", "type", "change", "from"):
            assert reader.get(f"{path}?{name}={query}").status_code == 200, (path, name)


def test_a_word_with_a_control_character_is_still_searched(reader, history) -> None:
    found = reader.get("/api/search?q=child%00").json()
    assert found["total"] >= 1 and found["query"]["text"] == "child"
    assert reader.get("/api/search?q=chi%00ld").json()["query"]["text"] == "chi ld"


@pytest.mark.parametrize("text", NASTY)
def test_any_input_is_a_valid_query(reader, history, text: str) -> None:
    assert reader.get("/search", params={"q": text}).status_code == 200
    assert reader.get("/api/search", params={"q": text}).status_code == 200
    assert reader.get("/search.csv", params={"q": text}).status_code == 200


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('a "b c" OR d*', '"a" AND ("b c" OR "d"*)'),
        ("AND NEAR( *", '"NEAR("'),
        ('say "hi', '"say" AND "hi"'),
        ('x"y', '"x""y"'),
        ("OR a OR", '"a"'),
        ("", ""),
    ],
)
def test_user_input_becomes_quoted_fts5_terms(text: str, expected: str) -> None:
    assert searchquery.fts5(searchquery.parse(text)) == expected


def test_a_query_of_hundreds_of_words_is_cut_not_refused() -> None:
    assert len(searchquery.parse(" ".join(f"w{i}" for i in range(500)))) == searchquery.MAX_TERMS


def test_words_phrases_prefixes_or_and_diacritics(reader, history) -> None:
    def total(q: str) -> int:
        return reader.get("/api/search", params={"q": q}).json()["total"]

    assert total("encryption") == 1
    assert total('"detection orders"') >= 1
    assert total('"orders detection"') == 0
    assert total("encrypt*") == 1
    assert total("encryption OR nonexistentword") == 1
    assert total("encryption nonexistentword") == 0
    assert total("ENCRYPTION") == 1
    assert total("2022/0155(COD)") >= 1, "a file is found by its key"
    assert total("COM(2022) 209") >= 1, "and by its identifiers"


def test_diacritics_are_ignored_both_ways(app, reader, history) -> None:
    with session_scope(app.state.engine) as session:
        source = session.get(Source, history.source_id)
        session.add(
            Version(
                source_id=source.id,
                dossier_id=1,
                seq=3,
                fingerprint="x" * 64,
                record={},
                text="Le contrôle des conversations et la pédocriminalité",
            )
        )
    api = reader.get("/api/search", params={"q": "pedocriminalite controle"}).json()
    assert api["total"] == 1 and api["results"][0]["type"] == "version"


def test_versions_of_one_source_are_one_hit_showing_the_newest(reader, history) -> None:
    hit = reader.get("/api/search", params={"q": "coordinates"}).json()["results"]
    versions = [h for h in hit if h["type"] == "version"]
    assert len(versions) == 1
    assert versions[0]["id"] == history.versions[-1] and versions[0]["matches"] == 2
    page = reader.get("/search", params={"q": "coordinates"}).text
    assert "also in 1 earlier version" in page


def test_facets_count_with_the_other_filters_and_filters_narrow(reader, history) -> None:
    data = reader.get("/api/search", params={"q": "child"}).json()
    facets = {
        name: {f["value"]: f["count"] for f in values} for name, values in data["facets"].items()
    }
    assert facets["type"]["file"] == 1 and facets["type"]["version"] == 1
    assert facets["jurisdiction"] == {"EU": data["total"]}
    assert set(facets["change"]) >= {"stage_changed"} or set(facets["change"]) >= {"text_amended"}
    only_files = reader.get("/api/search", params={"q": "child", "type": "file"}).json()
    assert only_files["total"] == 1 and only_files["results"][0]["file"] == FILE_KEY
    assert {f["value"] for f in only_files["facets"]["type"]} == {"file", "version"}, (
        "a facet's own filter does not hide its other values"
    )
    stage = data["facets"]["stage"][0]["value"]
    assert (
        reader.get("/api/search", params={"q": "child", "stage": stage}).json()["total"]
        == data["total"]
    )
    assert reader.get("/api/search", params={"q": "child", "stage": "nope"}).json()["total"] == 0
    assert (
        reader.get(
            "/api/search", params={"q": "child", "source": "oeil", "type": "version"}
        ).json()["total"]
        == 1
    )
    assert reader.get("/api/search", params={"q": "child", "type": "bogus"}).json()["total"] == 0


def test_the_kind_of_change_filter_keeps_versions_that_brought_it(app, reader, history) -> None:
    with session_scope(app.state.engine) as session:
        kinds = set(repo.change_kinds(session))
    kind = sorted(kinds)[0]
    data = reader.get("/api/search", params={"q": "coordinates", "change": kind}).json()
    assert data["total"] == 1 and data["results"][0]["id"] == history.versions[-1]
    assert (
        reader.get("/api/search", params={"q": "coordinates", "change": "no_such_kind"}).json()[
            "total"
        ]
        == 0
    )


def test_the_date_range_is_inclusive_and_bad_dates_are_ignored(reader, history) -> None:
    def total(**dates: str) -> int:
        return reader.get("/api/search", params={"q": "committee", **dates}).json()["total"]

    assert total(**{"from": "2023-11-13", "to": "2023-11-13"}) == 1
    assert total(**{"from": "2023-11-14"}) < total()
    assert total(**{"to": "2020-01-01"}) == 0
    assert total(**{"from": "last week"}) == total()


def test_the_results_page_marks_matches_links_hits_and_pages(reader, history) -> None:
    html = reader.get("/search", params={"q": "encryption"}).text
    assert "<mark>encryption</mark>" in html.lower()
    assert f'href="/compare?b={history.versions[-1]}"' in html
    assert 'href="/search.csv?q=encryption"' in html and 'rel="bookmark"' in html
    assert "<strong>1</strong> result" in html


def test_a_permalink_reproduces_the_search(reader, history) -> None:
    url = "/search?q=child&type=file&jurisdiction=EU"
    first, again = reader.get(url).text, reader.get(url).text
    assert first == again and "✕ file" in first and "✕ EU" in first


def test_pages_of_results(app, reader, history) -> None:
    with session_scope(app.state.engine) as session:
        for index in range(30):
            source = Source(name=f"s{index}", kind="page", url=f"https://e.org/{index}")
            session.add(source)
            session.flush()
            session.add(
                Version(
                    source_id=source.id,
                    dossier_id=1,
                    seq=1,
                    fingerprint="f" * 64,
                    record={},
                    text=f"paging test number {index}",
                )
            )
    first = reader.get("/api/search", params={"q": "paging", "per_page": 20}).json()
    second = reader.get("/api/search", params={"q": "paging", "per_page": 20, "page": 2}).json()
    assert first["total"] == 30 and len(first["results"]) == 20 and len(second["results"]) == 10
    assert {h["id"] for h in first["results"]}.isdisjoint({h["id"] for h in second["results"]})
    assert second["results"][0]["rank"] == 21
    html = reader.get("/search", params={"q": "paging"}).text
    assert "page 1 of 2" in html and "page=2" in html


def test_csv_and_json_exports_of_a_search(reader, history) -> None:
    response = reader.get("/search.csv", params={"q": "child"})
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and rows[0]["rank"] == "1" and {r["file"] for r in rows} == {FILE_KEY}
    data = reader.get("/search.json", params={"q": "child", "type": "file"}).json()
    assert data["query"]["type"] == "file" and len(data["results"]) == 1


def test_a_csv_cell_that_looks_like_a_formula_is_defused(app, reader) -> None:
    from .conftest import store_history

    store_history(app, title='=HYPERLINK("http://evil.example","click") child')
    rows = list(
        csv.DictReader(io.StringIO(reader.get("/search.csv", params={"q": "hyperlink"}).text))
    )
    assert rows and all(not r["title"].startswith("=") for r in rows)


def test_the_atom_feed_of_a_saved_search_is_valid_and_newest_first(reader, history) -> None:
    response = reader.get("/search.atom", params={"q": "child"})
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert entries and feed.find(f"{ATOM}title").text == "Lexwatch search: child"
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)


def test_search_feeds_work_for_a_feed_reader_with_the_token(reader, anonymous, history) -> None:
    link = (
        reader.get("/search", params={"q": "child"})
        .text.split('type="application/atom+xml" title="This search" href="')[1]
        .split('"')[0]
    )
    assert "token=" in link
    assert anonymous.get(link.replace("&amp;", "&")).status_code == 200
    assert anonymous.get("/search.atom?q=child").status_code == 303


def test_search_through_the_repo_is_what_the_bench_measures(app, history) -> None:
    with session_scope(app.state.engine) as session:
        result = repo.search(session, query=repo.SearchQuery(text="child"))
    assert result.total >= 2 and not result.approximate and result.matched >= result.total
    assert file_path(FILE_KEY) == "/files/EU:2022/0155(COD)"


def test_a_word_in_too_many_entries_ranks_the_current_state_and_says_counts_are_estimated(
    reader, history, monkeypatch
) -> None:
    import db.repo.searchresults as search_module

    monkeypatch.setattr(search_module, "WINDOW", 1)
    data = reader.get("/api/search", params={"q": "child OR committee"}).json()
    assert data["approximate"] and data["estimated"] and data["matched"] > 1
    assert data["total"] >= 2 and data["total_label"] == f"{data['total']:,}+"
    versions = [h for h in data["results"] if h["type"] == "version"]
    assert [h["id"] for h in versions] == [history.versions[-1]], "the current version is the hit"
    assert data["facets"]["change"] == [], "no change counts past the window"
    event = reader.get("/api/search", params={"q": "child OR committee", "type": "event"}).json()
    assert {h["type"] for h in event["results"]} == {"event"}, "the filter applies past the window"
    page = reader.get("/search", params={"q": "child OR committee"}).text
    assert f"<strong>{data['total']:,}+</strong> results" in page.replace("\n", "")
    assert "Counts marked + are estimated" in page and '<span class="count">1+</span>' in page
