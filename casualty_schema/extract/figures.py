"""Every number a sentence writes, and whether it is a count.

Each digit run and each number word of the numeral reader's lexicon
(:mod:`casualty_schema.domain.numerals`) starts a look: :func:`casualty_schema.domain.
occurrence.analyse` — what rule ``quote.value`` runs — widens it to the whole numeral it is
part of ("20" to "20 ألف", "عشرات" to "عشرات الآلاف", "11" to "بين 11 و24") and says whether
that numeral is a count, a day of a month, a year or an ordinal. So a figure proposed here
stands in its sentence as ``quote.value`` requires, and ``value_text`` is the numeral exactly
as written (a range without the بين / between before it, which is its hedge word).

A count that is not a figure of a claim is set apart with its reason: a percentage ("30 في
المئة", "30%"); a weekday (الأحد Sunday and الاثنين Monday are the words for one and two);
أحد / إحدى before a noun ("one of"); an ordinal word (الثالث, third). Page furniture is told
by the caller, which knows the package's metrics (:mod:`casualty_schema.extract.core`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from casualty_schema.domain import lexicon, numerals, occurrence
from casualty_schema.domain.hedges import WINDOW
from casualty_schema.domain.numerals import NumberReading, key, normalise
from casualty_schema.domain.tokens import PROCLITICS, Kind, word_tokens

__all__ = ["Figure", "figures"]

#: The kinds of lexicon word that can start a count (not و, بين, من, إلى, a/an, of …).
_COUNTING = frozenset(
    {Kind.NUMBER, Kind.TEN, Kind.HUNDRED, Kind.DOZEN, Kind.SCALE, Kind.FRACTION, Kind.VAGUE,
     Kind.FEW}
)  # fmt: skip
_ARTICLE_PREFIXES = frozenset(p for p in PROCLITICS if p.endswith(("ال", "لل")))
_OPENER_KEYS = frozenset(key(w) for w in lexicon.RANGE_OPENERS if " " not in w)
_PERCENT = re.compile(
    r"\s*(?:[%٪]|(?:في|بال)\s*(?:ال)?(?:مئة|مائة|مئه|مائه)|per\s?cent\b)", re.IGNORECASE
)
_ONE_OF = frozenset(key(w) for w in ("أحد", "إحدى"))
_WEEKDAYS = frozenset({1, 2})  # الأحد (Sunday) and الاثنين (Monday) are "the one", "the two"
_ORDINALS = {key(w): en for w, en in lexicon.ORDINAL_WORDS.items()}
_MONTH_FIRST = frozenset(
    key(w.split()[0]) for names in lexicon.MONTH_NAMES.values() for w in names if " " in w
)

#: Why a number is not a count, by the kind of place it stands in.
WHY = {
    "year": "a year, not a count",
    "day": "a day of a month (a date), not a count",
    "ordinal": "an ordinal (a position), not a count",
    "part": "part of a longer word or number, not a number of its own",
    "percentage": "a percentage, not a count",
    "weekday": "a day of the week, not a count",
    "one-of": "'one of' before a noun, not a count",
    "article": "a number word with the article ('the three'), not a figure",
}


@dataclass(frozen=True)
class Figure:
    """A number in a sentence: a count (``kind`` "count") or why it is not one."""

    start: int  # the span of ``text`` in the sentence
    end: int
    text: str  # the count as written (its value_text), or what the sentence reads there
    kind: str  # "count", or a key of :data:`WHY`
    reading: NumberReading | None = None  # a count's reading

    @property
    def why(self) -> str:
        return WHY.get(self.kind, "")


def _word_kind(word: str) -> str | None:
    """ "count" for a word that starts a count; the kind of a number word that is none here
    (a weekday, a number with the article) or of an ordinal; None for any other word."""
    norm = normalise(word)
    if not norm or not numerals.is_number_word(word):
        return "ordinal" if _without_prefix(key(word)) in _ORDINALS else None
    direct = word_tokens(norm, first=False)
    found = direct if direct is not None else word_tokens(norm, first=True)
    if not found or not any(t.kind in _COUNTING for t in found):
        return None
    last = found[-1]
    article = direct is None and _has_article(key(word))
    if article and last.kind in (Kind.NUMBER, Kind.TEN, Kind.HUNDRED):
        return "weekday" if last.value in _WEEKDAYS else "article"  # الأحد، الاثنين
    return "count"


def _without_prefix(k: str) -> str:
    for prefix in PROCLITICS:
        if k.startswith(prefix) and k[len(prefix) :] in _ORDINALS:
            return k[len(prefix) :]
    return k


def _has_article(k: str) -> bool:
    return any(k.startswith(p) for p in _ARTICLE_PREFIXES)


def _locate(sentence: str, reads: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of ``reads`` in ``sentence`` that covers ``[start, end)``."""
    at = sentence.find(reads, max(0, end - len(reads)))
    while 0 <= at <= start:
        if at + len(reads) >= end:
            return at, at + len(reads)
        at = sentence.find(reads, at + 1)
    return None


def _placed(sentence: str, start: int, end: int) -> tuple[str, str, int, int]:
    """What ``sentence[start:end]`` is part of: (kind, what the sentence reads there, span),
    widened while :func:`occurrence.analyse` finds it part of a longer numeral."""
    text = sentence[start:end]
    for _ in range(4):
        kind, reads = occurrence.analyse(
            sentence[max(0, start - WINDOW) : start], text, sentence[end : end + WINDOW]
        )
        span = _locate(sentence, reads, start, end) if reads != text else (start, end)
        if span is None:
            return kind, reads, start, end
        if kind != "part" or span == (start, end):
            return kind, reads, span[0], span[1]
        start, end, text = span[0], span[1], reads
    return kind, reads, start, end


def _without_opener(sentence: str, start: int, end: int) -> int:
    """Where a range's ends begin, after the بين / ما بين / between / من / from it is
    written with (``start`` when there is none)."""
    words = occurrence.tokens(sentence[start:end])
    skip = 0
    if len(words) > 2 and words[0].key == "ما" and words[1].key == "بين":
        skip = 2
    elif len(words) > 1 and words[0].key in _OPENER_KEYS:
        skip = 1
    return start + words[skip].start if skip else start


def figures(sentence: str) -> list[Figure]:
    """Every number of ``sentence``, in order, each once (module docstring)."""
    found: list[Figure] = []
    taken = 0  # the end of the last number found: its words are not looked at again
    tokens = occurrence.tokens(sentence)
    for i, tok in enumerate(tokens):
        if tok.start < taken:
            continue
        if tok.kind == "num":
            kind: str | None = "count"
        elif tok.kind == "word":
            kind = _word_kind(tok.text)
        else:
            kind = None
        if kind is None:
            continue
        if kind == "ordinal" and i > 0 and tokens[i - 1].key in _MONTH_FIRST:
            continue  # تشرين الأول, كانون الثاني: a month
        if kind != "count":
            found.append(Figure(tok.start, tok.end, tok.text, kind))
            taken = tok.end
            continue
        figure = _figure(sentence, tok.start, tok.end, tokens[i + 1 :])
        found.append(figure)
        taken = max(figure.end, tok.end)
    return found


def _figure(sentence: str, start: int, end: int, following: list[occurrence.Tok]) -> Figure:
    kind, reads, start, end = _placed(sentence, start, end)
    if kind != "count":
        return Figure(start, end, reads, kind)
    text = sentence[start:end]
    found = numerals.readings(text)
    if not found:
        return Figure(start, end, text, "part")
    reading = found[0]
    percent = _PERCENT.match(sentence, end)
    if percent is not None:
        return Figure(start, percent.end(), sentence[start : percent.end()], "percentage")
    if (key(text) in _ONE_OF and _noun_follows(following)) or (
        key(text) == "one" and following[:1] and following[0].key == "of"
    ):
        return Figure(start, end, text, "one-of")
    if reading.is_range:
        inner = _without_opener(sentence, start, end)
        if inner != start:
            again = occurrence.analyse(
                sentence[max(0, inner - WINDOW) : inner], sentence[inner:end],
                sentence[end : end + WINDOW],
            )  # fmt: skip
            if again[0] == "count" and numerals.readings(sentence[inner:end]):
                start, text = inner, sentence[inner:end]
    return Figure(start, end, text, "count", reading)


def _noun_follows(following: list[occurrence.Tok]) -> bool:
    """Is the next token a word that is no number word ("أحد المسؤولين", not "أحد عشر")?"""
    nxt = next(iter(following), None)
    return nxt is not None and nxt.kind == "word" and not numerals.is_number_word(nxt.text)
