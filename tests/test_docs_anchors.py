"""Every link to a heading in the documentation lands on one: `[Alerts](#alerts)` in the
README, `docs/KINDS.md#…` from another document. The anchors are made as GitHub makes
them (lower case; punctuation but `-` and `_` dropped; each space a `-`; a repeated
heading gets `-1`, `-2`), so a renamed heading breaks the test, not the reader's click.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def slug(heading: str) -> str:
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The anchors of a Markdown file's headings (code blocks are not headings)."""
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    seen: Counter[str] = Counter()
    found = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *$", text, re.MULTILINE):
        base = slug(heading)
        found.add(base if not seen[base] else f"{base}-{seen[base]}")
        seen[base] += 1
    return found


def heading_links(path: Path) -> list[tuple[Path, str]]:
    """(target document, anchor) for each of a document's links that names a heading."""
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    links = re.findall(r"\]\(([^)\s#]*)#([^)\s]+)\)", text)
    return [(path if not target else path.parent / target, anchor) for target, anchor in links]


def test_slugs_follow_github() -> None:
    assert slug("Checking sources live: `sources check` and `capture`") == (
        "checking-sources-live-sources-check-and-capture"
    )
    assert slug("What Lexwatch does that the usual tools do not") == (
        "what-lexwatch-does-that-the-usual-tools-do-not"
    )


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_every_heading_link_lands(document: Path) -> None:
    broken = [
        f"{target.name}#{anchor}"
        for target, anchor in heading_links(document)
        if target.suffix == ".md" and anchor not in anchors(target)
    ]
    assert not broken, f"{document.name} links to headings that do not exist: {broken}"


def test_the_mission_table_links_each_capability_to_its_section() -> None:
    """The README's table of what Lexwatch does that others do not: each row has its section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## What Lexwatch does that the usual tools do not", 1)[1]
    rows = [line for line in table.split("\n## ", 1)[0].splitlines() if line.startswith("| ")]
    capabilities = rows[2:]  # after the header and its rule
    assert len(capabilities) >= 8
    assert all(re.search(r"\]\(#[\w-]+\)", row) for row in capabilities)
