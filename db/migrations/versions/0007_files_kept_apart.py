"""files kept apart: versions filed under another source's file go back to their own

Revision ID: 0007
Revises: 0003
Create Date: 2026-12-03 11:00:00

Before this revision a record that names no file of its own (a watched page, a
feed) joined the file of any identifier it cited: a committee page citing
2022/0155(COD) was filed under a press feed's file, and a keyed EU record could
then be filed under that page's file. This revision puts every version back
where pipeline.run.place now puts it:

- a version whose record has no key belongs to its source's own file
  (`SRC:<source name>`), linked ("cites") to the EU procedures its record names;
- a version whose record has a key and sits in a `SRC:` file goes to the file of
  that key;
- its changes, and its source's timeline rows, move with it;
- `SRC:` files keep no identifiers (they name no legislative file, so nothing
  may be joined to them).

Self-contained on purpose: a migration must not change when the code does.
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The titles monitor.link.KNOWN_TITLES had when this revision was written.
TITLES = {
    "2022/0155(COD)": "Regulation laying down rules to prevent and combat child sexual abuse",
    "2020/0259(COD)": "Temporary derogation from the ePrivacy Directive to combat child sexual "
    "abuse online (Regulation (EU) 2021/1232)",
    "2023/0452(COD)": "Extension of the temporary ePrivacy derogation (Regulation (EU) 2024/1307)",
    "2024/0035(COD)": "Combating the sexual abuse and sexual exploitation of children and child "
    "sexual abuse material (recast)",
}


def upgrade() -> None:
    conn = op.get_bind()
    sources = {
        row.id: row for row in conn.execute(sa.text("SELECT id, name, jurisdiction FROM source"))
    }
    keys = {row.id: row.key for row in conn.execute(sa.text("SELECT id, key FROM dossier"))}
    query = sa.text("SELECT id, source_id, dossier_id, record FROM version ORDER BY id")
    versions = [(v, _record(v.record)) for v in conn.execute(query)]
    # Keyed records first: a file's own title comes before a stub's provisional one.
    for version, record in sorted(versions, key=lambda pair: not pair[1].get("key")):
        home = _home(conn, keys, sources[version.source_id], record, version.dossier_id)
        if home is not None and home != version.dossier_id:
            _move(conn, version, home)
        if record.get("key") and home is not None:
            _identify(conn, home, record)
        if not record.get("key"):
            _link_procedures(conn, keys, home or version.dossier_id, record)
    conn.execute(sa.text(
        "DELETE FROM dossieridentifier WHERE dossier_id IN "
        "(SELECT id FROM dossier WHERE key LIKE 'SRC:%')"))  # fmt: skip


def downgrade() -> None:
    """Nothing to undo: the files the old code made were wrong, not a format."""


def _record(value: object) -> dict:
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def _home(conn, keys: dict, source, record: dict, current: int | None) -> int | None:
    """The dossier id this version belongs in, made if missing; None when it is right already."""
    if record.get("key"):
        if not str(keys.get(current, "")).startswith("SRC:"):
            return None
        return _ensure(conn, keys, record["key"], record, source.jurisdiction)
    return _ensure(conn, keys, f"SRC:{source.name}", record, source.jurisdiction)


def _ensure(conn, keys: dict, key: str, record: dict, jurisdiction: str) -> int:
    for dossier_id, known in keys.items():
        if known == key:
            return dossier_id
    prefix = key.partition(":")[0]
    home = prefix if prefix.isupper() and len(prefix) <= 3 else (jurisdiction or "EU")
    return _insert(conn, keys, key, record.get("title", ""), home, record.get("stage", ""))


def _insert(conn, keys: dict, key: str, title: str, jurisdiction: str, stage: str) -> int:
    now = datetime.now(UTC).replace(tzinfo=None)
    conn.execute(
        sa.text("INSERT INTO dossier (key, title, jurisdiction, stage, created_at, updated_at) "
                "VALUES (:key, :title, :jurisdiction, :stage, :now, :now)"),
        {"key": key, "title": title, "jurisdiction": jurisdiction, "stage": stage, "now": now},
    )  # fmt: skip
    dossier_id = conn.execute(
        sa.text("SELECT id FROM dossier WHERE key = :key"), {"key": key}
    ).scalar()
    keys[dossier_id] = key
    return dossier_id


def _move(conn, version, home: int) -> None:
    """The version, its changes and its source's timeline rows in the old file, to `home`."""
    params = {"home": home, "version": version.id}
    conn.execute(sa.text("UPDATE version SET dossier_id = :home WHERE id = :version"), params)
    conn.execute(
        sa.text("UPDATE change SET dossier_id = :home WHERE version_id = :version"), params
    )
    if version.dossier_id is None:
        return
    rows = {"home": home, "old": version.dossier_id, "source": version.source_id}
    for table in ("event", "document"):
        conn.execute(
            sa.text(
                f"DELETE FROM {table} WHERE dossier_id = :old AND source_id = :source AND dedupe_key IN "
                f"(SELECT dedupe_key FROM {table} WHERE dossier_id = :home AND source_id = :source)"
            ),
            rows,
        )
        conn.execute(sa.text(
            f"UPDATE {table} SET dossier_id = :home WHERE dossier_id = :old AND source_id = :source"),
            rows)  # fmt: skip


def _identify(conn, dossier_id: int, record: dict) -> None:
    """A keyed EU file taken out of a `SRC:` file keeps the procedure reference that names it."""
    for scheme, value in record.get("identifiers") or []:
        if scheme == "procedure" and str(record["key"]).startswith("EU:"):
            _add_identifier(conn, dossier_id, value)


def _add_identifier(conn, dossier_id: int, value: str) -> None:
    params = {"value": value, "id": dossier_id}
    exists = conn.execute(sa.text(
        "SELECT 1 FROM dossieridentifier WHERE scheme = 'procedure' AND value = :value "
        "AND dossier_id = :id"), params).first()  # fmt: skip
    if exists is None:
        conn.execute(sa.text(
            "INSERT INTO dossieridentifier (scheme, value, dossier_id) "
            "VALUES ('procedure', :value, :id)"), params)  # fmt: skip


def _link_procedures(conn, keys: dict, dossier_id: int, record: dict) -> None:
    """Link a file of its own to the EU procedures its record names (made as titled stubs)."""
    for scheme, value in record.get("identifiers") or []:
        if scheme != "procedure":
            continue
        key = f"EU:{value}"
        target = next((i for i, k in keys.items() if k == key), None)
        if target is None:
            target = _insert(conn, keys, key, TITLES.get(value, ""), "EU", "")
            _add_identifier(conn, target, value)
        _link(conn, dossier_id, target, value)


def _link(conn, from_id: int, to_id: int, via: str) -> None:
    exists = conn.execute(
        sa.text("SELECT 1 FROM dossierlink WHERE from_id = :a AND to_id = :b"),
        {"a": from_id, "b": to_id},
    ).first()
    if exists is None and from_id != to_id:
        now = datetime.now(UTC).replace(tzinfo=None)
        conn.execute(
            sa.text("INSERT INTO dossierlink (from_id, to_id, relation, via, created_at) "
                    "VALUES (:a, :b, 'cites', :via, :now)"),
            {"a": from_id, "b": to_id, "via": via, "now": now},
        )  # fmt: skip
