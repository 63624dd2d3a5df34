"""Retries with exponential back-off: a struggling site gets more room each time.

A name the guard refused (it resolves to a private address) is not retried:
asking again gives the same answer, and only delays the reason.
"""

from __future__ import annotations

import asyncio
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import CannotResolveHostError

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
