"""The tokens of a written number: text normalised, split into digit runs and words, and each
word looked up in the lexicon (:mod:`casualty_schema.domain.lexicon`). The grammar that
evaluates the tokens is :mod:`casualty_schema.domain.numerals`.

Normalisation (a new string; the caller's is never changed): NFKC on Arabic presentation
forms, NFC, drop tatweel, diacritics and invisible direction marks, fold ی -> ي, ک -> ك,
ى -> ي, ة -> ه, collapse white space (NBSP and narrow NBSP included), lower-case English.
Hamza on alef (أ إ آ ٱ -> ا) is folded only when the exact spelling matches no word, so that
"وأحد" stays "and one" while "واحد" is "one". A و glued to a number word is the conjunction
"and"; letters glued before the first number or word are dropped (الـ352، لـ20، بـ300، و300).
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
from casualty_schema.domain.lexicon import VAGUE_CONVENTION

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


class Kind(Enum):
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
U, T, H, BIG = 0, 1, 2, 3
UNITS = frozenset({U})
TENS = frozenset({T})
TEEN = frozenset({T, U})
HUNDREDS = frozenset({H})
ALL = frozenset({U, T, H, BIG})


class Token(NamedTuple):
    kind: Kind
    text: str  # normalised
    value: Number = 0  # an int, or a Fraction for fractions and decimals
    places: frozenset[int] = frozenset()
    english: bool = False
    word: bool = True  # False for digits
    alone: int | None = None  # SCALE only
    counted: bool = True  # SCALE only


def _lexicon_entries() -> Iterator[Token]:
    for word, n in lx.UNIT_WORDS.items():
        yield Token(Kind.NUMBER, word, n, UNITS)
    for word, n in lx.TEN_WORDS.items():
        yield Token(Kind.TEN, word, n, TEEN)
    for word, n in lx.TENS_WORDS.items():
        yield Token(Kind.NUMBER, word, n, TENS)
    for word, n in lx.HUNDRED_WORDS.items():
        yield Token(Kind.NUMBER, word, n, HUNDREDS)
    for word in lx.BARE_HUNDRED_WORDS:
        yield Token(Kind.HUNDRED, word, 100, HUNDREDS)
    yield Token(Kind.HUNDRED, lx.ENGLISH_HUNDRED, 100, HUNDREDS, english=True)
    for word in lx.DOZEN_WORDS:
        yield Token(Kind.DOZEN, word, 12, TEEN, english=True)
    for word, n in lx.ENGLISH_WORDS.items():
        places = UNITS if n < 10 else TEEN if n < 20 else TENS
        yield Token(Kind.NUMBER, word, n, places, english=True)
    for word in lx.ZERO_WORDS:
        yield Token(Kind.NUMBER, word, 0, ALL, english=word.isascii())
    for word, scale in lx.SCALE_WORDS.items():
        yield Token(
            Kind.SCALE,
            word,
            scale.value,
            english=word.isascii(),
            alone=scale.alone,
            counted=scale.counted,
        )
    for word, part in lx.FRACTION_WORDS.items():
        yield Token(Kind.FRACTION, word, part, english=word.isascii())
    for word in lx.CONJUNCTIONS:
        yield Token(Kind.CONJ, word, english=word.isascii())
    for word in lx.ENGLISH_ARTICLES:
        yield Token(Kind.ARTICLE, word, english=True)
    yield Token(Kind.OF, lx.ENGLISH_OF, english=True)
    for word in lx.VAGUE_WORDS:
        yield Token(Kind.VAGUE, word, english=word.isascii())
    for word in (*lx.FEW_WORDS, "few"):
        if " " not in word:
            yield Token(Kind.FEW, word, english=word.isascii())
    for word in lx.NAYYIF_WORDS:
        yield Token(Kind.NAYYIF, word, english=word.isascii())
    for word in lx.RANGE_OPENERS:
        if " " not in word:
            yield Token(Kind.OPEN, word, english=word.isascii())
    yield Token(Kind.MA, "ما")
    for word in lx.RANGE_JOINERS:
        yield Token(Kind.JOIN, word, english=word.isascii())


def _build_lexicon(folded: bool) -> Mapping[str, Token]:
    lexicon: dict[str, Token] = {}
    for token in _lexicon_entries():
        word = normalise(token.text)
        entry = token._replace(text=word)
        k = fold(word) if folded else word
        old = lexicon.get(k)
        if old is not None and old._replace(text=word) != entry:
            raise RuntimeError(f"numerals lexicon: {token.text!r} and {old.text!r} collide")
        lexicon.setdefault(k, entry)
    return MappingProxyType(lexicon)


EXACT = _build_lexicon(folded=False)
FOLDED = _build_lexicon(folded=True)
_AND = EXACT["و"]
_ONE = Token(Kind.NUMBER, "1", 1, UNITS, english=True)
PROCLITICS = tuple(normalise(p) for p in lx.PROCLITICS)
_ARTICLE = "ال"

VAGUE_LOOKUP: Mapping[str, tuple[int, int]] = MappingProxyType(
    {key(k): v for k, v in VAGUE_CONVENTION.items()}
    | {key(k): VAGUE_CONVENTION[v] for k, v in lx.VAGUE_SPELLINGS.items()}
)
FEW_LOOKUP: Mapping[str, tuple[int, int]] = MappingProxyType(
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
    {c: tuple(p for p in PROCLITICS if p[0] == c) for c in {p[0] for p in PROCLITICS}}
)
HAS_DIGIT = re.compile(f"[{ALL_DIGITS}]")


def phrase_keys(norm: str) -> Iterator[str]:
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


def fail(text: str, reason: str) -> NumeralError:
    return NumeralError(f"cannot read {text!r} as a number: {reason}")


def shown(word: str, text: str) -> str:
    """`word` as the caller wrote it ("ألفًا", not "ألفا"), for messages, where it can be found."""
    return repr(next((chunk for chunk in text.split() if normalise(chunk) == word), word))


def scan(norm: str, text: str) -> list[_Raw]:
    raw: list[_Raw] = []
    for m in _SCAN.finditer(norm):
        kind = m.lastgroup or "other"
        if kind == "space":
            continue
        if kind == "other":
            ch = m.group()
            if ch in "+−":
                raise fail(text, f"the sign {ch!r}: a count is a whole number without a sign")
            raise fail(text, f"unexpected character {ch!r} (U+{ord(ch):04X})")
        raw.append(_Raw(kind, m.group(), m.start(), m.end()))
    return raw


@lru_cache(maxsize=1 << 14)
def word_tokens(word: str, first: bool) -> tuple[Token, ...] | None:
    """The tokens of one word: the word itself; a glued و ("and") + word; the article + a
    scale word (نصف المليون); on the first word only, any glued prefix dropped (بثلاثة).
    Exact spelling first, then hamza folded."""
    for lexicon, k in ((EXACT, word), (FOLDED, fold(word))):
        found = lexicon.get(k)
        if found is not None:
            return (found,)
        if k[:1] == "و" and (rest := lexicon.get(k[1:])) is not None:
            return (rest,) if first else (_AND, rest)
        rest = lexicon.get(k[2:]) if k.startswith(_ARTICLE) else None
        if rest is not None and rest.kind is Kind.SCALE:
            return (rest,)
        if first:
            for prefix in _PROCLITICS_BY_LETTER.get(k[:1], ()):
                if k.startswith(prefix) and len(k) > len(prefix):
                    rest = lexicon.get(k[len(prefix) :])
                    if rest is None and prefix.endswith("لل"):
                        rest = lexicon.get(_ARTICLE + k[len(prefix) :])
                    if rest is not None:
                        return (rest,)
    return None


def _not_a_number_word(word: str, text: str) -> NumeralError:
    for k in dict.fromkeys(phrase_keys(word)):
        if k in _ORDINALS:
            ordinal = _ORDINALS[k]
            return fail(text, f"{shown(word, text)} is an ordinal ({ordinal}): not a count")
        if k in _MONTHS:
            return fail(text, f"{shown(word, text)} names a month: a date, not a count")
    return fail(text, f"{shown(word, text)} is not a number word")


def _is_scale_word(raw: _Raw) -> bool:
    if raw.kind not in ("ar", "en"):
        return False
    found = word_tokens(raw.text, first=False)
    return found is not None and found[-1].kind is Kind.SCALE


def lex(raw: list[_Raw], text: str, dot_groups: bool, comma_decimal: bool) -> list[Token]:
    tokens: list[Token] = []
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
                raise fail(text, f"{word}{after.text} is an ordinal: a position, not a count")
            before_scale = after is not None and _is_scale_word(after)
            try:
                value = read_digits(
                    word,
                    before_scale=before_scale,
                    dot_groups=dot_groups,
                    comma_decimal=comma_decimal,
                )
            except DigitsError as err:
                raise fail(text, str(err)) from None
            tokens.append(Token(Kind.NUMBER, word, value, _digit_places(value), word=False))
        elif kind == "dash":
            tokens.append(Token(Kind.DASH, word))
        elif i == 0 and kind == "ar" and glued and after is not None and after.kind == "num":
            if fold(word) not in PROCLITICS:
                raise fail(text, f"{shown(word, text)} is glued to the number {after.text!r}")
            # "الـ352", "لـ20", "بـ300", "و300": a glued article, preposition or conjunction
        elif kind == "en" and i > 0 and raw[i - 1].kind == "num" and raw[i - 1].end == _start:
            raise fail(text, f"{shown(word, text)} is glued to the number {raw[i - 1].text!r}")
        else:
            for part in word.split("-") if kind == "en" else [word]:
                found = word_tokens(part, first=i == 0 and kind == "ar")
                if found is None:
                    raise _not_a_number_word(part, text)
                tokens.extend(found)
    return tokens


def _digit_places(value: Number) -> frozenset[int]:
    if value.denominator != 1 or value >= 1000 or value == 0:
        return ALL
    if value >= 100:
        return frozenset({H, T, U})
    return TEEN if value >= 10 else UNITS


_RESOLVED = frozenset({Kind.ARTICLE, Kind.OF, Kind.MA})


def articles(tokens: list[Token], text: str) -> list[Token]:
    """English articles and "of" resolved: "a thousand" -> 1 thousand, "half a million" ->
    half million, "a quarter of a million" -> quarter million; ما dropped before بين."""
    if not any(t.kind in _RESOLVED for t in tokens):
        return tokens
    out: list[Token] = []
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else None
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok.kind is Kind.MA:
            if nxt is None or nxt.kind is not Kind.OPEN or nxt.text != "بين":
                raise fail(text, "ما is read only in ما بين (a range)")
        elif tok.kind is Kind.ARTICLE:
            if nxt is not None and nxt.kind in (Kind.FRACTION, Kind.FEW):
                pass  # a quarter, a half, a few
            elif prev is not None and prev.kind in (Kind.FRACTION, Kind.OF):
                pass  # half a million, quarter of a million
            elif nxt is not None and nxt.kind in (Kind.HUNDRED, Kind.SCALE, Kind.DOZEN):
                out.append(_ONE)  # a hundred, a thousand, a dozen
            else:
                raise fail(text, f"{tok.text!r} is read only before hundred, thousand, dozen …")
        elif tok.kind is Kind.OF:
            if prev is None or prev.kind is not Kind.FRACTION:
                raise fail(text, "'of' is read only in 'a quarter of a million' and the like")
        else:
            out.append(tok)
    return out
