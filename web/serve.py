"""`lexwatch serve`: the web app under uvicorn, after checking it may listen where asked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from config import Settings
from web.keys import check_serving


def serve(settings: Settings, host: str, port: int, *, prepare: Callable[[], Any]) -> None:
    """Run the app until interrupted; beyond loopback only with LEXWATCH_SECRET_KEY set.

    `prepare` upgrades (and on a first start seeds) the database, after the host
    check: a refused start changes nothing.
    """
    check_serving(settings, host)
    prepare()
    import uvicorn

    from web.app import create_app

    # Behind a reverse proxy on this machine, trust its X-Forwarded-* (client address, https).
    uvicorn.run(create_app(settings), host=host, port=port, proxy_headers=True,
                forwarded_allow_ips="127.0.0.1", server_header=False, log_level="info")  # fmt: skip
