"""The one spider: asks each source's site module which requests to make and captures the answers.

A single long-lived spider serves every source kind, so that politeness
(robots.txt, AutoThrottle, per-domain concurrency) holds across all the sources
that share a host. Sources are handed to it one at a time as *jobs*
(`submit`); a job is done when every request it led to (first requests and
the links its site module follows) has an answer or an error. Parsing happens
later, outside the crawl (pipeline/run.py): the spider only stores what came
back and decides which links to follow.

Nothing a source does escapes its job: an exception while building its
requests, storing an answer or following its links is recorded on its Outcome,
and the spider goes on with every other job.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import (
    CannotResolveHostError,
    DontCloseSpider,
    DownloadCancelledError,
    IgnoreRequest,
)
from scrapy.http import Response as ScrapyResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawlers import browser
from crawlers.challenge import blocked, challenge_of
from crawlers.guard import Refused, refusal_of
from crawlers.pipelines import keep
from crawlers.sites import SITES
from crawlers.urls import host_of
from db.models import utcnow
from vocab.errors import LexwatchError, SourceError, describe_bug
from vocab.fetch import Capture, Outcome, Request, Response
from vocab.redact import redact

log = logging.getLogger("lexwatch.crawl")
CHALLENGE_STATUSES = (403, 405, 429, 503)  # besides 202, the statuses a bot wall answers with


@dataclass
class Job:
    """One source's crawl inside the long-lived spider: its outcome and what is still out."""

    id: int
    outcome: Outcome
    done: asyncio.Future = field(repr=False)
    pending: int = 0
    browser: bool = False  # every request through the browser (asked for, or after a challenge)


class WatchSpider(scrapy.Spider):
    """Fetches the requests of every submitted source, conditionally, and stores the answers."""

    name = "lexwatch"

    def __init__(
        self,
        engine: Any,
        body_of: Callable[[str], bytes | None],
        secrets: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.engine, self.body_of = engine, body_of
        # The configured keys: the guard lets a request carrying one go to its own host only.
        self.secrets = dict(secrets or {})
        self.jobs: dict[int, Job] = {}
        self._ids = itertools.count(1)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> WatchSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.stay_open, signal=signals.spider_idle)
        crawler.signals.connect(spider.dropped, signal=signals.request_dropped)
        return spider

    def stay_open(self) -> None:
        """The spider lives as long as its crawler: new jobs arrive at any time."""
        raise DontCloseSpider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        return
        yield  # an async generator with nothing to start with: jobs come through submit()

    # -- jobs ------------------------------------------------------------------

    def submit(self, outcome: Outcome) -> Job:
        """Schedule a source's first requests; the job's `done` resolves when all are answered."""
        job = Job(next(self._ids), outcome, asyncio.get_running_loop().create_future())
        job.browser = browser.renders(outcome.plan.target.params)
        self.jobs[job.id] = job
        for request in self._first_requests(job):
            self.crawler.engine.crawl(request)
        self._settle(job)
        return job

    def forget(self, job: Job) -> None:
        """Stop waiting for a job (its time limit passed): late answers are dropped."""
        self.jobs.pop(job.id, None)
        if not job.done.done():
            job.done.set_result(None)

    def _settle(self, job: Job) -> None:
        if job.pending <= 0 and not job.done.done():
            self.jobs.pop(job.id, None)
            job.done.set_result(None)

    def _first_requests(self, job: Job) -> list[scrapy.Request]:
        plan = job.outcome.plan
        if job.browser and not browser.available():
            job.outcome.errors.append(
                f"{plan.name} is fetched with render=browser, but {browser.missing()}"
            )
            return []
        try:
            wanted = SITES[plan.kind].requests(plan.target)
        except LexwatchError as exc:  # a misconfigured source fails alone
            if getattr(exc, "health", "") == "skipped":
                job.outcome.skipped = str(exc)
            else:
                job.outcome.errors.append(str(exc))
            return []
        except Exception as exc:
            self._fault(job, f"the {plan.kind} module's requests for {plan.name}", exc)
            return []
        return list(self._schedule(job, wanted))

    def _schedule(self, job: Job, wanted: Iterable[Request]) -> Iterable[scrapy.Request]:
        outcome = job.outcome
        for request in wanted:
            if request.url in outcome.requested:
                continue
            outcome.requested[request.url] = None
            job.pending += 1
            yield self._to_scrapy(job, request)

    def _to_scrapy(self, job: Job, request: Request) -> scrapy.Request:
        headers = dict(request.headers)
        shown = redact(request.url)  # what is stored and shown names no secret
        known = job.outcome.plan.validators.get(shown)
        if known and known.etag:
            headers["If-None-Match"] = known.etag
        if known and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        # The URL as the site module wrote it names the snapshot: Scrapy may re-encode what it sends.
        meta = {
            "job": job.id,
            "role": request.role,
            "asked": request,
            "wanted": request.url,
            "shown": shown,
            # One slot per host and port: a hung server holds up only its own requests.
            "download_slot": urlsplit(request.url).netloc.lower(),
            **self._answers_taken(job),
        }
        return scrapy.Request(
            request.url,
            headers=headers,
            meta=meta,
            callback=self.parse,
            errback=self.failed,
            dont_filter=True,
        )

    def _answers_taken(self, job: Job) -> dict[str, Any]:
        """Which answers reach `parse`: a challenge comes with a 202, 403, 405, 429 or 503."""
        if job.browser:
            # The browser follows redirects and retries nothing; its status is judged in `parse`.
            return {
                "browser": True,
                "handle_httpstatus_all": True,
                "dont_retry": True,
                "dont_redirect": True,
            }
        if job.outcome.plan.raw:
            return {"handle_httpstatus_all": True}
        return {"handle_httpstatus_list": [304, *CHALLENGE_STATUSES]}

    # -- answers ------------------------------------------------------------------

    def parse(self, response: ScrapyResponse, **kwargs: Any) -> list[scrapy.Request]:
        job = self.jobs.get(response.meta["job"])
        if job is None:
            return []  # the job's time limit passed before this answer came
        try:
            follows = self._take(job, response)
        except Exception as exc:
            self._fault(job, f"handling the answer from {response.meta['wanted']}", exc)
            follows = []
        job.pending -= 1
        self._settle(job)
        return follows

    def _take(self, job: Job, response: ScrapyResponse) -> list[Any]:
        headers = _headers(response)
        what = challenge_of(response.status, headers, response.body)
        if what:
            return self._challenged(job, response, headers, what)
        if response.status >= 400:
            return self._refused_with(job, response, headers)
        self._note_moved(job.outcome, response)
        capture = self._capture(job, response, headers)
        if job.outcome.plan.raw:
            job.outcome.answers.append(capture)
            return []
        keep(job.outcome, capture, self.engine)
        return list(self._follow(job, response, headers))

    def _capture(self, job: Job, response: ScrapyResponse, headers: dict) -> Capture:
        return Capture(
            source_id=job.outcome.plan.source_id,
            url=response.meta["shown"],
            role=response.meta["role"],
            status=response.status,
            headers=headers,
            body=response.body if response.status != 304 else b"",
            fetched_at=utcnow(),
        )

    def _challenged(self, job: Job, response: ScrapyResponse, headers: dict, what: str) -> list:
        """A challenge instead of the page: once through the browser if that may pass it, else blocked."""
        plan, tried = job.outcome.plan, bool(response.meta.get("browser"))
        if (
            not tried
            and browser.retries_in_browser(plan.kind, plan.target.params)
            and browser.available()
        ):
            job.browser = True  # the source's other requests go straight to the browser
            job.pending += 1  # the retry is this request's answer still to come
            return [self._to_scrapy(job, response.meta["asked"])]
        if plan.raw:
            job.outcome.answers.append(self._capture(job, response, headers))
        error = blocked(
            response.meta["shown"],
            what,
            tried_browser=tried,
            hint="" if tried else _untried(plan),
        )
        job.outcome.blocked = job.outcome.blocked or error
        return []

    def _refused_with(self, job: Job, response: ScrapyResponse, headers: dict) -> list:
        """An HTTP error let through to be checked for a challenge: recorded as the errback would."""
        url = response.meta["shown"]
        if job.outcome.plan.raw:
            job.outcome.answers.append(self._capture(job, response, headers))
            return []
        job.outcome.statuses[url] = response.status
        job.outcome.errors.append(f"HTTP {response.status} from {url}")
        return []

    @staticmethod
    def _note_moved(outcome: Outcome, response: ScrapyResponse) -> None:
        """A permanent redirect: the source works, but its URL is out of date."""
        if any(reason in (301, 308) for reason in response.meta.get("redirect_reasons") or ()):
            outcome.moved[response.meta["shown"]] = redact(response.url)

    def _follow(self, job: Job, response: ScrapyResponse, headers: dict) -> Iterable[Any]:
        outcome = job.outcome
        follow = getattr(SITES[outcome.plan.kind], "follow", None)
        if follow is None:  # checked first: a 304 would otherwise load the stored body for nothing
            return []
        body = response.body if response.status != 304 else self._previous_body(outcome, response)
        if not body:
            return []
        seen = Response(response.meta["wanted"], body, 200, headers, response.meta["role"])
        try:
            wanted = follow(seen, outcome.plan.target)
        except SourceError:
            return []  # the parse step will report what is wrong with this body
        return self._schedule(job, wanted)

    def _previous_body(self, outcome: Outcome, response: ScrapyResponse) -> bytes | None:
        known = outcome.plan.validators.get(response.meta["shown"])
        return self.body_of(known.sha256) if known else None

    def failed(self, failure: Failure) -> None:
        request = failure.request
        job = self.jobs.get(request.meta.get("job"))
        if job is not None and failure.check(HttpError):
            job.outcome.statuses[redact(_wanted(request))] = failure.value.response.status
        self._answered_with_error(
            request, describe_failure(failure, _wanted(request), self.settings)
        )

    def dropped(self, request: scrapy.Request, **kwargs: Any) -> None:
        """A request the engine would not schedule gets no callback: count it as answered."""
        if "job" in request.meta:
            self._answered_with_error(request, f"{_wanted(request)} was dropped by the crawler")

    def _answered_with_error(self, request: scrapy.Request, message: str) -> None:
        job = self.jobs.get(request.meta["job"])
        if job is None:
            return
        job.outcome.errors.append(message)
        job.pending -= 1
        self._settle(job)

    def _fault(self, job: Job, what: str, exc: Exception) -> None:
        """A bug of Lexwatch met on one source: logged with its traceback, recorded on the job."""
        log.error("%s: %s failed", job.outcome.plan.name, what, exc_info=exc)
        job.outcome.faults.append(describe_bug(what, exc))


def _untried(plan: Any) -> str:
    """What a user can do about a challenge the browser was not tried on."""
    if plan.target.params.get(browser.RENDER) == "plain":
        return ""  # the source says never the browser
    if browser.retries_in_browser(plan.kind, plan.target.params):
        return browser.missing()
    return "add --param render=browser to fetch it through a browser"


def _wanted(request: scrapy.Request) -> str:
    return request.meta.get("wanted", request.url)


def describe_failure(failure: Failure, url: str, settings: Any) -> str:
    """One line a person understands: what went wrong with which URL (no secret in it)."""
    url = redact(url)
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status} from {url}"
    if failure.check(Refused):
        return str(failure.value)
    message = failure.getErrorMessage()
    for check, describe in _REASONS:
        if check(failure, message):
            return describe(url, settings, failure)
    name = failure.type.__name__ if failure.type else "error"
    return redact(f"{name} fetching {url}: {message}")


def _is(*types: type) -> Callable[[Failure, str], bool]:
    return lambda failure, _message: bool(failure.check(*types))


def _says(*words: str) -> Callable[[Failure, str], bool]:
    return lambda failure, message: (
        bool(failure.check(IgnoreRequest)) and any(word in message for word in words)
    )


def _megabytes(settings: Any) -> str:
    return f"{settings.getint('DOWNLOAD_MAXSIZE') / 1024 / 1024:g} MB"


def _timed_out(failure: Failure, _message: str) -> bool:
    return "Timeout" in (failure.type.__name__ if failure.type else "")


def _unresolved(url: str, settings: Any, failure: Failure) -> str:
    # The host that failed may be a redirect's, not the URL the source asked for.
    failed = getattr(getattr(failure, "request", None), "url", url)
    return refusal_of(host_of(failed)) or f"cannot resolve the host of {redact(failed)}"


# Scrapy reports several causes as IgnoreRequest: its message tells them apart.
_REASONS: tuple[tuple[Callable[[Failure, str], bool], Callable[..., str]], ...] = (
    (
        _timed_out,
        lambda url, s, _f: f"no answer within {s.getfloat('DOWNLOAD_TIMEOUT'):g} s from {url}",
    ),
    (
        _is(DownloadCancelledError),
        lambda url, s, _f: f"the answer from {url} is larger than {_megabytes(s)}",
    ),
    (
        _says("DOWNLOAD_MAXSIZE"),
        lambda url, s, _f: (
            f"the answer from {url} is larger than {_megabytes(s)} once decompressed"
        ),
    ),
    (
        _says("max redirections"),
        lambda url, s, _f: (
            f"too many redirects from {url} (more than {s.getint('REDIRECT_MAX_TIMES')})"
        ),
    ),
    (_says("robots.txt"), lambda url, _s, _f: f"{url} is disallowed by the site's robots.txt"),
    (_is(CannotResolveHostError), _unresolved),
)


def _headers(response: ScrapyResponse) -> dict[str, str]:
    return {
        key.decode("latin-1").lower(): b", ".join(values).decode("latin-1")
        for key, values in response.headers.items()
    }
