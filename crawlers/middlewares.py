"""Scrapy's retry and meta-refresh middlewares, adapted to Lexwatch's crawls.

Retries wait longer each time: a struggling site gets more room. A name the
guard refused (it resolves to a private address) is not retried: asking again
gives the same answer, and only delays the reason. A meta refresh is looked for
only in a body that can hold one: most answers of a pass are 304s, without a body.
"""

from __future__ import annotations

import asyncio
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefresh
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import CannotResolveHostError
from scrapy.http import Response

from crawlers.guard import refusal_of
from crawlers.urls import host_of


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry middleware, waiting base * 2**(n-1) seconds before retry n."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)

    async def process_request(self, request: Request) -> None:
        retries = request.meta.get("retry_times", 0)
        if retries and self.base > 0:
            await asyncio.sleep(self.base * 2 ** (retries - 1))

    def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if isinstance(exception, CannotResolveHostError) and refusal_of(host_of(request.url)):
            return None
        return super().process_exception(request, exception)


class MetaRefreshMiddleware(ScrapyMetaRefresh):
    """Scrapy's, without decoding an empty body (a 304's) to find no <meta http-equiv="refresh">."""

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if not response.body:
            return response
        return super().process_response(request, response)
