"""`lexwatch worker`: takes crawl jobs from the shared queue (pipeline/queue.py) until stopped.

It is RQ's forking worker: each job runs in a fresh process forked from this
one, so a crawl that leaks or hangs cannot harm the next (a hung job is killed
after the queue's job timeout). Before the first job, this process imports what
every crawl needs, so that a job starts warm; no reactor exists here, each job
starts its own. SIGTERM lets the running job finish, then the worker exits.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from typing import Any

from redis.exceptions import RedisError
from rq import Worker
from rq.job import Job

from db.engine import get_engine
from pipeline.queue import QUEUE, crawl_queue
from vocab.errors import ConfigError
from vocab.settings import Settings

log = logging.getLogger("lexwatch.worker")
HEARTBEAT = 5  # seconds between a busy worker's heartbeats
LEASE = 20  # seconds without a heartbeat before its job counts as abandoned
MAINTENANCE = 5  # seconds between looks for abandoned jobs (one worker at a time looks)


def preload(settings: Settings) -> None:
    """Import every component a crawl loads, once, before the worker forks its first job.

    A job's fresh process would otherwise import them itself, which takes most
    of a second; importing them here makes a job start in a tenth of that. Only
    imports: no reactor may exist before the fork (each job starts its own).
    """
    from scrapy.settings import Settings as ScrapySettings
    from scrapy.utils.misc import load_object

    from crawlers.settings import scrapy_settings

    for path in _component_paths(ScrapySettings(scrapy_settings(settings))):
        load_object(path)
    if "twisted.internet.reactor" in sys.modules:
        raise RuntimeError("preloading crawl components installed a reactor before the fork")


def _component_paths(scrapy: Any) -> list[str]:
    """The import paths of Scrapy's middlewares, extensions, pipelines and handlers."""
    keys = (
        "DOWNLOADER_MIDDLEWARES",
        "SPIDER_MIDDLEWARES",
        "EXTENSIONS",
        "ITEM_PIPELINES",
    )
    paths = [path for key in keys for path in scrapy.getwithbase(key)]  # disabled ones too
    paths += list(scrapy.getwithbase("DOWNLOAD_HANDLERS").values())
    singles = (
        "SCHEDULER",
        "DUPEFILTER_CLASS",
        "STATS_CLASS",
        "DOWNLOADER",
        "LOG_FORMATTER",
        "REQUEST_FINGERPRINTER_CLASS",
        "SCHEDULER_PRIORITY_QUEUE",
        "SCHEDULER_MEMORY_QUEUE",
        "TWISTED_DNS_RESOLVER",
        "ROBOTSTXT_PARSER",
    )
    return [path for path in paths + [scrapy.get(key) for key in singles] if isinstance(path, str)]


class CrawlWorker(Worker):
    """RQ's forking worker (a fresh process per job), with a short lease on its job.

    RQ's own lease is a minute beyond the heartbeat interval: a dead worker's
    source would wait that long, and its round with it. Heartbeats come every
    HEARTBEAT seconds, so LEASE allows for several missed ones.
    """

    def get_heartbeat_ttl(self, job: Job) -> int:
        return LEASE


def work(settings: Settings, *, burst: bool) -> int:
    """Take crawl jobs until stopped (SIGTERM lets the current job finish), or, with `burst`, until none is left."""
    if not settings.redis_url:
        raise ConfigError("`lexwatch worker` takes jobs from Redis: set LEXWATCH_REDIS_URL")
    from vocab import logs

    logs.configure(settings.log_file, console=True)  # one line per crawl, as `run` writes them
    queue = crawl_queue(settings)
    try:
        queue.connection.ping()
    except RedisError as exc:  # once running, RQ itself waits for Redis to come back
        raise ConfigError(f"cannot reach Redis at LEXWATCH_REDIS_URL: {exc}") from exc
    worker = CrawlWorker(
        [queue],
        connection=queue.connection,
        name=f"{socket.gethostname()}.{os.getpid()}",
        job_monitoring_interval=HEARTBEAT,
        maintenance_interval=MAINTENANCE,
    )
    preload(settings)
    engine = get_engine(settings.db_url)  # upgraded once here, not by every job
    engine.dispose()  # each job is a forked process and opens connections of its own
    log.info("worker %s takes crawl jobs from %s", worker.name, QUEUE)
    worker.work(burst=burst, logging_level="WARNING")
    return 0
