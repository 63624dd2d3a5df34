"""Where log lines go and how they look: the file rolls over at its size, the terminal gets one line.

Real handlers on real files in a temporary folder; each check reads what was written.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from vocab import logs


def _record(message: str, exc: BaseException | None = None) -> logging.LogRecord:
    info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord("lexwatch.test", logging.INFO, __file__, 1, message, (), info)


@pytest.fixture()
def handler(tmp_path: Path):
    made = logs._file_handler(tmp_path / "lexwatch.log")
    made.maxBytes = 2_000
    yield made
    made.close()


def test_the_file_rolls_over_once_it_has_reached_its_size(handler, tmp_path) -> None:
    for n in range(100):
        handler.emit(_record(f"line {n:02d} " + "x" * 60))
    kept = [tmp_path / "lexwatch.log", *(tmp_path / f"lexwatch.log.{n}" for n in (1, 2, 3))]
    assert all(path.exists() for path in kept)
    assert all(
        path.stat().st_size < 2_000 + 120 for path in kept
    )  # its size, one line over at most
    assert "line 99" in kept[0].read_text(encoding="utf-8")  # the newest line in the live file
    assert not (tmp_path / "lexwatch.log.4").exists()  # three backups, as configured


def test_each_line_is_formatted_once(handler, monkeypatch) -> None:
    seen: list[str] = []
    real = logs.redact

    def counting(text: str, *args) -> str:
        seen.append(text)
        return real(text, *args)

    monkeypatch.setattr(logs, "redact", counting)
    handler.emit(_record("one line"))
    assert len(seen) == 1


def test_a_file_that_is_not_a_regular_one_is_never_rolled_over(tmp_path) -> None:
    made = logs._Rotating(Path("/dev/null"), maxBytes=1)
    try:
        made.emit(_record("into the void " * 10))
        assert not made.shouldRollover(_record("again"))
    finally:
        made.close()


def test_the_terminal_line_names_the_error_and_points_to_the_file() -> None:
    try:
        raise ValueError("bad input")
    except ValueError as exc:
        line = logs.OneLine().format(_record("the crawl failed", exc))
    assert line.endswith("the crawl failed (ValueError: bad input; traceback in lexwatch.log)")
    assert "\n" not in line
    plain = logs.OneLine().format(_record("fetched https://x.org/?api_key=abcdef123"))
    assert plain.endswith("fetched https://x.org/?api_key=REDACTED")


def test_a_line_for_the_file_and_the_terminal_is_made_once_and_the_same(
    handler, tmp_path, monkeypatch
):
    """Both handlers show a plain line alike: it is formatted and redacted once, for both."""
    seen: list[str] = []
    real = logs.redact
    monkeypatch.setattr(logs, "redact", lambda text, *args: seen.append(text) or real(text, *args))
    record = _record("fetched https://x.org/?api_key=abcdef123")
    handler.emit(record)
    terminal = logs.OneLine().format(record)
    assert len(seen) == 1
    written = (tmp_path / "lexwatch.log").read_text(encoding="utf-8").strip()
    assert written == terminal and terminal.endswith("fetched https://x.org/?api_key=REDACTED")


def test_a_failure_keeps_its_traceback_in_the_file_and_one_line_on_the_terminal(handler, tmp_path):
    try:
        raise ValueError("https://x.org/?token=abcdef123 refused")
    except ValueError as exc:
        record = _record("the crawl failed", exc)
    terminal = logs.OneLine().format(record)
    handler.emit(record)
    written = (tmp_path / "lexwatch.log").read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in written and "token=REDACTED" in written
    assert "\n" not in terminal and "?token=REDACTED refused; traceback in lexwatch.log" in terminal
