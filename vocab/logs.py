"""Where Lexwatch's log lines go: the log file always, the terminal only for the services.

Tracebacks belong in `<data dir>/lexwatch.log`; the terminal of `lexwatch crawl`
shows the command's own output only, and `lexwatch run` / `lexwatch worker` show
one line per event (a traceback there is cut to its first line, with a pointer to
the file).
"""

from __future__ import annotations

import logging
import os
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from vocab.redact import redact

FORMAT = "%(asctime)s %(levelname)s %(message)s"
QUIET = ("scrapy", "apscheduler", "twisted", "py.warnings", "filelock", "rq.worker")
_installed: dict[str, logging.Handler] = {}


class Redacted(logging.Formatter):
    """Every line, traceback included, through redact.redact: no key reaches a log."""

    def format(self, record: logging.LogRecord) -> str:
        if _one_line(record):
            return _line(self, record)
        return redact(super().format(record))


class OneLine(logging.Formatter):
    """A record on one line: the exception's type and message, never its traceback."""

    def __init__(self) -> None:
        super().__init__(FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        if _one_line(record):
            return _line(self, record)
        text = super().format(_without_traceback(record))
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            text += f" ({type(exc).__name__}: {exc}; traceback in lexwatch.log)"
        return redact(text)


def _one_line(record: logging.LogRecord) -> bool:
    """A record with no traceback or stack to show: every handler shows it the same."""
    return not (record.exc_info or record.exc_text or record.stack_info)


def _line(formatter: logging.Formatter, record: logging.LogRecord) -> str:
    """The record formatted and redacted once, for the file and the terminal alike.

    Kept on the record with the format it was made with. A service writes a line for
    every crawl: made once, a line to both costs 11 us of CPU, not 14.
    """
    fmt = (formatter._fmt, formatter.datefmt)
    made = record.__dict__.get("lexwatch_line")
    if made is None or made[0] != fmt:
        made = (fmt, redact(logging.Formatter.format(formatter, record)))
        record.lexwatch_line = made
    return made[1]


def _without_traceback(record: logging.LogRecord) -> logging.LogRecord:
    plain = logging.makeLogRecord(record.__dict__)
    plain.exc_info = plain.exc_text = None
    return plain


def configure(path: Path, *, console: bool = False) -> Path:
    """Send Lexwatch's log lines to the log file (Settings.log_file) and, for services, the terminal."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the data folder: private
    _install(f"file:{path}", lambda: _file_handler(path), replaces="file:")
    if console:
        _install("console", _console_handler, replaces="console")
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for noisy in QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return path


def _install(name: str, make, *, replaces: str) -> None:
    """One handler of each sort: a new data folder (a test's) takes the file handler over."""
    if name in _installed:
        return
    for old in [key for key in _installed if key.startswith(replaces)]:
        handler = _installed.pop(old)
        logging.getLogger().removeHandler(handler)
        handler.close()
    handler = make()
    logging.getLogger().addHandler(handler)
    _installed[name] = handler


class _Rotating(RotatingFileHandler):
    """Rolls the file over once it has reached its size, each line formatted once.

    The standard handler formats every record twice (once only to measure it) and
    looks twice on disk whether the file is a regular one: most of what a log line
    cost a crawl of an unchanged page. A file that is not a regular one (/dev/null)
    is never rolled over, as there.
    """

    def __init__(self, path: Path, **options: Any) -> None:
        super().__init__(path, **options)
        self.regular = os.path.isfile(path)

    def shouldRollover(self, record: logging.LogRecord) -> bool:
        if not self.regular or self.maxBytes <= 0:
            return False
        if self.stream is None:
            self.stream = self._open()
        return self.stream.seek(0, os.SEEK_END) >= self.maxBytes


def _file_handler(path: Path) -> logging.Handler:
    if not path.exists():  # readable by its owner only, like the database beside it
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    handler = _Rotating(path, maxBytes=5_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(Redacted(FORMAT))
    return handler


def _console_handler() -> logging.Handler:
    """Lexwatch's own lines: the libraries' (Scrapy's retries, say) go to the file only."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLine())
    handler.addFilter(lambda record: record.name.startswith("lexwatch"))
    return handler
