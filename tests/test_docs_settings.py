"""The README's Configuration table is the `Settings` class (vocab/settings.py): the same
fields in the same order, with the defaults the code has; and every `LEXWATCH_…` name the
documentation mentions is a setting or a variable the code reads."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.helpers import code_packages
from vocab.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PACKAGES = (*code_packages(), "tests", "bench")


def configuration_rows() -> list[tuple[str, str]]:
    """(setting, default cell) of each row of the table in the README's "Configuration"."""
    section = README.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `LEXWATCH_([A-Z_]+)` \| (.*?) \|", section, re.MULTILINE)
    return [(name.lower(), default) for name, default in rows]


def test_the_configuration_table_lists_every_field_in_its_order() -> None:
    assert [name for name, _default in configuration_rows()] == list(Settings.model_fields)


def spellings(value: Any) -> set[str]:
    """How the README may write a default: `true`, `30` for 30.0, the text itself."""
    if isinstance(value, bool):
        return {str(value).lower()}
    if isinstance(value, float):
        return {str(value), f"{value:g}"}
    return {str(value)}


def test_the_configuration_table_gives_the_defaults_of_the_code() -> None:
    wrong = []
    for name, cell in configuration_rows():
        default = Settings.model_fields[name].default
        empty = default in ("", ()) or str(default) in ("", ".")
        if cell == "(none)" or "<data_dir>" in cell:  # no value, or one derived from the data dir
            ok = empty
        else:
            ok = re.fullmatch(r"`([^`]*)`", cell) is not None and cell[1:-1] in spellings(default)
        if not ok:
            wrong.append(f"LEXWATCH_{name.upper()}: README {cell}, code {default!r}")
    assert wrong == [], "defaults in the README's Configuration table that the code lacks"


def read_by_the_code() -> set[str]:
    """Every `LEXWATCH_…` name written in the project's Python files (but this one)."""
    names: set[str] = set()
    for package in PACKAGES:
        for path in set((ROOT / package).rglob("*.py")) - {Path(__file__).resolve()}:
            names |= set(re.findall(r"LEXWATCH_[A-Z_]+", path.read_text(encoding="utf-8")))
    return names


def test_every_variable_the_documentation_names_is_a_setting_or_read_by_the_code() -> None:
    documents = [README, *(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))]
    named = {name for text in documents for name in re.findall(r"LEXWATCH_[A-Z_]+", text)}
    settings = {f"LEXWATCH_{field.upper()}" for field in Settings.model_fields}
    assert "LEXWATCH_CONFIG" in named - settings, "the README names the settings file's variable"
    assert named - settings - read_by_the_code() == set()
