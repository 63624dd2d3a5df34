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


def test_the_kinds_documentation_is_generated_from_the_site_modules() -> None:
    from crawlers.sites import SITES, kinds_markdown

    written = (Path(__file__).parent.parent / "docs" / "KINDS.md").read_text(encoding="utf-8")
    assert written == kinds_markdown(), "run: lexwatch kinds --format markdown > docs/KINDS.md"
    for slug, module in SITES.items():
        assert module.__doc__ and module.__doc__.strip(), f"{slug} has no docstring"
        assert module.URL_HELP and isinstance(module.PARAMS, dict), slug
        assert all(help_.strip() for help_ in module.PARAMS.values()), slug
        if slug not in ("page", "feed", "json"):
            assert (Path(__file__).parent / "fixtures" / slug).is_dir(), (
                f"{slug} has no fixture folder"
            )
            assert (Path(__file__).parent / "sites" / f"test_{slug}.py").is_file(), (
                f"{slug} has no test module"
            )
