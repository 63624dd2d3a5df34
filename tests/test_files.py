"""Legislative files end to end: real captures served on 127.0.0.1, crawled, versioned, merged, linked.

Earlier states of a page are built in the test from the real capture (a key-event
row removed, the status set back) and say so; the captures themselves are never edited.
"""

from __future__ import annotations

from bs4 import BeautifulSoup

from db.engine import dispose_engines, get_engine, session_scope
from db.models import Source
from demo.states import oeil_before_plenary_decision, oeil_rows_reversed
from pipeline.store import store_record
from tests.helpers import FIXTURES, crawl_exit_status
from vocab.records import Event, Record
from vocab.settings import get_settings

OEIL_RSP = (FIXTURES / "eu_oeil" / "new-procedure-file_2022-2852-RSP.html").read_text(
    encoding="utf-8"
)
OEIL_REG = (FIXTURES / "eu_oeil" / "new-procedure-file_2024-2006-REG.html").read_text(
    encoding="utf-8"
)
EP_REG = (FIXTURES / "eu_ep_api" / "procedure_2024-2006-REG.json").read_bytes()
OEIL_PATH = "/oeil/en/procedure-file?reference=2022/2852(RSP)"


def _add(lexwatch, *args: str) -> None:
    result = lexwatch("sources", "add", *args)
    assert result.code == 0, result.err


def _crawl(lexwatch) -> dict[str, dict]:
    result = lexwatch("crawl", "--format", "json")
    assert result.code == crawl_exit_status(result.json()), result.err  # 1 when a source failed
    return {r["source"]: r for r in result.json()}


def test_a_new_key_event_and_status_are_exactly_two_changes(site, lexwatch) -> None:
    site.serve(OEIL_PATH, oeil_before_plenary_decision(OEIL_RSP))  # built from the real page
    _add(lexwatch, "--kind", "eu_oeil", "--url", site.url(OEIL_PATH), "--name", "oeil")
    assert _crawl(lexwatch)["oeil"]["status"] == "ok"

    site.serve(OEIL_PATH, OEIL_RSP)
    assert _crawl(lexwatch)["oeil"]["changes"] == 2
    changes = lexwatch("changes", "--format", "json").json()
    assert [(c["kind"], c["significance"]) for c in changes] == [
        ("stage_changed", "major"),
        ("event_added", "major"),
    ]
    assert (
        changes[0]["summary"]
        == "Stage changed from 'Awaiting plenary debate/vote' to 'Procedure completed'"
    )
    assert changes[1]["summary"] == "New event: Decision by Parliament (2022-10-18) [T9-0364/2022]"
    assert all(c["dossier"] == "EU:2022/2852(RSP)" for c in changes)

    site.serve(OEIL_PATH, oeil_rows_reversed(OEIL_RSP))
    report = _crawl(lexwatch)["oeil"]
    assert (report["status"], report["changes"]) == ("unchanged", 0)
    assert len(lexwatch("changes", "--format", "json").json()) == 2


def test_ep_api_and_oeil_feed_one_file_with_one_timeline(site, lexwatch) -> None:
    site.serve("/oeil/en/procedure-file?reference=2024/2006(REG)", OEIL_REG)
    site.serve("/api/v2/procedures/2024-2006", EP_REG, content_type="application/ld+json")
    _add(
        lexwatch,
        "--kind",
        "eu_oeil",
        "--url",
        site.url("/oeil/en/procedure-file?reference=2024/2006(REG)"),
        "--name",
        "oeil",
    )
    _add(
        lexwatch,
        "--kind",
        "eu_ep_api",
        "--url",
        site.url("/api/v2/procedures/2024-2006"),
        "--name",
        "ep-api",
    )
    assert {r["status"] for r in _crawl(lexwatch).values()} == {"ok"}

    files = lexwatch("files", "--format", "json").json()
    assert [f["key"] for f in files] == ["EU:2024/2006(REG)"]
    data = lexwatch("file", "EU:2024/2006(REG)", "--format", "json").json()
    steps = {(s["date"], s["title"]): s["sources"] for s in data["timeline"] if not s["forecast"]}
    assert steps[("2024-04-03", "Vote in committee")] == ["oeil", "ep-api"] or steps[
        ("2024-04-03", "Vote in committee")
    ] == ["ep-api", "oeil"]
    assert sorted(steps[("2024-04-10", "Committee referral announced in Parliament")]) == [
        "ep-api",
        "oeil",
    ]
    assert steps[("2024-02-29", "Committee draft report tabled")] == ["ep-api"]
    votes = [s for s in data["timeline"] if s["date"] == "2024-04-24"]
    assert len(votes) == 2 and all(sorted(s["sources"]) == ["ep-api", "oeil"] for s in votes)
    assert not any(s["forecast"] for s in votes), "a forecast that came true is not shown twice"
    identifiers = {(i["scheme"], i["value"]) for i in data["identifiers"]}
    assert {
        ("procedure", "2024/2006(REG)"),
        ("ep_report", "A9-0163/2024"),
        ("ep_text", "T9-0315/2024"),
    } <= identifiers


def test_a_page_that_lost_its_key_events_is_broken_with_a_reason(site, lexwatch) -> None:
    site.serve(OEIL_PATH, OEIL_RSP)
    _add(lexwatch, "--kind", "eu_oeil", "--url", site.url(OEIL_PATH), "--name", "oeil")
    _crawl(lexwatch)
    soup = BeautifulSoup(OEIL_RSP, "lxml")
    soup.find("h2", string="Key events").find_parent("div", class_="oeil-spy-section").decompose()
    site.serve(OEIL_PATH, str(soup))
    assert _crawl(lexwatch)["oeil"]["status"] == "parse_error"
    row = lexwatch("status", "--format", "json").json()[0]
    assert row["health"] == "broken"
    assert "eu_oeil" in row["health_reason"] and site.url(OEIL_PATH) in row["health_reason"]
    assert "key events" in row["health_reason"]
    assert lexwatch("changes", "--format", "json").json() == []


def test_a_dutch_motion_on_the_csam_regulation_joins_the_eu_file(site, lexwatch) -> None:
    # The EU file, built here (no capture of 2022/0155(COD) exists): key, identifiers, one event.
    engine = get_engine(get_settings().db_url)
    eu_file = Record(
        kind="procedure",
        key="EU:2022/0155(COD)",
        title="Preventing and combating child sexual abuse",
        stage="Awaiting Council's 1st reading position",
        identifiers=(("com", "COM(2022) 209"), ("procedure", "2022/0155(COD)")),
        events=(
            Event(
                "2022-05-11",
                "Legislative proposal published",
                reference="COM(2022) 209",
                source="EC",
            ),
        ),
    )
    with session_scope(engine) as session:
        source = Source(
            name="oeil-csa", kind="eu_oeil", url="https://oeil.example/x", jurisdiction="EU"
        )
        session.add(source)
        session.flush()
        store_record(session, source=source, record=eu_file)

    motion = (
        FIXTURES / "nl_tweedekamer" / "motie_32317-891_Kathmann_CSAM-detectiebevel.xml"
    ).read_bytes()
    path = "/OData/v4/2.0/DocumentPublicatie(9bb5279f-1eb4-44b2-ab3d-68456f3b1766)/Resource"
    site.serve(path, motion, content_type="application/xml")
    _add(
        lexwatch,
        "--kind",
        "nl_tweedekamer",
        "--url",
        site.url(path),
        "--name",
        "tk-motie",
        "--jurisdiction",
        "NL",
    )
    assert _crawl(lexwatch)["tk-motie"]["status"] == "ok"

    data = lexwatch("file", "EU:2022/0155(COD)", "--format", "json").json()
    assert [(link["key"], link["direction"]) for link in data["links"]] == [
        ("NL:kst-32317-891", "in")
    ]
    national = [s for s in data["timeline"] if s["file"] == "NL:kst-32317-891"]
    assert (
        national and national[0]["date"] == "2024-10-09" and national[0]["sources"] == ["tk-motie"]
    )
    motion_file = lexwatch("file", "NL:kst-32317-891", "--format", "json").json()
    assert [(link["key"], link["via"]) for link in motion_file["links"]] == [
        ("EU:2022/0155(COD)", "2022/0155(COD)")
    ]


def test_the_default_watch_list_is_seeded_once(lexwatch, monkeypatch) -> None:
    monkeypatch.setenv("LEXWATCH_SEED_DEFAULTS", "true")
    get_settings.cache_clear()
    names = {s["name"] for s in lexwatch("sources", "list", "--format", "json").json()}
    for reference in ("2022/0155(COD)", "2020/0259(COD)", "2023/0452(COD)", "2024/0035(COD)"):
        assert {f"eu_ep_api:{reference}", f"eu_oeil:{reference}", f"eu_eurlex:{reference}"} <= names
    assert {
        "uk_bills:3137",
        "nl_tweedekamer:CSAM",
        "de_bundestag:COM(2022) 209",
        "us_congress:118-s-1207",
    } <= names

    assert lexwatch("sources", "remove", "uk_bills:3137").code == 0
    dispose_engines()
    get_settings.cache_clear()
    again = {s["name"] for s in lexwatch("sources", "list", "--format", "json").json()}
    assert again == names - {"uk_bills:3137"}, "a removed default stays removed after a restart"


MOTION_892 = "/OData/v4/2.0/DocumentPublicatie(0466db76-f7dd-42b7-a5f5-18ca422b7532)/Resource"


def test_a_motion_seen_before_the_eu_file_is_linked_once_the_file_arrives(site, lexwatch) -> None:
    motion = (
        FIXTURES / "nl_tweedekamer" / "motie_32317-892_VanHouwelingen_CSAM-tegen.xml"
    ).read_bytes()
    site.serve(MOTION_892, motion, content_type="application/xml")
    _add(
        lexwatch,
        "--kind",
        "nl_tweedekamer",
        "--url",
        site.url(MOTION_892),
        "--name",
        "motie",
        "--jurisdiction",
        "NL",
    )
    assert _crawl(lexwatch)["motie"]["status"] == "ok"
    stub = lexwatch("file", "EU:2022/0155(COD)", "--format", "json").json()
    # Titled from the shipped list of watched files until its own sources are read.
    assert stub["title"] == "Regulation laying down rules to prevent and combat child sexual abuse"
    assert [link["key"] for link in stub["links"]] == ["NL:kst-32317-892"]

    engine = get_engine(get_settings().db_url)
    eu_file = Record(
        kind="procedure",
        key="EU:2022/0155(COD)",
        title="Preventing and combating child sexual abuse",
        stage="Awaiting Council's 1st reading position",
        identifiers=(("procedure", "2022/0155(COD)"),),
    )
    with session_scope(engine) as session:
        source = Source(
            name="oeil-csa", kind="eu_oeil", url="https://oeil.example/x", jurisdiction="EU"
        )
        session.add(source)
        session.flush()
        store_record(session, source=source, record=eu_file)
    file = lexwatch("file", "EU:2022/0155(COD)", "--format", "json").json()
    assert file["title"] == "Preventing and combating child sexual abuse"
    assert [link["key"] for link in file["links"]] == ["NL:kst-32317-892"]
    assert (
        len([f for f in lexwatch("files", "--format", "json").json() if f["key"].startswith("EU:")])
        == 1
    )


def test_a_zaak_and_its_motion_from_two_sources_are_one_file(site, lexwatch) -> None:
    motion = (
        FIXTURES / "nl_tweedekamer" / "motie_32317-892_VanHouwelingen_CSAM-tegen.xml"
    ).read_bytes()
    zaak = (FIXTURES / "nl_tweedekamer" / "zaak_2024Z15447_expand-Document.json").read_bytes()
    site.serve(MOTION_892, motion, content_type="application/xml")
    site.serve("/zaak.json", zaak, content_type="application/json")
    _add(
        lexwatch,
        "--kind",
        "nl_tweedekamer",
        "--url",
        site.url(MOTION_892),
        "--name",
        "a-motie",
        "--jurisdiction",
        "NL",
    )
    _add(
        lexwatch,
        "--kind",
        "nl_tweedekamer",
        "--url",
        site.url("/zaak.json"),
        "--name",
        "b-zaak",
        "--jurisdiction",
        "NL",
    )
    assert {r["status"] for r in _crawl(lexwatch).values()} == {"ok"}
    national = [
        f["key"] for f in lexwatch("files", "--format", "json").json() if f["key"].startswith("NL:")
    ]
    assert national == ["NL:kst-32317-892"]
    data = lexwatch("file", "NL:kst-32317-892", "--format", "json").json()
    identifiers = {(i["scheme"], i["value"]) for i in data["identifiers"]}
    assert {("nl_zaak", "2024Z15447"), ("nl_kamerstuk", "32317-892")} <= identifiers
    assert {s for step in data["timeline"] for s in step["sources"]} == {"a-motie", "b-zaak"}
