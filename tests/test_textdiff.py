"""The text differ: blocks added, removed, changed word by word, and moved."""

from monitor.textdiff import block_changes, render, summarise


def test_a_moved_paragraph_is_moved_not_added_and_removed() -> None:
    old = "# Summary\nThe Commission proposes detection orders.\nThe EU Centre coordinates.\nEncryption is debated."
    new = "# Summary\nThe Commission proposes detection orders.\nEncryption is debated.\nThe EU Centre coordinates."
    changes = block_changes(old, new)
    assert summarise(changes) == "1 paragraph moved under 'Summary'"
    # Two paragraphs swapped: one of them moved, either reading is right.
    assert render(changes) in (
        "@@ Summary\n> The EU Centre coordinates.",
        "@@ Summary\n> Encryption is debated.",
    )


def test_an_edited_sentence_is_one_change_with_a_word_diff() -> None:
    changes = block_changes(
        "# Status\nAwaiting committee decision.", "# Status\nAwaiting committee vote."
    )
    assert summarise(changes) == "1 paragraph changed under 'Status'"
    assert render(changes) == "@@ Status\n~ Awaiting committee [-decision.-]{+vote.+}"
