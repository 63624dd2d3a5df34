"""The demo's web app finds what its digest finds: `/search?q=chat control` on the demo's data."""

from __future__ import annotations

import pytest

from .conftest import TestClient, add_user, sign_in


# The demo always makes its own SQLite database in <data_dir>/demo, whatever the test's backend.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_demo_finds_chat_control_and_kindermisbruik(lexwatch, home, monkeypatch) -> None:
    assert lexwatch("demo", "--no-serve").code == 0
    monkeypatch.setenv("LEXWATCH_DATA_DIR", str(home / "data" / "demo"))
    from db.engine import dispose_engines
    from vocab.settings import get_settings
    from web.app import create_app

    dispose_engines()
    get_settings.cache_clear()
    app = create_app(get_settings())
    add_user(app, "reader@example.org", "reader")
    with TestClient(app, follow_redirects=False) as reader:
        sign_in(reader, "reader@example.org")
        chat = reader.get("/api/search", params={"q": "chat control"}).json()
        dutch = reader.get("/api/search", params={"q": "kindermisbruik"}).json()
        page = reader.get("/search", params={"q": "chat control"}).text
    sources = {hit["source"] for hit in chat["results"]}
    assert {"Motie Kathmann 32317-891", "Tweede Kamer Zaak 2024Z15447"} <= sources
    assert "Motie Kathmann 32317-891" in {hit["source"] for hit in dutch["results"]}
    assert "<mark>onlinekindermisbruik</mark>" in page and "Also searched:" in page
