"""First start: seed the default sources and watches once per database, never again.

Once seeded, an admin may remove or edit any default; a restart does not bring
it back (the AppState row `seeded_at` remembers).
"""

from __future__ import annotations

from sqlalchemy import Engine

from config import Settings
from crawlers.defaults import default_sources
from db import repo
from db.engine import session_scope
from db.models import utcnow


def seed_once(engine: Engine, settings: Settings) -> bool:
    """Add the defaults on the first start of this database; True when it did."""
    if not settings.seed_defaults:
        return False
    with session_scope(engine) as session:
        if repo.get_state(session, key="seeded_at"):
            return False
        known = {s.name for s in repo.list_sources(session)}
        for source in default_sources(default_every=settings.default_every):
            if source.name not in known:
                repo.add_source(session, source=source)
        _seed_watches(session)
        repo.set_state(session, key="seeded_at", value=utcnow().isoformat())
    return True


def _seed_watches(session) -> None:
    """The default watches, when the digests package provides them."""
    try:
        from digests import watches
    except ImportError:
        return
    watches.seed(session)
