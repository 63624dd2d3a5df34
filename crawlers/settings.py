"""Scrapy settings, built from Lexwatch's Settings: polite, conditional, bounded."""

from __future__ import annotations

from typing import Any

from crawlers import browser
from vocab.settings import Settings


def scrapy_settings(settings: Settings) -> dict[str, Any]:
    """The Scrapy settings of every crawl."""
    return _replay(settings) | {
        **_never_loaded(),
        # http and https go through crawlers.browser.FetchHandler: Scrapy's own handler, and
        # Chromium for the requests that need it (started at the first one only).
        **browser.scrapy_settings(settings.download_timeout),
        "USER_AGENT": settings.user_agent,
        "ROBOTSTXT_OBEY": settings.obey_robots,
        "AUTOTHROTTLE_ENABLED": settings.autothrottle,
        "AUTOTHROTTLE_START_DELAY": 1.0,
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        # Many slow hosts at once must not fill the crawler: politeness is per host (below).
        "CONCURRENT_REQUESTS": 64,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.concurrent_per_domain,
        "DOWNLOADER": "crawlers.downloader.PoliteDownloader",  # that limit kept in bursts too
        "DOWNLOAD_TIMEOUT": settings.download_timeout,
        "DOWNLOAD_MAXSIZE": 50 * 1024 * 1024,
        "RETRY_TIMES": settings.retry_times,
        "RETRY_BACKOFF_BASE": settings.retry_backoff,
        # Cookies would turn every visit into a new session id on some sites.
        "COOKIES_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        # Scrapy starts this many tasks for the output of every response; ours yields one
        # capture and a few links, handled one by one anyway, so the default 100 only costs
        # time (about a third of Scrapy's own CPU in a pass of 304s).
        "CONCURRENT_ITEMS": 4,
        "LOG_LEVEL": "WARNING",
        # Read by the guard at fetch time (crawlers/guard.py), not trusted from when a row was saved.
        "LEXWATCH_ALLOW_PRIVATE_TARGETS": settings.allow_private_targets,
        # Only the web is fetched: a followed link must not read file:// or s3:// in its stead.
        "DOWNLOAD_HANDLERS": {
            **browser.HANDLERS,
            "file": None,
            "data": None,
            "s3": None,
            "ftp": None,
        },
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawlers.middlewares.BackoffRetryMiddleware": 550,
            # Before robots.txt (100) and replay (50): every request, redirects and retries too.
            "crawlers.guard.GuardMiddleware": 40,
            # First in line, so robots.txt, retries and redirects all go to the replay server.
            **({"crawlers.replay.ReplayMiddleware": 50} if settings.replay_url else {}),
            # A 304 or an empty body holds no <meta http-equiv="refresh">: not decoded for one.
            "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
            "crawlers.middlewares.MetaRefreshMiddleware": 580,
            **_UNUSED["DOWNLOADER_MIDDLEWARES"],
        },
        "SPIDER_MIDDLEWARES": _UNUSED["SPIDER_MIDDLEWARES"],
        "EXTENSIONS": _UNUSED["EXTENSIONS"],
    }


# Scrapy components that would run on every request, response or followed link (or send
# their signals) and that do nothing a crawl of Lexwatch's needs:
# - Offsite: the spider names no allowed_domains, so every host is allowed anyway (the
#   guard decides where a request may go);
# - HttpAuth: no spider sets http_user (a site module sends its own Authorization header);
# - DownloaderStats, CoreStats, LogStats: counters nobody reads (LogStats logs at INFO,
#   below the crawl's LOG_LEVEL);
# - Depth: no DEPTH_LIMIT or DEPTH_PRIORITY is set; MetaCopyDetection: a warning for
#   spider authors.
# Kept: robots.txt, the guard, retries, redirects (and meta refresh), compression, the
# user agent and default headers, timeouts, size limits, HTTP errors, Referer, URL
# length, HTTP proxies from the environment, AutoThrottle, memory usage.
_UNUSED: dict[str, dict[str, None]] = {
    "DOWNLOADER_MIDDLEWARES": {
        "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
        "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
        "scrapy.downloadermiddlewares.stats.DownloaderStats": None,
    },
    "SPIDER_MIDDLEWARES": {
        "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
        "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
    },
    "EXTENSIONS": {
        "scrapy.extensions.corestats.CoreStats": None,
        "scrapy.extensions.logstats.LogStats": None,
    },
}


def _replay(settings: Settings) -> dict[str, Any]:
    """With LEXWATCH_REPLAY_URL, every request is answered by the local replay server."""
    if not settings.replay_url:
        return {}
    return {"LEXWATCH_REPLAY_URL": settings.replay_url}


# Components switched off above that Scrapy would still import (it loads a component
# before asking whether it is enabled): RemoteControl imports aiohttp (10 MB, 0.14 s),
# CookiesMiddleware tldextract and requests (3 MB, 0.07 s), in every crawl process.
# Left out of the base lists, they are never imported.
NEVER_LOADED = {
    "EXTENSIONS_BASE": "scrapy.extensions.remote_control.RemoteControl",
    "DOWNLOADER_MIDDLEWARES_BASE": "scrapy.downloadermiddlewares.cookies.CookiesMiddleware",
}


def _never_loaded() -> dict[str, Any]:
    """Scrapy's base component lists without NEVER_LOADED (a None entry is left out)."""
    from scrapy.settings import default_settings

    return {
        name: {**getattr(default_settings, name), path: None} for name, path in NEVER_LOADED.items()
    }
