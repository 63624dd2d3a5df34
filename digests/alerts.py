"""An alert as pure data: what one message to one channel says about the changes it tells.

Each file is named as a reader knows it (monitor.link.display_name, never its
internal key), then each change in one line with its significance, the stage
the file is at now, and links to its page on Lexwatch and to the official page
the change was read on. Several changes found together make one message.
Nothing here sends or reads the database (digests.alertsend does).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from digests.compose import one_line, web
from digests.model import ChangeView, FileRef
from monitor.link import display_name
from vocab.links import change_url


@dataclass(frozen=True)
class AlertMessage:
    """A composed alert: a title and a plain-text body."""

    title: str
    body: str


def file_name(ref: FileRef) -> str:
    """A file's name for a reader (a FileRef's title falls back to its key: that is no name)."""
    return one_line(display_name(ref.key, "" if ref.title == ref.key else ref.title))


def compose(watch: str, changes: Sequence[ChangeView], base_url: str) -> AlertMessage:
    """One message telling `changes` (at least one) of the watch named `watch`."""
    files: dict[str, list[ChangeView]] = {}
    for change in changes:
        files.setdefault(change.file.key, []).append(change)
    blocks = [_block(group, base_url) for group in files.values()]
    footer = f"Lexwatch alert for the watch '{one_line(watch)}'."
    return AlertMessage(_title(changes, len(files)), "\n\n".join([*blocks, footer]))


def _title(changes: Sequence[ChangeView], files: int) -> str:
    first = file_name(changes[0].file)
    if len(changes) == 1:
        return f"{first}: {one_line(changes[0].summary)}"[:200]
    where = first if files == 1 else f"{first} and {files - 1} more file(s)"
    return f"{len(changes)} changes: {where}"[:200]


def _block(group: Sequence[ChangeView], base_url: str) -> str:
    ref = group[0].file
    lines = [file_name(ref)]
    lines += [f"- {one_line(c.summary)} ({c.significance})" for c in group]
    if ref.stage:
        lines.append(f"Stage now: {one_line(ref.stage)}")
    lines.append(f"On Lexwatch: {change_url(base_url, ref.key, group[0].id)}")
    official = dict.fromkeys(web(c.source_url) for c in group if web(c.source_url))
    lines += [f"Official page: {url}" for url in official]
    return "\n".join(lines)
