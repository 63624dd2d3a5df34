"""The JSON API: every endpoint answers with its documented shape, for a signed-in caller only."""

from __future__ import annotations

from vocab.links import file_path

from .conftest import FILE_KEY


def test_the_openapi_description_names_every_endpoint(reader) -> None:
    spec = reader.get("/api/openapi.json").json()
    assert set(spec["paths"]) == {
        "/api/dossiers",
        "/api/dossiers/{key}",
        "/api/changes",
        "/api/search",
        "/api/sources",
    }
    assert all("get" in operations for operations in spec["paths"].values())
    assert "SearchOut" in spec["components"]["schemas"]


def test_dossiers_lists_files_and_one_file_has_its_whole_history(reader, history) -> None:
    files = reader.get("/api/dossiers").json()
    assert [(f["key"], f["jurisdiction"]) for f in files] == [(FILE_KEY, "EU")]
    assert files[0]["url"].endswith(file_path(FILE_KEY))
    assert reader.get("/api/dossiers", params={"jurisdiction": "NL"}).json() == []

    data = reader.get(f"/api/dossiers/{FILE_KEY}").json()
    assert data["stage"] == "Awaiting Parliament's position in 1st reading"
    assert {"scheme": "procedure", "value": "2022/0155(COD)"} in data["identifiers"]
    titles = [step["title"] for step in data["timeline"]]
    assert titles == ["Legislative proposal published", "Vote in committee, 1st reading"]
    assert all(step["sources"] == ["oeil"] and step["first_seen_at"] for step in data["timeline"])
    assert [d["reference"] for d in data["documents"]] == ["COM(2022) 209"]
    assert [v["seq"] for v in data["versions"]] == [2, 1]
    kinds = {c["kind"] for c in data["changes"]}
    assert {"stage_changed", "event_added"} <= kinds
    assert all(c["url"].endswith(f"#change-{c['id']}") for c in data["changes"])


def test_an_unknown_file_is_404(reader) -> None:
    response = reader.get("/api/dossiers/EU:1999/0001(COD)")
    assert response.status_code == 404 and "No file" in response.json()["detail"]


def test_changes_filter_by_kind_significance_source_file_and_time(reader, history) -> None:
    every = reader.get("/api/changes").json()
    assert len(every) >= 2 and every == sorted(every, key=lambda c: c["detected_at"], reverse=True)
    stage = reader.get("/api/changes", params={"kind": "stage_changed"}).json()
    assert [c["kind"] for c in stage] == ["stage_changed"] and stage[0]["significance"] == "major"
    assert reader.get("/api/changes", params={"source": "elsewhere"}).json() == []
    assert len(reader.get("/api/changes", params={"dossier": FILE_KEY}).json()) == len(every)
    assert reader.get("/api/changes", params={"since": "2999-01-01"}).json() == []
    assert len(reader.get("/api/changes", params={"limit": 1}).json()) == 1
    assert reader.get("/api/changes", params={"since": "yesterday"}).status_code == 422


def test_search_returns_ranked_hits_with_marked_snippets_and_facets(reader, history) -> None:
    data = reader.get("/api/search", params={"q": "encryption"}).json()
    assert data["total"] == 1 and data["query"] == {"text": "encryption", "page": 1, "per_page": 20}
    hit = data["results"][0]
    assert (hit["type"], hit["file"], hit["source"]) == ("version", FILE_KEY, "oeil")
    assert {"text": "encryption", "match": True} in [
        {"text": p["text"].lower(), "match": p["match"]} for p in hit["snippet"]
    ]
    assert data["facets"]["type"] == [{"value": "version", "count": 1}]
    assert data["facets"]["jurisdiction"] == [{"value": "EU", "count": 1}]
    narrowed = reader.get("/api/search", params={"q": "encryption", "jurisdiction": "NL"}).json()
    assert narrowed["total"] == 0 and narrowed["results"] == []


def test_sources_shows_health_and_schedule(reader, history) -> None:
    rows = reader.get("/api/sources").json()
    assert [(r["name"], r["kind"]) for r in rows] == [("oeil", "eu_oeil")]
    assert {"health", "last_success_at", "next_run_at", "changes", "schedule"} <= set(rows[0])


def test_every_endpoint_needs_a_signed_in_caller(anonymous) -> None:
    for path in (
        "/api/dossiers",
        f"/api/dossiers/{FILE_KEY}",
        "/api/changes",
        "/api/search?q=x",
        "/api/sources",
    ):
        response = anonymous.get(path)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"] == "Bearer"


def test_a_feed_token_works_as_a_bearer_token_and_a_forged_one_does_not(
    app, reader, anonymous
) -> None:
    token = reader.get("/account").text.split('<pre class="token">')[1].split("</pre>")[0]
    ok = anonymous.get("/api/sources", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    user_id, _, mac = token.partition(".")
    forged = f"{user_id}.{'0' * len(mac)}"
    assert (
        anonymous.get("/api/sources", headers={"Authorization": f"Bearer {forged}"}).status_code
        == 401
    )
