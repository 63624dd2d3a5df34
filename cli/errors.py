"""How a command ends when it cannot succeed: one line on stderr, never a traceback."""

from __future__ import annotations

import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import typer

from vocab.settings import get_settings


def usage_error(exc: typer.TyperException) -> NoReturn:
    """As Click shows it: the usage line, where to get help, `Error: …` (with "Did you mean")."""
    show = getattr(exc, "show", None)
    if callable(show):
        show()
    else:
        sys.stderr.write(f"Error: {exc.format_message()}\n")
    sys.exit(exc.exit_code)


def fail(message: str) -> NoReturn:
    """One line on stderr, exit status 2."""
    sys.stderr.write(f"lexwatch: {' '.join(message.split())}\n")
    sys.exit(2)


def fail_each(problems: list[str]) -> NoReturn:
    """One line on stderr per problem (an import names each bad entry), exit status 2."""
    for problem in problems:
        sys.stderr.write(f"lexwatch: {' '.join(problem.split())}\n")
    sys.exit(2)


def internal_error(exc: Exception) -> NoReturn:
    """A bug: one line on stderr, the traceback in the log file, exit status 1."""
    where = _log_traceback(exc)
    what = " ".join(f"{type(exc).__name__} {exc}".split())[:300]
    sys.stderr.write(
        f"lexwatch: internal error: {what} — this is a bug in Lexwatch; the traceback is in {where}\n"
    )
    sys.exit(1)


def _log_traceback(exc: Exception) -> str:
    """Append the traceback to the data folder's log file (else the temporary folder's)."""
    entry = f"{datetime.now(UTC).isoformat()} internal error\n" + "".join(
        traceback.format_exception(exc)
    )
    for path in (_log_file(), Path(tempfile.gettempdir()) / "lexwatch.log"):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as log:
                log.write(entry)
            return str(path)
        except OSError:
            continue
    return "no file (none could be written)"


def _log_file() -> Path:
    try:
        return get_settings().log_file
    except Exception:  # settings that cannot be read must not hide the first error
        return Path("data") / "lexwatch.log"
