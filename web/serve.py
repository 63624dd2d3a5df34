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

    # proxy_headers off: the app itself believes X-Forwarded-* from LEXWATCH_TRUSTED_PROXIES
    # only; uvicorn's own setting would believe any client connecting from 127.0.0.1.
    uvicorn.run(create_app(settings), host=host, port=port, proxy_headers=False,
                server_header=False, log_level="info")  # fmt: skip
