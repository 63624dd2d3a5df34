"""The data model: every table of Lexwatch. Times are timezone-aware, stored as UTC.

Source -> CrawlRun, Snapshot (-> Blob) -> Version -> Change; Version, EventRow and
DocumentRow (tables `event` and `document`) belong to a Dossier (one legislative file) which holds its identifiers
(DossierIdentifier) and links to related files (DossierLink). Watch, Subscriber,
Subscription and DigestRun drive the digests, AlertChannel and Alert the alerts; User guards the web app, and
SignInFailure counts wrong passwords per account and address.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, UniqueConstraint
from sqlalchemy import true as sa_true
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Now, in UTC, as every table stores it."""
    return datetime.now(UTC)


class Source(SQLModel, table=True):
    """A watched source: what to fetch, how often, and how healthy it is."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    kind: str = Field(index=True)
    url: str
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    jurisdiction: str = ""
    every_seconds: int | None = None
    cron: str | None = None
    enabled: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    health: str = "new"
    health_reason: str = ""
    health_since: datetime | None = None
    consecutive_failures: int = 0
    last_run_at: datetime | None = None
    last_success_at: datetime | None = None
    last_change_at: datetime | None = None


class CrawlRun(SQLModel, table=True):
    """One crawl of one source: what was fetched, what changed, what went wrong."""

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    started_at: datetime = Field(default_factory=utcnow, index=True)
    finished_at: datetime | None = None
    status: str = "running"
    fetched: int = 0
    unchanged: int = 0
    changes: int = 0
    errors: int = 0
    error: str = ""
    bytes_received: int = 0
    # host:pid:token of the process running it: only a dead owner's run is marked interrupted.
    owner: str = ""


class Blob(SQLModel, table=True):
    """A raw body, stored once per SHA-256 of its uncompressed bytes, zlib-compressed."""

    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class Snapshot(SQLModel, table=True):
    """A distinct body seen at one URL of a source, with its validators and when it was seen."""

    # A URL's newest snapshot (fetched last, then stored last) is found in this index alone.
    __table_args__ = (
        Index("ix_snapshot_source_url_newest", "source_id", "url", "fetched_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    run_id: int | None = Field(default=None, foreign_key="crawlrun.id")
    url: str
    role: str = "main"
    status: int = 200
    sha256: str = Field(foreign_key="blob.sha256", index=True)
    etag: str = ""
    last_modified: str = ""
    content_type: str = ""
    fetched_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    parsed: bool = False
    # Its body made a version (what it said differed from the version before): kept. A parsed
    # body that made none goes once a newer one of its URL is parsed (pipeline/recording.py).
    versioned: bool = Field(default=False, sa_column_kwargs={"server_default": sa_true()})


class Dossier(SQLModel, table=True):
    """One legislative file, across all the sources that report on it."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    title: str = ""
    jurisdiction: str = ""
    stage: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class DossierIdentifier(SQLModel, table=True):
    """An identifier (scheme, canonical value) that names a Dossier; joins sources."""

    __table_args__ = (UniqueConstraint("scheme", "value", "dossier_id"),)

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True)
    scheme: str = Field(index=True)
    value: str = Field(index=True)


class DossierLink(SQLModel, table=True):
    """Two files that are related but not the same (a national motion citing an EU file)."""

    __table_args__ = (UniqueConstraint("from_id", "to_id"),)

    id: int | None = Field(default=None, primary_key=True)
    from_id: int = Field(foreign_key="dossier.id", index=True)
    to_id: int = Field(foreign_key="dossier.id", index=True)
    relation: str = "cites"
    via: str = ""
    created_at: datetime = Field(default_factory=utcnow)


class Version(SQLModel, table=True):
    """A distinct parsed state of a source: the normalised record and its fingerprint."""

    __table_args__ = (UniqueConstraint("source_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    dossier_id: int | None = Field(default=None, foreign_key="dossier.id", index=True)
    seq: int
    fingerprint: str = Field(max_length=64)
    record: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    text: str = ""
    created_at: datetime = Field(default_factory=utcnow, index=True)


class EventRow(SQLModel, table=True):
    """A step of a file as one source reported it, with when Lexwatch first saw it
    (a stored `vocab.records.Event`)."""

    __tablename__ = "event"
    __table_args__ = (UniqueConstraint("dossier_id", "source_id", "dedupe_key"),)

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    dedupe_key: str
    date: str | None = Field(default=None, index=True)
    title: str
    kind: str = ""
    reference: str = ""
    url: str = ""
    origin: str = ""
    forecast: bool = False
    first_seen_at: datetime = Field(default_factory=utcnow)


class DocumentRow(SQLModel, table=True):
    """A document of a file as one source listed it (a stored `vocab.records.Document`)."""

    __tablename__ = "document"
    __table_args__ = (UniqueConstraint("dossier_id", "source_id", "dedupe_key"),)

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    dedupe_key: str
    title: str
    reference: str = ""
    date: str | None = None
    url: str = ""
    kind: str = ""
    first_seen_at: datetime = Field(default_factory=utcnow)


class Change(SQLModel, table=True):
    """One meaningful difference between two Versions of a source."""

    __table_args__ = (UniqueConstraint("version_id", "ordinal"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    dossier_id: int | None = Field(default=None, foreign_key="dossier.id", index=True)
    version_id: int = Field(foreign_key="version.id", index=True)
    previous_version_id: int | None = Field(default=None, foreign_key="version.id")
    ordinal: int = 0
    kind: str = Field(index=True)
    significance: str = Field(index=True)
    summary: str
    diff: str = ""
    detected_at: datetime = Field(default_factory=utcnow, index=True)


class Watch(SQLModel, table=True):
    """A named selection of files: references, jurisdictions, terms, minimum significance."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    description: str = ""
    terms: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    references: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    jurisdictions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    min_significance: str = "minor"
    created_at: datetime = Field(default_factory=utcnow)
    # Alerts (digests.alertsend): the least significance alerted, and hours ("22-07") that hold them.
    alert_min: str = "major"
    quiet_hours: str = ""


class AlertChannel(SQLModel, table=True):
    """Where a watch's alerts go: an apprise URL (a secret: shown only masked) and its health."""

    id: int | None = Field(default=None, primary_key=True)
    watch_id: int = Field(foreign_key="watch.id", index=True)
    url: str
    created_at: datetime = Field(default_factory=utcnow)
    failures: int = 0
    last_error: str = ""
    failing_since: datetime | None = None
    last_sent_at: datetime | None = None


class Alert(SQLModel, table=True):
    """One change told to one channel of a watch, ever: pending, sent, or given up (with why)."""

    __table_args__ = (UniqueConstraint("watch_id", "change_id", "channel_id"),)

    id: int | None = Field(default=None, primary_key=True)
    watch_id: int = Field(foreign_key="watch.id", index=True)
    change_id: int = Field(foreign_key="change.id", index=True)
    channel_id: int = Field(foreign_key="alertchannel.id", index=True)
    status: str = Field(default="pending", index=True)
    attempts: int = 0
    due_at: datetime = Field(default_factory=utcnow)
    error: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class Subscriber(SQLModel, table=True):
    """A person who receives digests.

    `status` is active, bounced (the mail server refused the address) or
    unsubscribed (they asked, by the link in a digest). `unsubscribe_token` is
    the subscriber's random stamp that their signed unsubscribe links are bound
    to (digests.unsubscribe); digests sent before links were signed carried it
    as the link itself. `subscribed_at` is when they last became active: no
    digest covers a week that ended before it.
    """

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, index=True)
    name: str = ""
    language: str = "en"
    status: str = "active"
    unsubscribe_token: str = Field(default="", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    subscribed_at: datetime = Field(default_factory=utcnow)


class Subscription(SQLModel, table=True):
    """A subscriber follows a watch."""

    __table_args__ = (UniqueConstraint("subscriber_id", "watch_id"),)

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="subscriber.id", index=True)
    watch_id: int = Field(foreign_key="watch.id", index=True)


class DigestRun(SQLModel, table=True):
    """One digest for one subscriber and period, ever: the unique key forbids a second."""

    __table_args__ = (UniqueConstraint("subscriber_id", "period_start"),)

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="subscriber.id", index=True)
    period_start: datetime
    period_end: datetime
    status: str = "pending"
    attempts: int = 0
    changes: int = 0
    message_id: str = ""
    error: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


def new_stamp() -> str:
    """A random value that a user's sessions or feed token are bound to."""
    return secrets.token_urlsafe(18)


class User(SQLModel, table=True):
    """A person who signs in to the web app: role `admin` or `reader`.

    Session cookies carry `session_stamp` and feed tokens are derived from
    `token_stamp`; replacing a stamp ends every session (sign-out, a new
    password) or voids the token (rotation) at once. Random rather than a
    counter, so a user created later under a reused id matches nothing old.
    """

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, index=True)
    password_hash: str
    role: str = "reader"
    created_at: datetime = Field(default_factory=utcnow)
    session_stamp: str = Field(default_factory=new_stamp)
    token_stamp: str = Field(default_factory=new_stamp)


class SignInFailure(SQLModel, table=True):
    """One wrong password for one email from one address (kept for the lockout window).

    `key` is a hash of the email as typed and the address: the table locks one
    account for one address only, and does not keep what people typed.
    """

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True, max_length=64)
    failed_at: datetime = Field(default_factory=utcnow, index=True)


class AppState(SQLModel, table=True):
    """Facts about this installation (e.g. when the default sources were seeded)."""

    key: str = Field(primary_key=True)
    value: str = ""
    updated_at: datetime = Field(default_factory=utcnow)
