"""Digests: compose and deliver a week's digest to 1,000 subscribers, each told of 200 changes.

The changes are made by the monitor itself (pipeline.store.store_record over two
versions of 40 files, five changes each: a stage, two events, a document, a
text edit), all relevant to the seeded csa-regulation watch that every
subscriber follows. The digests go through digests.send.send_due, the function
the scheduler calls, to a local aiosmtpd server running in a process of its own
(so that its parsing does not share this process's interpreter lock). Reported:
wall time and messages per second for the whole run (read and match once, then
per subscriber: claim, compose, send, record), the compose time alone (for the
first reader of a set of changes, and for the next ones, who reuse its rendered
body), the size of a message, and that a second run for the period sends nothing.

    make bench-digests                 # BENCH_SUBSCRIBERS=100 for a quick run
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import write_result

SUBSCRIBERS = int(os.environ.get("BENCH_SUBSCRIBERS", "1000"))
FILES = 40  # x 5 changes each = 200 changes
NOW = datetime(2025, 10, 13, 7, 30, tzinfo=UTC)  # Monday 09:30 in Brussels
IN_WEEK = datetime(2025, 10, 8, 10, 0, tzinfo=UTC)
SUBSCRIBED = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)


def serve(stats: str) -> None:
    """The SMTP server process: count messages and bytes, write them to `stats` on SIGTERM."""
    from aiosmtpd.controller import Controller

    counts = {"messages": 0, "bytes": 0}

    class Count:
        async def handle_DATA(self, server, session, envelope) -> str:
            counts["messages"] += 1
            counts["bytes"] += len(envelope.content)
            return "250 OK"

    class Free(Controller):  # port 0, then the real port
        def _trigger_server(self) -> None:
            self.port = self.server.sockets[0].getsockname()[1]
            super()._trigger_server()

    controller = Free(Count(), hostname="127.0.0.1", port=0, server_hostname="localhost")
    controller.start()
    print(controller.port, flush=True)
    signal.sigwait({signal.SIGTERM})
    controller.stop()
    Path(stats).write_text(json.dumps(counts), encoding="utf-8")


def _start_server(folder: Path) -> tuple[subprocess.Popen, int, Path]:
    stats = folder / "smtp-stats.json"
    code = f"import signal; signal.pthread_sigmask(signal.SIG_BLOCK, {{signal.SIGTERM}}); from bench.digests import serve; serve({str(stats)!r})"
    server = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    port = int(server.stdout.readline())
    return server, port, stats


def _stop_server(server: subprocess.Popen, stats: Path) -> dict:
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)
    return json.loads(stats.read_text(encoding="utf-8"))


def _prepare(folder: Path, port: int) -> None:
    os.environ |= {
        "LEXWATCH_DATA_DIR": str(folder / "data"),
        "LEXWATCH_SEED_DEFAULTS": "false",
        "LEXWATCH_SMTP_URL": f"smtp://127.0.0.1:{port}",
        "LEXWATCH_BASE_URL": "https://lexwatch.example.org",
        "LEXWATCH_TIMEZONE": "Europe/Brussels",
    }
    os.environ.pop("LEXWATCH_DATABASE_URL", None)


def _records(n: int):
    from vocab.records import Document, Event, Record

    first = Record(
        kind="procedure",
        key=f"EU:2025/{n + 1:04d}(COD)",
        title=f"File {n}: measures against child sexual abuse online, part {n}",
        stage="Awaiting committee decision",
        url=f"https://oeil.example.org/file-{n}",
        identifiers=(("procedure", f"2025/{n + 1:04d}(COD)"),),
        events=(Event("2025-05-11", "Legislative proposal published"),),
        text="\n".join(
            f"Article {i}: providers shall assess the risk of use {i}." for i in range(30)
        ),
    )
    second = replace(
        first,
        stage="Awaiting Parliament's position in 1st reading",
        events=(
            *first.events,
            Event("2025-10-06", "Vote in committee"),
            Event("2025-10-07", "Committee report tabled for plenary"),
        ),
        documents=(
            Document(
                f"Report on file {n}",
                f"A10-{n:04d}/2025",
                "2025-10-07",
                f"https://www.europarl.europa.eu/doceo/A10-{n:04d}_EN.html",
            ),
        ),
        text=first.text.replace("use 7.", "use 7, and report it to the EU Centre."),
    )
    return first, second


def _build(engine) -> int:
    from db import repo
    from db.engine import session_scope
    from db.models import Source
    from digests import watches
    from pipeline.store import store_record

    with session_scope(engine) as session:
        watches.seed(session)
        for n in range(FILES):
            source = repo.add_source(
                session,
                source=Source(
                    name=f"oeil-{n}",
                    kind="eu_oeil",
                    url=f"https://oeil.example.org/file-{n}",
                    jurisdiction="EU",
                ),
            )
            for record in _records(n):
                store_record(session, source=source, record=record)
        found = repo.changes(session)
        for change, _name, _key in found:
            change.detected_at = IN_WEEK
        csa = [repo.find_watch(session, name="csa-regulation")]
        for i in range(SUBSCRIBERS):
            person, _ = repo.upsert_subscriber(
                session, email=f"reader{i:04d}@example.org", name=f"Reader {i}"
            )
            person.subscribed_at = SUBSCRIBED  # before the week, or that week is not theirs
            repo.subscribe(session, subscriber=person, watches=csa)
    return len(found)


def _compose_times(engine, settings, repeat: int = 20) -> tuple[float, float, int]:
    """Milliseconds to compose one digest (pure, the data already read): the first reader of a
    set of changes (the shared body is rendered), then any other (it is reused); and its changes."""
    from db import repo
    from db.engine import session_scope
    from digests import compose, send

    with session_scope(engine) as session:
        someone = repo.find_subscriber(session, email="reader0000@example.org")
        start, end = send.period_for(NOW, settings.timezone)
        run = send._Run(engine, settings, NOW, start, end, send.DELIVERY, time.sleep)
        material = send._gather(session, run, {start})
        reader = send._reader(session, someone, repo.unsubscribe_key(session))
        due = send._Due(someone.id, reader, start, someone.language)
        data = send._input(settings, material, due, end)
    cold = _timed(lambda: (compose.body_of.cache_clear(), compose.compose(data, now=NOW)), repeat)
    warm = _timed(lambda: compose.compose(data, now=NOW), repeat)
    return cold, warm, len(data.changes)


def _timed(work, repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        work()
    return (time.perf_counter() - started) * 1000 / repeat


def main() -> dict:
    """Run the benchmark and write bench/results/digests.json."""
    with tempfile.TemporaryDirectory(prefix="lexwatch-bench-digests-") as name:
        folder = Path(name)
        server, port, stats = _start_server(folder)
        try:
            row = _measure(folder, port)
        finally:
            counts = _stop_server(server, stats)
    row |= {
        "smtp_messages_received": counts["messages"],
        "message_kb": round(counts["bytes"] / max(1, counts["messages"]) / 1024, 1),
    }
    write_result("digests", [row])
    sys.stderr.write(json.dumps(row, indent=2) + "\n")
    return row


def _measure(folder: Path, port: int) -> dict:
    from db.engine import get_engine
    from digests.send import Delivery, send_due
    from vocab.settings import get_settings

    _prepare(folder, port)
    get_settings.cache_clear()
    settings = get_settings()
    engine = get_engine(settings.db_url)
    changes = _build(engine)
    cold_ms, warm_ms, per_digest = _compose_times(engine, settings)
    started = time.perf_counter()
    results = send_due(engine, settings, NOW, delivery=Delivery(delays=(1.0, 5.0)))
    seconds = time.perf_counter() - started
    again = send_due(engine, settings, NOW + timedelta(hours=1))
    sent = sum(r.status == "sent" for r in results)
    return {
        "subscribers": SUBSCRIBERS,
        "changes": changes,
        "changes_per_digest": per_digest,
        "sent": sent,
        "seconds": round(seconds, 2),
        "messages_per_s": round(sent / seconds, 1),
        "compose_ms_first_reader": round(cold_ms, 1),
        "compose_ms_next_readers": round(warm_ms, 2),
        "second_run_sent": len(again),
    }


if __name__ == "__main__":
    main()
