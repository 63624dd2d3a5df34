"""`lexwatch crawl` ends with a summary line, and its exit status says whether a source failed."""

from __future__ import annotations

import pytest

from pipeline.run import Report, outcome, summarise

PAGE = "<html><body><h2>Status</h2><p>Committee vote</p></body></html>"


def _report(status: str, changes: int = 0) -> Report:
    return Report(f"s-{status}", status, 1, 0, changes, 0, "", 0.1)


@pytest.mark.parametrize(
    ("status", "changes", "expected"),
    [
        ("changed", 2, "changed"),
        ("ok", 0, "unchanged"),  # a first version: nothing to compare with
        ("unchanged", 0, "unchanged"),
        ("not_modified", 0, "unchanged"),
        ("skipped", 0, "skipped"),
        ("error", 0, "failed"),
        ("parse_error", 0, "failed"),
        ("failed", 0, "failed"),
        ("broken", 0, "failed"),
        ("a-status-nobody-knows-yet", 0, "failed"),
    ],
)
def test_each_status_counts_as_one_outcome(status: str, changes: int, expected: str) -> None:
    assert outcome(_report(status, changes)) == expected


def test_the_summary_counts_every_source_once() -> None:
    reports = [_report("changed", 1)] * 5 + [_report("error")] * 20 + [_report("broken")] * 2
    assert (
        summarise(reports) == "27 sources: 5 changed, 0 unchanged, 22 failed — see lexwatch status"
    )
    quiet = [_report("not_modified"), _report("ok"), _report("skipped")]
    assert (
        summarise(quiet)
        == "3 sources: 0 changed, 2 unchanged, 1 skipped, 0 failed — see lexwatch status"
    )
    assert summarise([_report("unchanged")]) == "1 source: 0 changed, 1 unchanged, 0 failed"


def test_crawl_prints_the_summary_and_exits_1_when_a_source_failed(site, lexwatch) -> None:
    site.serve("/ok.html", PAGE)
    for name, path in (("good", "/ok.html"), ("gone", "/missing.html")):
        added = lexwatch(
            "sources", "add", "--kind", "page", "--url", site.url(path), "--name", name
        )
        assert added.code == 0, added.err
    result = lexwatch("crawl")
    assert result.code == 1
    lines = result.out.strip().splitlines()
    assert lines[-1] == "2 sources: 0 changed, 1 unchanged, 1 failed — see lexwatch status"
    assert any(line.startswith("gone: error") and "404" in line for line in lines)

    as_json = lexwatch("crawl", "--format", "json")
    assert as_json.code == 1
    assert {r["source"]: r["status"] for r in as_json.json()} == {
        "good": "not_modified",
        "gone": "error",
    }

    assert lexwatch("sources", "remove", "gone").code == 0
    assert lexwatch("crawl").code == 0
