"""Chromium's only way out: a forward proxy on 127.0.0.1 that judges every connection it opens.

Chromium fetches on its own. Its redirects, a page's scripts, images and frames,
the requests a challenge script makes, never pass Scrapy's guard middleware or
Lexwatch's resolver, and Playwright's request routing does not even see a
redirect's next hop. So each browser context is given this proxy, and every
connection Chromium (or Playwright's own `route.fetch`) opens — `CONNECT
host:443` for https, `GET http://host/…` for http — is judged here as the
crawler's resolver judges Scrapy's (crawlers/guard.py): the name is resolved
once, every address it gave must be allowed by the crawl's Policy, and the
connection goes to exactly the address judged, so a name that answers a public
address first and 127.0.0.1 next (DNS rebinding) gains nothing. A refused
connection is closed unanswered, and its reason kept for the source's health.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from urllib.parse import urlsplit

from crawlers.guard import Judged, Policy, judge_connection

log = logging.getLogger("lexwatch.browser")
HEAD_LIMIT = 64 * 1024  # request line and headers; Chromium's are a few hundred bytes
CONNECT_TIMEOUT = 30.0


class Egress:
    """The proxy of one crawler's browser; `refusals` holds why a host:port was refused."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.server: asyncio.Server | None = None
        self.refusals: dict[str, Judged] = {}  # "host:port" -> why it was refused

    @property
    def url(self) -> str:
        assert self.server is not None, "start() the proxy first"
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    async def start(self) -> Egress:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0, limit=HEAD_LIMIT)
        return self

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None

    def refusal(self, url: str) -> Judged | None:
        """Why the connection to `url`'s host was refused, if it was."""
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return self.refusals.get(f"{parts.hostname}:{port}")

    async def _serve(self, client: asyncio.StreamReader, to_client: asyncio.StreamWriter) -> None:
        try:
            await self._relay(client, to_client)
        except (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass  # the browser went away, or sent what no browser sends: nothing to answer
        finally:
            to_client.close()

    async def _relay(self, client: asyncio.StreamReader, to_client: asyncio.StreamWriter) -> None:
        head = await client.readuntil(b"\r\n\r\n")
        tunnel, host, port, forward = read_head(head)
        judged = await judge_connection(host, port, self.policy)
        if judged.refused:
            self._refused(host, port, judged)
            return  # closed unanswered: the browser's request fails, it gets no page to keep
        server, to_server = await asyncio.wait_for(
            asyncio.open_connection(judged.address, port), CONNECT_TIMEOUT
        )
        to_client.write(
            b"HTTP/1.1 200 Connection established\r\n\r\n"
        ) if tunnel else to_server.write(forward)
        await _splice((client, to_server), (server, to_client))

    def _refused(self, host: str, port: int, judged: Judged) -> None:
        log.warning("browser connection refused: %s", judged.refused)
        if len(self.refusals) > 1000:
            self.refusals.clear()  # reasons only: a long-lived crawler must not grow without end
        self.refusals[f"{host}:{port}"] = judged


def read_head(head: bytes) -> tuple[bool, str, int, bytes]:
    """(tunnel?, host, port, what to send the server) of a proxy request's head.

    `CONNECT host:port` opens a tunnel; `GET http://host/path` is sent on as
    `GET /path`, with `Connection: close`, so that the browser opens a new
    connection, judged anew, for its next request (maybe to another host).
    """
    line, _, rest = head.decode("latin-1").partition("\r\n")
    method, target, version = line.split(" ", 2)
    if method.upper() == "CONNECT":
        host, _, port = target.rpartition(":")
        return True, host.strip("[]"), int(port), b""
    parts = urlsplit(target)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"not a proxy request: {line}")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [f"{method} {path} {version}", *_kept(rest.split("\r\n")), "Connection: close"]
    return (
        False,
        parts.hostname,
        parts.port or 80,
        ("\r\n".join(headers) + "\r\n\r\n").encode("latin-1"),
    )


def _kept(lines: Iterable[str]) -> list[str]:
    dropped = ("proxy-connection:", "connection:", "keep-alive:")
    return [line for line in lines if line and not line.lower().startswith(dropped)]


async def _splice(*pairs: tuple[asyncio.StreamReader, asyncio.StreamWriter]) -> None:
    """Copy both ways until either side ends, then close both."""
    pipes = [asyncio.ensure_future(_pipe(reader, writer)) for reader, writer in pairs]
    try:
        await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for pipe in pipes:
            pipe.cancel()
        for _, writer in pairs:
            writer.close()
        with contextlib.suppress(Exception):
            await asyncio.gather(*pipes, return_exceptions=True)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while chunk := await reader.read(65536):
        writer.write(chunk)
        await writer.drain()
