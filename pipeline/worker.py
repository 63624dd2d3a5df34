"""`lexwatch worker`: takes crawl jobs from the shared queue (pipeline/queue.py) until stopped.

A worker that stays warm: each job runs in this process (RQ's SimpleWorker,
no fork), through the engine, reactor and Scrapy crawler this process built
once (pipeline/warm.py). A forked job paid ~0.1 s of CPU for the fork, a fresh
reactor, a fresh crawler and fresh database connections, more than the crawl
of a page; jobs are batches of one host's sources now, so a job's own costs
are shared by its pages. What the fork bought, a crawl that hangs cannot harm
the next, the job's timeout still gives: the crawl is cancelled and the job
fails (and is retried).

A forked job's worker renewed the job's lease while waiting for it; here the
job runs on the main thread, so a heartbeat thread renews it every HEARTBEAT
seconds. A worker killed mid-job stops renewing, and after LEASE seconds the
next worker's maintenance puts the job back. SIGTERM lets the running job
finish, then the worker closes its crawler and exits. SIGUSR1 writes every
thread's stack to the worker's stderr, for a worker that seems stuck. Each job
that ends is announced on Redis (pipeline/queue.py's `endings_channel`), so a crawl
waiting for its jobs learns it at once instead of at its next poll.
"""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import os
import signal
import socket
import threading
from typing import Any

from redis.exceptions import RedisError
from rq import SimpleWorker
from rq.job import Job
from rq.queue import Queue

from pipeline.queue import QUEUE, crawl_queue, said_ended
from pipeline.warm import close_all, warm
from vocab.errors import ConfigError
from vocab.settings import Settings

log = logging.getLogger("lexwatch.worker")
HEARTBEAT = 5  # seconds between a busy worker's heartbeats
LEASE = 20  # seconds without a heartbeat before its job counts as abandoned
MAINTENANCE = 5  # seconds between looks for abandoned jobs (one worker at a time looks)
LISTEN = 1.0  # seconds the thread listening for RQ's commands waits for one before looking again


class CrawlWorker(SimpleWorker):
    """RQ's worker without a fork, with a short lease on its job renewed by a thread.

    RQ's own lease is a minute beyond the heartbeat interval (SimpleWorker's:
    beyond the job's whole timeout): a dead worker's sources would wait that
    long, and their round with them. LEASE allows for several missed heartbeats.
    """

    def get_heartbeat_ttl(self, job: Job) -> int:
        return LEASE

    def subscribe(self) -> None:
        """RQ's subscription to this worker's command channel, with a listener that wakes every LISTEN s.

        RQ's listener waits up to 60 s for a message, and at exit RQ unsubscribes
        and then waits for that thread (redis-py 8 joins it). When the listener
        read the unsubscribe's reply first, it went back to wait its 60 s for a
        subscription that never came: SIGTERM then took a minute to end an idle
        worker (seen in the worker tests).
        """
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=LISTEN, daemon=True, exception_handler=self._pubsub_exception_handler
        )

    def execute_job(self, job: Job, queue: Queue) -> None:
        done = threading.Event()
        beats = threading.Thread(target=self._beat, args=(job, done), daemon=True)
        beats.start()
        try:
            super().execute_job(job, queue)
        finally:
            done.set()
            beats.join()

    def handle_job_success(self, job: Job, queue: Queue, *args: Any, **kwargs: Any) -> None:
        super().handle_job_success(job, queue, *args, **kwargs)
        said_ended(self.connection, job)  # the crawl waiting for it need not poll

    def handle_job_failure(self, job: Job, queue: Queue, *args: Any, **kwargs: Any) -> None:
        super().handle_job_failure(job, queue, *args, **kwargs)
        said_ended(self.connection, job)  # failed for good, or back in the queue for a retry

    def _beat(self, job: Job, done: threading.Event) -> None:
        while not done.wait(HEARTBEAT):
            try:
                self.maintain_heartbeats(job)
            except (RedisError, AttributeError) as exc:  # Redis away, or the job just ended
                log.warning("heartbeat of job %s: %s", job.id, exc)


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
        maintenance_interval=MAINTENANCE,
    )
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # `kill -USR1`: where is it stuck?
    warm(settings)  # the database engine, upgraded once here, kept for every job
    log.info("worker %s takes crawl jobs from %s", worker.name, QUEUE)
    try:
        worker.work(burst=burst, logging_level="WARNING")
    finally:
        with contextlib.suppress(Exception):  # the process ends next either way
            close_all()
    return 0
