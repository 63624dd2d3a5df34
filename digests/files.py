"""The stored files as the digests match them: their facts, and the files a watch covers."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session

from db import repo
from db.models import Watch
from digests import relevance, select


def facts_of(session: Session, dossier_ids: Iterable[int]) -> dict[int, select.FileFacts]:
    """Dossier id -> FileFacts (its identifiers and the files it cites), read from the database."""
    ids = set(dossier_ids)
    cited = repo.cited_dossiers(session, dossier_ids=ids)
    every = ids | {d.id for found in cited.values() for d in found}
    identifiers = repo.dossier_identifiers(session, dossier_ids=every)
    return select.file_facts(repo.dossiers_by_id(session, dossier_ids=ids), identifiers, cited)


def files_of_watch(session: Session, watch: Watch) -> list[int]:
    """The files with versions that a watch covers, judged as a digest judges a file's forecasts."""
    check = select.compiled(watch)
    facts = facts_of(session, repo.versioned_dossier_ids(session))
    return [i for i, f in facts.items() if relevance.matches(check, select.file_subject(f))]
