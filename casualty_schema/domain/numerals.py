"""Read numbers as they are written in Arabic and Western news text.

``read_number("34 ألفاً و502")`` is 34502, ``read_number("٣٥٢")`` is 352,
``read_number("عشرات الآلاف")`` is the vague quantity 20000-99999, ``read_number("بين 8 آلاف
و13 ألفاً")`` the range 8000-13000. ``denotes`` checks that the ``value_text`` of a claim can
stand for its ``value`` (rule ``quote.value``). The words are in
:mod:`casualty_schema.domain.lexicon`, digit runs are read by
:mod:`casualty_schema.domain.digits`, the text is split into tokens by
:mod:`casualty_schema.domain.tokens` (steps 1 and 3 below), and every reading is documented
in ``docs/data-model.md`` (convention version 2).

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

from functools import lru_cache
from typing import NamedTuple

from casualty_schema.domain.lexicon import CONVENTION_VERSION, VAGUE_CONVENTION
from casualty_schema.domain.spelling import WRITTEN_FORMS, to_words
from casualty_schema.domain.tokens import (
    ALL,
    FEW_LOOKUP,
    HAS_DIGIT,
    HUNDREDS,
    TEEN,
    TENS,
    UNITS,
    VAGUE_LOOKUP,
    Kind,
    Number,
    NumeralError,
    T,
    Token,
    U,
    articles,
    fail,
    fold,
    key,
    lex,
    normalise,
    phrase_keys,
    scan,
    shown,
    word_tokens,
)

__all__ = [
    "CONVENTION_VERSION",
    "VAGUE_CONVENTION",
    "WRITTEN_FORMS",
    "NumberReading",
    "NumeralError",
    "denotes",
    "fold",
    "is_number_word",
    "key",
    "normalise",
    "read_number",
    "readings",
    "to_words",
    "why_not",
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


# ---------------------------------------------------------------------------------------------
# Grammar
# ---------------------------------------------------------------------------------------------


def _fits(new: Token, places: frozenset[int]) -> bool:
    """May `new` be added to a count that already fills `places`?"""
    if max(new.places) < min(places):
        return True  # larger parts first: مئة وخمسون, twenty one
    # Arabic says the units before the tens: اثنان وخمسون = 52, ثلاثمئة واثنان وخمسون = 352.
    return not new.english and new.places == TENS and U in places and T not in places


_PHRASE_ONLY = {
    Kind.VAGUE: "a vague quantity; it is read only as a whole phrase, one of "
    + ", ".join(VAGUE_CONVENTION),
    Kind.FEW: "'a few' is read only as a whole phrase (بضعة آلاف, a few hundred)",
    Kind.NAYYIF: "نيف / odd is read only after a round number (300 ونيف) or before tens",
    Kind.OPEN: "a range needs two ends (بين 8 و13)",
    Kind.JOIN: "a range needs two ends (8 إلى 13)",
    Kind.DASH: "a dash joins the two ends of a range; a count has no sign",
}


def _evaluate(tokens: list[Token], text: str) -> int:
    """Sum of terms; a term is a count (< 1000 in words) times an optional scale word, or a
    fraction of a scale word."""
    if not tokens:
        raise fail(text, "there is no number in it")
    if len(tokens) > 1 and any(t.kind is Kind.NUMBER and t.value == 0 for t in tokens):
        raise fail(text, "zero cannot be part of a larger number")
    third = any(t.kind is Kind.FRACTION and t.value.denominator == 3 for t in tokens)
    total: Number = 0  # the terms already closed by a scale word
    last_scale: Number | None = None
    count: Number = 0  # the count being built
    places: frozenset[int] = frozenset()  # the places it fills
    prev: Token | None = None
    closed = False  # a trailing fraction ("مليون ونصف") ends the number
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        joined = prev is None or prev.kind is Kind.CONJ  # tok starts a new term
        if closed:
            raise fail(text, f"{shown(tok.text, text)} after the fraction that ends it")
        if tok.kind in _PHRASE_ONLY:
            raise fail(text, f"{shown(tok.text, text)}: {_PHRASE_ONLY[tok.kind]}")
        if tok.kind is Kind.CONJ:
            if prev is None or prev.kind is Kind.CONJ:
                raise fail(text, f"{shown(tok.text, text)} must join two numbers")
        elif tok.kind is Kind.FRACTION:
            if nxt is not None and nxt.kind is Kind.SCALE:
                if places and not joined:
                    raise fail(text, f"expected و before {shown(tok.text, text)}")
                if places:  # "one and a half million": the fraction adds to the count
                    count += tok.value
                else:  # "نصف مليون": a fraction of the scale word after it
                    count, places = tok.value, ALL
            elif joined and prev is not None and not places and last_scale is not None:
                total += tok.value * last_scale  # "مليون ونصف", "a million and a half"
                closed = True
            else:
                raise fail(text, f"{shown(tok.text, text)} is a fraction of no scale word")
        elif tok.kind is Kind.SCALE:
            if prev is not None and prev.kind is Kind.SCALE:
                raise fail(text, f"scale word {shown(tok.text, text)} right after {prev.text!r}")
            if places and not joined:  # "20 ألف": the count before it multiplies it
                if not tok.counted:
                    raise fail(text, f"{shown(tok.text, text)} is a dual (two) and takes no count")
                multiplier = count
            elif places:  # "ثلاثة وألف": a thousand after a smaller number
                raise fail(text, f"{shown(tok.text, text)} comes after the smaller {count}")
            elif tok.alone is None:
                raise fail(
                    text,
                    f"{shown(tok.text, text)} needs a count before it "
                    "(alone it is a vague quantity)",
                )
            else:
                multiplier = tok.alone
            amount = multiplier * tok.value
            if last_scale is not None and (
                amount >= last_scale or (multiplier >= 1 and tok.value >= last_scale)
            ):
                raise fail(
                    text, f"{shown(tok.text, text)} does not get smaller than the scale before it"
                )
            if amount.denominator != 1 and not third:
                raise fail(text, f"{float(multiplier)} × {tok.value} is not a whole number")
            total, last_scale, count, places = total + amount, tok.value, 0, frozenset()
        else:  # a part of a count: NUMBER, TEN, HUNDRED, DOZEN
            if not joined and prev is not None:
                ar_unit_before = prev.word and not prev.english and prev.places == UNITS
                if tok.kind is Kind.TEN and ar_unit_before and T not in places:
                    count, places, prev = count + tok.value, places | TEEN, tok  # ثلاثة عشر
                    continue
                if tok.kind is Kind.HUNDRED and places == UNITS:
                    count, places, prev = count * tok.value, HUNDREDS, tok  # ثلاث مئة = 300
                    continue
                if tok.kind is Kind.DOZEN and places == UNITS:
                    count, places, prev = count * tok.value, ALL, tok  # two dozen = 24
                    continue
                if not (tok.english and prev.english):
                    pair = f"{shown(prev.text, text)} and {shown(tok.text, text)}"
                    raise fail(text, f"expected و between {pair}")
            if places and not _fits(tok, places):
                raise fail(text, f"{shown(tok.text, text)} overlaps the number {count} before it")
            new_places = ALL if tok.kind is Kind.DOZEN else tok.places
            count, places = count + tok.value, places | new_places
            if last_scale is not None and count >= last_scale:
                raise fail(
                    text, f"{shown(tok.text, text)} is too large to follow a scale of {last_scale}"
                )
        prev = tok
    if prev is not None and prev.kind is Kind.CONJ:
        raise fail(text, f"it ends with {shown(prev.text, text)}")
    result = total + count
    if result.denominator != 1:
        if not third:
            raise fail(text, f"{float(result)} is not a whole number")
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
        raise fail(text, "نيف / odd follows a round number (300 ونيف, نيف وعشرون)")
    return NumberReading(base + 1, base + step - 1, True)


def _range(tokens: list[Token], text: str, bare: bool) -> NumberReading:
    """Two ends joined by و / and (after بين / between, or ``bare``), إلى / حتى / to, or a dash."""
    opener = tokens[0] if tokens[0].kind is Kind.OPEN else None
    body = tokens[1:] if opener is not None else tokens
    if not body or body[0].kind is Kind.DASH or body[-1].kind is Kind.DASH:
        raise fail(text, "a count is a whole number without a sign")
    between = opener is not None and opener.text in ("بين", "between")
    for j, tok in enumerate(body):
        if tok.kind is Kind.CONJ:
            if not (between or (bare and opener is None)):
                continue
        elif tok.kind is Kind.JOIN:
            if opener is not None and opener.text == "between" and tok.text != "to":
                continue
        elif tok.kind is not Kind.DASH:
            continue
        ends = _ends(body[:j], body[j + 1 :], text)
        if ends is not None:
            return NumberReading(ends[0], ends[1], False, True)
    what = opener.text if opener is not None else "the joiner"
    raise fail(text, f"{what!r}: expected a range of two numbers, the lower first")


def _ends(left: list[Token], right: list[Token], text: str) -> tuple[int, int] | None:
    if not left or not right:
        return None
    try:
        low, high = _evaluate(left, text), _evaluate(right, text)
    except NumeralError:
        return None
    scale = right[-1]
    if (
        scale.kind is Kind.SCALE
        and scale.counted
        and len(right) > 1
        and all(t.kind is not Kind.SCALE for t in left + right[:-1])
    ):
        count = _evaluate(right[:-1], text)
        if low < count:
            low = int(low * scale.value)  # "8 إلى 13 ألفاً": one scale word for both ends
    return (low, high) if low < high else None


def _read_tokens(tokens: list[Token], text: str, bare: bool) -> NumberReading:
    kinds = [t.kind for t in tokens]
    if Kind.OPEN in kinds or Kind.JOIN in kinds or Kind.DASH in kinds:
        if Kind.NAYYIF in kinds and kinds[-1] is Kind.NAYYIF and kinds[-2:-1] == [Kind.DASH]:
            return _nayyif(_evaluate(tokens[:-2], text), text)  # "300-odd"
        return _range(tokens, text, bare)
    if len(tokens) >= 2 and kinds[-1] is Kind.NAYYIF:
        rest = tokens[:-2] if kinds[-2] is Kind.CONJ else tokens[:-1]
        if kinds[-2] is Kind.CONJ or tokens[-1].english:
            return _nayyif(_evaluate(rest, text), text)  # 300 ونيف, twenty-odd
    if len(tokens) >= 3 and kinds[0] is Kind.NAYYIF and kinds[1] is Kind.CONJ:
        return _nayyif(_evaluate(tokens[2:], text), text)  # نيف وعشرون
    if len(tokens) >= 3 and kinds[0] is Kind.FEW and kinds[1] is Kind.CONJ:
        tens = _evaluate(tokens[2:], text)  # بضع وعشرون: 23-29
        if not (20 <= tens <= 90 and tens % 10 == 0):
            raise fail(text, "بضع و is read only before tens (بضع وعشرون)")
        return NumberReading(tens + 3, tens + 9, True)
    try:
        return NumberReading(_evaluate(tokens, text), None, False)
    except NumeralError:
        if bare and Kind.CONJ in kinds:
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
        return fail(text, "it is empty")
    if not HAS_DIGIT.search(norm):  # vague and "a few" phrases have no digits
        for phrase in phrase_keys(norm):
            bounds = VAGUE_LOOKUP.get(phrase) or FEW_LOOKUP.get(phrase)
            if bounds is not None:
                return NumberReading(bounds[0], bounds[1], True)
    try:
        tokens = articles(lex(scan(norm, text), text, dot_groups, comma_decimal), text)
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
def readings(text: str, *, bare: bool = True) -> tuple[NumberReading, ...]:
    """Every reading `text` can honestly have: the ordinary one; a dot or comma read the other
    way before a scale word ("1.500 مليون" as 1.5 billion, "1,500 مليون" as 1.5 million); and,
    with ``bare`` (a value_text, whose بين stays in the quote), a pair "X وY" that is no single
    number read as a range. Empty when `text` is no number."""
    found: list[NumberReading] = []
    primary = _read(text, False, False, False)
    if isinstance(primary, NumberReading):
        found.append(primary)
    if any(c in text for c in ".,،"):
        other = _read(text, True, True, False)
        if isinstance(other, NumberReading) and other not in found:
            found.append(other)
    if bare and not found and ("و" in text or "and" in text.casefold()):
        pair = _read(text, False, False, True)
        if isinstance(pair, NumberReading):
            found.append(pair)
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
    return bool(norm) and all(word_tokens(p, first=True) is not None for p in parts)


def why_not(text: str) -> str | None:
    """Why `text` is no number (the reader's reason), or None when it is one."""
    if readings(text):
        return None
    reading = _read(text, False, False, True)
    return str(reading) if isinstance(reading, NumeralError) else None
