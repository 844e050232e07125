"""Read numbers as they are written in Arabic and Western news text.

``read_number("34 ألفاً و502")`` is 34502, ``read_number("٣٥٢")`` is 352,
``read_number("عشرات الآلاف")`` is the vague quantity 20000-99999, ``read_number("بين 8 آلاف
و13 ألفاً")`` the range 8000-13000. ``denotes`` checks that the ``value_text`` of a claim can
stand for its ``value`` (rule ``quote.value``). The words are in
:mod:`casualty_schema.domain.lexicon`, digit runs are read by
:mod:`casualty_schema.domain.digits`, and every reading is documented in
``docs/data-model.md`` (convention version 2).

How a text is read:

1. **Normalise** (a new string; the caller's is never changed): NFKC on Arabic presentation
   forms, NFC, drop tatweel, diacritics and invisible direction marks, fold ی -> ي, ک -> ك,
   ى -> ي, ة -> ه, collapse white space (NBSP and narrow NBSP included), lower-case English.
   Hamza on alef (أ إ آ ٱ -> ا) is folded only when the exact spelling matches no word, so
   that "وأحد" stays "and one" while "واحد" is "one".
2. **Whole phrases** are looked up first: the vague quantities of ``VAGUE_CONVENTION``
   (with the article: العشرات، الآلاف) and "a few" + unit (بضعة آلاف، several hundred).
3. **Tokenise**: digit runs (Western, Eastern Arabic, Persian, with separators), Arabic words,
   English words, dashes. A و glued to a number word is the conjunction "and"; letters glued
   before the first number or word are dropped (الـ352، لـ20، بـ300، و300، بالعشرات).
4. **Shapes**: a range (an opener بين / ما بين / من / between / from, or a joiner إلى / حتى /
   to / a dash, between two numbers, one scale word shared: "8 إلى 13 ألفاً"); نيّف ("300
   ونيف", "نيف وعشرون", "300-odd"); بضع و + tens ("بضع وعشرون"); otherwise one number.
5. **Evaluate** a number with a small grammar. A number is a sum of terms joined by و
   ("and"); a term is a count below a thousand (units, teens, tens, hundreds, dozens, or
   digits), optionally multiplied by a scale word (ألف, مليون, مليار), or a fraction of a
   scale (نصف مليون, half a million, "مليون ونصف"). Scale words must get smaller from left to
   right, so "٣٥٢ ألف ألف" is refused rather than guessed at. Within a count, each part takes
   its places (hundreds, tens, units) and parts may not overlap ("خمسون وستون" is refused).

Every reading is cached: the rules read each distinct ``value_text`` once per process.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from enum import Enum
from fractions import Fraction
from functools import lru_cache
from types import MappingProxyType
from typing import NamedTuple, TypeAlias

from casualty_schema.domain import lexicon as lx
from casualty_schema.domain.digits import ALL_DIGITS, DigitsError, read_digits
from casualty_schema.domain.lexicon import CONVENTION_VERSION, VAGUE_CONVENTION
from casualty_schema.domain.spelling import WRITTEN_FORMS, to_words

__all__ = [
    "CONVENTION_VERSION",
    "VAGUE_CONVENTION",
    "WRITTEN_FORMS",
    "NumberReading",
    "NumeralError",
    "denotes",
    "normalise",
    "read_number",
    "readings",
    "to_words",
]

# ---------------------------------------------------------------------------------------------
# Public types
# ---------------------------------------------------------------------------------------------


class NumberReading(NamedTuple):
    """What a written number denotes."""

    value: int
    """The number denoted; for a vague quantity or a range, its lower end."""
    value_max: int | None
    """None for a definite number; the upper end of a vague quantity or a range."""
    vague: bool
    """True for عشرات, مئات, آلاف, "dozens", بضعة آلاف, "300 ونيف" ..."""
    is_range: bool = False
    """True for a range written with both ends: "بين 8 و13", "from 10 to 20", "8-13"."""


Number: TypeAlias = "int | Fraction"


class NumeralError(ValueError):
    """A text could not be read as a number; the message names the text and the reason."""


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


def normalise(text: str) -> str:
    """A cleaned copy of ``text`` for matching (step 1 of the module docstring)."""
    cleaned = _PRESENTATION_FORM.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    cleaned = unicodedata.normalize("NFC", cleaned).translate(_CLEAN)
    return " ".join(cleaned.split()).casefold()


def fold(word: str) -> str:
    """The looser key: hamza on alef folded too (after :func:`normalise`)."""
    return word.translate(_ALEF)


def key(text: str) -> str:
    """The lookup key of a word or phrase: normalised and folded."""
    return fold(normalise(text))


# ---------------------------------------------------------------------------------------------
# Tokens and the lexicon
# ---------------------------------------------------------------------------------------------


class _Kind(Enum):
    NUMBER = "number"  # a count part: unit, teen, tens, hundreds, zero, or digits
    TEN = "ten"  # عشر / عشرة: 10, or the end of a teen after a unit
    HUNDRED = "hundred"  # bare مئة / hundred: 100, or multiplies the unit before it
    DOZEN = "dozen"  # 12, or multiplies the unit before it
    SCALE = "scale"  # ألف, مليون, مليار ...
    FRACTION = "fraction"  # نصف, ربع, ثلث, half, quarter
    CONJ = "conj"  # و / and
    ARTICLE = "article"  # a / an
    OF = "of"  # of
    VAGUE = "vague"  # عشرات, مئات, dozens ...: only read as a whole phrase
    FEW = "few"  # بضع, بضعة, عدة, several, few
    NAYYIF = "nayyif"  # نيف, odd
    OPEN = "open"  # بين, من, between, from: a range's opener
    MA = "ma"  # ما, only in ما بين
    JOIN = "join"  # إلى, حتى, to: a range's joiner
    DASH = "dash"  # - – —: a range's joiner, or a sign


# The places a part of a count takes; parts of one count may not share a place.
_U, _T, _H, _BIG = 0, 1, 2, 3
_UNITS = frozenset({_U})
_TENS = frozenset({_T})
_TEEN = frozenset({_T, _U})
_HUNDREDS = frozenset({_H})
_ALL = frozenset({_U, _T, _H, _BIG})


class _Token(NamedTuple):
    kind: _Kind
    text: str  # normalised
    value: Number = 0  # an int, or a Fraction for fractions and decimals
    places: frozenset[int] = frozenset()
    english: bool = False
    word: bool = True  # False for digits
    alone: int | None = None  # SCALE only
    counted: bool = True  # SCALE only


def _lexicon_entries() -> Iterator[_Token]:
    for word, n in lx.UNIT_WORDS.items():
        yield _Token(_Kind.NUMBER, word, n, _UNITS)
    for word, n in lx.TEN_WORDS.items():
        yield _Token(_Kind.TEN, word, n, _TEEN)
    for word, n in lx.TENS_WORDS.items():
        yield _Token(_Kind.NUMBER, word, n, _TENS)
    for word, n in lx.HUNDRED_WORDS.items():
        yield _Token(_Kind.NUMBER, word, n, _HUNDREDS)
    for word in lx.BARE_HUNDRED_WORDS:
        yield _Token(_Kind.HUNDRED, word, 100, _HUNDREDS)
    yield _Token(_Kind.HUNDRED, lx.ENGLISH_HUNDRED, 100, _HUNDREDS, english=True)
    for word in lx.DOZEN_WORDS:
        yield _Token(_Kind.DOZEN, word, 12, _TEEN, english=True)
    for word, n in lx.ENGLISH_WORDS.items():
        places = _UNITS if n < 10 else _TEEN if n < 20 else _TENS
        yield _Token(_Kind.NUMBER, word, n, places, english=True)
    for word in lx.ZERO_WORDS:
        yield _Token(_Kind.NUMBER, word, 0, _ALL, english=word.isascii())
    for word, scale in lx.SCALE_WORDS.items():
        yield _Token(
            _Kind.SCALE,
            word,
            scale.value,
            english=word.isascii(),
            alone=scale.alone,
            counted=scale.counted,
        )
    for word, part in lx.FRACTION_WORDS.items():
        yield _Token(_Kind.FRACTION, word, part, english=word.isascii())
    for word in lx.CONJUNCTIONS:
        yield _Token(_Kind.CONJ, word, english=word.isascii())
    for word in lx.ENGLISH_ARTICLES:
        yield _Token(_Kind.ARTICLE, word, english=True)
    yield _Token(_Kind.OF, lx.ENGLISH_OF, english=True)
    for word in lx.VAGUE_WORDS:
        yield _Token(_Kind.VAGUE, word, english=word.isascii())
    for word in (*lx.FEW_WORDS, "few"):
        if " " not in word:
            yield _Token(_Kind.FEW, word, english=word.isascii())
    for word in lx.NAYYIF_WORDS:
        yield _Token(_Kind.NAYYIF, word, english=word.isascii())
    for word in lx.RANGE_OPENERS:
        if " " not in word:
            yield _Token(_Kind.OPEN, word, english=word.isascii())
    yield _Token(_Kind.MA, "ما")
    for word in lx.RANGE_JOINERS:
        yield _Token(_Kind.JOIN, word, english=word.isascii())


def _build_lexicon(folded: bool) -> Mapping[str, _Token]:
    lexicon: dict[str, _Token] = {}
    for token in _lexicon_entries():
        word = normalise(token.text)
        entry = token._replace(text=word)
        k = fold(word) if folded else word
        old = lexicon.get(k)
        if old is not None and old._replace(text=word) != entry:
            raise RuntimeError(f"numerals lexicon: {token.text!r} and {old.text!r} collide")
        lexicon.setdefault(k, entry)
    return MappingProxyType(lexicon)


_EXACT = _build_lexicon(folded=False)
_FOLDED = _build_lexicon(folded=True)
_AND = _EXACT["و"]
_ONE = _Token(_Kind.NUMBER, "1", 1, _UNITS, english=True)
_PROCLITICS = tuple(normalise(p) for p in lx.PROCLITICS)
_ARTICLE = "ال"

_VAGUE_LOOKUP: Mapping[str, tuple[int, int]] = MappingProxyType(
    {key(k): v for k, v in VAGUE_CONVENTION.items()}
    | {key(k): VAGUE_CONVENTION[v] for k, v in lx.VAGUE_SPELLINGS.items()}
)
_FEW_LOOKUP: Mapping[str, tuple[int, int]] = MappingProxyType(
    {
        key(f"{few} {unit}".strip()): lx.few_bounds(n)
        for few in lx.FEW_WORDS
        for unit, n in lx.FEW_UNITS.items()
        if few.isascii() == unit.isascii() or not unit
    }
)
_ORDINALS = {key(k): v for k, v in lx.ORDINAL_WORDS.items()}
_MONTHS = {key(w) for names in lx.MONTH_NAMES.values() for w in names for w in w.split()}


_PROCLITICS_BY_LETTER: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {c: tuple(p for p in _PROCLITICS if p[0] == c) for c in {p[0] for p in _PROCLITICS}}
)
_HAS_DIGIT = re.compile(f"[{ALL_DIGITS}]")


def _phrase_keys(norm: str) -> Iterator[str]:
    """The folded phrase, and the phrase without each glued prefix it may start with."""
    folded = fold(norm)
    yield folded
    for prefix in _PROCLITICS_BY_LETTER.get(folded[:1], ()):
        if folded.startswith(prefix) and len(folded) > len(prefix):
            rest = folded[len(prefix) :]
            yield rest
            if prefix.endswith("لل"):
                yield _ARTICLE + rest  # لل = ل + ال: للعشرات is ل + العشرات


# ---------------------------------------------------------------------------------------------
# Tokeniser
# ---------------------------------------------------------------------------------------------

_SCAN = re.compile(
    rf"(?P<num>[{ALL_DIGITS}]+(?:(?:[.,٬،٫]| (?=[{ALL_DIGITS}]{{3}}(?![{ALL_DIGITS}])))"
    rf"[{ALL_DIGITS}]+)*)"
    r"|(?P<ar>[\u0621-\u063a\u0641-\u064a\u0671-\u06d3]+)"
    r"|(?P<en>[a-z]+(?:-[a-z]+)*)"
    r"|(?P<dash>[-–—‐‑])"
    r"|(?P<space> )"
    r"|(?P<other>.)",
    re.DOTALL,
)


class _Raw(NamedTuple):
    kind: str
    text: str
    start: int
    end: int


def _fail(text: str, reason: str) -> NumeralError:
    return NumeralError(f"cannot read {text!r} as a number: {reason}")


def _shown(word: str, text: str) -> str:
    """`word` as the caller wrote it ("ألفًا", not "ألفا"), for messages, where it can be found."""
    return repr(next((chunk for chunk in text.split() if normalise(chunk) == word), word))


def _scan(norm: str, text: str) -> list[_Raw]:
    raw: list[_Raw] = []
    for m in _SCAN.finditer(norm):
        kind = m.lastgroup or "other"
        if kind == "space":
            continue
        if kind == "other":
            ch = m.group()
            if ch in "+−":
                raise _fail(text, f"the sign {ch!r}: a count is a whole number without a sign")
            raise _fail(text, f"unexpected character {ch!r} (U+{ord(ch):04X})")
        raw.append(_Raw(kind, m.group(), m.start(), m.end()))
    return raw


def _word_tokens(word: str, first: bool) -> list[_Token] | None:
    """The tokens of one word: the word itself; a glued و ("and") + word; the article + a
    scale word (نصف المليون); on the first word only, any glued prefix dropped (بثلاثة).
    Exact spelling first, then hamza folded."""
    for lexicon, k in ((_EXACT, word), (_FOLDED, fold(word))):
        found = lexicon.get(k)
        if found is not None:
            return [found]
        if k[:1] == "و" and (rest := lexicon.get(k[1:])) is not None:
            return [rest] if first else [_AND, rest]
        rest = lexicon.get(k[2:]) if k.startswith(_ARTICLE) else None
        if rest is not None and rest.kind is _Kind.SCALE:
            return [rest]
        if first:
            for prefix in _PROCLITICS_BY_LETTER.get(k[:1], ()):
                if k.startswith(prefix) and len(k) > len(prefix):
                    rest = lexicon.get(k[len(prefix) :])
                    if rest is None and prefix.endswith("لل"):
                        rest = lexicon.get(_ARTICLE + k[len(prefix) :])
                    if rest is not None:
                        return [rest]
    return None


def _not_a_number_word(word: str, text: str) -> NumeralError:
    for k in dict.fromkeys(_phrase_keys(word)):
        if k in _ORDINALS:
            ordinal = _ORDINALS[k]
            return _fail(text, f"{_shown(word, text)} is an ordinal ({ordinal}): not a count")
        if k in _MONTHS:
            return _fail(text, f"{_shown(word, text)} names a month: a date, not a count")
    return _fail(text, f"{_shown(word, text)} is not a number word")


def _is_scale_word(raw: _Raw) -> bool:
    if raw.kind not in ("ar", "en"):
        return False
    found = _word_tokens(raw.text, first=False)
    return found is not None and found[-1].kind is _Kind.SCALE


def _lex(raw: list[_Raw], text: str, dot_groups: bool, comma_decimal: bool) -> list[_Token]:
    tokens: list[_Token] = []
    for i, (kind, word, _start, end) in enumerate(raw):
        after = raw[i + 1] if i + 1 < len(raw) else None
        glued = after is not None and after.start == end
        if kind == "num":
            if (
                glued
                and after is not None
                and after.kind == "en"
                and after.text in (lx.ORDINAL_SUFFIXES)
            ):
                raise _fail(text, f"{word}{after.text} is an ordinal: a position, not a count")
            before_scale = after is not None and _is_scale_word(after)
            try:
                value = read_digits(
                    word,
                    before_scale=before_scale,
                    dot_groups=dot_groups,
                    comma_decimal=comma_decimal,
                )
            except DigitsError as err:
                raise _fail(text, str(err)) from None
            tokens.append(_Token(_Kind.NUMBER, word, value, _digit_places(value), word=False))
        elif kind == "dash":
            tokens.append(_Token(_Kind.DASH, word))
        elif i == 0 and kind == "ar" and glued and after is not None and after.kind == "num":
            if fold(word) not in _PROCLITICS:
                raise _fail(text, f"{_shown(word, text)} is glued to the number {after.text!r}")
            # "الـ352", "لـ20", "بـ300", "و300": a glued article, preposition or conjunction
        elif kind == "en" and i > 0 and raw[i - 1].kind == "num" and raw[i - 1].end == _start:
            raise _fail(text, f"{_shown(word, text)} is glued to the number {raw[i - 1].text!r}")
        else:
            for part in word.split("-") if kind == "en" else [word]:
                found = _word_tokens(part, first=i == 0 and kind == "ar")
                if found is None:
                    raise _not_a_number_word(part, text)
                tokens.extend(found)
    return tokens


def _digit_places(value: Number) -> frozenset[int]:
    if value.denominator != 1 or value >= 1000 or value == 0:
        return _ALL
    if value >= 100:
        return frozenset({_H, _T, _U})
    return _TEEN if value >= 10 else _UNITS


def _articles(tokens: list[_Token], text: str) -> list[_Token]:
    """English articles and "of" resolved: "a thousand" -> 1 thousand, "half a million" ->
    half million, "a quarter of a million" -> quarter million; ما dropped before بين."""
    out: list[_Token] = []
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else None
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok.kind is _Kind.MA:
            if nxt is None or nxt.kind is not _Kind.OPEN or nxt.text != "بين":
                raise _fail(text, "ما is read only in ما بين (a range)")
        elif tok.kind is _Kind.ARTICLE:
            if nxt is not None and nxt.kind in (_Kind.FRACTION, _Kind.FEW):
                pass  # a quarter, a half, a few
            elif prev is not None and prev.kind in (_Kind.FRACTION, _Kind.OF):
                pass  # half a million, quarter of a million
            elif nxt is not None and nxt.kind in (_Kind.HUNDRED, _Kind.SCALE, _Kind.DOZEN):
                out.append(_ONE)  # a hundred, a thousand, a dozen
            else:
                raise _fail(text, f"{tok.text!r} is read only before hundred, thousand, dozen …")
        elif tok.kind is _Kind.OF:
            if prev is None or prev.kind is not _Kind.FRACTION:
                raise _fail(text, "'of' is read only in 'a quarter of a million' and the like")
        else:
            out.append(tok)
    return out


# ---------------------------------------------------------------------------------------------
# Grammar
# ---------------------------------------------------------------------------------------------


def _fits(new: _Token, places: frozenset[int]) -> bool:
    """May `new` be added to a count that already fills `places`?"""
    if max(new.places) < min(places):
        return True  # larger parts first: مئة وخمسون, twenty one
    # Arabic says the units before the tens: اثنان وخمسون = 52, ثلاثمئة واثنان وخمسون = 352.
    return not new.english and new.places == _TENS and _U in places and _T not in places


_PHRASE_ONLY = {
    _Kind.VAGUE: "a vague quantity; it is read only as a whole phrase, one of "
    + ", ".join(VAGUE_CONVENTION),
    _Kind.FEW: "'a few' is read only as a whole phrase (بضعة آلاف, a few hundred)",
    _Kind.NAYYIF: "نيف / odd is read only after a round number (300 ونيف) or before tens",
    _Kind.OPEN: "a range needs two ends (بين 8 و13)",
    _Kind.JOIN: "a range needs two ends (8 إلى 13)",
    _Kind.DASH: "a dash joins the two ends of a range; a count has no sign",
}


def _evaluate(tokens: list[_Token], text: str) -> int:
    """Sum of terms; a term is a count (< 1000 in words) times an optional scale word, or a
    fraction of a scale word."""
    if not tokens:
        raise _fail(text, "there is no number in it")
    if len(tokens) > 1 and any(t.kind is _Kind.NUMBER and t.value == 0 for t in tokens):
        raise _fail(text, "zero cannot be part of a larger number")
    third = any(t.kind is _Kind.FRACTION and t.value.denominator == 3 for t in tokens)
    total: Number = 0  # the terms already closed by a scale word
    last_scale: Number | None = None
    count: Number = 0  # the count being built
    places: frozenset[int] = frozenset()  # the places it fills
    prev: _Token | None = None
    closed = False  # a trailing fraction ("مليون ونصف") ends the number
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        joined = prev is None or prev.kind is _Kind.CONJ  # tok starts a new term
        if closed:
            raise _fail(text, f"{_shown(tok.text, text)} after the fraction that ends it")
        if tok.kind in _PHRASE_ONLY:
            raise _fail(text, f"{_shown(tok.text, text)}: {_PHRASE_ONLY[tok.kind]}")
        if tok.kind is _Kind.CONJ:
            if prev is None or prev.kind is _Kind.CONJ:
                raise _fail(text, f"{_shown(tok.text, text)} must join two numbers")
        elif tok.kind is _Kind.FRACTION:
            if nxt is not None and nxt.kind is _Kind.SCALE:
                if places and not joined:
                    raise _fail(text, f"expected و before {_shown(tok.text, text)}")
                if places:  # "one and a half million": the fraction adds to the count
                    count += tok.value
                else:  # "نصف مليون": a fraction of the scale word after it
                    count, places = tok.value, _ALL
            elif joined and prev is not None and not places and last_scale is not None:
                total += tok.value * last_scale  # "مليون ونصف", "a million and a half"
                closed = True
            else:
                raise _fail(text, f"{_shown(tok.text, text)} is a fraction of no scale word")
        elif tok.kind is _Kind.SCALE:
            if prev is not None and prev.kind is _Kind.SCALE:
                raise _fail(text, f"scale word {_shown(tok.text, text)} right after {prev.text!r}")
            if places and not joined:  # "20 ألف": the count before it multiplies it
                if not tok.counted:
                    raise _fail(
                        text, f"{_shown(tok.text, text)} is a dual (two) and takes no count"
                    )
                multiplier = count
            elif places:  # "ثلاثة وألف": a thousand after a smaller number
                raise _fail(text, f"{_shown(tok.text, text)} comes after the smaller {count}")
            elif tok.alone is None:
                raise _fail(
                    text,
                    f"{_shown(tok.text, text)} needs a count before it "
                    "(alone it is a vague quantity)",
                )
            else:
                multiplier = tok.alone
            amount = multiplier * tok.value
            if last_scale is not None and (
                amount >= last_scale or (multiplier >= 1 and tok.value >= last_scale)
            ):
                raise _fail(
                    text, f"{_shown(tok.text, text)} does not get smaller than the scale before it"
                )
            if amount.denominator != 1 and not third:
                raise _fail(text, f"{float(multiplier)} × {tok.value} is not a whole number")
            total, last_scale, count, places = total + amount, tok.value, 0, frozenset()
        else:  # a part of a count: NUMBER, TEN, HUNDRED, DOZEN
            if not joined and prev is not None:
                ar_unit_before = prev.word and not prev.english and prev.places == _UNITS
                if tok.kind is _Kind.TEN and ar_unit_before and _T not in places:
                    count, places, prev = count + tok.value, places | _TEEN, tok  # ثلاثة عشر
                    continue
                if tok.kind is _Kind.HUNDRED and places == _UNITS:
                    count, places, prev = count * tok.value, _HUNDREDS, tok  # ثلاث مئة = 300
                    continue
                if tok.kind is _Kind.DOZEN and places == _UNITS:
                    count, places, prev = count * tok.value, _ALL, tok  # two dozen = 24
                    continue
                if not (tok.english and prev.english):
                    shown = f"{_shown(prev.text, text)} and {_shown(tok.text, text)}"
                    raise _fail(text, f"expected و between {shown}")
            if places and not _fits(tok, places):
                raise _fail(text, f"{_shown(tok.text, text)} overlaps the number {count} before it")
            new_places = _ALL if tok.kind is _Kind.DOZEN else tok.places
            count, places = count + tok.value, places | new_places
            if last_scale is not None and count >= last_scale:
                raise _fail(
                    text, f"{_shown(tok.text, text)} is too large to follow a scale of {last_scale}"
                )
        prev = tok
    if prev is not None and prev.kind is _Kind.CONJ:
        raise _fail(text, f"it ends with {_shown(prev.text, text)}")
    result = total + count
    if result.denominator != 1:
        if not third:
            raise _fail(text, f"{float(result)} is not a whole number")
        result = round(result)  # a third of a million: 333,333
    return int(result)


def _rounding_step(n: int) -> int:
    step = 1
    while n and n % (step * 10) == 0:
        step *= 10
    return step


def _nayyif(base: int, text: str) -> NumberReading:
    step = _rounding_step(base)
    if base == 0 or step == 1:
        raise _fail(text, "نيف / odd follows a round number (300 ونيف, نيف وعشرون)")
    return NumberReading(base + 1, base + step - 1, True)


def _range(tokens: list[_Token], text: str, bare: bool) -> NumberReading:
    """Two ends joined by و / and (after بين / between, or ``bare``), إلى / حتى / to, or a dash."""
    opener = tokens[0] if tokens[0].kind is _Kind.OPEN else None
    body = tokens[1:] if opener is not None else tokens
    if not body or body[0].kind is _Kind.DASH or body[-1].kind is _Kind.DASH:
        raise _fail(text, "a count is a whole number without a sign")
    between = opener is not None and opener.text in ("بين", "between")
    for j, tok in enumerate(body):
        if tok.kind is _Kind.CONJ:
            if not (between or (bare and opener is None)):
                continue
        elif tok.kind is _Kind.JOIN:
            if opener is not None and opener.text == "between" and tok.text != "to":
                continue
        elif tok.kind is not _Kind.DASH:
            continue
        ends = _ends(body[:j], body[j + 1 :], text)
        if ends is not None:
            return NumberReading(ends[0], ends[1], False, True)
    what = opener.text if opener is not None else "the joiner"
    raise _fail(text, f"{what!r}: expected a range of two numbers, the lower first")


def _ends(left: list[_Token], right: list[_Token], text: str) -> tuple[int, int] | None:
    if not left or not right:
        return None
    try:
        low, high = _evaluate(left, text), _evaluate(right, text)
    except NumeralError:
        return None
    scale = right[-1]
    if (
        scale.kind is _Kind.SCALE
        and scale.counted
        and len(right) > 1
        and all(t.kind is not _Kind.SCALE for t in left + right[:-1])
    ):
        count = _evaluate(right[:-1], text)
        if low < count:
            low = int(low * scale.value)  # "8 إلى 13 ألفاً": one scale word for both ends
    return (low, high) if low < high else None


def _read_tokens(tokens: list[_Token], text: str, bare: bool) -> NumberReading:
    kinds = [t.kind for t in tokens]
    if _Kind.OPEN in kinds or _Kind.JOIN in kinds or _Kind.DASH in kinds:
        if _Kind.NAYYIF in kinds and kinds[-1] is _Kind.NAYYIF and kinds[-2:-1] == [_Kind.DASH]:
            return _nayyif(_evaluate(tokens[:-2], text), text)  # "300-odd"
        return _range(tokens, text, bare)
    if len(tokens) >= 2 and kinds[-1] is _Kind.NAYYIF:
        rest = tokens[:-2] if kinds[-2] is _Kind.CONJ else tokens[:-1]
        if kinds[-2] is _Kind.CONJ or tokens[-1].english:
            return _nayyif(_evaluate(rest, text), text)  # 300 ونيف, twenty-odd
    if len(tokens) >= 3 and kinds[0] is _Kind.NAYYIF and kinds[1] is _Kind.CONJ:
        return _nayyif(_evaluate(tokens[2:], text), text)  # نيف وعشرون
    if len(tokens) >= 3 and kinds[0] is _Kind.FEW and kinds[1] is _Kind.CONJ:
        tens = _evaluate(tokens[2:], text)  # بضع وعشرون: 23-29
        if not (20 <= tens <= 90 and tens % 10 == 0):
            raise _fail(text, "بضع و is read only before tens (بضع وعشرون)")
        return NumberReading(tens + 3, tens + 9, True)
    try:
        return NumberReading(_evaluate(tokens, text), None, False)
    except NumeralError:
        if bare and _Kind.CONJ in kinds:
            return _range(tokens, text, bare=True)  # "5 و7": a range written without بين
        raise


# ---------------------------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def _read(
    text: str, dot_groups: bool, comma_decimal: bool, bare: bool
) -> NumberReading | NumeralError:
    norm = normalise(text)
    if not norm:
        return _fail(text, "it is empty")
    if not _HAS_DIGIT.search(norm):  # vague and "a few" phrases have no digits
        for phrase in _phrase_keys(norm):
            bounds = _VAGUE_LOOKUP.get(phrase) or _FEW_LOOKUP.get(phrase)
            if bounds is not None:
                return NumberReading(bounds[0], bounds[1], True)
    try:
        tokens = _articles(_lex(_scan(norm, text), text, dot_groups, comma_decimal), text)
        return _read_tokens(tokens, text, bare)
    except NumeralError as err:
        return err


def read_number(text: str, *, maghrebi_dot: bool = False) -> NumberReading:
    """Read `text` (the number as written, e.g. value_text of a claim) or raise NumeralError.

    A dot followed by groups of three digits groups thousands ("13.000" = 13000); before a
    scale word it is a decimal point ("1.5 مليون", "1.500 مليون" = 1.5 million), unless
    ``maghrebi_dot=True``, where it always groups ("1.500 مليون" = 1.5 billion).
    """
    reading = _read(text, maghrebi_dot, False, False)
    if isinstance(reading, NumeralError):
        raise NumeralError(*reading.args)
    return reading


@lru_cache(maxsize=1 << 16)
def readings(text: str) -> tuple[NumberReading, ...]:
    """Every reading `text` can honestly have: the ordinary one; a dot or comma read the other
    way before a scale word ("1.500 مليون" as 1.5 billion, "1,500 مليون" as 1.5 million); and a
    pair "X وY" that is no single number read as a range (the بين before it stays in the
    quote). Empty when `text` is no number."""
    found: list[NumberReading] = []
    primary = _read(text, False, False, False)
    if isinstance(primary, NumberReading):
        found.append(primary)
    if any(c in text for c in ".,،"):
        other = _read(text, True, True, False)
        if isinstance(other, NumberReading) and other not in found:
            found.append(other)
    if not found and ("و" in text or "and" in text.casefold()):
        bare = _read(text, False, False, True)
        if isinstance(bare, NumberReading):
            found.append(bare)
    return tuple(found)


def denotes(text: str, value: int, value_max: int | None = None) -> bool:
    """True when `text` can denote `value` (and value_max, for a range or a vague quantity)
    in one of its :func:`readings`. Never raises: unreadable text -> False."""
    return any(r.value == value and r.value_max == value_max for r in readings(text))


@lru_cache(maxsize=1 << 14)
def is_number_word(word: str) -> bool:
    """Is ``word`` (one word as written) a word of the reader's lexicon: a number, scale,
    fraction, vague or range word, alone or with a glued prefix ("وعشرون", "بالعشرات")?"""
    norm = normalise(word)
    parts = norm.split("-") if norm.isascii() else [norm]
    return bool(norm) and all(_word_tokens(p, first=True) is not None for p in parts)


def why_not(text: str) -> str | None:
    """Why `text` is no number (the reader's reason), or None when it is one."""
    if readings(text):
        return None
    reading = _read(text, False, False, True)
    return str(reading) if isinstance(reading, NumeralError) else None
