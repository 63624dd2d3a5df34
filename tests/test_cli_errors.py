"""Bad input gets one line that says what to do, exit status 2, and never a traceback."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["sources", "add", "--kind", "nope", "--url", "https://example.org/"],
            "unknown kind 'nope'",
        ),
        (["sources", "add", "--kind", "page", "--url", "example.org/x"], "is not a web address"),
        (
            ["sources", "add", "--kind", "page", "--url", "https://e.org/", "--every", "soon"],
            "is not an interval",
        ),
        (
            ["sources", "add", "--kind", "page", "--url", "https://e.org/", "--cron", "at dawn"],
            "is not a crontab",
        ),
        (
            ["sources", "add", "--kind", "page", "--url", "https://e.org/", "--param", "oops"],
            "must be key=value",
        ),
        (
            [
                "sources",
                "add",
                "--kind",
                "page",
                "--url",
                "https://e.org/",
                "--param",
                "colour=red",
            ],
            "has no parameter",
        ),
        (["parse", "missing.html", "--kind", "page"], "no file at missing.html"),
        (["sources", "import", "missing.yaml"], "no file at missing.yaml"),
        (["sources", "remove", "ghost"], "no source named 'ghost'"),
        (["changes", "--since", "last tuesday"], "is not a date"),
    ],
)
def test_bad_input_is_one_clear_line(lexwatch, args: list[str], expected: str) -> None:
    result = lexwatch(*args)
    assert result.code == 2
    assert expected in result.err
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1


def test_an_unreadable_response_is_one_line(lexwatch, home) -> None:
    (home / "broken.json").write_text('{"data": [1, 2', encoding="utf-8")
    result = lexwatch("parse", "broken.json", "--kind", "json")
    assert result.code == 2 and "is not valid JSON" in result.err
    (home / "page.html").write_text("<html><body><p>cut in the mid", encoding="utf-8")
    result = lexwatch("parse", "page.html", "--kind", "page")
    assert result.code == 2 and "truncated" in result.err


def test_a_duplicate_name_is_refused_and_nothing_is_lost(lexwatch) -> None:
    assert (
        lexwatch(
            "sources", "add", "--kind", "feed", "--url", "https://e.org/f.xml", "--name", "f"
        ).code
        == 0
    )
    again = lexwatch("sources", "add", "--kind", "page", "--url", "https://e.org/p", "--name", "f")
    assert again.code == 2 and "exists already" in again.err
    listed = lexwatch("sources", "list", "--format", "json").json()
    assert [(s["name"], s["kind"]) for s in listed] == [("f", "feed")]


def test_yaml_import_and_export_round_trip(lexwatch, home) -> None:
    (home / "s.yaml").write_text(
        "sources:\n  - {name: a, kind: feed, url: 'https://e.org/f.xml', every: 2h, jurisdiction: nl}\n"
        "  - {name: b, kind: page, url: 'https://e.org/p', cron: '0 6 * * *', params: {selector: '#x'}}\n",
        encoding="utf-8",
    )
    result = lexwatch("sources", "import", "s.yaml")
    assert result.code == 0 and "2 added, 0 updated" in result.out
    exported = lexwatch("sources", "export").out
    (home / "again.yaml").write_text(exported, encoding="utf-8")
    assert "0 added, 0 updated, 2 unchanged" in lexwatch("sources", "import", "again.yaml").out
    listed = {s["name"]: s for s in lexwatch("sources", "list", "--format", "json").json()}
    assert listed["a"]["schedule"] == "every 2h" and listed["a"]["jurisdiction"] == "NL"
    assert listed["b"]["schedule"] == "0 6 * * *" and listed["b"]["params"] == {"selector": "#x"}
    (home / "bad.yaml").write_text("sources: [ {kind: page, url: x", encoding="utf-8")
    bad = lexwatch("sources", "import", "bad.yaml")
    assert bad.code == 2 and "not valid YAML" in bad.err
