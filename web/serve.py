"""`lexwatch serve`: the web app under uvicorn, after checking it may listen where asked."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

from config import Settings
from errors import ConfigError
from web.keys import check_serving


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

    # Behind a reverse proxy on this machine, trust its X-Forwarded-* (client address, https).
    uvicorn.run(create_app(settings), host=host, port=port, proxy_headers=True,
                forwarded_allow_ips="127.0.0.1", server_header=False, log_level="info")  # fmt: skip


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
            raise ConfigError(f"cannot listen on {host} port {port}: {reason}; "
                              "choose another --port or --host") from exc  # fmt: skip
