"""The period a piece of a sentence gives its figure, as partial dates (docs/data-model.md).

Phrases, Arabic and English:

=====================================================  =====================================
phrase                                                 gives
=====================================================  =====================================
منذ X, since X                                         the start (the end is the claim's date)
بين X و Y, ما بين, between X and Y                     the start and the end
من X إلى / حتى Y, from X to / until Y                  the start and the end
حتى X, إلى X, لغاية X, until X, through X             the end
في X, خلال X, طوال X, in X, during X                   the start and the end, when no other
الفترة المذكورة, هذه الفترة, the same period           the period of the sentence before
=====================================================  =====================================

A date X is a year ("2014", "العام 2014", "عام 2014"), a month of any region with or
without its year ("آب/أغسطس العام 2014", "أوت من عام 2014", "نيسان / ابريل من العام الحالي
2019", "March 2019"), a day of a month ("11 أذار"), the end of one ("نهاية نيسان", "the end
of April": as an end, its last day), "الحالي" / "this" (the year of publication: "نيسان
الحالي", "العام الحالي"), "الماضي" / "last" (the latest before publication: "مارس الماضي"
in May 2017 is March 2017; "العام الماضي" the year before), the start of the campaign ("منذ
بدء عملياته", "منذ بدئها": the package's ``temporal`` start, at month precision), "الآن" /
"now" (the claim's own date: left empty).

Everything is resolved against the publication date and never made more precise than the
text: a month whose year neither the text nor the publication date settles is left empty,
and so is a date that cannot be one (30 February).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace

from casualty_schema.domain import lexicon
from casualty_schema.domain.numerals import key
from casualty_schema.domain.occurrence import Tok
from casualty_schema.extract.words import words as words_of

__all__ = ["Period", "PublishedDate", "period", "published"]

_AR_MONTHS: dict[str, int] = {}
_AR_TWO_WORD: dict[tuple[str, str], int] = {}
_EN_MONTHS: dict[str, int] = {}
for _number, _names in lexicon.MONTH_NAMES.items():
    for _name in _names:
        if _name.isascii():
            _EN_MONTHS[_name] = _number
        elif " " in _name:
            _first, _second = _name.split()
            _AR_TWO_WORD[(key(_first), key(_second))] = _number
        else:
            _AR_MONTHS[key(_name)] = _number


def _keys(*words: str) -> frozenset[str]:
    return frozenset(key(w) for w in words)


_SINCE = _keys("منذ", "since")
_BETWEEN = _keys("بين", "between")
_FROM = _keys("من", "from")
_TO = _keys("إلى", "الى", "حتى", "لغاية", "to", "until", "till", "through")
_UNTIL = _keys("حتى", "إلى", "الى", "لغاية", "until", "till", "through")
_IN = _keys("في", "خلال", "طوال", "in", "during", "throughout")
_AND = _keys("و", "and")
_END_OF = _keys("نهاية", "أواخر", "آخر", "ختام", "end")
_START_OF = _keys("بداية", "مطلع", "أوائل", "منتصف", "أواسط", "صيف", "شتاء", "ربيع", "خريف")
_MONTH_WORD = _keys("شهر", "month")
_YEAR_WORD = _keys("عام", "العام", "سنة", "السنة", "year")
_THIS = _keys("الحالي", "الجاري", "الحاليه", "الجاريه", "this", "current")
_LAST = _keys("الماضي", "المنصرم", "الماضيه", "المنصرمه", "last", "past")
_NOW = _keys("الآن", "الان", "اليوم", "now", "today")
_START_WORDS = _keys("بدء", "بدئ", "بداية", "انطلاق", "انطلاقة", "start", "beginning")
_CAMPAIGN = (
    "عملي", "العملي", "مهام", "المهام", "مهمه", "المهمه", "الحمله", "حمله", "الحرب",
    "الغارات", "الضربات", "التدخل", "operation", "campaign", "strikes", "mission",
)  # fmt: skip
_OF = _keys("من", "of", "the", "its", "their")
_SAID_PERIOD = (
    ("الفتره", "المذكوره"), ("هذه", "الفتره"), ("تلك", "الفتره"), ("الفتره", "نفسها"),
    ("نفس", "الفتره"), ("same", "period"), ("this", "period"), ("that", "period"),
)  # fmt: skip
_SO_FAR = (("so", "far"), ("to", "date"), ("until", "now"))
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


@dataclass(frozen=True)
class PublishedDate:
    """The publication date relative words are resolved against (a partial date)."""

    year: int
    month: int | None = None
    day: int | None = None


def published(text: str | None) -> PublishedDate | None:
    """A partial date ("2019", "2019-06", "2019-06-01") as a :class:`PublishedDate`; None
    for None. Raises ValueError for text that is not a real partial date."""
    if text is None:
        return None
    parts = text.split("-")
    if not (
        1 <= len(parts) <= 3
        and len(parts[0]) == 4
        and all(p.isascii() and p.isdigit() for p in parts)
        and all(len(p) == 2 for p in parts[1:])
    ):
        raise ValueError(f"{text!r} is not a partial date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = (int(p) for p in parts + ["0"] * (3 - len(parts)))
    if (month and not 1 <= month <= 12) or (
        day and not 1 <= day <= calendar.monthrange(year, month)[1]
    ):
        raise ValueError(f"{text!r} is not a calendar date")
    return PublishedDate(year, month or None, day or None)


@dataclass(frozen=True)
class _When:
    """A date expression as written, before it is resolved."""

    text: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    relative: str | None = None  # "this" or "last"
    end_of: bool = False
    campaign: bool = False
    now: bool = False


@dataclass(frozen=True)
class Period:
    """The period a piece gives: partial dates (None: not given) and the words that gave it."""

    start: str | None = None
    end: str | None = None
    reason: str = ""
    said: bool = False  # "the said period": the caller gives the period before

    @property
    def found(self) -> bool:
        return self.start is not None or self.end is not None


# ---------------------------------------------------------------------------------------------
# Reading a date expression
# ---------------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        found = words_of(text)
        self.toks: list[Tok] = found.toks
        self.keys = found.keys

    def word(self, i: int, *, glued: bool = False) -> str:
        """The key of token ``i`` ('' past the end); with ``glued``, without a glued و/ف."""
        if i >= len(self.toks):
            return ""
        k = self.keys[i]
        if glued and len(k) > 2 and k[0] in "وف" and self.toks[i].kind == "word":
            rest = k[1:]
            if (
                rest in _AR_MONTHS
                or rest in _END_OF
                or rest in _START_OF
                or rest in _YEAR_WORD
                or rest in _UNTIL
                or rest in _NOW
                or any(rest == a for a, _ in _AR_TWO_WORD)
            ):
                return rest
        return k

    def year_at(self, i: int) -> int | None:
        if i < len(self.toks) and self.toks[i].kind == "num":
            digits = self.toks[i].text.translate(_DIGITS)
            if len(digits) == 4 and digits.isdigit() and 1900 <= int(digits) <= 2099:
                return int(digits)
        return None

    def month_at(self, i: int, *, glued: bool = False) -> tuple[int, int] | None:
        """(month, the index after it) for a month name at ``i``, with the other name of a
        pair ("آب/أغسطس", "نيسان / ابريل"); None when there is none, or a pair names two
        months ("يونيو/تموز")."""
        found = self._one_month(i, glued=glued)
        if found is None:
            return None
        month, j = found
        while j + 1 < len(self.toks) and self.toks[j].text in "/-–":
            other = self._one_month(j + 1)
            if other is None:
                break
            if other[0] != month:
                return None  # a pair must name one month
            j = other[1]
        return month, j

    def _one_month(self, i: int, *, glued: bool = False) -> tuple[int, int] | None:
        if i >= len(self.toks) or self.toks[i].kind != "word":
            return None
        if self.toks[i].text in _EN_MONTHS:
            return _EN_MONTHS[self.toks[i].text], i + 1
        first = self.word(i, glued=glued)
        if (first, self.word(i + 1)) in _AR_TWO_WORD:
            return _AR_TWO_WORD[(first, self.word(i + 1))], i + 2
        if first in _AR_MONTHS:
            return _AR_MONTHS[first], i + 1
        return None

    def date(
        self, i: int, *, glued: bool = False, lone_day: bool = False
    ) -> tuple[_When, int] | None:
        """The date expression that starts at token ``i``, and the index after it; with
        ``lone_day``, a day without its month too (the first end of "بين 11 و24 أذار")."""
        j, end_of, relative = i, False, None
        if self.word(j, glued=glued) == "the":
            j += 1
        w = self.word(j, glued=glued and j == i)
        if w in _START_WORDS or _attached_start(w):
            campaign = self._campaign(i, j)
            if campaign is not None:
                return campaign
        if w in _NOW:
            return _When(self.span(i, j + 1), now=True), j + 1
        if w in _END_OF:
            end_of, j = True, j + 1
        elif w in _START_OF:
            j += 1
        elif (w in _LAST or w in _THIS) and self.month_at(j + 1):
            relative, j = ("last" if w in _LAST else "this"), j + 1
        while self.word(j) in ("of", "the"):
            j += 1
        first = j
        j += self.word(j, glued=glued and j == i) in _MONTH_WORD
        day = None
        if j < len(self.toks) and self.toks[j].kind == "num" and self.year_at(j) is None:
            digits = self.toks[j].text.translate(_DIGITS)
            k = j + 1
            while self.word(k) in _OF or self.word(k) in _MONTH_WORD:
                k += 1
            if not (digits.isdigit() and 1 <= int(digits) <= 31):
                return None
            if self.month_at(k):
                day, j = int(digits), k
            elif lone_day:
                return _When(self.span(i, j + 1), day=int(digits)), j + 1
            else:
                return None
        month = self.month_at(j, glued=glued and j == i)
        if month is not None:
            number, j = month
            year, after, j = self._year(j, after_month=True)
            when = _When(self.span(i, j), year, number, day, after or relative, end_of)
            return when, j
        if j != first or relative is not None:
            return None
        year, relative, k = self._year(j, after_month=False)
        if year is None and relative is None:
            return None
        return _When(self.span(i, k), year, relative=relative, end_of=end_of), k

    def _year(self, j: int, *, after_month: bool) -> tuple[int | None, str | None, int]:
        """The year after a month (or alone): "2014", "من عام 2014", "العام 2014", "العام
        الحالي 2019", "الحالي", "الماضي"."""
        k = j
        if after_month and self.word(k) in _FROM and self.word(k + 1) in _YEAR_WORD:
            k += 1
        named = self.word(k) in _YEAR_WORD
        if named:
            k += 1
        relative = None
        if self.word(k) in _THIS and (named or after_month):
            relative, k = "this", k + 1
        elif self.word(k) in _LAST and (named or after_month):
            relative, k = "last", k + 1
        elif not named and self.word(k) in _LAST | _THIS and self.word(k + 1) in _YEAR_WORD:
            relative = "this" if self.word(k) in _THIS else "last"  # "last year", "this year"
            k += 2
            named = True
        year = self.year_at(k)
        if year is not None:
            return year, None if relative == "this" else relative, k + 1
        if relative is not None:
            return None, relative, k
        return None, None, j

    def _campaign(self, i: int, j: int) -> tuple[_When, int] | None:
        w = self.word(j)
        if _attached_start(w):
            return _When(self.span(i, j + 1), campaign=True), j + 1
        k = j + 1
        while self.word(k) in _OF:
            k += 1
        if self.word(k).startswith(_CAMPAIGN):
            return _When(self.span(i, k + 1), campaign=True), k + 1
        return None

    def span(self, i: int, j: int) -> str:
        j = min(j, len(self.toks))
        if i >= j:
            return ""
        return self.text[self.toks[i].start : self.toks[j - 1].end]


def _attached_start(word: str) -> bool:
    """بدئها, بدئه, بدايتها, انطلاقها: "its start"."""
    return word.startswith(("بدئ", "بدايت", "انطلاق")) and word.endswith(("ها", "ه", "هم"))


# ---------------------------------------------------------------------------------------------
# Resolving
# ---------------------------------------------------------------------------------------------


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    if day > calendar.monthrange(year, month)[1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _resolve(
    when: _When, pub: PublishedDate | None, campaign: str | None, *, as_end: bool
) -> tuple[str | None, str]:
    """(the partial date, why) of ``when``; None where the text and the publication date
    do not settle it."""
    shown = f"'{when.text}'"
    if when.now:
        return None, f"{shown}: the claim's own date"
    if when.campaign:
        if campaign is None:
            return None, f"{shown}: the start of the campaign (the package has no temporal start)"
        return campaign[:7], f"{shown}: the start of the campaign, {campaign[:7]}"
    year = when.year
    if year is None and when.month is None:  # العام الحالي / الماضي
        if pub is None:
            return None, f"{shown}: needs the publication date"
        year = pub.year - (when.relative == "last")
        return _iso(year), f"{shown}: {year}"
    if year is None:
        assert when.month is not None
        if pub is None or (pub.month is None and when.relative != "this"):
            return None, f"{shown}: the year is not given (nor the month of publication)"
        if when.relative == "this":
            year = pub.year
        elif when.relative == "last":
            assert pub.month is not None
            year = pub.year if when.month < pub.month else pub.year - 1
        else:
            assert pub.month is not None
            year = pub.year if when.month <= pub.month else pub.year - 1
    month, day = when.month, when.day
    if as_end and when.end_of and day is None:
        if month is None:
            month, day = 12, 31
        else:
            day = calendar.monthrange(year, month)[1]
    iso = _iso(year, month, day)
    return iso, f"{shown}: {iso}" if iso else f"{shown}: no such day"


def _completed(low: _When, high: _When) -> tuple[_When, _When]:
    """The two ends of "بين X و Y", each given what the other says: "بين 11 و24 أذار" is
    11 March to 24 March; "بين نوفمبر ومارس 2017" starts in November 2016."""
    if low.month is None and low.day is not None and high.month is not None:
        low = replace(low, month=high.month, year=high.year, relative=high.relative)
    if low.year is None and low.relative is None and low.month is not None:
        if high.year is not None:
            year = high.year - (high.month is not None and low.month > high.month)
            low = replace(low, year=year)
        elif high.relative is not None:
            low = replace(low, relative=high.relative)
    if high.year is None and high.relative is None and low.year is not None and high.month:
        year = low.year + (low.month is not None and high.month < low.month)
        high = replace(high, year=year)
    return low, high


def period(text: str, pub: PublishedDate | None, campaign: str | None) -> Period:
    """The period ``text`` (a piece of a sentence) gives (module docstring)."""
    r = _Reader(text)
    start: _When | None = None
    end: _When | None = None
    whole: _When | None = None
    said = False
    i = 0
    while i < len(r.toks):
        w = r.word(i, glued=True)
        pair = (r.word(i), r.word(i + 1))
        found: tuple[_When, int] | None
        if pair in _SAID_PERIOD:
            said, i = True, i + 2
            continue
        if pair in _SO_FAR and end is None:
            end, i = _When(r.span(i, i + 2), now=True), i + 2
            continue
        if w in _SINCE and start is None and (found := r.date(i + 1)):
            start, i = found
            continue
        if w in _BETWEEN and start is None and (found := r.date(i + 1, lone_day=True)):
            low, j = found
            if r.word(j) in _AND and (high := r.date(j + 1)):
                start, end = _completed(low, high[0])
                i = high[1]
                continue
            glued = r.date(j, glued=True) if r.word(j).startswith("و") else None
            if glued is not None:
                start, end = _completed(low, glued[0])
                i = glued[1]
                continue
        if w in _FROM and start is None and (found := r.date(i + 1, lone_day=True)):
            low, j = found
            if r.word(j, glued=True) in _TO and (high := r.date(j + 1)):
                start, end = _completed(low, high[0])
                i = high[1]
                continue
        if w in _UNTIL and end is None and (found := r.date(i + 1)):
            end, i = found
            continue
        if w in _IN and whole is None and (found := r.date(i + 1)):
            whole, i = found
            continue
        i += 1
    return _resolved(start, end, whole, said, pub, campaign)


def _resolved(
    start: _When | None,
    end: _When | None,
    whole: _When | None,
    said: bool,
    pub: PublishedDate | None,
    campaign: str | None,
) -> Period:
    if start is None and end is None and whole is not None:
        if whole.now or whole.campaign:
            return Period(reason=f"period: '{whole.text}' gives none")
        low, why = _resolve(whole, pub, campaign, as_end=False)
        high, _ = _resolve(whole, pub, campaign, as_end=True)
        return Period(low, high, f"period: {why}")
    if start is None and end is None:
        if said:
            return Period(reason="period: that of the sentence before ('the said period')",
                          said=True)  # fmt: skip
        return Period(reason="period: no period phrase")
    if start is not None and end is not None and start.year is None and end.year is not None:
        start, end = _completed(start, end)
    low, why_low = _resolve(start, pub, campaign, as_end=False) if start else (None, "")
    high, why_high = _resolve(end, pub, campaign, as_end=True) if end else (None, "")
    reasons = []
    if start is not None:
        reasons.append(f"start {why_low}")
    if end is not None:
        reasons.append(f"end {why_high}")
    else:
        reasons.append("no end: the claim's own date")
    return Period(low, high, "period: " + "; ".join(reasons))
