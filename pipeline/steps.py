"""The fault boundary of one step of a source's crawl: an unexpected exception becomes a Fault.

A Fault names the step that failed and the command that reproduces it, so a
bug in a parser or in storing stays in its own source (pipeline/run.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import SQLAlchemyError

from vocab.errors import Fault, LexwatchError, describe_bug
from vocab.fetch import Plan

log = logging.getLogger("lexwatch.run")


@contextmanager
def step(what: str, plan: Plan) -> Iterator[None]:
    """Turn an unexpected exception of one step into a Fault that names it; logged once.

    Deliberate errors (a ParseError, a database error) pass through as they are.
    """
    try:
        yield
    except (LexwatchError, SQLAlchemyError):
        raise
    except Exception as exc:
        log.error("%s: %s failed", plan.name, what, exc_info=exc)
        raise Fault(describe_bug(what, exc, report=_reproduce(plan))) from exc


def _reproduce(plan: Plan) -> str:
    url = f" --url {plan.target.url}" if plan.target.url else ""
    params = "".join(f" --param {k}={v}" for k, v in plan.target.params.items())
    return f"lexwatch sources test --kind {plan.kind}{url}{params}"
