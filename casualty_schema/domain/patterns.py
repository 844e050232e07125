"""Regular expressions that find a word however news spells it.

A quote is matched as written (its text is never rewritten), so a pattern for "على الأقل" must
also find "علی الأقلّ" and "على الاقل": each Arabic letter stands for its spelling variants
(hamza on alef or not, alef maqsura or yeh, ta marbuta or ha, Persian yeh and kaf) and may
carry diacritics and tatweel; a space stands for any run of white space, no-break spaces
included. English is matched without regard to case unless asked.

The patterns use only what Python's ``re`` and polars' Rust ``regex`` read alike (character
classes, alternation, ``^`` ``$`` and ``\\s``; no look-around, no ``\\p{..}``), so the rules can
run them vectorised in polars and the library can run the very same text on one string.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Diacritics (harakat, tanween, shadda, sukun), the superscript alef and tatweel.
MARKS = "\u064b-\u065f\u0670\u0640"
#: Arabic letters (hamza to yeh, and the extended letters Persian and Urdu add).
ARABIC_LETTERS = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3"
#: Every letter a word can continue with, diacritics and tatweel included.
LETTERS = f"A-Za-z{ARABIC_LETTERS}{MARKS}"
#: Digits of the three scripts.
DIGITS = "0-9\u0660-\u0669\u06f0-\u06f9"

_VARIANTS = {
    "ا": "اأإآٱ",
    "أ": "اأإآٱ",
    "إ": "اأإآٱ",
    "آ": "اأإآٱ",
    "ي": "يىی",
    "ى": "يىی",
    "ی": "يىی",
    "ة": "ةه",
    "ه": "ةه",
    "ك": "كک",
}


def tolerant(phrase: str) -> str:
    """A pattern for ``phrase`` in any of its spellings (see the module docstring)."""
    out = []
    for ch in phrase:
        if ch == " ":
            out.append(r"\s+")
        elif "\u0600" <= ch <= "\u06ff":
            variants = _VARIANTS.get(ch)
            out.append(f"[{variants}]" if variants else re.escape(ch))
            out.append(f"[{MARKS}]*")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def alternation(phrases: Iterable[str]) -> str:
    """One group of alternatives, longest first (so "ما لا يقل عن" is preferred to "لا يقل
    عن" where both would match at the same place)."""
    unique = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "(?:" + "|".join(tolerant(p) for p in unique) + ")"
