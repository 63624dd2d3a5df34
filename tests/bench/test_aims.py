"""The table of the aims of issue 17 (bench/aims.py, bench/run.py), built from result dicts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bench.aims import EXPECTED, aims_table, expected_for
from bench.run import fresh, report


def result(name: str, aims: list[dict], **extra) -> dict:
    return {
        "name": name,
        "measured_at": "2026-12-03T10:00:00+00:00",
        "machine": {"cpu": "x", "cores": 2, "memory": "1 kB", "python": "3.11", "system": "L"},
        "rows": [{"case": "one", "ms": 1.5}],
        "aims": aims,
        **extra,
    }


SEARCH = result(
    "search",
    [
        {"aim": "p95 <= 50 ms", "lexwatch": 42.0, "peer": None, "met": True},
        {"aim": "PostgreSQL p95 reported", "lexwatch": 80.0, "peer": None, "met": True},
    ],
)
CHANGE = result(
    "change_detection",
    [{"aim": "pages/s >= 2x urlwatch", "lexwatch": 150.0, "urlwatch": 120.0, "met": False}],
)


def test_each_aim_is_a_row_with_its_peer_and_met_or_not_met():
    rows = aims_table([SEARCH, CHANGE], {"search": 2, "change_detection": 1})
    assert [r["benchmark"] for r in rows] == ["search", "search", "change_detection"]
    assert rows[0] == {
        "benchmark": "search",
        "aim": "p95 <= 50 ms",
        "lexwatch": 42.0,
        "peer": None,
        "met": "met",
    }
    assert rows[2]["peer"] == 120.0  # an older result names its peer `urlwatch`
    assert rows[2]["met"] == "NOT MET"


def test_peer_is_preferred_to_urlwatch():
    both = result("x", [{"aim": "a", "lexwatch": 1, "peer": 2, "urlwatch": 3, "met": True}])
    assert aims_table([both], {})[0]["peer"] == 2


def test_a_missing_result_is_every_expected_aim_not_met():
    rows = aims_table([SEARCH], {"search": 2, "workers": 3})
    workers = [r for r in rows if r["benchmark"] == "workers"]
    assert [r["aim"] for r in workers] == ["aim 1 of 3", "aim 2 of 3", "aim 3 of 3"]
    assert {(r["lexwatch"], r["met"]) for r in workers} == {("benchmark failed", "NOT MET")}


def test_a_failed_run_counts_as_failed_even_with_a_result_on_disk():
    rows = aims_table([SEARCH], {"search": 2}, failed={"search"})
    assert [(r["lexwatch"], r["met"]) for r in rows] == [("benchmark failed", "NOT MET")] * 2


def test_a_result_short_of_aims_gets_a_not_met_row_for_each_left_out():
    rows = aims_table([CHANGE], {"change_detection": 3})
    assert [r["aim"] for r in rows[1:]] == ["aim 2 of 3", "aim 3 of 3"]
    assert all(r["met"] == "NOT MET" for r in rows[1:])


def test_aims_of_a_benchmark_not_expected_are_shown_too():
    assert [r["benchmark"] for r in aims_table([SEARCH], {})] == ["search", "search"]


def test_the_aims_expected_follow_the_benchmarks_named():
    assert expected_for(None) == EXPECTED
    assert expected_for(["search", "digests"]) == {"search": EXPECTED["search"]}


def test_the_report_starts_with_the_aims_then_the_combined_table():
    text = report([SEARCH], expected={"search": 2, "soak": 2})
    assert text.startswith("Aims of issue 17:")
    assert text.index("p95 <= 50 ms") < text.index("benchmark  case")
    assert "benchmark failed" in text  # the soak's two aims


def test_the_markdown_report_has_both_tables_as_markdown():
    text = report([SEARCH], markdown=True, expected={"search": 2})
    assert "### Aims of issue 17" in text
    assert "| search | p95 <= 50 ms | 42 |  | met |" in text
    assert "| benchmark | case | measurements |" in text


def test_a_result_may_carry_its_own_table():
    growth = result("growth", [], own_table="How cost grows")
    assert "How cost grows:\n\ncase   ms\n" in report([growth])


def test_after_a_run_old_or_failed_results_of_the_benchmarks_run_are_dropped():
    started = datetime(2026, 12, 3, 9, tzinfo=UTC)
    runs = [{"benchmark": "search", "ok": True}, {"benchmark": "change_detection", "ok": False}]
    kept = fresh([SEARCH, CHANGE, result("digests", [])], runs, started)
    assert [r["name"] for r in kept] == ["search", "digests"]  # digests did not run now
    assert fresh([SEARCH], runs, started + timedelta(hours=2)) == []  # older than the run


def test_a_figure_only_to_report_is_reported_not_judged():
    reported = result("search", [{"aim": "PostgreSQL p95", "lexwatch": 80.0, "met": None}])
    assert aims_table([reported], {"search": 1})[0]["met"] == "reported"
