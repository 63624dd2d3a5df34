"""The documentation stays honest: every setting and command the README names exists, and back."""

from __future__ import annotations

import re
from pathlib import Path

from vocab.settings import Settings

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


def _cli_commands() -> tuple[set[str], set[str]]:
    """The CLI's commands ("crawl", "sources add") and its groups ("sources"), from the Typer app."""
    import cli

    commands = {info.name for info in cli.app.registered_commands}
    groups = {info.name for info in cli.app.registered_groups}
    for group in cli.app.registered_groups:
        commands |= {
            f"{group.name} {info.name}" for info in group.typer_instance.registered_commands
        }
    assert None not in commands | groups, "every command is registered with its name"
    return commands, groups


def _readme_spans() -> list[str]:
    """The `lexwatch …` code spans in the first column of the README's command tables."""
    rows = [line for line in README.splitlines() if line.startswith("| `lexwatch ")]
    first_cells = [re.split(r"(?<!\\)\|", row)[1] for row in rows]
    return [span for cell in first_cells for span in re.findall(r"`([^`]+)`", cell)]


def _command_of(span: str, groups: set[str]) -> tuple[str, bool]:
    """The command a span names ("sources add"), and whether it only points elsewhere (`…`)."""
    words = span.split()[1:]
    if words[0] in groups and len(words) > 1 and re.fullmatch(r"[a-z]+", words[1]):
        words = [f"{words[0]} {words[1]}", *words[2:]]
    return words[0], words[1:] == ["…"]


def test_every_command_in_the_readme_exists_and_every_command_is_in_the_readme() -> None:
    commands, groups = _cli_commands()
    spans = _readme_spans()
    assert all(span.startswith("lexwatch ") for span in spans), spans
    named = [_command_of(span, groups) for span in spans]
    documented = {name for name, _pointer in named}
    assert documented - commands - groups == set(), "the README names commands the CLI lacks"
    covered = documented | {name.split()[0] for name in documented}
    assert (commands | groups) - covered == set(), "commands missing from the README's tables"
    rows = [name for name, pointer in named if not pointer]
    assert sorted(rows) == sorted(set(rows)), "a command has two rows in the README's tables"
