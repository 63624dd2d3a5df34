"""Sorting a source's answers by shape: the bill APIs' rule that a source reads one thing's
answers or one list, never both mixed (the UK Bills API, congress.gov)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from vocab.errors import ParseError
from vocab.records import Record

Answer = tuple[str, Any, Any]  # (shape, body, response) as a site module's answer_of gives it


def one_or_list(
    answers: Sequence[Answer],
    *,
    one: Callable[[list[Answer]], Record],
    many: Callable[[list[Answer]], Record],
    mixed: str,
    kind: str,
) -> Record:
    """`many` of the answers when they are a list's pages, else `one`; a mix is a ParseError."""
    shapes = {shape for shape, _, _ in answers}
    if "list" not in shapes:
        return one(list(answers))
    if shapes != {"list"}:
        raise ParseError(mixed, kind=kind)
    return many(list(answers))
