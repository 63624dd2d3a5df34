"""Whether a database's schema is at the newest revision, told without loading Alembic.

Nearly every process that opens the database (each `lexwatch` command, the
service, every worker) finds it already upgraded, yet importing Alembic and
reading its scripts to learn so cost each one about 0.15 s and 15 MB. The newest
revision is read here from the migration files themselves (each names its
`revision` and the `down_revision` it follows) and the database's from its
`alembic_version` table; db/engine.py loads Alembic only when the two differ, or
when the files cannot be read plainly (then Alembic decides, as before).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, inspect, text

VERSIONS = Path(__file__).parent / "migrations" / "versions"
_REVISION = re.compile(r"""^revision\b[^=\n]*=\s*["'](\w+)["']""", re.MULTILINE)
_FOLLOWS = re.compile(r"""^down_revision\b[^=\n]*=\s*["'](\w+)["']""", re.MULTILINE)


@cache
def head() -> str | None:
    """The revision no other follows; None unless every file names one and there is one head."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(VERSIONS.glob("*.py"))]
    named = [_REVISION.findall(text) for text in texts]
    if any(len(found) != 1 for found in named):
        return None
    heads = {found[0] for found in named} - {f for t in texts for f in _FOLLOWS.findall(t)}
    return heads.pop() if len(heads) == 1 else None


def at_head(engine: Engine) -> bool:
    """Whether this database's schema is at the newest revision: one short read."""
    newest = head()
    if newest is None:
        return False
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return False
        found = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        return list(found) == [newest]
