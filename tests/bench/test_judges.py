"""The soak's and the growth table's aims, judged from rows (bench/soak.py, bench/growth.py)."""

from __future__ import annotations

from bench import growth, soak


def soak_row(cycles: int, peak: float, growth_mb: float) -> dict:
    return {"cycles": cycles, "rss_peak_mb": peak, "growth_last_passes_mb": growth_mb}


def test_soak_of_500_passes_meets_both_memory_aims_when_low_and_flat():
    aims = soak.judge(soak_row(500, 140.0, 4.0))
    assert [(a["lexwatch"], a["met"]) for a in aims] == [(140.0, True), (4.0, True)]


def test_soak_over_the_limits_meets_neither():
    aims = soak.judge(soak_row(500, 151.0, 10.5))
    assert [a["met"] for a in aims] == [False, False]


def test_a_soak_of_fewer_passes_says_so_and_is_not_met():
    aims = soak.judge(soak_row(100, 120.0, 1.0))
    assert aims[0]["lexwatch"] == "120.0 MB (run at 100 passes)"
    assert aims[1]["lexwatch"] == "1.0 MB over the last 80 passes (run at 100 passes)"
    assert [a["met"] for a in aims] == [False, False]


def test_the_last_80_percent_of_passes_start_after_pass_100_of_500():
    assert soak.settled_at(500) == 100
    assert soak.settled_at(3) == 1


def cell(sources: int, versions: int, peak: float = 140.0) -> dict:
    return {"sources": sources, "versions": versions, "peak_crawl_mb": peak, "search_p95_ms": 9}


def test_growth_with_every_cell_and_low_memory_meets_both_aims():
    rows = [cell(s, v) for s in (100, 1000, 10000) for v in (10, 100)]
    assert [a["met"] for a in growth.judge(rows)] == [True, True]
    assert growth.judge(rows)[0]["lexwatch"] == "6 of 6 cells"


def test_a_cut_history_leaves_its_cell_missing():
    rows = [cell(s, v) for s in (100, 1000, 10000) for v in (10, 100)][:-1]
    rows.append({"sources": 10000, "versions": 100, "peak_crawl_mb": 140.0, "cut": "cut: …"})
    complete = growth.judge(rows)[0]
    assert complete["lexwatch"] == "5 of 6 cells (missing: 10,000 x 100)"
    assert complete["met"] is False


def test_growth_memory_is_judged_at_the_largest_size_only_when_it_ran():
    small = growth.judge([cell(100, 10), cell(1000, 10, peak=120.0)])[1]
    assert small["lexwatch"] == "120.0 MB (run at 1,000 sources)"
    assert small["met"] is False
    large = growth.judge([cell(10000, 10, peak=151.0)])[1]
    assert (large["lexwatch"], large["met"]) == (151.0, False)


def test_a_size_whose_process_failed_has_no_figures():
    assert growth.judge([{"sources": 100, "failed": "exit code 1"}])[1]["lexwatch"] == (
        "not measured"
    )
