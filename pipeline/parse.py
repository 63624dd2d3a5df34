"""From a crawl's outcome to a record: its responses in the order asked, parsed by the site module."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from sqlmodel import Session

from crawlers.sites import SITES
from db import repo
from monitor.normalise import normalise
from pipeline.steps import step
from vocab.fetch import Outcome, Plan, Response
from vocab.records import Record, record_from_json
from vocab.redact import redact


def previous_record(session: Session, plan: Plan) -> Record | None:
    """The last good record, for the kinds whose parser judges a body against it (feeds)."""
    if not _wants_previous(SITES[plan.kind].parse) or not plan.has_version:
        return None
    version = repo.latest_version(session, source_id=plan.source_id)
    return record_from_json(version.record) if version else None


def parse_responses(
    plan: Plan, responses: list[Response], previous: Record | None = None
) -> Record:
    """The site module's record of these responses, normalised; a bug in it is a Fault."""
    parse = SITES[plan.kind].parse
    extra = {"previous": previous} if _wants_previous(parse) else {}
    with step(f"the {plan.kind} parser", plan):
        return normalise(parse(responses, plan.target.params, **extra))


@lru_cache(maxsize=256)
def _wants_previous(parse: Any) -> bool:
    """A parser that judges a body against the last good record says so by taking `previous`."""
    return "previous" in inspect.signature(parse).parameters


def missing_bodies(outcome: Outcome) -> list[str]:
    """The SHA-256 of the bodies this crawl's record needs that are not in memory."""
    return [f.sha256 for f in outcome.fetched if f.sha256 not in outcome.bodies]


def ordered_responses(outcome: Outcome, bodies: Mapping[str, bytes]) -> list[Response]:
    """The responses of a crawl in the order they were asked; a body not in memory from `bodies`."""
    order: dict[str, int] = {}
    for at, url in enumerate(outcome.requested):
        order.setdefault(redact(url), at)  # as the fetched URLs are stored
    fetched = sorted(outcome.fetched, key=lambda f: order.get(f.url, len(order)))
    return [
        Response(
            f.url,
            outcome.bodies.get(f.sha256) or bodies.get(f.sha256) or b"",
            f.status,
            {"content-type": f.content_type},
            f.role,
        )
        for f in fetched
    ]


def responses_of(outcome: Outcome) -> list[Response]:
    """The responses of a crawl that stored nothing (a dry run), in the order they were asked."""
    return ordered_responses(outcome, {})
