"""The README's architecture table and the import-linter contracts say the same."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def contract_layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layered = [c for c in config["contracts"] if c["type"] == "layers"]
    assert len(layered) == 1, "one layers contract describes the architecture"
    return [" | ".join(part.strip() for part in layer.split("|")) for layer in layered[0]["layers"]]


def readme_layers() -> list[str]:
    section = (ROOT / "README.md").read_text().split("## Architecture", 1)[1]
    table = section.split("```text", 1)[1].split("```", 1)[0]
    return [re.split(r"\s{2,}", line.strip())[0] for line in table.strip().splitlines()]


def test_the_readme_table_lists_the_contract_layers_in_order() -> None:
    assert readme_layers() == contract_layers()


def test_every_package_is_in_a_layer() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layered = {name.strip() for layer in contract_layers() for name in layer.split("|")}
    assert set(config["root_packages"]) == layered
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "bench"}
    assert packages == layered, "a new top-level package needs a place in the layers"


def test_no_single_file_module_at_the_top_level() -> None:
    """import-linter sees packages only: a top-level module would escape the contracts."""
    assert sorted(p.name for p in ROOT.glob("*.py")) == []
