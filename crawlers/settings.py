"""Scrapy settings, built from Lexwatch's Settings: polite, conditional, bounded."""

from __future__ import annotations

from typing import Any

from config import Settings


def scrapy_settings(settings: Settings) -> dict[str, Any]:
    """The Scrapy settings of every crawl."""
    return _replay(settings) | {
        "USER_AGENT": settings.user_agent,
        "ROBOTSTXT_OBEY": settings.obey_robots,
        "AUTOTHROTTLE_ENABLED": settings.autothrottle,
        "AUTOTHROTTLE_START_DELAY": 1.0,
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.concurrent_per_domain,
        "DOWNLOAD_TIMEOUT": settings.download_timeout,
        "DOWNLOAD_MAXSIZE": 50 * 1024 * 1024,
        "CLOSESPIDER_TIMEOUT": settings.crawl_time_limit,
        "RETRY_TIMES": settings.retry_times,
        "RETRY_BACKOFF_BASE": settings.retry_backoff,
        # Cookies would turn every visit into a new session id on some sites.
        "COOKIES_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "ITEM_PIPELINES": {"crawlers.pipelines.StorePipeline": 100},
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawlers.middlewares.BackoffRetryMiddleware": 550,
            # First in line, so robots.txt, retries and redirects all go to the replay server.
            **({"crawlers.replay.ReplayMiddleware": 50} if settings.replay_url else {}),
        },
    }


def _replay(settings: Settings) -> dict[str, Any]:
    """With LEXWATCH_REPLAY_URL, every request is answered by the local replay server."""
    if not settings.replay_url:
        return {}
    return {"LEXWATCH_REPLAY_URL": settings.replay_url}
