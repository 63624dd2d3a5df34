"""The installed `lexwatch` command as people use it: no input ever prints a traceback.

Usage mistakes get Click's usual lines and exit status 2; a bare command or
group prints its help and exits 0; a bug is one line naming the log file.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cli import crawling

LEXWATCH = Path(sys.executable).parent / "lexwatch"
Run = Callable[..., subprocess.CompletedProcess]


@pytest.fixture
def installed(tmp_path: Path) -> Run:
    """Run the installed command on a fresh data folder, as a new user would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEXWATCH_")}
    env |= {"LEXWATCH_DATA_DIR": str(tmp_path / "data"), "LEXWATCH_SEED_DEFAULTS": "false"}

    def run(*args: str, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(LEXWATCH), *args],
            capture_output=True,
            text=True,
            env=env | extra,
            cwd=tmp_path,
            timeout=120,
        )

    return run


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["sourcs", "list"], "Error: No such command 'sourcs'. Did you mean 'sources'?"),
        (["sources", "add"], "Error: Missing option '--kind'."),
        (["crawl", "--sourse", "x"], "Error: No such option: --sourse"),
        (["watches", "add", "x", "--min-significance", "huge"], "'huge' is not one of"),
        (["file"], "Error: Missing argument 'key'."),
        (["serve", "--port", "99999"], "Error: Invalid value for '--port'"),
        (["status", "--format", "yaml"], "'yaml' is not one of 'text', 'json', 'markdown'"),
    ],
)
def test_a_usage_mistake_is_clicks_short_message_and_exit_2(
    installed: Run, args: list[str], error: str
) -> None:
    result = installed(*args)
    assert result.returncode == 2, result.stderr
    assert error in result.stderr
    assert result.stderr.startswith("Usage: lexwatch ")
    assert "Try 'lexwatch" in result.stderr and "--help' for help." in result.stderr
    assert len(result.stderr.splitlines()) <= 5 and result.stdout == ""
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("args", [[], ["sources"], ["watches"], ["users"]])
def test_a_bare_command_or_group_prints_its_help_and_exits_0(installed: Run, args) -> None:
    result = installed(*args)
    assert result.returncode == 0 and result.stderr == ""
    assert f"Usage: lexwatch {' '.join(args)}".rstrip() in result.stdout
    assert "Commands" in result.stdout and "Traceback" not in result.stdout


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_serve_on_a_port_in_use_is_one_line(installed: Run, busy_port: int) -> None:
    result = installed("serve", "--port", str(busy_port))
    assert result.returncode == 2
    assert result.stderr == (
        f"lexwatch: cannot listen on 127.0.0.1 port {busy_port}: Address already in use; "
        "choose another --port or --host\n"
    )


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once it is closed


def test_an_unreachable_database_is_one_line(installed: Run) -> None:
    url = f"postgresql://lexwatch:secret@127.0.0.1:{_closed_port()}/lexwatch"
    result = installed("sources", "list", LEXWATCH_DATABASE_URL=url)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("lexwatch: cannot use the database 'lexwatch' at 127.0.0.1:")
    assert "check LEXWATCH_DATABASE_URL" in line and "secret" not in line


def test_a_bug_is_one_line_and_its_traceback_goes_to_the_log_file(
    lexwatch, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise KeyError("x")

    monkeypatch.setattr(crawling.status_view, "status_rows", broken)
    result = lexwatch("status")
    log = home / "data" / "lexwatch.log"
    assert result.code == 1
    assert result.err == (
        "lexwatch: internal error: KeyError 'x' — this is a bug in Lexwatch; "
        f"the traceback is in {log}\n"
    )
    written = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in written and "KeyError: 'x'" in written
