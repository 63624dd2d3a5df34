"""A record's fingerprint, from the JSON that is also stored: links left out, the JSON untouched."""

from __future__ import annotations

from dataclasses import replace

from monitor.fingerprint import fingerprint, json_fingerprint
from vocab.records import Document, Event, Item, Record, record_to_json

RECORD = Record(
    kind="page",
    title="A file",
    url="https://example.org/a",
    identifiers=(("procedure", "2022/0155(COD)"),),
    events=(Event("2024-01-02", "Vote", url="https://example.org/e"),),
    documents=(Document("Report", url="https://example.org/d"),),
    items=(Item("1", "One", link="https://example.org/1"), Item("", "Two", link="https://x/2")),
    text="Body",
)


def test_the_fingerprint_of_the_stored_json_is_the_records() -> None:
    data = record_to_json(RECORD)
    before = repr(data)
    assert json_fingerprint(data) == fingerprint(RECORD)
    assert repr(data) == before  # what is stored stays as it was


def test_links_are_no_change_but_an_item_without_id_is_known_by_its_link() -> None:
    moved = replace(
        RECORD,
        url="https://example.org/b",
        events=(replace(RECORD.events[0], url="https://new/e"),),
        documents=(replace(RECORD.documents[0], url="https://new/d"),),
        items=(replace(RECORD.items[0], link="https://new/1"), RECORD.items[1]),
    )
    assert fingerprint(moved) == fingerprint(RECORD)
    relinked = replace(RECORD, items=(RECORD.items[0], replace(RECORD.items[1], link="https://y")))
    assert fingerprint(relinked) != fingerprint(RECORD)


def test_the_fingerprint_is_the_one_stored_versions_have() -> None:
    # as computed before the JSON was made once: stored versions keep theirs
    expected = "0fb359ad1a47f33073d7fbe78db73743e4bbbaf59b2e1b8bfe1b10ada2f500b0"
    assert fingerprint(Record(kind="page", title="T", text="x")) == expected
