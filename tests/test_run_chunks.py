"""A pass bigger than one chunk (pipeline/chunks.py): every source is fetched once, recorded
once, reported in the pass's order (EU first), and a chunk whose fetch raised fails alone.
A chunk's sources are read when it begins, and only its own are alive while it fetches."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable

from sqlmodel import select

from db import repo
from db.engine import get_engine, session_scope
from db.models import CrawlRun, Source
from pipeline.chunks import CHUNK, FEWEST, PARTS, chunk_size
from pipeline.run import crawl_with
from vocab.fetch import Outcome, Plan
from vocab.settings import get_settings

PLACES = ("DE", "EU", "", "FR")  # "" and EU are recorded first


def _sources(count: int) -> list[repo.SourceKey]:
    with session_scope(get_engine(get_settings().db_url)) as session:
        sources = [
            Source(name=f"s{i:02}", kind="page", url=f"http://127.0.0.1:9/{i}", jurisdiction=j)
            for i, j in ((i, PLACES[i % len(PLACES)]) for i in range(count))
        ]
        session.add_all(sources)
        session.flush()
        return [repo.key_of(source) for source in sources]


class _Fetch:
    """Answers every plan with a 404; the chunk numbered `raising` raises instead."""

    def __init__(self, raising: int = -1) -> None:
        self.chunks: list[list[int]] = []
        self.urls: dict[int, str] = {}
        self.alive: list[int] = []  # Source rows alive while each chunk fetched
        self.raising, self.busy = raising, False

    async def __call__(self, plans: list[Plan]) -> dict[int, Outcome]:
        assert not self.busy, "two chunks fetched at the same time"
        self.busy = True
        self.chunks.append([plan.source_id for plan in plans])
        self.urls |= {plan.source_id: plan.target.url for plan in plans}
        self.alive.append(_alive_sources())
        await asyncio.sleep(0.01)
        self.busy = False
        if len(self.chunks) - 1 == self.raising:
            raise RuntimeError("the crawler broke")
        return {p.source_id: Outcome(p, errors=[f"HTTP 404 from {p.target.url}"]) for p in plans}


def _alive_sources() -> int:
    gc.collect()
    return sum(1 for thing in gc.get_objects() if isinstance(thing, Source))


def _move(source_id: int, url: str) -> None:
    with session_scope(get_engine(get_settings().db_url)) as session:
        source = session.get(Source, source_id)
        assert source is not None
        source.url = url


def _remove(source_id: int) -> None:
    with session_scope(get_engine(get_settings().db_url)) as session:
        repo.remove_source(session, source=repo.get_source(session, source_id=source_id))


def _runs() -> list[tuple[int, str, str]]:
    with session_scope(get_engine(get_settings().db_url)) as session:
        runs = session.exec(select(CrawlRun)).all()
        return [(run.source_id, run.status, run.error) for run in runs]


def _pass(sources: list[repo.SourceKey], fetch: _Fetch, chunk: int | None) -> list:
    engine, settings = get_engine(get_settings().db_url), get_settings()
    sized = {} if chunk is None else {"chunk": chunk}  # None: the pass's own size
    return asyncio.run(crawl_with(engine, settings, sources, fetch, **sized))


def test_a_pass_of_many_chunks_records_every_source_once_in_order(home) -> None:
    sources = _sources(11)
    fetch = _Fetch()

    reports = _pass(sources, fetch, chunk=3)

    expected = sorted(sources, key=lambda s: (s.jurisdiction not in ("", "EU"), s.name))
    assert [r.source for r in reports] == [s.name for s in expected]
    assert [len(ids) for ids in fetch.chunks] == [3, 3, 3, 2]
    assert sorted(i for ids in fetch.chunks for i in ids) == sorted(s.id for s in sources)
    runs = _runs()
    assert sorted(source_id for source_id, _, _ in runs) == sorted(s.id for s in sources)
    assert {status for _, status, _ in runs} == {"error"}


def test_a_chunk_whose_fetch_raised_fails_alone(home) -> None:
    sources = _sources(7)

    reports = _pass(sources, _Fetch(raising=1), chunk=3)

    assert len(reports) == 7 and len(_runs()) == 7
    broke = [r for r in reports if "the crawler broke" in r.error]
    assert len(broke) == 3 and all(r.status == "error" for r in broke)
    assert all("HTTP 404" in r.error for r in reports if r not in broke)


class _Changing(_Fetch):
    """While the first chunk fetches (the last has not begun), `change` is done to a source."""

    def __init__(self, change: Callable[[], None]) -> None:
        super().__init__()
        self.change = change

    async def __call__(self, plans: list[Plan]) -> dict[int, Outcome]:
        if not self.chunks:
            self.change()
        return await super().__call__(plans)


def _last(sources: list[repo.SourceKey]) -> repo.SourceKey:
    return sorted(sources, key=lambda s: (s.jurisdiction not in ("", "EU"), s.name))[-1]


def test_a_chunk_reads_its_sources_when_it_begins(home) -> None:
    sources = _sources(9)
    last = _last(sources)
    fetch = _Changing(lambda: _move(last.id, "http://127.0.0.1:9/moved"))

    _pass(sources, fetch, chunk=3)

    assert fetch.urls[last.id] == "http://127.0.0.1:9/moved"


def test_a_source_removed_before_its_chunk_begins_is_left_out(home) -> None:
    sources = _sources(9)
    last = _last(sources)

    reports = _pass(sources, _Changing(lambda: _remove(last.id)), chunk=3)

    assert sorted(r.source for r in reports) == sorted(s.name for s in sources if s != last)


def test_a_pass_keeps_no_source_rows_while_it_fetches(home) -> None:
    fetch = _Fetch()

    _pass(_sources(12), fetch, chunk=3)

    assert fetch.alive == [0, 0, 0, 0]


def test_a_small_pass_is_cut_in_parts_so_fetching_and_recording_overlap(home) -> None:
    """A worker's job of 200 sources was one chunk: all fetched, then all recorded."""
    fetch = _Fetch()

    reports = _pass(_sources(FEWEST * 2 + 3), fetch, chunk=None)

    assert [len(ids) for ids in fetch.chunks] == [FEWEST, FEWEST, 3]
    assert len(reports) == FEWEST * 2 + 3


def test_chunk_sizes() -> None:
    assert chunk_size(1) == chunk_size(FEWEST * PARTS) == FEWEST  # never tiny chunks
    assert chunk_size(200) == 50 and chunk_size(400) == 100  # the workers bench's jobs: 4 parts
    assert chunk_size(CHUNK * PARTS) == chunk_size(10_000) == CHUNK  # a big pass: CHUNK each
    assert chunk_size(10, most=3) == 3
