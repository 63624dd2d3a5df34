"""`lexwatch files` and `lexwatch file KEY`: the legislative files Lexwatch knows."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cli.database import engine
from cli.output import Format, FormatOpt, print_json, say
from db import repo
from db.engine import session_scope
from vocab.errors import NotFound
from web import views as status_view


def files(format: FormatOpt = Format.text) -> None:
    """List the legislative files Lexwatch knows, with their stage."""
    with session_scope(engine()) as session:
        rows = [
            {"key": d.key, "title": d.title, "stage": d.stage} for d in repo.list_dossiers(session)
        ]
    if format == Format.json:
        return print_json(rows)
    for row in rows:
        say(f"{row['key']}  [{row['stage'] or '-'}]  {row['title'][:80]}")


def file(
    key: Annotated[str, typer.Argument(help="e.g. EU:2022/0155(COD)")],
    format: FormatOpt = Format.text,
) -> None:
    """One file: identifiers, stage, its timeline merged from every source, linked files."""
    with session_scope(engine()) as session:
        dossier = repo.dossier_by_key(session, key=key)
        if dossier is None:
            raise NotFound(f"no file '{key}': see `lexwatch files`")
        data = status_view.dossier_dict(session, dossier)
    if format == Format.json:
        return print_json(data)
    for line in _file_lines(data):
        say(line)


def _file_lines(data: dict[str, Any]) -> list[str]:
    """The file's heading, its timeline (forecast steps marked) and its links, a line each."""
    lines = [f"{data['key']}: {data['title']}\nStage: {data['stage'] or '-'}"]
    for step in data["timeline"]:
        mark = "forecast " if step["forecast"] else ""
        date = step["date"] or "    -  - "
        lines.append(f"  {date}  {mark}{step['title']}  ({', '.join(step['sources'])})")
    for link in data["links"]:
        lines.append(f"  linked: {link['key']} ({link['relation']} {link['via']})")
    return lines
