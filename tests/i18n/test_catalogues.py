"""Every catalogue translates every message the code and templates mark, in every plural form
its language has, nothing fuzzy, and its checked-in .mo is what its .po compiles to.

The messages are extracted here the way `make translations` extracts them (babel.cfg), so a
new `_("…")` in a template fails this test until nl, de and fr translate it.
"""

from __future__ import annotations

from io import BytesIO

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from vocab.languages import DOMAIN, LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE

ROOT = LOCALE_DIR.parent
TRANSLATED = [language for language in LANGUAGES if language != SOURCE_LANGUAGE]


def _marked() -> set[str]:
    with open(ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(ROOT, method_map, options_map, keywords=DEFAULT_KEYWORDS)
    return {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in found
    }


def _catalogue(language: str):
    with open(LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as po:
        return read_po(po, locale=language)


def test_the_code_and_templates_mark_the_digest_and_layout_text() -> None:
    marked = _marked()
    for text in (
        "Nothing new in the files you follow this week.",
        "Stop these emails",
        "major",
        "%(num)d change",
        "could not be reached %(days)s.",
        "Sign in",
        "Search",
        "Digest preview",
    ):
        assert text in marked


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_catalogue_translates_every_marked_message_in_every_plural_form(language) -> None:
    catalogue = _catalogue(language)
    missing = [text for text in sorted(_marked()) if catalogue.get(text) is None]
    assert not missing, f"{language} lacks {missing}"
    for message in catalogue:
        if not message.id:
            continue
        forms = message.string if message.pluralizable else (message.string,)
        assert "fuzzy" not in message.flags, (language, message.id)
        assert all(forms), (language, message.id, "untranslated")
        if message.pluralizable:
            assert len(forms) == catalogue.num_plurals, (language, message.id, forms)
    assert not [(m.id, errors) for m, errors in catalogue.check()], language


def test_french_has_the_three_plural_forms_cldr_gives_it() -> None:
    catalogue = _catalogue("fr")
    assert catalogue.num_plurals == 3
    change = catalogue.get("%(num)d change")
    assert change.string == (
        "%(num)d modification",
        "%(num)d modifications",
        "%(num)d modifications",
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_checked_in_mo_is_what_the_po_compiles_to(language) -> None:
    compiled = BytesIO()
    write_mo(compiled, _catalogue(language))
    stored = (LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo").read_bytes()
    assert stored == compiled.getvalue(), f"run `make translations` ({language})"


def test_a_missing_catalogue_reads_as_english_and_says_so(monkeypatch, caplog) -> None:
    from vocab import languages

    monkeypatch.setattr(languages, "LOCALE_DIR", ROOT / "no-such-folder")
    languages.translations.cache_clear()
    try:
        assert languages.translations("nl").gettext("Sign in") == "Sign in"
        assert "no nl catalogue" in caplog.text
    finally:
        monkeypatch.undo()
        languages.translations.cache_clear()
    assert languages.translations("nl").gettext("Sign in") == "Inloggen"
