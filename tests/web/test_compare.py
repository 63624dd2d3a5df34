"""The compare page: the summary counts the rows it shows, and one source's versions at a time."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from fastapi import FastAPI

from db import repo
from db.engine import session_scope
from db.models import Source
from monitor.textdiff import COUNTED
from pipeline.store import store_record
from vocab.links import file_path

from .conftest import FILE_KEY, History, record

PART = re.compile(r"(\d+) (?:paragraph|heading)s? (added|removed|changed|moved)")


def summary_counts(summary: str) -> dict[str, int]:
    """What a summary line says, per kind of row."""
    said = dict.fromkeys(COUNTED, 0)
    for number, op in PART.findall(summary):
        said[op] += int(number)
    return said


def shown_counts(html: str) -> tuple[str, dict[str, int]]:
    """The page's summary line and how many rows of each kind its table shows."""
    soup = BeautifulSoup(html, "lxml")
    rows = soup.select("table.diff tbody tr")
    shown = {op: sum(f"row-{op}" in r.get("class", []) for r in rows) for op in COUNTED}
    return soup.select_one("p.summary").get_text(" ", strip=True), shown


def test_the_summary_counts_the_rows_the_page_shows(reader, history: History) -> None:
    for view in ("side", "inline"):
        for context in ("", "all"):
            params = {"b": history.versions[1], "view": view, "context": context}
            html = reader.get("/compare", params=params).text
            summary, shown = shown_counts(html)
            assert summary_counts(summary) == shown, (view, context, summary)
    # The history's second text moves one paragraph and rewords another: both are shown.
    assert shown["moved"] == 1 and shown["changed"] >= 1
    assert "1 paragraph moved under 'Summary'" in summary


def test_a_first_version_shows_everything_added(reader, history: History) -> None:
    html = reader.get("/compare", params={"b": history.versions[0]}).text
    summary, shown = shown_counts(html)
    assert summary_counts(summary) == shown and shown["added"] > 5
    assert shown["removed"] == shown["changed"] == shown["moved"] == 0


def _second_source(app: FastAPI) -> list[int]:
    """The same file as a second source reports it (two versions), as a crawl stores them."""
    with session_scope(app.state.engine) as session:
        other = Source(
            name="ep-api", kind="eu_ep_api", url="https://ep.example/x", jurisdiction="EU"
        )
        session.add(other)
        session.flush()
        store_record(session, source=other, record=record(0, "Child sexual abuse (EP API)"))
        store_record(session, source=other, record=record(1, "Child sexual abuse (EP API)"))
        dossier = repo.dossier_by_key(session, key=FILE_KEY)
        return [
            v.id
            for v in reversed(repo.versions_of(session, dossier_id=dossier.id))
            if v.source == "ep-api"
        ]


def test_the_picker_offers_one_source_at_a_time(app, reader, history: History) -> None:
    ep_api = _second_source(app)
    soup = BeautifulSoup(reader.get(file_path(FILE_KEY)).text, "lxml")
    forms = soup.select("#versions form.compare")
    assert len(forms) == 2
    offered = {}
    for form in forms:
        source = form.find_previous("h3").get_text(strip=True)
        picks = [{int(o["value"]) for o in form.select(f"select[name={n}] option")} for n in "ab"]
        assert picks[0] == picks[1]
        offered[source] = picks[0]
    assert offered == {"oeil": set(history.versions), "ep-api": set(ep_api)}


def test_a_pair_from_two_sources_is_refused_with_what_to_do(app, reader, history) -> None:
    ep_api = _second_source(app)
    response = reader.get("/compare", params={"a": history.versions[1], "b": ep_api[1]})
    assert response.status_code == 400
    assert "come from two sources" in response.text
    assert "choose two versions of ep-api (or two of oeil)" in response.text
    one_source = reader.get("/compare", params={"a": ep_api[0], "b": ep_api[1]})
    assert one_source.status_code == 200
