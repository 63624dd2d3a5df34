"""Fixtures for the web app: the app on a fresh data folder, users, a signed-in client, a file
with a history built through the real pipeline (pipeline.store.store_record)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI

from db import repo
from db.engine import session_scope
from db.models import Source
from pipeline.store import store_record
from vocab.records import Document, Event, Record
from vocab.settings import get_settings
from web import auth
from web.app import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette asks for httpx2; httpx is what is installed
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"
FILE_KEY = "EU:2022/0155(COD)"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(home: Path) -> FastAPI:
    return create_app(get_settings())


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as client:
        yield client


def client_at(app: FastAPI, address: str) -> TestClient:
    """A client connecting from `address` (the socket peer the app sees)."""
    return TestClient(app, follow_redirects=False, client=(address, 50000))


def add_user(app: FastAPI, email: str, role: str) -> None:
    with session_scope(app.state.engine) as session:
        auth.create_user(session, email=email, password=PASSWORD, role=role)


def csrf_token(client: TestClient, path: str = "/login") -> str:
    """The CSRF token of the forms on a page, as a browser would read it."""
    found = TOKEN.search(client.get(path).text)
    assert found, f"no form with a CSRF token on {path}"
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> None:
    data = {"email": email, "password": password, "csrf_token": csrf_token(client)}
    response = client.post("/login", data=data)
    assert response.status_code == 303, response.text


@pytest.fixture
def admin(app: FastAPI) -> Iterator[TestClient]:
    add_user(app, "admin@example.org", "admin")
    with TestClient(app, follow_redirects=False) as client:
        sign_in(client, "admin@example.org")
        yield client


@pytest.fixture
def reader(app: FastAPI) -> Iterator[TestClient]:
    add_user(app, "reader@example.org", "reader")
    with TestClient(app, follow_redirects=False) as client:
        sign_in(client, "reader@example.org")
        yield client


@dataclass
class History:
    """What `history` stored: the source and the ids of its versions, oldest first."""

    source_id: int
    versions: list[int]


STAGES = ("Awaiting committee decision", "Awaiting Parliament's position in 1st reading")
TEXTS = (
    "# Summary\nThe Commission proposes detection orders for hosting services.\n"
    "Providers shall assess the risk of child sexual abuse.\nThe EU Centre coordinates.",
    "# Summary\nThe Commission proposes detection orders for messaging services.\n"
    "The EU Centre coordinates.\nProviders shall assess the risk of child sexual abuse.\n"
    "End-to-end encryption is excluded from scanning.",
)


def record(step: int, title: str = "Preventing and combating child sexual abuse") -> Record:
    """The file as a source reports it at each step of the test's history."""
    events = [Event("2022-05-11", "Legislative proposal published", reference="COM(2022) 209")]
    if step:
        events.append(
            Event("2023-11-13", "Vote in committee, 1st reading", url="javascript:alert(1)")
        )
    documents = (
        Document(
            "Proposal for a regulation",
            "COM(2022) 209",
            "2022-05-11",
            "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:52022PC0209",
        ),
    )
    return Record(
        kind="procedure",
        key=FILE_KEY,
        title=title,
        stage=STAGES[step],
        identifiers=(("com", "COM(2022) 209"), ("procedure", "2022/0155(COD)")),
        events=tuple(events),
        documents=documents,
        text=TEXTS[step],
    )


def store_history(
    app: FastAPI, *, title: str = "Preventing and combating child sexual abuse"
) -> History:
    """Two versions of one file from one source, stored as a crawl stores them."""
    with session_scope(app.state.engine) as session:
        source = Source(
            name="oeil", kind="eu_oeil", url="https://oeil.example/x", jurisdiction="EU"
        )
        session.add(source)
        session.flush()
        store_record(session, source=source, record=record(0, title))
        store_record(session, source=source, record=record(1, title))
        source_id = source.id
    with session_scope(app.state.engine) as session:
        dossier = repo.dossier_by_key(session, key=FILE_KEY)
        versions = [v.id for v in reversed(repo.versions_of(session, dossier_id=dossier.id))]
    return History(source_id, versions)


@pytest.fixture
def history(app: FastAPI) -> History:
    return store_history(app)
