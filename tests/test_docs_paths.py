"""Every repository path the documentation names exists: the README's and docs/*.md's code
spans and relative links, the modules they name (`monitor.textdiff.compare`), and the
`.md` files the code's docstrings and comments cite.

A code span is a repository path when it names a `.py`, `.md` or `.toml` file, or starts with
an entry of the repository's root (`crawlers/…`, `.ci/run`). `<name>` in a path stands
for any name: `crawlers/sites/<kind>.py` needs one such file. A path made at run time,
never committed, is one that `.gitignore` names (`bench/results/<name>.json`). In the
code, a bare file name may also name a file beside the module (`__init__.py`).
"""

from __future__ import annotations

import fnmatch
import importlib
import re
from collections.abc import Iterator
from pathlib import Path

from tests.helpers import code_packages

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
CODE = code_packages()


def is_repository_path(span: str) -> bool:
    if re.search(r"\s|://|^/|^\.\w+$", span):  # words, URLs, web routes and system paths, `.json`
        return False
    first = span.split("/", 1)[0]
    return span.endswith((".py", ".md", ".toml")) or ("/" in span and (ROOT / first).exists())


def spans(text: str) -> list[str]:
    return re.findall(r"(?<!`)`([^`\n]+)`(?!`)", text)


def named_paths(text: str) -> Iterator[str]:
    """The repository paths a text names in code spans."""
    return (span for span in spans(text) if is_repository_path(span))


def linked_paths(text: str) -> Iterator[str]:
    """The targets of a Markdown text's relative links, `[KINDS](docs/KINDS.md)`."""
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if "://" not in target:
            yield target


def exists(path: str, near: Path = ROOT) -> bool:
    """`path` from the repository's root, or (a bare name) from the folder `near`."""
    pattern = re.sub(r"<[^>]+>", "*", path).rstrip("/")
    beside = "/" not in pattern and any(near.glob(pattern))
    return beside or any(ROOT.glob(pattern)) or ignored(pattern)


def ignored(pattern: str) -> bool:
    """Whether .gitignore names it, or a folder it is in (`data/` covers `data/demo/outbox`)."""
    rules = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    folders = [rule.rstrip("/") + "/*" for rule in rules if rule.endswith("/")]
    return any(fnmatch.fnmatch(pattern, rule.rstrip("/")) for rule in rules + folders)


def test_every_path_the_documents_name_exists() -> None:
    missing = [
        f"{document.relative_to(ROOT)}: {path}"
        for document in DOCUMENTS
        for text in [document.read_text(encoding="utf-8")]
        for path in [*named_paths(text), *linked_paths(text)]
        if not exists(path) and not (document.parent / path).exists()  # a link is relative
    ]
    assert missing == [], "paths the documentation names that the repository lacks"


def test_the_readme_names_paths_at_all() -> None:
    text = DOCUMENTS[0].read_text(encoding="utf-8")
    paths = {*named_paths(text), *linked_paths(text)}
    assert {"docs/KINDS.md", "crawlers/defaults.yaml", "pyproject.toml"} <= paths


def code_files() -> Iterator[tuple[Path, str]]:
    for package in CODE:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT), path.read_text(encoding="utf-8")


def test_every_document_the_code_cites_exists() -> None:
    cited = {
        (path, name) for path, text in code_files() for name in re.findall(r"[\w./-]+\.md\b", text)
    }
    assert ("crawlers/sites/eu_ep_api/__init__.py", "docs/DOMAIN.md") in {
        (str(p), n) for p, n in cited
    }
    assert [f"{path}: {name}" for path, name in sorted(cited) if not (ROOT / name).is_file()] == []


def named_modules(text: str) -> Iterator[str]:
    """Dotted names of the project's modules and what they hold, in code spans but URLs."""
    for span in spans(text):
        if "://" not in span:
            yield from re.findall(rf"\b(?:{'|'.join(CODE)})(?:\.\w+)+", span)


def resolves(dotted: str) -> bool:
    """`a.b.c`: module `a.b` holds `c`, or module `a.b.c` exists."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            found = getattr(found, name, None)
        return found is not None
    return False


def test_every_module_the_documents_name_exists() -> None:
    named = {name for doc in DOCUMENTS for name in named_modules(doc.read_text(encoding="utf-8"))}
    assert "scheduler.daemon" in named
    assert sorted(name for name in named if not resolves(name)) == []


def test_every_path_and_module_the_code_names_in_backticks_exists() -> None:
    wrong = [
        f"{path}: {name}"
        for path, text in code_files()
        for name in [
            *(p for p in named_paths(text) if not exists(p, (ROOT / path).parent)),
            *(m for m in named_modules(text) if not resolves(m)),
        ]
    ]
    assert wrong == [], "docstrings and comments that name what the repository lacks"
