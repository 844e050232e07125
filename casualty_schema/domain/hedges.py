"""Hedge words: the words around a figure in a quote that say how it is hedged, and the
qualifier each implies ("ما لا يقل عن 1302": at_least; "352 مدنياً على الأقل": at_least;
"نحو 352": about; "more than 1,300": more_than).

Given a quote and the span of a numeral in it, :func:`hedges_around` lists the hedge words
right before the numeral and those just after it (its counted noun may stand between: "352
مدنياً على الأقل"); :func:`agreement` says whether a claim's ``qualifier`` agrees with them
(rule ``quote.qualifier``). The same tables give the regular expressions :data:`BEFORE` and
:data:`AFTER`, which the rule runs vectorised in polars and this module runs in Python: one
definition of what hedges a number.

What a hedge is not: "من بين 300" (among 300) and "من أصل 300" (out of 300) contain بين and
من but hedge nothing; they are listed (:data:`NOT_HEDGES`) so that they win over the shorter
word. "من … إلى" (from … to) is read as part of a range's ``value_text``, not as a hedge.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import NamedTuple

import polars as pl

from casualty_schema.domain.numerals import key
from casualty_schema.domain.patterns import DIGITS, LETTERS, MARKS, alternation

__all__ = [
    "AFTER",
    "AFTER_WORDS",
    "BEFORE",
    "BEFORE_WORDS",
    "NOT_HEDGES",
    "Hedge",
    "Verdict",
    "agreement",
    "hedges_around",
    "implied",
    "phrase",
    "phrases",
    "qualifier_of",
]

#: Words written right before the number, by the qualifier they imply.
BEFORE_WORDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "at_least": (
            "ما لا يقل عن", "لا يقل عن", "ما لا يقل عن عدد", "على الأقل",
            "at least", "no fewer than", "no less than", "a minimum of",
        ),
        "more_than": (
            "أكثر من", "ما يزيد على", "ما يزيد عن", "يزيد على", "يزيد عن", "ما يتجاوز",
            "يتجاوز", "تجاوز", "تتجاوز", "يفوق", "ما يفوق", "فاق", "تفوق", "ما يربو على",
            "ما يربو عن", "يربو على", "أزيد من", "ما ينوف على", "ينوف على",
            "more than", "over", "upwards of", "in excess of", "above", "exceeding",
        ),
        "about": (
            "نحو", "حوالي", "حوالى", "قرابة", "زهاء", "ناهز", "يناهز", "ما يناهز",
            "ما يقارب", "يقارب", "ما يقرب من", "تقريبا", "في حدود", "بحدود",
            "about", "around", "nearly", "almost", "approximately", "roughly", "some",
            "an estimated", "circa", "close to",
        ),
        "at_most": (
            "لا يزيد عن", "لا يزيد على", "ما لا يزيد عن", "ما لا يزيد على", "لا يتجاوز",
            "ما لا يتجاوز", "على الأكثر",
            "at most", "up to", "no more than", "a maximum of", "as many as",
        ),
        "less_than": (
            "أقل من", "ما يقل عن", "يقل عن",
            "fewer than", "less than", "under", "below",
        ),
        "range": ("بين", "ما بين", "between"),
    }
)  # fmt: skip

#: Words written after the number, or after its counted noun ("352 مدنياً على الأقل").
AFTER_WORDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "at_least": ("على الأقل", "أو أكثر", "فأكثر", "at least", "or more"),
        "about": ("تقريبا", "or so", "approximately", "roughly"),
        "at_most": ("على الأكثر", "أو أقل", "فأقل", "at most", "or fewer", "or less"),
    }
)

#: Phrases that end like a hedge word but hedge nothing: "من بين 300" (among 300).
NOT_HEDGES: tuple[str, ...] = ("من بين", "من أصل", "out of")

QUALIFIERS: tuple[str, ...] = ("at_least", "more_than", "about", "at_most", "less_than", "range")

_BY_KEY: Mapping[str, str | None] = MappingProxyType(
    {key(w): q for q, words in BEFORE_WORDS.items() for w in words}
    | {key(w): q for q, words in AFTER_WORDS.items() for w in words}
    | {key(w): None for w in NOT_HEDGES}
)


def qualifier_of(phrase: str) -> str | None:
    """The qualifier a hedge phrase implies, however it is spelled; None for a phrase that
    hedges nothing or is no hedge word."""
    return _BY_KEY.get(key(phrase))


# Glued letters before a hedge word (بنحو، وأكثر من) and before the number (أكثر من الـ300).
_GLUED = "(?:[وفبلك]|ال|لل|بال|وال|وب)?"
_NUMBER_PREFIX = f"(?:ال|[وبل])?[{MARKS}]*"
_NOT_IN_NUMBER = rf"[^\s{DIGITS},.،٬٫؛:;!?()\[\]\"“”«»]+"

_BEFORE_ALTERNATION = alternation([*(w for ws in BEFORE_WORDS.values() for w in ws), *NOT_HEDGES])
_AFTER_ALTERNATION = alternation(w for ws in AFTER_WORDS.values() for w in ws)
_BEFORE_HEAD = rf"(?:^|[^{LETTERS}]){_GLUED}"
_BEFORE_TAIL = rf"[{MARKS}]*\s*{_NUMBER_PREFIX}$"
_AFTER_HEAD = rf"^[{MARKS}]*(?:\s*|\s+{_NOT_IN_NUMBER}\s+)"
_AFTER_TAIL = rf"[{MARKS}]*(?:\s*$|[^\s{LETTERS}{DIGITS}]|\s+[^\s{DIGITS}])"

#: A hedge word at the end of the text before a number (the match holds it, and the glued
#: letters and spaces around it: :func:`phrase` takes the word out).
BEFORE: str = f"{_BEFORE_HEAD}(?i:{_BEFORE_ALTERNATION}){_BEFORE_TAIL}"
#: A hedge word at the start of the text after a number, or after the word that follows it
#: (its counted noun: "352 مدنياً على الأقل").
AFTER: str = f"{_AFTER_HEAD}(?i:{_AFTER_ALTERNATION}){_AFTER_TAIL}"
# The same with the word as group 1 (a capture group slows polars' search over the quotes:
# it is looked for only in the few distinct matches).
_WORD = {
    "before": f"{_BEFORE_HEAD}((?i:{_BEFORE_ALTERNATION})){_BEFORE_TAIL}",
    "after": f"{_AFTER_HEAD}((?i:{_AFTER_ALTERNATION})){_AFTER_TAIL}",
}


@functools.cache
def _compiled(side: str) -> re.Pattern[str]:
    """:data:`_WORD` for Python, compiled when first needed: its thousands of character
    classes (the tolerant spelling) take Python's compiler some 50-90 ms, which a run whose
    hedge words polars reads (:func:`phrases`) never pays."""
    return re.compile(_WORD[side])


def phrase(match: str, side: str) -> str | None:
    """The hedge word in a match of :data:`BEFORE` (``side`` "before") or :data:`AFTER`."""
    found = _compiled(side).search(match)
    return found.group(1) if found else None


def phrases(matches: pl.Expr, side: str) -> pl.Expr:
    """:func:`phrase` of each match, in polars (``tests/test_hedges.py`` checks that the two
    agree on every hedge word)."""
    return matches.str.extract(_WORD[side], 1)


class Hedge(NamedTuple):
    """A hedge word beside a numeral."""

    phrase: str  # as written in the text
    qualifier: str  # the qualifier it implies
    side: str  # "before" or "after" the numeral
    start: int  # its span in the text
    end: int


def hedges_around(text: str, start: int, end: int) -> tuple[Hedge, ...]:
    """The hedge words right before ``text[start:end]`` (a numeral) and just after it.

    ``text`` is a quote as written or folded (:func:`casualty_schema.domain.fold.fold_text`);
    only the 48 characters on either side are looked at, as the rule does."""
    found: list[Hedge] = []
    window_start = max(0, start - WINDOW)
    before = _compiled("before").search(text[window_start:start])
    if before is not None and (q := qualifier_of(before.group(1))) is not None:
        s, e = before.span(1)
        found.append(Hedge(before.group(1), q, "before", window_start + s, window_start + e))
    after = _compiled("after").search(text[end : end + WINDOW])
    if after is not None and (q := qualifier_of(after.group(1))) is not None:
        s, e = after.span(1)
        found.append(Hedge(after.group(1), q, "after", end + s, end + e))
    return tuple(found)


#: How far on either side of a numeral its hedge words, dates and continuation are looked for.
WINDOW = 48


def implied(hedges: Iterable[Hedge]) -> frozenset[str]:
    """The qualifiers a set of hedge words implies."""
    return frozenset(h.qualifier for h in hedges)


class Verdict(NamedTuple):
    """Whether a qualifier agrees with the hedge words beside its number."""

    severity: str | None  # None: it agrees; "error"; "warning"
    reason: str


#: The hedge words each qualifier agrees with. A range may be "about" (نحو 8 إلى 10 آلاف).
AGREES: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "exact": frozenset(),
        "at_least": frozenset({"at_least"}),
        "more_than": frozenset({"more_than"}),
        "at_most": frozenset({"at_most"}),
        "less_than": frozenset({"less_than"}),
        "about": frozenset({"about"}),
        "range": frozenset({"range", "about"}),
    }
)
#: Qualifiers one apart: "at least 1,302" and "more than 1,301" differ by one, which a relay
#: or a headline may blur; coded the one for the other is a warning, not an error.
NEAR: Mapping[str, str] = MappingProxyType(
    {"at_least": "more_than", "more_than": "at_least", "at_most": "less_than",
     "less_than": "at_most"}
)  # fmt: skip
#: Qualifiers a bare figure (no hedge word) may have: exact; about, the headline convention
#: (docs/data-model.md); range, whose value_text carries both ends ("5 و7").
BARE: frozenset[str] = frozenset({"exact", "about", "range"})


def agreement(qualifier: str, hedges: frozenset[str]) -> Verdict:
    """Does ``qualifier`` agree with the qualifiers ``hedges`` that the words beside the number
    imply? A ``vague`` quantity is its own hedge and agrees with any; two hedges ("نحو 352
    مدنياً على الأقل") accept either."""
    if qualifier not in AGREES:
        return Verdict(None, "")
    if not hedges:
        if qualifier in BARE:
            return Verdict(None, "")
        return Verdict("error", "no hedge word")
    if hedges & AGREES[qualifier]:
        return Verdict(None, "")
    if NEAR.get(qualifier) in hedges:
        return Verdict("warning", "one apart")
    return Verdict("error", "disagree")
