"""Replay: every request goes to a local server that answers with captured pages (the demo, tests).

With LEXWATCH_REPLAY_URL set, `https://oeil.secure.europarl.europa.eu/oeil/…` is
fetched as `<replay>/oeil.secure.europarl.europa.eu/oeil/…`, and the response
keeps the real URL, so everything stored and parsed reads as if from the real site.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response


def replay_url(replay: str, url: str) -> str:
    """Where a real URL is answered by the replay server."""
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{replay.rstrip('/')}/{parts.netloc}{parts.path or '/'}{query}"


class ReplayMiddleware:
    """Reroute requests to the replay server and give responses their real URL back."""

    def __init__(self, replay: str) -> None:
        self.replay = replay

    @classmethod
    def from_crawler(cls, crawler) -> ReplayMiddleware:
        return cls(crawler.settings.get("LEXWATCH_REPLAY_URL"))

    def process_request(self, request: Request) -> Request | None:
        original = request.meta.get("replay_of")
        if original and request.url == replay_url(self.replay, original):
            return None  # already rerouted (a retry keeps its rerouted URL)
        # A redirect copies the meta but not the URL: it is rerouted too, never fetched for real.
        meta = {**request.meta, "replay_of": request.url}
        return request.replace(url=replay_url(self.replay, request.url), meta=meta)

    def process_response(self, request: Request, response: Response) -> Response:
        original = request.meta.get("replay_of")
        return response.replace(url=original) if original else response
