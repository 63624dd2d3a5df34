"""First start: decide once per database whether to seed the default sources and watches.

The decision is recorded whatever it is (the AppState row `seeded_at`, or
`seeding_declined_at` when LEXWATCH_SEED_DEFAULTS was false), so a later command
run with other settings never seeds a database whose first start declined. Once
seeded, an admin may remove or edit any default; a restart does not bring it back.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from crawlers.defaults import default_sources
from db import repo
from db.engine import session_scope
from db.models import utcnow
from vocab.settings import Settings

SEEDED = "seeded_at"
DECLINED = "seeding_declined_at"


def seed_once(engine: Engine, settings: Settings) -> bool:
    """Seed the defaults if this is the database's first start and seeding is on; True when it did."""
    with session_scope(engine) as session:
        if decided(session):
            return False
        # A database that has sources but no decision predates this record: its first
        # start declined (seeding comes before anything else a first start does).
        if not settings.seed_defaults or repo.list_sources(session):
            repo.set_state(session, key=DECLINED, value=utcnow().isoformat())
            return False
        _seed(session, settings)
        repo.set_state(session, key=SEEDED, value=utcnow().isoformat())
    return True


def decided(session: Session) -> bool:
    """True once a first start has seeded this database or declined to."""
    return any(repo.get_state(session, key=key) for key in (SEEDED, DECLINED))


def _seed(session: Session, settings: Settings) -> None:
    for source in default_sources(default_every=settings.default_every):
        repo.add_source(session, source=source)
    _seed_watches(session)


def _seed_watches(session: Session) -> None:
    """The default watches, when the digests package provides them."""
    try:
        from digests import watches
    except ImportError:
        return
    watches.seed(session)
