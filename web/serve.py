"""`lexwatch serve`: the web app under uvicorn, after checking it may listen where asked.

uvicorn's access log writes each request's path with its query string; feed
links carry `?token=…`, so a filter on the access logger blanks that value
before any handler sees the line.
"""

from __future__ import annotations

import copy
import logging
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_plus

from vocab.errors import ConfigError
from vocab.settings import Settings
from web.keys import check_serving

REDACTED = "[redacted]"
SECRET_PARAMS = frozenset({"token"})


def redact_query(path: str) -> str:
    """`path?…` with the value of every token parameter replaced (the key read as decoded)."""
    base, mark, query = path.partition("?")
    if not mark:
        return path
    parts = [_redacted_part(part) for part in query.split("&")]
    return f"{base}?{'&'.join(parts)}"


def _redacted_part(part: str) -> str:
    name = part.split("=", 1)[0]
    # Decoded as Starlette decodes it: `%74oken=` is read as `token=` and must be hidden too.
    return f"{name}={REDACTED}" if unquote_plus(name).strip().lower() in SECRET_PARAMS else part


class RedactTokens(logging.Filter):
    """Blank token values in every text argument of a log record (uvicorn passes the path so)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact_query(a) if isinstance(a, str) else a for a in record.args)
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's logging configuration with RedactTokens on the access logger."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_tokens"] = {"()": RedactTokens}
    config["loggers"]["uvicorn.access"]["filters"] = ["redact_tokens"]
    return config


def uvicorn_options() -> dict[str, Any]:
    """How `serve` runs uvicorn (tests start a server with the same options)."""
    # proxy_headers off: the app itself believes X-Forwarded-* from LEXWATCH_TRUSTED_PROXIES
    # only; uvicorn's own default would believe any client connecting from 127.0.0.1.
    return {
        "proxy_headers": False,
        "server_header": False,
        "log_level": "info",
        "log_config": log_config(),
    }


def serve(settings: Settings, host: str, port: int, *, prepare: Callable[[], Any]) -> None:
    """Run the app until interrupted; beyond loopback only with LEXWATCH_SECRET_KEY set.

    `prepare` upgrades (and on a first start seeds) the database, after the host
    check: a refused start changes nothing.
    """
    check_serving(settings, host)
    check_port(host, port)
    prepare()
    import uvicorn

    from web.app import create_app

    uvicorn.run(create_app(settings), host=host, port=port, **uvicorn_options())


def check_port(host: str, port: int) -> None:
    """Refuse, in one line, an address that cannot be listened on (a port in use, an unknown host).

    Uvicorn would log the error and exit 1; binding as it does (SO_REUSEADDR)
    first says what to do instead.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise ConfigError(
                f"cannot listen on {host} port {port}: {reason}; choose another --port or --host"
            ) from exc
