"""docs/KINDS.md is what `lexwatch kinds --format markdown` prints, so the way to
regenerate it that tests/test_docs.py gives when the file is stale is the right one."""

from __future__ import annotations

from pathlib import Path

import pytest

import cli

KINDS = Path(__file__).resolve().parents[1] / "docs" / "KINDS.md"


def test_the_kinds_command_writes_the_kinds_document(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended:
        cli.main(["kinds", "--format", "markdown"])
    assert ended.value.code == 0
    assert capsys.readouterr().out == KINDS.read_text(encoding="utf-8"), (
        "run: lexwatch kinds --format markdown > docs/KINDS.md"
    )


def test_the_kinds_document_says_how_it_is_made() -> None:
    assert "`lexwatch kinds --format markdown`" in KINDS.read_text(encoding="utf-8")
