"""`lexwatch capture`: a live answer saved the way a test fixture or a bug report wants it.

The URL is fetched through the crawl's own path (a one-shot crawler: the guard,
robots.txt, the browser after a challenge, the kind's own headers and keys), no
link is followed and nothing is stored in the database. Each answer becomes

- `DIR/<kind>/<name>`: the body as the site sent it (a 404 or a challenge too:
  that is what a bug report needs);
- `DIR/<kind>/<name>.headers`: the status line and the response headers;
- a row of `DIR/<kind>/MANIFEST.tsv` (file, URL, time fetched, SHA-256, content
  type, status), tab-separated with a header line, as in tests/fixtures.

No key leaves with them: the URL and the headers go through vocab/redact.py, and a
configured secret found in the body is replaced by `REDACTED` before the
SHA-256 is taken, so the manifest describes the file as saved.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from vocab.errors import FetchError, MissingKey
from vocab.fetch import Capture, Outcome, Plan
from vocab.redact import MARK, redact
from vocab.settings import Settings

COLUMNS = ("file", "url", "fetched_at", "sha256", "content_type", "status")
_EXTENSIONS = (
    ("json", ".json"),
    ("xml", ".xml"),
    ("html", ".html"),
    ("pdf", ".pdf"),
    ("text/plain", ".txt"),
)
_UNSAFE = re.compile(r"[^A-Za-z0-9._()-]+")


@dataclass(frozen=True)
class Saved:
    """One answer written to disk: where, and its manifest row."""

    path: Path
    row: tuple[str, ...]
    status: int


async def fetch(plan: Plan, settings: Settings) -> Outcome:
    """The plan's first requests fetched, their answers kept as they came (on the reactor's loop)."""
    from crawlers.crawl import crawl

    outcome = (await crawl([plan], engine=None, settings=settings))[plan.source_id]
    if outcome.skipped:
        raise MissingKey(outcome.skipped)
    if not outcome.answers:
        raise FetchError(redact("; ".join(outcome.errors + outcome.faults) or _nothing(outcome)))
    return outcome


def _nothing(outcome: Outcome) -> str:
    return str(outcome.blocked or f"no answer from {outcome.plan.target.url} before the time limit")


def cleaned(capture: Capture, secrets: Iterable[str]) -> Capture:
    """The answer without a key: URL and headers redacted, configured secrets out of the body."""
    body = capture.body
    for value in sorted(filter(None, secrets), key=len, reverse=True):
        body = body.replace(value.encode(), MARK.encode())
    headers = {name: redact(value) for name, value in capture.headers.items()}
    return Capture(
        capture.source_id,
        redact(capture.url),
        capture.role,
        capture.status,
        headers,
        body,
        capture.fetched_at,
    )


def file_name(url: str, content_type: str) -> str:
    """A readable file name from the URL's last path segment and query, with the type's suffix."""
    parts = urlsplit(url)
    stem = "_".join(filter(None, [parts.path.rstrip("/").rsplit("/", 1)[-1], parts.query]))
    stem = _UNSAFE.sub("-", stem).strip("-.")[:120] or parts.hostname or "answer"
    suffix = next((ext for key, ext in _EXTENSIONS if key in content_type.lower()), ".bin")
    return stem if stem.endswith(suffix) else stem + suffix


def save(captures: Iterable[Capture], out: Path, kind: str) -> list[Saved]:
    """Write each answer, its headers and its manifest row under `out/kind/`."""
    folder = out / kind
    folder.mkdir(parents=True, exist_ok=True)
    return [_save_one(capture, folder, kind) for capture in captures]


def _save_one(capture: Capture, folder: Path, kind: str) -> Saved:
    path = _free(folder / file_name(capture.url, capture.headers.get("content-type", "")))
    path.write_bytes(capture.body)
    path.with_name(path.name + ".headers").write_text(_header_text(capture), encoding="utf-8")
    row = (
        f"{kind}/{path.name}",
        capture.url,
        capture.fetched_at.isoformat(timespec="seconds"),
        hashlib.sha256(capture.body).hexdigest(),
        capture.headers.get("content-type", ""),
        str(capture.status),
    )
    _append(folder / "MANIFEST.tsv", row)
    return Saved(path, row, capture.status)


def _free(path: Path) -> Path:
    """`path`, or `name-2.ext`, `name-3.ext` …: an earlier capture is never overwritten."""
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def _header_text(capture: Capture) -> str:
    lines = [f"HTTP {capture.status}", *(f"{k}: {v}" for k, v in sorted(capture.headers.items()))]
    return "\n".join(lines) + "\n"


def _append(manifest: Path, row: tuple[str, ...]) -> None:
    new = not manifest.exists()
    with manifest.open("a", encoding="utf-8") as file:
        if new:
            file.write("\t".join(COLUMNS) + "\n")
        file.write("\t".join(" ".join(cell.split()) for cell in row) + "\n")
