"""Tables never cut a name or a date: plain columns in a pipe, wrapped cells on a terminal."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console

from cli.output import wrapped_table

NAME = "eu_ep_api:2022/0155(COD)-" + "x" * 34 + "z"  # 60 characters
URL = (
    "http://127.0.0.1:9/oeil/popups/ficheprocedure.do?reference=2022/0155(COD)&l=en&long="
    + "y" * 40
)
LEXWATCH = Path(sys.executable).parent / "lexwatch"


def _local(iso: str) -> str:
    return f"{datetime.fromisoformat(iso).astimezone(ZoneInfo('Europe/Brussels')):%Y-%m-%d %H:%M}"


def _whole(text: str, next_run: str) -> None:
    assert NAME in text and _local(next_run) in text and "…" not in text
    assert not set(text) & set("┏━┃│╭─"), "a pipe gets no box drawing"


def test_piped_tables_keep_every_cell_whole(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEXWATCH_")} | {
        "LEXWATCH_DATA_DIR": str(tmp_path / "data"),
        "LEXWATCH_SEED_DEFAULTS": "false",
        "LEXWATCH_ALLOW_PRIVATE_TARGETS": "1",
        "LEXWATCH_TIMEZONE": "Europe/Brussels",
        "COLUMNS": "80",
    }

    def run(*args: str) -> str:
        done = subprocess.run(
            [str(LEXWATCH), *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
            check=True,
        )
        return done.stdout

    run("sources", "add", "--kind", "page", "--url", URL, "--name", NAME, "--cron", "0 6 * * *")
    next_run = json.loads(run("status", "--format", "json"))[0]["next_run_at"]
    listed = run("sources", "list")
    assert NAME in listed and URL in listed and "…" not in listed
    header, row = listed.splitlines()
    assert row.index("page") == header.index("kind"), "columns are aligned"
    _whole(run("status"), next_run)


def test_tables_in_process_at_80_columns(lexwatch, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    added = lexwatch(
        "sources", "add", "--kind", "page", "--url", URL, "--name", NAME, "--cron", "0 6 * * *"
    )
    assert added.code == 0, added.err
    next_run = lexwatch("status", "--format", "json").json()[0]["next_run_at"]
    _whole(lexwatch("status").out, next_run)
    assert URL in lexwatch("sources", "list").out
    assert lexwatch("sources", "list", "--format", "json").json()[0]["name"] == NAME
    assert lexwatch("watches", "add", NAME, "--term", "chat control").code == 0
    assert NAME in lexwatch("watches", "list").out


def _render(width: int) -> list[str]:
    columns = ("source", "kind", "health", "last run", "next run", "reason")
    row = [NAME, "eu_ep_api", "failing", "2026-12-03 06:00", "2026-12-04 06:00", "HTTP 404"]
    text = io.StringIO()
    Console(file=text, width=width).print(wrapped_table(columns, [row], width))
    return text.getvalue().splitlines()


@pytest.mark.parametrize("width", [80, 120])
def test_a_terminal_table_wraps_cells_and_never_uses_an_ellipsis(width: int) -> None:
    lines = _render(width)
    assert all(len(line) <= width for line in lines) and not any("…" in line for line in lines)
    cut = next(line for line in lines if "source" in line).index("kind")
    body = lines[lines.index(next(line for line in lines if "──" in line)) + 1 :]
    first_column = "".join(line[:cut].strip() for line in body)
    assert first_column == NAME, "the name is whole, folded over lines"
    assert any("2026-12-03" in line for line in body) and any("2026-12-04" in line for line in body)
