"""`lexwatch sources import` of procedure references adds each EU site that follows the procedure."""

from __future__ import annotations


def test_a_yaml_of_procedure_references_adds_their_eu_sources(lexwatch, home) -> None:
    (home / "files.yaml").write_text(
        "procedures:\n  - 2022/155 (COD)\n  - 2024/0035(COD)\n", encoding="utf-8"
    )
    result = lexwatch("sources", "import", "files.yaml")
    assert result.code == 0, result.err
    sources = {s["name"]: s for s in lexwatch("sources", "list", "--format", "json").json()}
    assert set(sources) == {
        f"{kind}:{ref}"
        for kind in ("eu_ep_api", "eu_oeil", "eu_eurlex")
        for ref in ("2022/0155(COD)", "2024/0035(COD)")
    }
    assert sources["eu_oeil:2022/0155(COD)"]["url"].endswith(
        "procedure-file?reference=2022/0155(COD)"
    )
    assert (
        sources["eu_eurlex:2024/0035(COD)"]["url"]
        == "https://eur-lex.europa.eu/procedure/EN/2024_35"
    )
    assert "/procedures/2022-0155" in sources["eu_ep_api:2022/0155(COD)"]["url"]
    assert {s["jurisdiction"] for s in sources.values()} == {"EU"}


def test_a_wrong_procedure_reference_is_one_clear_line(lexwatch, home) -> None:
    (home / "bad.yaml").write_text("procedures:\n  - chat control\n", encoding="utf-8")
    result = lexwatch("sources", "import", "bad.yaml")
    assert result.code == 2 and "'chat control' is not a procedure reference" in result.err
    assert lexwatch("sources", "list", "--format", "json").json() == []
