"""Read numbers as they are written in Arabic and Western news text.

``read_number("34 ألفا و502")`` is 34502, ``read_number("٣٥٢")`` is 352,
``read_number("عشرات الآلاف")`` is the vague quantity 20000-99999. ``denotes`` checks that the
``value_text`` of a claim can stand for its ``value`` (rule ``quote.value``).

How a text is read:

1. **Normalise** (a new string; the caller's is never changed): NFKC on Arabic presentation
   forms, NFC, drop tatweel, diacritics and invisible direction marks, fold ی -> ي, ک -> ك,
   ى -> ي, ة -> ه, collapse white space (NBSP and narrow NBSP included), lower-case English.
   Hamza on alef (أ إ آ ٱ -> ا) is folded only when the exact spelling matches no word, so
   that "وأحد" stays "and one" while "واحد" is "one".
2. **Vague quantities** are whole phrases, looked up in ``VAGUE_CONVENTION``.
3. **Tokenise**: digit runs (Western, Eastern Arabic, Persian, with separators), Arabic words,
   English words. A و glued to a number word is the conjunction "and"; a و or ب glued to the
   first word is dropped ("بـ20 ألف", "وثلاثة").
4. **Evaluate** with a small grammar. A number is a sum of terms joined by و ("and"); a term
   is a count below a thousand (units, teens, tens, hundreds, or digits), optionally
   multiplied by a scale word (ألف, مليون, مليار). Scale words must get smaller from left to
   right, so "٣٥٢ ألف ألف" is refused rather than guessed at. Within a count, each part takes
   its places (hundreds, tens, units) and parts may not overlap ("خمسون وستون" is refused).

The word tables come first, then the vague-quantity convention, then the machinery.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction
from types import MappingProxyType
from typing import NamedTuple

__all__ = [
    "CONVENTION_VERSION",
    "VAGUE_CONVENTION",
    "WRITTEN_FORMS",
    "NumberReading",
    "NumeralError",
    "denotes",
    "read_number",
    "to_words",
]

# ---------------------------------------------------------------------------------------------
# The words. Spellings are given as written; lookup folds hamza, alef maqsura, ta marbuta,
# diacritics and tatweel, so "ألفًا", "الفا" and "ألـفا" are all the entry "ألفا".
# ---------------------------------------------------------------------------------------------

#: 1-9 in their masculine / feminine and case forms, and the forms used before عشر in teens
#: (أحد عشر = 11, اثنا عشر = 12). A unit can be followed directly by عشر (teen), مئة (hundreds)
#: or a scale word (ثلاثة آلاف).
UNIT_WORDS: Mapping[str, int] = {
    "واحد": 1, "واحدة": 1, "أحد": 1, "إحدى": 1,
    "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "اثنا": 2, "اثني": 2, "اثنتا": 2,
    "اثنتي": 2,
    "ثلاث": 3, "ثلاثة": 3,
    "أربع": 4, "أربعة": 4,
    "خمس": 5, "خمسة": 5,
    "ست": 6, "ستة": 6,
    "سبع": 7, "سبعة": 7,
    "ثمان": 8, "ثماني": 8, "ثمانية": 8,
    "تسع": 9, "تسعة": 9,
}  # fmt: skip

#: Ten on its own, and the second word of a teen (ثلاثة عشر = 13, إحدى عشرة = 11).
TEN_WORDS: Mapping[str, int] = {"عشر": 10, "عشرة": 10}

#: The tens, nominative (-ون) and accusative/genitive (-ين).
TENS_WORDS: Mapping[str, int] = {
    "عشرون": 20, "عشرين": 20,
    "ثلاثون": 30, "ثلاثين": 30,
    "أربعون": 40, "أربعين": 40,
    "خمسون": 50, "خمسين": 50,
    "ستون": 60, "ستين": 60,
    "سبعون": 70, "سبعين": 70,
    "ثمانون": 80, "ثمانين": 80,
    "تسعون": 90, "تسعين": 90,
}  # fmt: skip

#: A bare hundred: 100 on its own, or multiplying the unit right before it (ثلاث مئة = 300).
BARE_HUNDRED_WORDS: tuple[str, ...] = ("مئة", "مائة")

#: Two hundred (dual) and the written-together hundreds ثلاثمئة ... تسعمئة.
_HUNDRED_STEMS: Mapping[str, int] = {
    "ثلاث": 3, "أربع": 4, "خمس": 5, "ست": 6, "سبع": 7, "ثمان": 8, "ثماني": 8, "تسع": 9,
}  # fmt: skip
HUNDRED_WORDS: Mapping[str, int] = {
    **{dual: 200 for dual in ("مئتان", "مئتين", "مئتا", "مئتي")},
    **{dual: 200 for dual in ("مائتان", "مائتين", "مائتا", "مائتي")},
    **{stem + h: n * 100 for stem, n in _HUNDRED_STEMS.items() for h in BARE_HUNDRED_WORDS},
}


class _Scale(NamedTuple):
    value: int  # 1000, 10**6, 10**9
    alone: int | None  # the count the word means with no number before it; None: vague
    counted: bool  # may follow a count ("20 ألف"); a dual ("ألفين") may not


#: Scale words. Singular ألف (alone: 1), accusative ألفا (after 11-99: "34 ألفا"; alone it
#: is the construct dual, 2000), dual ألفان/ألفين/ألفي (2000, never counted), plural آلاف
#: (after 3-10: "3 آلاف"; alone it is the vague "thousands"). Likewise مليون and مليار.
#: Agreement between a count and the form of its scale word is not enforced beyond the dual:
#: news copy writes "20 ألف" and "3 ألف", and the number meant is not in doubt.
SCALE_WORDS: Mapping[str, _Scale] = {
    "ألف": _Scale(1_000, 1, True),
    "ألفا": _Scale(1_000, 2, True),
    "ألفان": _Scale(1_000, 2, False),
    "ألفين": _Scale(1_000, 2, False),
    "ألفي": _Scale(1_000, 2, False),
    "آلاف": _Scale(1_000, None, True),
    "مليون": _Scale(10**6, 1, True),
    "مليونا": _Scale(10**6, 2, True),
    "مليونان": _Scale(10**6, 2, False),
    "مليونين": _Scale(10**6, 2, False),
    "مليوني": _Scale(10**6, 2, False),
    "ملايين": _Scale(10**6, None, True),
    "مليار": _Scale(10**9, 1, True),
    "مليارا": _Scale(10**9, 2, True),
    "ملياران": _Scale(10**9, 2, False),
    "مليارين": _Scale(10**9, 2, False),
    "ملياري": _Scale(10**9, 2, False),
    "مليارات": _Scale(10**9, None, True),
    "بليون": _Scale(10**9, 1, True),
    "thousand": _Scale(1_000, 1, True),
    "million": _Scale(10**6, 1, True),
    "billion": _Scale(10**9, 1, True),
}

ZERO_WORDS: tuple[str, ...] = ("صفر", "zero")

ENGLISH_WORDS: Mapping[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
ENGLISH_HUNDRED = "hundred"

#: "and": و on its own or glued to the next number word (وخمسون), and English "and".
CONJUNCTIONS: tuple[str, ...] = ("و", "and")

#: Words that only make sense as (part of) a vague quantity.
VAGUE_WORDS: tuple[str, ...] = (
    "عشرات", "مئات", "الآلاف", "الملايين", "dozens", "tens", "hundreds", "thousands", "millions",
)  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Vague quantities: the one place their bounds live.
# ---------------------------------------------------------------------------------------------

CONVENTION_VERSION: str = "1"

VAGUE_CONVENTION: Mapping[str, tuple[int, int]] = MappingProxyType(
    {
        "عشرات": (20, 99),
        "مئات": (200, 999),
        "آلاف": (2_000, 9_999),
        "عشرات الآلاف": (20_000, 99_999),
        "مئات الآلاف": (200_000, 999_999),
        "ملايين": (2_000_000, 9_999_999),
        "dozens": (24, 99),
        "tens": (20, 99),
        "hundreds": (200, 999),
        "thousands": (2_000, 9_999),
        "tens of thousands": (20_000, 99_999),
        "hundreds of thousands": (200_000, 999_999),
        "millions": (2_000_000, 9_999_999),
    }
)
"""Bounds (value, value_max) of each vague quantity, convention version ``CONVENTION_VERSION``.

The rule for every row is the same: a plural of a unit ("tens", "hundreds", ...) means at least
two of that unit and fewer than ten of them, because ten of them would be said with the next
unit word.

- عشرات / "tens" (20, 99): two tens at least; 100 would be مئة / "a hundred".
- مئات / "hundreds" (200, 999): two hundreds at least; 1000 would be ألف.
- آلاف / "thousands" (2000, 9999): two thousands at least; 10,000 is عشرة آلاف / "ten thousand"
  and larger figures are said as عشرات الآلاف.
- عشرات الآلاف / "tens of thousands" (20,000, 99,999): two tens of thousands at least; 100,000
  is مئة ألف.
- مئات الآلاف / "hundreds of thousands" (200,000, 999,999): up to a million.
- ملايين / "millions" (2,000,000, 9,999,999): two millions at least, below ten million.
- "dozens" (24, 99): two dozen at least; upper end as for "tens".

The lower end is two, not three, although the Arabic grammatical plural starts at three: the
dual of these words (عشرتان, مئتان) is rare in news, where the plural covers two as well. The
bounds are generous on purpose: ACLED codes "dozens" as 12 and "hundreds" as 100, which this
project does not do; a vague quantity is kept as the range it can honestly mean. Changing a
row changes what claims mean, so it bumps ``CONVENTION_VERSION``.
"""

#: Other spellings of the phrases above.
VAGUE_SPELLINGS: Mapping[str, str] = {
    "عشرات آلاف": "عشرات الآلاف",
    "مئات آلاف": "مئات الآلاف",
    "ألوف": "آلاف",
}

# ---------------------------------------------------------------------------------------------
# Public types
# ---------------------------------------------------------------------------------------------


class NumberReading(NamedTuple):
    """What a written number denotes."""

    value: int
    """The number denoted; for a vague quantity, its lower end."""
    value_max: int | None
    """None for a definite number; the upper end of a vague quantity."""
    vague: bool
    """True for عشرات, مئات, آلاف, "dozens", "tens of thousands" ..."""


class NumeralError(ValueError):
    """A text could not be read as a number; the message names the text and the reason."""


WRITTEN_FORMS: tuple[str, ...] = (
    "western",
    "western-grouped",
    "eastern",
    "eastern-grouped",
    "persian",
    "scale-words",
    "spelled",
)

# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------

_PRESENTATION_FORM = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]+")

_CLEAN: dict[int, str | None] = {
    0x0640: None,  # tatweel
    **{cp: None for cp in range(0x064B, 0x0660)},  # harakat, tanween, shadda, sukun, hamza marks
    0x0670: None,  # superscript alef
    **{cp: None for cp in (0x061C, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0xFEFF)},
    **{cp: None for cp in range(0x202A, 0x202F)},  # bidi embeddings and overrides
    **{cp: None for cp in range(0x2066, 0x206A)},  # bidi isolates
    ord("ی"): "ي",  # Persian yeh
    ord("ى"): "ي",  # alef maqsura
    ord("ک"): "ك",  # Persian kaf
    ord("ة"): "ه",  # ta marbuta
}


# Hamza on alef is folded only where the exact spelling does not match: "وأحد" is "and one"
# (و + أحد), while "واحد" is "one".
_ALEF = str.maketrans(dict.fromkeys("أإآٱ", "ا"))


def _normalise(text: str) -> str:
    """Return a cleaned copy of `text` for matching (see the module docstring)."""
    cleaned = _PRESENTATION_FORM.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    cleaned = unicodedata.normalize("NFC", cleaned).translate(_CLEAN)
    return " ".join(cleaned.split()).casefold()


def _fold(word: str) -> str:
    """The looser key: hamza on alef folded too."""
    return word.translate(_ALEF)


# ---------------------------------------------------------------------------------------------
# Tokens and the lexicon
# ---------------------------------------------------------------------------------------------


class _Kind(Enum):
    NUMBER = "number"  # a count part: unit, teen, tens, hundreds, zero, or digits
    TEN = "ten"  # عشر / عشرة: 10, or the end of a teen after a unit
    HUNDRED = "hundred"  # bare مئة / hundred: 100, or multiplies the unit before it
    SCALE = "scale"  # ألف, مليون, مليار ...
    CONJ = "conj"  # و / and
    VAGUE = "vague"  # عشرات, مئات, dozens ...: only read as a whole phrase


# The places a part of a count takes; parts of one count may not share a place.
_U, _T, _H, _BIG = 0, 1, 2, 3
_UNITS = frozenset({_U})
_TENS = frozenset({_T})
_TEEN = frozenset({_T, _U})
_HUNDREDS = frozenset({_H})
_ALL = frozenset({_U, _T, _H, _BIG})


@dataclass(frozen=True)
class _Token:
    kind: _Kind
    text: str
    value: Fraction = Fraction(0)
    places: frozenset[int] = frozenset()
    english: bool = False
    word: bool = True  # False for digits
    alone: int | None = None  # SCALE only
    counted: bool = True  # SCALE only


def _with_text(token: _Token, text: str) -> _Token:
    """``token`` as written ``text`` (dataclasses.replace, without its cost per call)."""
    return _Token(
        token.kind,
        text,
        token.value,
        token.places,
        token.english,
        token.word,
        token.alone,
        token.counted,
    )


def _lexicon_entries() -> Iterator[_Token]:
    for word, n in UNIT_WORDS.items():
        yield _Token(_Kind.NUMBER, word, Fraction(n), _UNITS)
    for word, n in TEN_WORDS.items():
        yield _Token(_Kind.TEN, word, Fraction(n), _TEEN)
    for word, n in TENS_WORDS.items():
        yield _Token(_Kind.NUMBER, word, Fraction(n), _TENS)
    for word, n in HUNDRED_WORDS.items():
        yield _Token(_Kind.NUMBER, word, Fraction(n), _HUNDREDS)
    for word in BARE_HUNDRED_WORDS:
        yield _Token(_Kind.HUNDRED, word, Fraction(100), _HUNDREDS)
    yield _Token(_Kind.HUNDRED, ENGLISH_HUNDRED, Fraction(100), _HUNDREDS, english=True)
    for word, n in ENGLISH_WORDS.items():
        places = _UNITS if n < 10 else _TEEN if n < 20 else _TENS
        yield _Token(_Kind.NUMBER, word, Fraction(n), places, english=True)
    for word in ZERO_WORDS:
        yield _Token(_Kind.NUMBER, word, Fraction(0), _ALL, english=word.isascii())
    for word, scale in SCALE_WORDS.items():
        yield _Token(
            _Kind.SCALE,
            word,
            Fraction(scale.value),
            english=word.isascii(),
            alone=scale.alone,
            counted=scale.counted,
        )
    for word in CONJUNCTIONS:
        yield _Token(_Kind.CONJ, word, english=word.isascii())
    for word in VAGUE_WORDS:
        yield _Token(_Kind.VAGUE, word, english=word.isascii())


def _build_lexicon(fold: bool) -> Mapping[str, _Token]:
    lexicon: dict[str, _Token] = {}
    for token in _lexicon_entries():
        key = _fold(_normalise(token.text)) if fold else _normalise(token.text)
        old = lexicon.get(key)
        if old is not None and _with_text(old, token.text) != token:
            raise RuntimeError(f"numerals lexicon: {token.text!r} and {old.text!r} collide")
        lexicon.setdefault(key, token)
    return MappingProxyType(lexicon)


_EXACT = _build_lexicon(fold=False)
_FOLDED = _build_lexicon(fold=True)
_AND = _EXACT["و"]

_VAGUE_LOOKUP: Mapping[str, tuple[int, int]] = MappingProxyType(
    {_fold(_normalise(k)): v for k, v in VAGUE_CONVENTION.items()}
    | {_fold(_normalise(k)): VAGUE_CONVENTION[v] for k, v in VAGUE_SPELLINGS.items()}
)

# ---------------------------------------------------------------------------------------------
# Digits
# ---------------------------------------------------------------------------------------------

_DIGIT_SCRIPTS: Mapping[str, str] = {
    "Western": "0123456789",
    "Eastern Arabic": "٠١٢٣٤٥٦٧٨٩",
    "Persian": "۰۱۲۳۴۵۶۷۸۹",
}
_TO_ASCII = str.maketrans(
    {d: str(i) for digits in _DIGIT_SCRIPTS.values() for i, d in enumerate(digits)}
)
_GROUPING = ",٬"  # thousands separators; "." too in Maghrebi text
_DECIMAL = "٫"  # Arabic decimal separator; "." too outside Maghrebi text
_MAX_DIGITS = 15

_ALL_DIGITS = "".join(_DIGIT_SCRIPTS.values())
_SCAN = re.compile(
    rf"(?P<num>[{_ALL_DIGITS}]+(?:[.{_GROUPING}{_DECIMAL}][{_ALL_DIGITS}]+)*)"
    r"|(?P<ar>[\u0621-\u063a\u0641-\u064a\u0671-\u06d3]+)"
    r"|(?P<en>[A-Za-z]+(?:-[A-Za-z]+)*)"
    r"|(?P<space> )"
    r"|(?P<other>.)",
    re.DOTALL,
)
_SIGNS = "+-−‐‑–—"


def _fail(text: str, reason: str) -> NumeralError:
    return NumeralError(f"cannot read {text!r} as a number: {reason}")


def _grouped(parts: list[str]) -> bool:
    head, *rest = parts
    return 1 <= len(head) <= 3 and not head.startswith("0") and all(len(p) == 3 for p in rest)


def _read_digits(numeral: str, text: str, maghrebi_dot: bool) -> Fraction:
    scripts = [name for name, ds in _DIGIT_SCRIPTS.items() if any(c in ds for c in numeral)]
    if len(scripts) > 1:
        raise _fail(text, f"{numeral!r} mixes {' and '.join(scripts)} digits")
    separators = sorted({c for c in numeral if c in f".{_GROUPING}{_DECIMAL}"})
    ascii_numeral = numeral.translate(_TO_ASCII)
    if sum(c.isdigit() for c in ascii_numeral) > _MAX_DIGITS:
        raise _fail(text, f"{numeral!r} has more than {_MAX_DIGITS} digits")
    if not separators:
        return Fraction(int(ascii_numeral))
    if len(separators) > 1:
        raise _fail(text, f"{numeral!r} mixes the separators {' and '.join(separators)}")
    sep = separators[0]
    parts = ascii_numeral.split(sep)
    grouped = _grouped(parts)
    as_thousands = sep in _GROUPING or (sep == "." and maghrebi_dot and len(parts) > 2)
    if as_thousands or (sep == "." and maghrebi_dot and grouped):
        if not grouped:
            raise _fail(text, f"{numeral!r}: digits after {sep!r} must come in groups of three")
        return Fraction(int("".join(parts)))
    if len(parts) > 2:
        hint = " (in Maghrebi text, read with maghrebi_dot=True)" if sep == "." else ""
        raise _fail(text, f"{numeral!r} has more than one decimal separator {sep!r}{hint}")
    whole, fraction = parts
    return Fraction(int(whole + fraction), 10 ** len(fraction))


def _digit_places(value: Fraction) -> frozenset[int]:
    if value.denominator != 1 or value >= 1000 or value == 0:
        return _ALL
    if value >= 100:
        return frozenset({_H, _T, _U})
    return _TEEN if value >= 10 else _UNITS


# ---------------------------------------------------------------------------------------------
# Tokeniser
# ---------------------------------------------------------------------------------------------


class _Raw(NamedTuple):
    kind: str
    text: str
    start: int
    end: int


def _scan(norm: str, text: str) -> list[_Raw]:
    raw: list[_Raw] = []
    for m in _SCAN.finditer(norm):
        kind = m.lastgroup or "other"
        if kind == "space":
            continue
        if kind == "other":
            ch = m.group()
            if ch in _SIGNS:
                raise _fail(text, f"the sign {ch!r}: a count is a whole number without a sign")
            raise _fail(text, f"unexpected character {ch!r} (U+{ord(ch):04X})")
        raw.append(_Raw(kind, m.group(), m.start(), m.end()))
    return raw


def _word_tokens(word: str, first: bool) -> list[_Token] | None:
    """The tokens of one word: the word itself, or a glued و ("and") + word, or, on the first
    word only, a glued ب ("by") or و dropped. Exact spelling first, then hamza folded."""
    for lexicon, key in ((_EXACT, word), (_FOLDED, _fold(word))):
        if key in lexicon:
            return [_with_text(lexicon[key], word)]
        prefix, rest = key[:1], key[1:]
        if rest in lexicon and (prefix == "و" or (prefix == "ب" and first)):
            token = _with_text(lexicon[rest], word[1:])
            return [token] if first else [_AND, token]
    return None


def _as_written(word: str, text: str) -> str:
    """`word` as the caller wrote it ("ألفًا", not "ألفا"), for messages, where it can be found."""
    return next((chunk for chunk in text.split() if _normalise(chunk) == word), word)


def _tokenise(norm: str, text: str, maghrebi_dot: bool) -> list[_Token]:
    tokens = _lex(_scan(norm, text), text, maghrebi_dot)
    return [_with_text(t, _as_written(t.text, text)) for t in tokens]


def _lex(raw: list[_Raw], text: str, maghrebi_dot: bool) -> list[_Token]:
    tokens: list[_Token] = []
    for i, (kind, word, _start, end) in enumerate(raw):
        if kind == "num":
            value = _read_digits(word, text, maghrebi_dot)
            tokens.append(_Token(_Kind.NUMBER, word, value, _digit_places(value), word=False))
        elif i == 0 and word in ("و", "ب") and len(raw) > 1 and raw[1].start == end:
            continue  # "بـ20 ألف", "و20": a preposition or conjunction glued to the number
        else:
            for part in word.split("-") if kind == "en" else [word]:
                found = _word_tokens(part, first=i == 0 and kind == "ar")
                if found is None:
                    raise _fail(text, f"{_as_written(part, text)!r} is not a number word")
                tokens.extend(found)
    return tokens


# ---------------------------------------------------------------------------------------------
# Grammar
# ---------------------------------------------------------------------------------------------


def _fits(new: _Token, places: frozenset[int]) -> bool:
    """May `new` be added to a count that already fills `places`?"""
    if max(new.places) < min(places):
        return True  # larger parts first: مئة وخمسون, twenty one
    # Arabic says the units before the tens: اثنان وخمسون = 52, ثلاثمئة واثنان وخمسون = 352.
    return not new.english and new.places == _TENS and _U in places and _T not in places


def _evaluate(tokens: list[_Token], text: str, hint: str = "") -> int:
    """Sum of terms; a term is a count (< 1000 in words) times an optional scale word."""
    if not tokens:
        raise _fail(text, "there is no number in it")
    if len(tokens) > 1 and any(t.kind is _Kind.NUMBER and t.value == 0 for t in tokens):
        raise _fail(text, "zero cannot be part of a larger number")
    total = Fraction(0)  # the terms already closed by a scale word
    last_scale: Fraction | None = None
    count = Fraction(0)  # the count being built
    places: frozenset[int] = frozenset()  # the places it fills
    prev: _Token | None = None
    for tok in tokens:
        joined = prev is None or prev.kind is _Kind.CONJ  # tok starts a new term
        if tok.kind is _Kind.CONJ:
            if prev is None or prev.kind is _Kind.CONJ:
                raise _fail(text, f"{tok.text!r} must join two numbers")
        elif tok.kind is _Kind.VAGUE:
            raise _fail(
                text,
                f"{tok.text!r} is a vague quantity; it is read only as a whole phrase, "
                f"one of {', '.join(VAGUE_CONVENTION)}",
            )
        elif tok.kind is _Kind.SCALE:
            if prev is not None and prev.kind is _Kind.SCALE:
                raise _fail(text, f"scale word {tok.text!r} right after {prev.text!r}")
            if places and not joined:  # "20 ألف": the count before it multiplies it
                if not tok.counted:
                    raise _fail(text, f"{tok.text!r} is a dual (two) and takes no count before it")
                multiplier = count
            elif places:  # "ثلاثة وألف": a thousand after a smaller number
                raise _fail(text, f"{tok.text!r} comes after the smaller number {count}")
            elif tok.alone is None:
                raise _fail(
                    text, f"{tok.text!r} needs a count before it (alone it is a vague quantity)"
                )
            else:
                multiplier = Fraction(tok.alone)
            amount = multiplier * tok.value
            if last_scale is not None and (tok.value >= last_scale or amount >= last_scale):
                raise _fail(text, f"{tok.text!r} does not get smaller than the scale before it")
            if amount.denominator != 1:
                raise _fail(text, f"{float(multiplier)} × {tok.value} is not a whole number{hint}")
            total, last_scale, count, places = total + amount, tok.value, Fraction(0), frozenset()
        else:  # a part of a count: NUMBER, TEN, HUNDRED
            if not joined and prev is not None:
                ar_unit_before = prev.word and not prev.english and prev.places == _UNITS
                if tok.kind is _Kind.TEN and ar_unit_before and _T not in places:
                    count, places, prev = count + tok.value, places | _TEEN, tok  # ثلاثة عشر
                    continue
                if tok.kind is _Kind.HUNDRED and places == _UNITS:
                    count, places, prev = count * tok.value, _HUNDREDS, tok  # ثلاث مئة = 300
                    continue
                if not (tok.english and prev.english):
                    raise _fail(text, f"expected و between {prev.text!r} and {tok.text!r}")
            if places and not _fits(tok, places):
                raise _fail(text, f"{tok.text!r} overlaps the number {count} before it")
            count, places = count + tok.value, places | tok.places
            if last_scale is not None and count >= last_scale:
                raise _fail(text, f"{tok.text!r} is too large to follow a scale of {last_scale}")
        prev = tok
    if prev is not None and prev.kind is _Kind.CONJ:
        raise _fail(text, f"it ends with {prev.text!r}")
    result = total + count
    if result.denominator != 1:
        raise _fail(text, f"{float(result)} is not a whole number{hint}")
    return int(result)


# ---------------------------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------------------------


def read_number(text: str, *, maghrebi_dot: bool = False) -> NumberReading:
    """Read `text` (the number as written, e.g. value_text of a claim) or raise NumeralError.

    With ``maghrebi_dot=True`` a "." that groups digits in threes is a thousands separator
    ("1.302" = 1302); otherwise "." is a decimal point, and "1.302" is not a whole number.
    """
    norm = _normalise(text)
    if not norm:
        raise _fail(text, "it is empty")
    folded = _fold(norm)
    for phrase in (folded, folded[1:] if folded[0] in "وب" else ""):
        bounds = _VAGUE_LOOKUP.get(phrase)
        if bounds is not None:
            return NumberReading(bounds[0], bounds[1], True)
    hint = ""
    if "." in norm and not maghrebi_dot:
        hint = " (if '.' separates thousands, as in Maghrebi text, use maghrebi_dot=True)"
    value = _evaluate(_tokenise(norm, text, maghrebi_dot), text, hint)
    return NumberReading(value, None, False)


def denotes(text: str, value: int, value_max: int | None = None) -> bool:
    """True when `text` can denote `value` (and value_max for vague): tries the ordinary reading,
    and the Maghrebi reading where '.' is a thousands separator ("1.302" = 1302) only when that is
    the only way it fits. Never raises: unreadable text -> False."""
    for maghrebi_dot in (False, True):
        try:
            reading = read_number(text, maghrebi_dot=maghrebi_dot)
        except NumeralError:
            continue
        if reading.value == value and reading.value_max == value_max:
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Writing numbers (for round-trip tests)
# ---------------------------------------------------------------------------------------------

_SPELLED_UNITS = ("", "واحد", "اثنان", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة",
                  "عشرة")  # fmt: skip
_SPELLED_TENS = ("", "", "عشرون", "ثلاثون", "أربعون", "خمسون", "ستون", "سبعون", "ثمانون",
                 "تسعون")  # fmt: skip
_SPELLED_HUNDREDS = ("", "مئة", "مئتان", "ثلاثمئة", "أربعمئة", "خمسمئة", "ستمئة", "سبعمئة",
                     "ثمانمئة", "تسعمئة")  # fmt: skip


class _ScaleNames(NamedTuple):
    value: int
    singular: str
    dual: str
    plural: str  # after 3-10
    accusative: str  # after 11-99


_SCALE_NAMES = (
    _ScaleNames(10**9, "مليار", "ملياران", "مليارات", "مليارا"),
    _ScaleNames(10**6, "مليون", "مليونان", "ملايين", "مليونا"),
    _ScaleNames(10**3, "ألف", "ألفان", "آلاف", "ألفا"),
)


def _spell_below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = [_SPELLED_HUNDREDS[hundreds]] if hundreds else []
    if 0 < rest <= 10:
        parts.append(_SPELLED_UNITS[rest])
    elif rest == 11:
        parts.append("أحد عشر")
    elif rest == 12:
        parts.append("اثنا عشر")
    elif rest < 20 and rest:
        parts.append(f"{_SPELLED_UNITS[rest - 10]} عشر")
    elif rest:
        tens, units = divmod(rest, 10)
        parts.append(f"{_SPELLED_UNITS[units]} و{_SPELLED_TENS[tens]}" if units else
                     _SPELLED_TENS[tens])  # fmt: skip
    return " و".join(parts)


def _scaled(count: int, names: _ScaleNames, spelled: bool) -> str:
    if count == 1:
        return names.singular
    if count == 2 and spelled:
        return names.dual
    written = _spell_below_1000(count) if spelled else str(count)
    if 3 <= count % 100 <= 10:
        return f"{written} {names.plural}"
    if 11 <= count % 100 <= 99 and (spelled or count % 10):
        return f"{written} {names.accusative}"
    return f"{written} {names.singular}"


def _with_scale_words(n: int, spelled: bool) -> str:
    if n == 0:
        return "صفر" if spelled else "0"
    parts: list[str] = []
    for names in _SCALE_NAMES:
        count, n = divmod(n, names.value)
        if count:
            parts.append(_scaled(count, names, spelled))
    if n:
        parts.append(_spell_below_1000(n) if spelled else str(n))
    return " و".join(parts)


def to_words(n: int, form: str) -> str:
    """Write n (0 <= n <= 10**9) in one of WRITTEN_FORMS, for round-trip property tests.

    "western" 34502, "western-grouped" 34,502, "eastern" ٣٤٥٠٢, "eastern-grouped" ٣٤٬٥٠٢,
    "persian" ۳۴۵۰۲, "scale-words" "34 ألفا و502", "spelled" "أربعة وثلاثون ألفا وخمسمئة واثنان".
    """
    if isinstance(n, bool) or not 0 <= n <= 10**9:
        raise ValueError(f"to_words: {n!r} is not an integer in 0..10**9")
    eastern = str.maketrans("0123456789,", "٠١٢٣٤٥٦٧٨٩٬")
    persian = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    writers = {
        "western": lambda: str(n),
        "western-grouped": lambda: f"{n:,}",
        "eastern": lambda: str(n).translate(eastern),
        "eastern-grouped": lambda: f"{n:,}".translate(eastern),
        "persian": lambda: str(n).translate(persian),
        "scale-words": lambda: _with_scale_words(n, spelled=False),
        "spelled": lambda: _with_scale_words(n, spelled=True),
    }
    if form not in writers:
        raise ValueError(f"to_words: unknown form {form!r}; one of {', '.join(WRITTEN_FORMS)}")
    return writers[form]()
