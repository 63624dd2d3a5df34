"""Words as Lexwatch compares them in any language: folded, split, and how long a compound part is.

Watches (digests.relevance) and the search box (db.searchquery) read text the
same way: case and diacritics are folded, and hyphens, slashes and apostrophes
separate words. A word of COMPOUND_MIN letters or more is also looked for inside
longer words, because Dutch and German write compounds as one word.
"""

from __future__ import annotations

import re
import unicodedata

COMPOUND_MIN = 8
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case without diacritics: 'Pédopornographie' -> 'pedopornographie'."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The folded words of a text; hyphens, slashes and apostrophes separate words."""
    return _WORD.findall(fold(text))
