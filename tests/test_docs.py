"""The documentation stays honest: every setting and command the README names exists, and back."""

from __future__ import annotations

import re
from pathlib import Path

from config import Settings

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_and_every_documented_setting_exists() -> None:
    documented = set(re.findall(r"^\| `LEXWATCH_([A-Z_]+)`", README, re.MULTILINE))
    actual = {name.upper() for name in Settings.model_fields}
    assert documented == actual


def test_the_quick_start_has_exactly_the_two_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    block = quick.split("```", 2)[1]
    assert [line for line in block.splitlines() if line.strip()] == ["make demo", "make test"]
