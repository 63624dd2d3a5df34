"""End to end: a page, a feed and a JSON answer served on 127.0.0.1, edited by hand between crawls."""

from __future__ import annotations

import json

from tests.helpers import crawl_exit_status

PAGE = """<html><head><title>Procedure 2022/0155(COD)</title></head><body>
<nav>Home | Search</nav>
<div id="main">
  <h2>Status</h2><p>Awaiting committee decision</p>
  <h2>Key events</h2>
  <p>2022-05-11 Legislative proposal published</p>
  {extra}
  <h2>Documents</h2><p>COM(2022) 209</p>
</div>
<p class="stamp">Page generated {stamp}</p>
</body></html>"""

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Council press</title><link>http://example.org/</link>
<description>Press releases</description>
{items}
</channel></rss>"""
ITEM = "<item><guid>{guid}</guid><title>{title}</title><link>http://example.org/{guid}</link><pubDate>{date}</pubDate><description>{title}.</description></item>"

API = {
    "data": {"reference": "2022/0155(COD)", "status": "draft", "rapporteur": "Zarzalejos"},
    "meta": {"hits": 1},
}


def _feed(*items: tuple[str, str, str]) -> str:
    return FEED.format(items="".join(ITEM.format(guid=g, title=t, date=d) for g, t, d in items))


FIRST = ("st-1", "Council agrees position on X", "Mon, 02 Oct 2023 10:00:00 GMT")
SECOND = ("st-2", "Council adopts general approach on CSA", "Tue, 10 Oct 2023 10:00:00 GMT")


def _serve_start(site) -> None:
    site.serve("/file.html", PAGE.format(extra="", stamp="10:00:01"))
    site.serve("/feed.xml", _feed(FIRST), content_type="application/rss+xml")
    site.serve("/api.json", json.dumps(API), content_type="application/json")


def _add_three(site, lexwatch) -> None:
    for args in (
        [
            "--kind",
            "page",
            "--url",
            site.url("/file.html"),
            "--name",
            "oeil-page",
            "--param",
            "selector=#main",
        ],
        ["--kind", "feed", "--url", site.url("/feed.xml"), "--name", "council-feed"],
        [
            "--kind",
            "json",
            "--url",
            site.url("/api.json"),
            "--name",
            "ep-api",
            "--param",
            "path=data",
        ],
    ):
        result = lexwatch("sources", "add", *args, "--jurisdiction", "EU", "--every", "6h")
        assert result.code == 0, result.err


def _crawl(lexwatch) -> dict[str, dict]:
    result = lexwatch("crawl", "--format", "json")
    assert result.code == crawl_exit_status(result.json()), result.err  # 1 when a source failed
    return {report["source"]: report for report in result.json()}


def _changes(lexwatch) -> list[dict]:
    result = lexwatch("changes", "--format", "json")
    assert result.code == 0, result.err
    return result.json()


def test_each_edit_becomes_exactly_one_explained_change(site, lexwatch) -> None:
    _serve_start(site)
    _add_three(site, lexwatch)
    first = _crawl(lexwatch)
    assert {r["status"] for r in first.values()} == {"ok"}
    assert _changes(lexwatch) == []

    site.serve(
        "/file.html",
        PAGE.format(extra="<p>2023-11-13 Vote in committee, 1st reading</p>", stamp="10:05:09"),
    )
    site.serve("/feed.xml", _feed(SECOND, FIRST), content_type="application/rss+xml")
    edited = json.loads(json.dumps(API))
    edited["data"]["status"] = "adopted"
    site.serve("/api.json", json.dumps(edited), content_type="application/json")
    second = _crawl(lexwatch)
    assert {name: r["changes"] for name, r in second.items()} == {
        "oeil-page": 1,
        "council-feed": 1,
        "ep-api": 1,
    }

    by_source = {c["source"]: c for c in _changes(lexwatch)}
    assert len(_changes(lexwatch)) == 3
    page = by_source["oeil-page"]
    assert (page["kind"], page["significance"]) == ("text_amended", "notable")
    assert page["summary"] == "1 paragraph added under 'Key events'"
    assert page["diff"] == "@@ Key events\n+ 2023-11-13 Vote in committee, 1st reading"
    assert page["dossier"] == "EU:2022/0155(COD)" or page["dossier"].startswith("SRC:")
    feed = by_source["council-feed"]
    assert (feed["kind"], feed["summary"]) == (
        "item_published",
        "New item: 'Council adopts general approach on CSA'",
    )
    assert feed["diff"].startswith("+ Council adopts general approach on CSA")
    api = by_source["ep-api"]
    assert (api["kind"], api["summary"]) == ("fields_changed", "1 field changed: status")
    assert api["diff"] == "~ status: draft → adopted"
    for change in by_source.values():
        assert set(change) >= {
            "id",
            "source",
            "dossier",
            "kind",
            "significance",
            "summary",
            "detected_at",
            "diff",
        }

    requests_before = len(site.requests)
    third = _crawl(lexwatch)
    assert {r["status"] for r in third.values()} == {"not_modified"}
    assert all(r["unchanged"] == 1 and r["changes"] == 0 for r in third.values())
    assert len(_changes(lexwatch)) == 3
    third_requests = site.requests[requests_before:]
    for path in ("/file.html", "/feed.xml", "/api.json"):
        headers = [h for p, h in third_requests if p == path]
        assert headers and ("if-none-match" in headers[0] or "if-modified-since" in headers[0])


def test_a_new_clock_time_on_the_page_is_no_change(site, lexwatch) -> None:
    site.serve("/file.html", PAGE.format(extra="", stamp="10:00:01"))
    assert (
        lexwatch(
            "sources", "add", "--kind", "page", "--url", site.url("/file.html"), "--name", "p"
        ).code
        == 0
    )
    _crawl(lexwatch)
    site.serve("/file.html", PAGE.format(extra="", stamp="11:42:17"))
    report = _crawl(lexwatch)["p"]
    assert (report["status"], report["changes"], report["unchanged"]) == ("unchanged", 0, 0)


def test_a_lost_selector_marks_the_source_broken_not_deleted(site, lexwatch) -> None:
    site.serve("/file.html", PAGE.format(extra="", stamp="1"))
    lexwatch(
        "sources",
        "add",
        "--kind",
        "page",
        "--url",
        site.url("/file.html"),
        "--name",
        "p",
        "--param",
        "selector=#main",
    )
    _crawl(lexwatch)

    site.serve("/file.html", "<html><body><div id='other'>Maintenance</div></body></html>")
    report = _crawl(lexwatch)["p"]
    assert report["status"] == "parse_error" and report["changes"] == 0
    status = {row["name"]: row for row in lexwatch("status", "--format", "json").json()}["p"]
    assert status["health"] == "broken"
    assert "selector '#main' matched nothing" in status["health_reason"]
    assert _changes(lexwatch) == []

    site.serve("/file.html", PAGE.format(extra="", stamp="2"))
    report = _crawl(lexwatch)["p"]
    assert report["status"] == "unchanged" and report["changes"] == 0
    status = {row["name"]: row for row in lexwatch("status", "--format", "json").json()}["p"]
    assert (status["health"], status["health_reason"]) == ("ok", "")
    assert _changes(lexwatch) == []


def test_sources_test_fetches_and_parses_once_and_saves_nothing(site, lexwatch) -> None:
    site.serve("/file.html", PAGE.format(extra="", stamp="1"))
    result = lexwatch(
        "sources",
        "test",
        "--kind",
        "page",
        "--url",
        site.url("/file.html"),
        "--param",
        "selector=#main",
    )
    assert result.code == 0, result.err
    record = json.loads(result.out)
    assert record["title"] == "Procedure 2022/0155(COD)"
    assert "## Key events" in record["text"] and "Home | Search" not in record["text"]
    assert lexwatch("sources", "list", "--format", "json").json() == []
    assert lexwatch("changes", "--format", "json").json() == []
    missing = lexwatch("sources", "test", "--kind", "page", "--url", site.url("/gone.html"))
    assert missing.code == 2 and "HTTP 404" in missing.err


def test_one_broken_site_never_stops_the_others(site, lexwatch) -> None:
    site.serve("/good.html", PAGE.format(extra="", stamp="1"))
    site.serve("/slow.html", PAGE.format(extra="", stamp="1"), delay=5)
    site.serve("/err.html", "oops", status=500)
    for name in ("good", "slow", "err"):
        assert (
            lexwatch(
                "sources",
                "add",
                "--kind",
                "page",
                "--url",
                site.url(f"/{name}.html"),
                "--name",
                name,
            ).code
            == 0
        )
    reports = _crawl(lexwatch)
    assert reports["good"]["status"] == "ok"
    assert (
        reports["slow"]["status"] == "error" and "no answer within 2 s" in reports["slow"]["error"]
    )
    assert reports["err"]["status"] == "error" and "HTTP 500" in reports["err"]["error"]
