"""The one spider: asks each source's site module which requests to make and captures the answers.

A single spider serves every source kind in a crawl pass, so that politeness
(robots.txt, AutoThrottle, per-domain concurrency) holds across all the sources
that share a host. Parsing happens later, outside the crawl (monitor/run.py): the
spider only decides which links to follow.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

import scrapy
from scrapy.http import Response as ScrapyResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawlers.items import Capture, Outcome, Plan
from crawlers.sites import SITES
from crawlers.sites.base import Request, Response
from db.models import utcnow
from errors import LexwatchError, SourceError


class WatchSpider(scrapy.Spider):
    """Fetches the requests of every planned source, conditionally, and yields Captures."""

    name = "lexwatch"

    def __init__(
        self,
        outcomes: dict[int, Outcome],
        engine: Any,
        body_of: Callable[[str], bytes | None],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.outcomes, self.engine, self.body_of = outcomes, engine, body_of

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for outcome in self.outcomes.values():
            for request in self._first_requests(outcome):
                yield request

    def _first_requests(self, outcome: Outcome) -> list[scrapy.Request]:
        plan = outcome.plan
        try:
            wanted = SITES[plan.kind].requests(plan.target)
        except LexwatchError as exc:  # a misconfigured source fails alone
            outcome.skipped = str(exc) if getattr(exc, "health", "") == "skipped" else ""
            if not outcome.skipped:
                outcome.errors.append(str(exc))
            return []
        return list(self._schedule(outcome, wanted))

    def _schedule(self, outcome: Outcome, wanted: Iterable[Request]) -> Iterable[scrapy.Request]:
        for request in wanted:
            if request.url in outcome.requested:
                continue
            outcome.requested[request.url] = None
            yield self._to_scrapy(outcome.plan, request)

    def _to_scrapy(self, plan: Plan, request: Request) -> scrapy.Request:
        headers = dict(request.headers)
        known = plan.validators.get(request.url)
        if known and known.etag:
            headers["If-None-Match"] = known.etag
        if known and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        # The URL as the site module wrote it names the snapshot: Scrapy may re-encode what it sends.
        meta = {
            "source_id": plan.source_id,
            "role": request.role,
            "handle_httpstatus_list": [304],
            "wanted": request.url,
        }
        return scrapy.Request(
            request.url,
            headers=headers,
            meta=meta,
            callback=self.parse,
            errback=self.failed,
            dont_filter=True,
        )

    def parse(self, response: ScrapyResponse, **kwargs: Any) -> Iterable[Any]:
        outcome = self.outcomes[response.meta["source_id"]]
        headers = _headers(response)
        yield Capture(
            source_id=outcome.plan.source_id,
            url=response.meta["wanted"],
            role=response.meta["role"],
            status=response.status,
            headers=headers,
            body=response.body if response.status != 304 else b"",
            fetched_at=utcnow(),
        )
        yield from self._follow(outcome, response, headers)

    def _follow(self, outcome: Outcome, response: ScrapyResponse, headers: dict) -> Iterable[Any]:
        follow = getattr(SITES[outcome.plan.kind], "follow", None)
        if follow is None:  # checked first: a 304 would otherwise load the stored body for nothing
            return
        body = response.body if response.status != 304 else self._previous_body(outcome, response)
        if not body:
            return
        seen = Response(response.meta["wanted"], body, 200, headers, response.meta["role"])
        try:
            wanted = follow(seen, outcome.plan.target)
        except SourceError:
            return  # the parse step will report what is wrong with this body
        yield from self._schedule(outcome, wanted)

    def _previous_body(self, outcome: Outcome, response: ScrapyResponse) -> bytes | None:
        known = outcome.plan.validators.get(response.meta["wanted"])
        return self.body_of(known.sha256) if known else None

    def failed(self, failure: Failure) -> None:
        request = failure.request
        outcome = self.outcomes[request.meta["source_id"]]
        url = request.meta.get("wanted", request.url)
        outcome.errors.append(describe_failure(failure, url, self.settings))


def describe_failure(failure: Failure, url: str, settings: Any) -> str:
    """One line a person understands: what went wrong with which URL."""
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status} from {url}"
    name = failure.type.__name__ if failure.type else "error"
    if "Timeout" in name:
        return f"no answer within {settings.getfloat('DOWNLOAD_TIMEOUT'):g} s from {url}"
    if name == "IgnoreRequest":
        return f"{url} is disallowed by the site's robots.txt"
    return f"{name} fetching {url}: {failure.getErrorMessage()}"


def _headers(response: ScrapyResponse) -> dict[str, str]:
    return {
        key.decode("latin-1").lower(): b", ".join(values).decode("latin-1")
        for key, values in response.headers.items()
    }
