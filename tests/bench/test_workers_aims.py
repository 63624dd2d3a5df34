"""The workers benchmark's aims judged from rows, and its site's second host (bench/workers*.py)."""

from __future__ import annotations

from urllib.parse import urlsplit
from urllib.request import urlopen

from bench.site import Site
from bench.workers_aims import judge


def row(workers: int, name: str, pages_per_s: float, hosts: int = 1) -> dict:
    mode = "queue" if workers else "one process, no queue"
    return {
        "mode": mode,
        "hosts": hosts,
        "workers": workers,
        "pass": name,
        "pages_per_s": pages_per_s,
        "cpu_ms_per_page": 2.0,
        "max_in_flight_per_host": 1,
    }


def rows_of(one_host: float, two_hosts: float) -> list[dict]:
    """Two workers' 304 pass: `one_host` and `two_hosts` times one worker's 100 pages/s."""
    rows = [row(0, name, 100.0) for name in ("first", "again")]
    for hosts, factor in ((1, one_host), (2, two_hosts)):
        rows += [row(1, name, 100.0, hosts) for name in ("first", "again")]
        rows += [row(2, "first", 180.0, hosts), row(2, "again", 100.0 * factor, hosts)]
    return rows


def test_scaling_is_judged_for_each_count_of_hosts_on_its_own_rows():
    aims = {a["aim"]: a for a in judge(rows_of(1.0, 1.7), limit=10)}
    one = aims["2 workers >= 1.6x one worker's pages/s (again pass, one host)"]
    two = aims["2 workers >= 1.6x one worker's pages/s (again pass, pages on 2 hosts)"]
    assert (one["lexwatch"], one["peer"], one["met"]) == (100.0, 100.0, False)
    assert (two["lexwatch"], two["peer"], two["met"]) == (170.0, 100.0, True)


def test_rows_without_hosts_are_one_host():
    rows = [{k: v for k, v in r.items() if k != "hosts"} for r in rows_of(1.7, 1.0)[:6]]
    names = [a["aim"] for a in judge(rows, limit=10)]
    assert "2 workers >= 1.6x one worker's pages/s (again pass, one host)" in names
    assert not [n for n in names if "2 hosts" in n]


def test_the_site_puts_every_other_page_on_a_second_host_name_of_the_same_server():
    site = Site(4, seed=7)
    try:
        one, two = site.urls(), site.urls(2)
        assert {urlsplit(u).hostname for u in one.values()} == {"127.0.0.1"}
        assert sorted(urlsplit(u).hostname for u in two.values()) == [
            "127.0.0.1",
            "127.0.0.1",
            "localhost",
            "localhost",
        ]
        assert {urlsplit(u).path for u in one.values()} == {urlsplit(u).path for u in two.values()}
        assert {urlsplit(u).port for u in two.values()} == {site.server.server_port}
        for url in two.values():  # both names answer, with the same page
            with (
                urlopen(url, timeout=10) as answer,
                urlopen(one[_name(two, url)], timeout=10) as same,
            ):
                assert answer.status == 200 and answer.read() == same.read()
    finally:
        site.close()


def _name(urls: dict[str, str], url: str) -> str:
    return next(name for name, there in urls.items() if there == url)
