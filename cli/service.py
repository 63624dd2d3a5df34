"""The long-running commands: `run` (the scheduler), `worker`, `serve` (the web app), `demo`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cli.database import engine
from cli.output import out, say
from vocab.settings import get_settings


def run() -> None:
    """Run the service: crawl every source on its schedule, send the weekly digests (Ctrl-C stops)."""
    from scheduler import daemon as scheduler

    engine()
    raise typer.Exit(scheduler.run(get_settings()))


def worker(
    burst: Annotated[bool, typer.Option("--burst", help="stop when the queue is empty")] = False,
) -> None:
    """Take crawl jobs from the shared queue (LEXWATCH_REDIS_URL); SIGTERM finishes the current one."""
    from pipeline import worker as crawl_worker

    engine()  # the schema is upgraded before the first job, not by every job
    raise typer.Exit(crawl_worker.work(get_settings(), burst=burst))


def demo(
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="stop after the digest; start no web app")
    ] = False,
    port: Annotated[int, typer.Option(help="port of the demo's web app", min=1, max=65535)] = 8000,
) -> None:
    """Show Lexwatch working, offline: crawl real captured pages, move files on, digest, web app."""
    from demo.run import run_demo

    with out.status("Running the demo…", spinner="dots"):
        result = run_demo(get_settings(), say, keep_replay=not no_serve)
    _demo_summary(result)
    if not no_serve:
        from demo.run import serve_demo

        serve_demo(result, port, say)


def _demo_summary(result: Any) -> None:
    changes = [r for r in result.second if r.changes]
    say(f"Changes found: {sum(r.changes for r in changes)} in {len(changes)} sources")
    say(f"Database: {result.database}")
    say(f"Outbox (a Maildir any mail client opens): {result.outbox}")
    say(f"Try: LEXWATCH_DATA_DIR={result.data_dir} lexwatch changes")


def serve(
    host: Annotated[
        str, typer.Option(help="beyond 127.0.0.1 needs LEXWATCH_SECRET_KEY")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on", min=1, max=65535)] = 8000,
) -> None:
    """Start the web app: search, file pages, feeds, the JSON API and the admin area."""
    from web.serve import serve as run_web

    run_web(get_settings(), host, port, prepare=engine)
