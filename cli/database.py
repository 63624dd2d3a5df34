"""The database a command works on."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from db.engine import get_engine
from vocab.settings import get_settings


def engine() -> Engine:
    """The database, upgraded and (on its first start) seeded with the default watch list."""
    from pipeline.startup import seed_once

    settings = get_settings()
    made = get_engine(settings.db_url)
    seed_once(made, settings)
    return made
