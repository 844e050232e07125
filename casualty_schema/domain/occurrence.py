"""A figure in its quote: where ``value_text`` occurs, and whether the quote states it there as
a whole count (rule ``quote.value``).

An occurrence of ``value_text`` is a **count** unless the quote, around it, says otherwise:

- **part**: it is part of a longer numeral — inside a longer number ("712" in "3712", "502"
  in "34,502", "300" in "1300"), cut off before a scale or fraction word that belongs to it
  ("20" of "20 ألف", "3" of "3 thousand", "1" of "1.5 مليون", "مليون" of "مليون ونصف"), one end
  of a range ("8" of "بين 8 و13"), or glued to letters that make it another word ("مئة" in
  "ثلاثمئة", "ألف" in "ألفاً"). Glued prefixes are no part of it: "الـ352", "بـ300", "و300".
- **day**: a day, or a span of days, next to a month name ("بين 11 و24 أذار/مارس", "منذ 17
  أكتوبر", "March 11"), in any of the month names of :data:`lexicon.MONTH_NAMES`;
- **year**: four digits from 1900 to 2099 after a year word or a month ("في 2014", "عام
  2019", "منذ العام 2014", "أوت 2014");
- **ordinal**: digits with an English ordinal ending ("3rd").

:func:`placement` analyses every occurrence and returns the first count, or else the first
occurrence with its problem. :func:`analyse` looks only at the :data:`WINDOW` characters on
either side of an occurrence; :data:`SUSPECT_BEFORE` and :data:`SUSPECT_AFTER` are regular
expressions (for polars and Python alike) such that an occurrence whose surroundings match
neither is a count: the rule runs them vectorised and calls :func:`placement` only for the
few rows they flag. They are built from the same word lists as :func:`analyse`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple

from casualty_schema.domain import lexicon as lx
from casualty_schema.domain import numerals
from casualty_schema.domain.hedges import WINDOW
from casualty_schema.domain.numerals import key
from casualty_schema.domain.patterns import DIGITS, LETTERS, MARKS, alternation, tolerant

__all__ = [
    "GLUED_BEFORE",
    "PROCLITIC_BEFORE",
    "SUSPECT_AFTER",
    "SUSPECT_BEFORE",
    "SUSPECT_BEFORE_YEAR",
    "WINDOW",
    "YEAR_LIKE",
    "Occurrence",
    "Tok",
    "analyse",
    "message",
    "placement",
    "tokens",
]


class Occurrence(NamedTuple):
    """One occurrence of value_text in a quote, and what the quote states there."""

    start: int  # the span of value_text in the quote
    end: int
    kind: str  # "count", "part", "day", "year", "ordinal"
    reads: str  # what the quote states there: the whole numeral, or the date


# ---------------------------------------------------------------------------------------------
# The words that can change what a numeral reads, next to it
# ---------------------------------------------------------------------------------------------


def _number_words() -> list[str]:
    words = [
        *lx.UNIT_WORDS, *lx.TEN_WORDS, *lx.TENS_WORDS, *lx.BARE_HUNDRED_WORDS,
        *lx.HUNDRED_WORDS, lx.ENGLISH_HUNDRED, *lx.DOZEN_WORDS, *lx.ENGLISH_WORDS,
        *lx.ZERO_WORDS, *lx.SCALE_WORDS, *lx.FRACTION_WORDS, *lx.VAGUE_WORDS, *lx.NAYYIF_WORDS,
    ]  # fmt: skip
    words += ["ال" + w for w, s in lx.SCALE_WORDS.items() if not w.isascii()]
    return words


#: Words after a numeral that continue it: number, scale, fraction and vague words (also
#: glued to و: "ونصف", "ونيف"), "of" (tens of thousands), and the joiners of a range.
_AFTER_WORDS = [*_number_words(), lx.ENGLISH_OF, *lx.RANGE_JOINERS, "و", "and"]
#: Words before a numeral that change what it reads: number words ("ثلاثة" آلاف), a few
#: (بضعة آلاف), "of" (tens of thousands), the joiners of a range ("11 إلى" 24).
_BEFORE_WORDS = [*_number_words(), *lx.FEW_WORDS, "few", lx.ENGLISH_OF, *lx.RANGE_JOINERS]
_BEFORE_WORDS += ["و", "and"]

_ARABIC_MONTHS = [w for names in lx.MONTH_NAMES.values() for w in names if not w.isascii()]
_ENGLISH_MONTHS = [w for names in lx.MONTH_NAMES.values() for w in names if w.isascii()]
_MONTH = (
    f"(?:{alternation(_ARABIC_MONTHS)}|"
    + "|".join(sorted(map(re.escape, _ENGLISH_MONTHS), key=len, reverse=True))
    + ")"
)
_END = rf"(?:[^{LETTERS}]|$)"  # the end of a word
_START = rf"(?:^|[^{LETTERS}])"  # the start of a word
_GLUED_AND = "(?:[وف])?"
_DASH_OR_SLASH = f"[{re.escape(lx.DASHES)}/]"

# Words between a day and its month: "5 من شهر آب", "5 of March".
_BEFORE_MONTH_WORDS = f"(?:{tolerant('من')}|{tolerant('شهر')}|of|the)"

#: The text before an occurrence, when what it reads may change: glued to it (a letter or a
#: digit, a separator after a digit), a dash or slash, a digit group and a space ("34 502"),
#: or a word that continues it, or a month name.
SUSPECT_BEFORE: str = (
    rf"(?:[{DIGITS}]|[{DIGITS}][,.،٬٫]|{_DASH_OR_SLASH}\s*|[{DIGITS}]\s+"
    rf"|{_START}{_GLUED_AND}(?i:{alternation(_BEFORE_WORDS)})[{MARKS}]*\s+"
    rf"|{_START}{_GLUED_AND}{_MONTH}[{MARKS}]*\s+)$"
)
#: Letters glued to the front of an occurrence ("ثلاثمئة" for "مئة", "بـ300")...
GLUED_BEFORE: str = rf"[{LETTERS}]$"
#: ... unless they are only a glued article, preposition or ف (الـ352، بـ300، لـ20), which are
#: no part of the number (و is: it can join two numbers).
PROCLITIC_BEFORE: str = (
    rf"(?:^|[^{LETTERS}])"
    rf"{alternation(p for p in lx.PROCLITICS if p != 'و')}[{MARKS}]*$"
)
#: The same for a four-digit value_text (a year?): a year word before it.
SUSPECT_BEFORE_YEAR: str = (
    rf"{_START}{_GLUED_AND}(?i:{alternation([*lx.YEAR_WORDS, *lx.YEAR_QUALIFIERS])})"
    rf"[{MARKS}]*\s+$"
)
#: A value_text that may be a year: four digits from 1900 to 2099, in any script.
YEAR_LIKE: str = r"^(?:19|20|١٩|٢٠|۱۹|۲۰)[0-9٠-٩۰-۹]{2}$"
#: The text after an occurrence, when what it reads may change: glued to it, a separator and
#: a digit, a dash or slash, another numeral, a word that continues it, a month (a day).
SUSPECT_AFTER: str = (
    rf"^(?:[,.،٬٫]?[{DIGITS}]|[{LETTERS}]|\s*{_DASH_OR_SLASH}|\s+[{DIGITS}]"
    rf"|\s+{_GLUED_AND}(?i:{alternation(_AFTER_WORDS)})[{MARKS}]*{_END}"
    rf"|\s+و\s*[{DIGITS}]"
    rf"|\s+(?:{_BEFORE_MONTH_WORDS}\s+){{0,2}}{_MONTH}[{MARKS}]*{_END})"
)


@functools.cache
def _suspect_patterns() -> tuple[re.Pattern[str], ...]:
    """The pre-filter's patterns for Python, compiled when :func:`suspect` is first asked:
    the rule runs them in polars, and compiling the two long ones costs 0.3 s, a fifth of a
    run on a small package."""
    return tuple(
        re.compile(p)
        for p in (
            SUSPECT_BEFORE,
            SUSPECT_AFTER,
            GLUED_BEFORE,
            PROCLITIC_BEFORE,
            SUSPECT_BEFORE_YEAR,
        )
    )


_YEAR_LIKE = re.compile(YEAR_LIKE)

# Lookup keys of the same words, for the analysis itself.
_BEFORE_KEYS = frozenset(key(w) for w in _BEFORE_WORDS)
_AFTER_KEYS = frozenset(key(w) for w in _AFTER_WORDS)
_AR_MONTH_KEYS = frozenset(key(w) for w in _ARABIC_MONTHS)
_MONTH_FIRST_WORDS = frozenset(key(w.split()[0]) for w in _ARABIC_MONTHS if " " in w)
_EN_MONTHS = frozenset(_ENGLISH_MONTHS)
_YEAR_KEYS = frozenset(key(w) for w in lx.YEAR_WORDS)
_YEAR_QUALIFIER_KEYS = frozenset(key(w) for w in lx.YEAR_QUALIFIERS)
_YEAR_NOUNS = frozenset(key(w) for w in ("عام", "العام", "سنة", "السنة"))
_BEFORE_MONTH = frozenset(key(w) for w in ("من", "of", "شهر", "the"))
_PROCLITIC_KEYS = frozenset(key(p) for p in lx.PROCLITICS)
_MARKS_ONLY = re.compile(f"[{MARKS}]*")


def suspect(before: str, value_text: str, after: str) -> bool:
    """True when the surroundings of an occurrence may make it other than a count (the filter
    the rule runs in polars, here in Python: :func:`analyse` is needed only then)."""
    b, a = before[-WINDOW:], after[:WINDOW]
    suspect_before, suspect_after, glued_before, proclitic_before, year_before = _suspect_patterns()
    if suspect_before.search(b) or suspect_after.search(a):
        return True
    if glued_before.search(b) and not proclitic_before.search(b):
        return True
    return bool(_YEAR_LIKE.search(value_text) and year_before.search(b))


_TO_ASCII = str.maketrans(
    {d: str(i) for digits in ("٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹") for i, d in enumerate(digits)}
)

# ---------------------------------------------------------------------------------------------
# Tokens of a window
# ---------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    rf"(?P<num>[{DIGITS}]+(?:(?:[,.،٬٫]| (?=[{DIGITS}]{{3}}(?![{DIGITS}])))[{DIGITS}]+)*)"
    rf"|(?P<word>[{LETTERS}]+(?:-[A-Za-z]+)*)"
    r"|(?P<dash>[-–—‐‑])"
    r"|(?P<space>\s+)"
    r"|(?P<punct>.)",
    re.DOTALL,
)


class _Tok(NamedTuple):
    kind: str  # num, word, dash, punct
    text: str
    start: int
    end: int

    @property
    def key(self) -> str:
        return key(self.text)


def _tokens(text: str) -> list[_Tok]:
    return [
        _Tok(m.lastgroup or "punct", m.group(), m.start(), m.end())
        for m in _TOKEN.finditer(text)
        if m.lastgroup != "space"
    ]


#: A token of a text: a digit run, a word, a dash or a punctuation mark, with its span.
Tok = _Tok


def tokens(text: str) -> list[Tok]:
    """The tokens of ``text`` as this module reads them (white space dropped): what
    :mod:`casualty_schema.extract` finds figures, hedges and dates in."""
    return _tokens(text)


def _numeric(tok: _Tok) -> bool:
    """A token the numeral reader knows: digits, a dash, or a word of its lexicon."""
    if tok.kind in ("num", "dash"):
        return True
    if tok.kind != "word":
        return False
    return numerals.is_number_word(tok.text)


def _run(tokens: Iterable[_Tok], limit: int) -> list[_Tok]:
    """The leading tokens the reader knows, up to ``limit``, without punctuation between."""
    out: list[_Tok] = []
    for tok in tokens:
        if len(out) == limit or not _numeric(tok):
            break
        out.append(tok)
    return out


# ---------------------------------------------------------------------------------------------
# Analysis
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 14)
def analyse(before: str, value_text: str, after: str) -> tuple[str, str]:
    """(kind, reads) for ``value_text`` between ``before`` and ``after`` (see the module
    docstring); only the :data:`WINDOW` characters on either side are looked at."""
    before, after = before[-WINDOW:], after[:WINDOW]
    window = before + value_text + after
    lb, le = len(before), len(before) + len(value_text)
    tokens = _tokens(window)
    core = [t for t in tokens if t.start < le and t.end > lb]
    if not core:
        return "count", value_text
    first, last = core[0], core[-1]
    glued_left = first.start < lb and not (
        first.kind == "word" and key(window[first.start : lb]) in _PROCLITIC_KEYS
    )
    glued_right = last.end > le and not _MARKS_ONLY.fullmatch(window[le : last.end])
    cs = first.start if glued_left else lb
    ce = last.end if glued_right else le
    left = [t for t in tokens if t.end <= cs]
    right = [t for t in tokens if t.start >= ce]
    # digits with an English ordinal ending: 3rd, 21st
    if (
        right
        and right[0].start == ce
        and value_text[-1:].isdigit()
        and right[0].text.lower() in lx.ORDINAL_SUFFIXES
    ):
        return "ordinal", window[cs : right[0].end]
    start, end = _extent(window, left, right, cs, ce, glued_right)
    reads = window[start:end]
    found = numerals.readings(reads, bare=(start, end) == (lb, le))
    before_tokens = [t for t in left if t.end <= start]
    after_tokens = [t for t in right if t.start >= end]
    if not (glued_left or glued_right) and found:
        date = _date(found[0], (start, end), before_tokens, after_tokens, window)
        if date is not None:
            return date
    if glued_left or glued_right:
        return "part", reads
    if (start, end) != (lb, le) and found and not set(found) & set(numerals.readings(value_text)):
        return "part", reads
    return "count", value_text


def _extent(
    window: str, left: list[_Tok], right: list[_Tok], cs: int, ce: int, glued_right: bool
) -> tuple[int, int]:
    """The span of the longest numeral around [cs, ce) that the reader can read."""
    lrun = _run(reversed(left), 6)[::-1] if left else []
    rrun = _run(right, 8)
    if lrun and not (lrun[-1].kind in ("num", "dash") or _in(lrun[-1], _BEFORE_KEYS)):
        lrun = lrun if rrun and _triggers_after(rrun[0], ce) else []
    if rrun and not (_triggers_after(rrun[0], ce) or glued_right):
        rrun = []
    if lrun and not _adjacent(window, lrun[-1].end, cs):
        lrun = []
    if rrun and not _adjacent(window, ce, rrun[0].start):
        rrun = []
    best: tuple[int, int, int] | None = None  # (tokens added, start, end)
    for a in range(len(lrun) + 1):
        start = lrun[len(lrun) - a].start if a else cs
        for b in range(len(rrun) + 1):
            end = rrun[b - 1].end if b else ce
            # in running text a pair without بين is no range ("المادتين 5 و7", "5 و10 جرحى")
            if numerals.readings(window[start:end], bare=False) and (
                best is None or a + b > best[0]
            ):
                best = (a + b, start, end)
    return (best[1], best[2]) if best is not None else (cs, ce)


def _triggers_after(tok: _Tok, ce: int) -> bool:
    return tok.kind in ("num", "dash") or tok.start == ce or _in(tok, _AFTER_KEYS)


def _in(tok: _Tok, keys: frozenset[str]) -> bool:
    """Is the token's word one of ``keys``, alone or glued to و / ف ("وعشرون")?"""
    k = tok.key
    return k in keys or (k[:1] in ("و", "ف") and k[1:] in keys)


def _adjacent(window: str, end: int, start: int) -> bool:
    return not window[end:start].strip()


def _is_month(tokens: list[_Tok], i: int) -> bool:
    """Does a month name start at tokens[i] (كانون الثاني, آذار, March)?"""
    if i < 0 or i >= len(tokens) or tokens[i].kind != "word":
        return False
    tok = tokens[i]
    if tok.text in _EN_MONTHS or _in(tok, _AR_MONTH_KEYS):
        return True
    if tok.key in _MONTH_FIRST_WORDS and i + 1 < len(tokens):
        return key(f"{tok.text} {tokens[i + 1].text}") in _AR_MONTH_KEYS
    return False


def _ends_with_month(tokens: list[_Tok]) -> bool:
    if not tokens:
        return False
    if _is_month(tokens, len(tokens) - 1):
        return True
    # a month of two words ("كانون الثاني"); a one-word month with anything after it
    # ("آذار، 20") does not end the text
    return len(tokens) >= 2 and _two_word_month(tokens, len(tokens) - 2)


def _date(
    reading: numerals.NumberReading,
    span: tuple[int, int],
    before: list[_Tok],
    after: list[_Tok],
    window: str,
) -> tuple[str, str] | None:
    """("day", ...) or ("year", ...) when the numeral at ``span`` is a date; what is shown is
    the date as written (the numeral and its month, or its year word)."""
    start, end = span
    low, high = reading.value, reading.value_max or reading.value
    i = 0
    if _other_day(after):  # "11 و24 أذار" without بين: the span of days ends further on
        i = 2
    while i < len(after) and i < 4 and after[i].key in _BEFORE_MONTH:
        i += 1
    if 1 <= low <= high <= 31 and not reading.vague:
        if _is_month(after, i):
            month_end = after[i + 1].end if _two_word_month(after, i) else after[i].end
            return "day", window[start:month_end]
        if _ends_with_month(before):
            month_start = before[-2] if _two_word_month(before, len(before) - 2) else before[-1]
            return "day", window[month_start.start : end]
    digits = window[start:end].strip().translate(_TO_ASCII)
    if _YEAR_LIKE.search(digits) and reading.value_max is None:
        previous = before[-1].key if before else ""
        previous2 = before[-2].key if len(before) >= 2 else ""
        if (
            (before and _in(before[-1], _YEAR_KEYS))
            or _ends_with_month(before)
            or (previous in _YEAR_QUALIFIER_KEYS and previous2 in _YEAR_NOUNS)
        ):
            two_words = previous in _YEAR_QUALIFIER_KEYS or _two_word_month(before, len(before) - 2)
            shown_from = before[-2].start if two_words else before[-1].start
            return "year", window[shown_from:end]
    return None


_JOINER_KEYS = frozenset(key(w) for w in (*lx.RANGE_JOINERS, "و", "and"))


def _other_day(after: list[_Tok]) -> bool:
    """Does the text after a day go on with a second day ("و24", "- 24", "to 24")?"""
    if len(after) < 2 or after[1].kind != "num":
        return False
    if not (after[0].kind == "dash" or after[0].key in _JOINER_KEYS):
        return False
    second = numerals.readings(after[1].text, bare=False)
    return bool(second) and 1 <= second[0].value <= 31


def _two_word_month(tokens: list[_Tok], i: int) -> bool:
    if i < 0:
        return False
    tok = tokens[i]
    if tok.key not in _MONTH_FIRST_WORDS or i + 1 >= len(tokens):
        return False
    return key(f"{tok.text} {tokens[i + 1].text}") in _AR_MONTH_KEYS


def occurrences(quote: str, value_text: str) -> Iterator[Occurrence]:
    """Every occurrence of ``value_text`` in ``quote``, analysed."""
    if not value_text:
        return
    at = quote.find(value_text)
    while at >= 0:
        end = at + len(value_text)
        before, after = quote[max(0, at - WINDOW) : at], quote[end : end + WINDOW]
        kind, reads = analyse(before, value_text, after)
        yield Occurrence(at, end, kind, reads)
        at = quote.find(value_text, at + 1)


def placement(quote: str, value_text: str) -> Occurrence | None:
    """The first occurrence that is a count; else the first occurrence; None if there is
    none."""
    first = None
    for occurrence in occurrences(quote, value_text):
        if occurrence.kind == "count":
            return occurrence
        first = first or occurrence
    return first


def message(kind: str, reads: str, value_text: str) -> str:
    """What the quote states at an occurrence that is not a count, for the finding."""
    if kind == "part":
        return f"the quote reads {reads} here, not {value_text}"
    if kind == "day":
        return f"value_text {value_text} is a day of the month in the quote ({reads}), not a count"
    if kind == "year":
        return f"value_text {value_text} is a year in the quote ({reads}), not a count"
    if kind == "ordinal":
        return f"value_text {value_text} is an ordinal in the quote ({reads}), not a count"
    return f"value_text {value_text} is not a count here"
