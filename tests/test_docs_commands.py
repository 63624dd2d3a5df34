"""The README shows only commands and options the CLI has, and every command is in it.

What the README shows: every `lexwatch …` line of its code blocks (after environment
assignments, and `…/bin/lexwatch` too) and every `lexwatch …` code span, in its tables
and its prose. The CLI's side is its Click command tree, walked from the Typer app.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
TEMPLATE = str.maketrans({"[": " ", "]": " "})  # optional parts, `[--name N]`


def command_tree() -> dict[tuple[str, ...], set[str]]:
    """Every command and group by its words (`("sources", "add")`), with its options."""
    return dict(_walk(typer.main.get_command(app), ()))


def _walk(command: Any, words: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], set[str]]]:
    options = {"--help"}
    for param in command.params:
        if param.param_type_name == "option":
            options |= {*param.opts, *param.secondary_opts}
    yield words, options
    for name, sub in getattr(command, "commands", {}).items():
        yield from _walk(sub, (*words, name))


def code_block_lines() -> Iterator[str]:
    """The lines that run `lexwatch` in the README's fenced code blocks, from `lexwatch` on."""
    for block in README.split("```")[1::2]:
        for line in block.replace("\\\n", " ").splitlines():
            if not re.search(r"(^|[ /=])lexwatch ", line):
                continue
            words = shlex.split(line, comments=True)
            while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
                words = words[1:]  # LEXWATCH_DATA_DIR=… lexwatch changes
            if words and words[0].rsplit("=", 1)[-1].rsplit("/", 1)[-1] == "lexwatch":
                yield " ".join(["lexwatch", *words[1:]])


def code_spans() -> Iterator[str]:
    """The README's `lexwatch …` code spans (in tables, a `\\|` is a `|`)."""
    for span in re.findall(r"(?<!`)`([^`\n]+)`(?!`)", README):
        if span.startswith("lexwatch "):
            yield span.replace("\\|", "|")


def shown() -> list[tuple[str, tuple[str, ...], list[str]]]:
    """Each invocation the README shows: its text, its command's words, the options it names."""
    tree = command_tree()
    found = []
    for text in [*code_block_lines(), *code_spans()]:
        words = text.translate(TEMPLATE).split()[1:]
        path: tuple[str, ...] = ()
        while words and (*path, words[0]) in tree:
            path, words = (*path, words[0]), words[1:]
        options = [re.split(r"[=,)]", word)[0] for word in words if word.startswith("--")]
        found.append((text, path, options))
    return found


def test_the_readme_shows_lexwatch_commands_at_all() -> None:
    paths = {path for _text, path, _options in shown()}
    assert ("sources", "add") in paths and ("serve",) in paths


def test_every_invocation_in_the_readme_names_a_command() -> None:
    unknown = [text for text, path, _options in shown() if not path]
    assert unknown == [], "README lines whose first word after lexwatch is no command"


def test_every_option_in_the_readme_exists_on_its_command() -> None:
    tree = command_tree()
    wrong = [
        f"{text!r}: {option}"
        for text, path, options in shown()
        for option in options
        if option not in tree[path]
    ]
    assert wrong == [], "the README shows options these commands do not have"


def test_every_command_and_group_of_the_cli_is_in_the_readme() -> None:
    documented = {path for _text, path, _options in shown()}
    missing = [" ".join(path) for path in command_tree() if path and path not in documented]
    assert missing == [], "commands the README never shows (add them to its tables)"


def test_the_commands_the_readme_gives_json_output_have_format() -> None:
    sentence = README.split("`--format json` prints machine-readable output for", 1)[1]
    named = re.findall(r"`([a-z ]+)`", sentence.split("with times", 1)[0])
    tree = command_tree()
    assert len(named) > 3, "the README's sentence on --format json is gone or reworded"
    assert [name for name in named if "--format" not in tree[tuple(name.split())]] == []
