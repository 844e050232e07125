"""The words of numbers as Arabic and English news write them, and the conventions that give
vague words their bounds.

This module holds data only; :mod:`casualty_schema.domain.numerals` reads numbers with it,
:mod:`casualty_schema.domain.occurrence` finds them in quotes, and
:mod:`casualty_schema.domain.hedges` names the words that hedge them. Spellings are given as
written; every lookup folds hamza, alef maqsura, ta marbuta, diacritics and tatweel, so
"ألفًا", "الفا" and "ألـفا" are all the entry "ألفا".

Changing what a word means changes what claims mean: the readings are documented in
``docs/data-model.md`` as convention version :data:`CONVENTION_VERSION`, and a change to any
of them bumps it (and is noted in the changelog).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import NamedTuple

#: The version of the reading conventions (vague quantities, بضعة, نيف, fractions, digit
#: grouping, the ``about`` band of :mod:`casualty_schema.domain.bounds`). Version 2 (this
#: one) added the readings of issue 12; see the changelog.
CONVENTION_VERSION: str = "2"

# ---------------------------------------------------------------------------------------------
# Counts
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


class Scale(NamedTuple):
    value: int  # 1000, 10**6, 10**9
    alone: int | None  # the count the word means with no number before it; None: vague
    counted: bool  # may follow a count ("20 ألف"); a dual ("ألفين") may not


#: Scale words. Singular ألف and its accusative ألفاً (written ألفا once the tanween is
#: dropped) are 1,000 alone and multiply a count before them ("20 ألف", "34 ألفاً"); the dual
#: ألفان/ألفين/ألفي is 2,000 and takes no count; the plural آلاف (also ألوف) follows 3-10
#: ("3 آلاف") and alone is the vague "thousands". Likewise مليون and مليار. Convention 1 read
#: a bare ألفا as the construct dual (2,000), so that "ألفاً و500" came out as 2,500: the
#: accusative singular is what news writes, and the dual is written ألفان/ألفين/ألفي.
#: Agreement between a count and the form of its scale word is not enforced beyond the dual:
#: news copy writes "20 ألف" and "3 ألف", and the number meant is not in doubt.
SCALE_WORDS: Mapping[str, Scale] = {
    "ألف": Scale(1_000, 1, True),
    "ألفا": Scale(1_000, 1, True),
    "ألفان": Scale(1_000, 2, False),
    "ألفين": Scale(1_000, 2, False),
    "ألفي": Scale(1_000, 2, False),
    "آلاف": Scale(1_000, None, True),
    "ألوف": Scale(1_000, None, True),
    "مليون": Scale(10**6, 1, True),
    "مليونا": Scale(10**6, 1, True),
    "مليونان": Scale(10**6, 2, False),
    "مليونين": Scale(10**6, 2, False),
    "مليوني": Scale(10**6, 2, False),
    "ملايين": Scale(10**6, None, True),
    "مليار": Scale(10**9, 1, True),
    "مليارا": Scale(10**9, 1, True),
    "ملياران": Scale(10**9, 2, False),
    "مليارين": Scale(10**9, 2, False),
    "ملياري": Scale(10**9, 2, False),
    "مليارات": Scale(10**9, None, True),
    "بليون": Scale(10**9, 1, True),
    "thousand": Scale(1_000, 1, True),
    "million": Scale(10**6, 1, True),
    "billion": Scale(10**9, 1, True),
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

#: "a"/"an": one, before hundred, thousand, million, dozen ("a thousand"), and the article of
#: "half a million", "a quarter of a million", "and a half".
ENGLISH_ARTICLES: tuple[str, ...] = ("a", "an")

#: A dozen: 12 alone or after "a"/"one", and multiplying the unit before it ("two dozen" 24).
DOZEN_WORDS: tuple[str, ...] = ("dozen",)

#: "and": و on its own or glued to the next number word (وخمسون), and English "and".
CONJUNCTIONS: tuple[str, ...] = ("و", "and")

#: Fractions of the scale word after them ("نصف مليون" 500,000; "half a million"; "a quarter
#: of a million" 250,000) or of the scale term before them ("مليون ونصف" 1,500,000; "ثلاثة
#: آلاف ونصف" 3,500; "a million and a half"). A third is rounded to the nearest whole number
#: ("ثلث مليون" 333,333).
FRACTION_WORDS: Mapping[str, Fraction] = {
    "نصف": Fraction(1, 2),
    "ربع": Fraction(1, 4),
    "ثلث": Fraction(1, 3),
    "half": Fraction(1, 2),
    "quarter": Fraction(1, 4),
}

#: English "of", as in "a quarter of a million" and "tens of thousands".
ENGLISH_OF = "of"

# ---------------------------------------------------------------------------------------------
# Vague quantities: the one place their bounds live.
# ---------------------------------------------------------------------------------------------

#: Words that only make sense as (part of) a vague quantity.
VAGUE_WORDS: tuple[str, ...] = (
    "عشرات", "مئات", "الآلاف", "الألوف", "الملايين", "العشرات", "المئات",
    "dozens", "tens", "hundreds", "thousands", "millions",
)  # fmt: skip

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

#: Other spellings of the phrases above: with the article (العشرات، الآلاف), ألوف for آلاف.
VAGUE_SPELLINGS: Mapping[str, str] = {
    "عشرات آلاف": "عشرات الآلاف",
    "مئات آلاف": "مئات الآلاف",
    "عشرات الألوف": "عشرات الآلاف",
    "مئات الألوف": "مئات الآلاف",
    "عشرات ألوف": "عشرات الآلاف",
    "ألوف": "آلاف",
    "العشرات": "عشرات",
    "المئات": "مئات",
    "الآلاف": "آلاف",
    "الألوف": "آلاف",
    "الملايين": "ملايين",
    "ten thousands": "tens of thousands",
}

#: "A few" / "several": بضع/بضعة/عدة, "a few", "several", alone (3-9) or before a unit word.
FEW_WORDS: tuple[str, ...] = ("بضع", "بضعة", "عدة", "a few", "several")

#: The units a "few" word counts, by the word that follows it: "بضعة آلاف" is 3 × 1,000 to
#: 10 × 1,000 − 1 (3,000-9,999); "بضع مئات" 300-999; "a few dozen" 36-119; "بضعة" alone 3-9.
FEW_UNITS: Mapping[str, int] = {
    "": 1,
    "عشرات": 10,
    "مئات": 100,
    "آلاف": 1_000,
    "ألوف": 1_000,
    "عشرات الآلاف": 10_000,
    "مئات الآلاف": 100_000,
    "ملايين": 10**6,
    "dozen": 12,
    "hundred": 100,
    "thousand": 1_000,
    "tens of thousands": 10_000,
    "hundred thousand": 100_000,
    "million": 10**6,
}


def few_bounds(unit: int) -> tuple[int, int]:
    """The bounds of "a few" of ``unit``: three of them at least, fewer than ten (بضع is three
    to nine in the dictionaries)."""
    return 3 * unit, 10 * unit - 1


#: نيّف (written نيف once the shadda is dropped) and English "-odd": "300 ونيف" / "300-odd"
#: is 301 to 399 (N + 1 to N + its rounding step − 1); "نيف وعشرون" is 21-29.
NAYYIF_WORDS: tuple[str, ...] = ("نيف", "odd")

# ---------------------------------------------------------------------------------------------
# Ranges
# ---------------------------------------------------------------------------------------------

#: Words that open a range: "بين 8 و13", "ما بين", "من 8 إلى 13", "between", "from".
RANGE_OPENERS: tuple[str, ...] = ("بين", "ما بين", "من", "between", "from")

#: Words that join the two ends of a range: "إلى", "حتى", "to", and (after بين / between)
#: و / "and". A dash ("8-13", "8–13") joins them too.
RANGE_JOINERS: tuple[str, ...] = ("إلى", "الى", "حتى", "to")
DASHES: str = "-–—‐‑"

# ---------------------------------------------------------------------------------------------
# Glued prefixes
# ---------------------------------------------------------------------------------------------


def _proclitics() -> tuple[str, ...]:
    out = set()
    for conj in ("", "و", "ف"):
        for prep in ("", "ب", "ل", "ك"):
            for article in ("", "ال"):
                word = conj + prep + article
                if prep == "ل" and article:
                    word = conj + "لل"  # ل + ال is written لل
                if word:
                    out.add(word)
    return tuple(sorted(out, key=lambda w: (-len(w), w)))


#: Letters glued before a number or a number word: و (and), ف (so), ب (by), ل (to, for), ك
#: (as), the article ال, and their combinations (وبال، لل); "الـ352", "لـ20", "بـ300", "و300".
#: Longest first.
PROCLITICS: tuple[str, ...] = _proclitics()

# ---------------------------------------------------------------------------------------------
# Not counts: ordinals, months, years
# ---------------------------------------------------------------------------------------------

#: Ordinal words (a position, not a count), with the English they translate to.
ORDINAL_WORDS: Mapping[str, str] = {
    "أول": "first", "أولى": "first", "ثاني": "second", "ثانية": "second",
    "ثالث": "third", "ثالثة": "third", "رابع": "fourth", "رابعة": "fourth",
    "خامس": "fifth", "خامسة": "fifth", "سادس": "sixth", "سادسة": "sixth",
    "سابع": "seventh", "سابعة": "seventh", "ثامن": "eighth", "ثامنة": "eighth",
    "تاسع": "ninth", "تاسعة": "ninth", "عاشر": "tenth", "عاشرة": "tenth",
    "حادي": "eleventh", "حادية": "eleventh",
    "first": "first", "second": "second", "third": "third", "fourth": "fourth",
    "fifth": "fifth", "sixth": "sixth", "seventh": "seventh", "eighth": "eighth",
    "ninth": "ninth", "tenth": "tenth", "eleventh": "eleventh", "twelfth": "twelfth",
    "thirteenth": "thirteenth", "fourteenth": "fourteenth", "fifteenth": "fifteenth",
    "sixteenth": "sixteenth", "seventeenth": "seventeenth", "eighteenth": "eighteenth",
    "nineteenth": "nineteenth", "twentieth": "twentieth", "thirtieth": "thirtieth",
    "fortieth": "fortieth", "fiftieth": "fiftieth", "hundredth": "hundredth",
    "thousandth": "thousandth",
}  # fmt: skip

#: English ordinal endings written after digits: 1st, 2nd, 3rd, 4th.
ORDINAL_SUFFIXES: tuple[str, ...] = ("st", "nd", "rd", "th")

#: Month names, by month number: Levantine/Iraqi (Syriac), Egyptian/Gulf, Algerian/Tunisian,
#: Moroccan, with the common spelling variants (أذار/اذار، أب، إبريل/ابريل، يونيه), and
#: English (capitalised: "may" is a verb).
MONTH_NAMES: Mapping[int, tuple[str, ...]] = {
    1: ("كانون الثاني", "يناير", "جانفي", "January", "Jan"),
    2: ("شباط", "فبراير", "فيفري", "February", "Feb"),
    3: ("آذار", "أذار", "مارس", "March", "Mar"),
    4: ("نيسان", "أبريل", "إبريل", "أفريل", "April", "Apr"),
    5: ("أيار", "مايو", "ماي", "May"),
    6: ("حزيران", "يونيو", "يونيه", "جوان", "June", "Jun"),
    7: ("تموز", "يوليو", "يوليه", "جويلية", "يوليوز", "July", "Jul"),
    8: ("آب", "أب", "أغسطس", "أوت", "غشت", "August", "Aug"),
    9: ("أيلول", "سبتمبر", "شتنبر", "September", "Sept", "Sep"),
    10: ("تشرين الأول", "أكتوبر", "October", "Oct"),
    11: ("تشرين الثاني", "نوفمبر", "نونبر", "November", "Nov"),
    12: ("كانون الأول", "ديسمبر", "دجنبر", "December", "Dec"),
}

#: Words after which a four-digit number from 1900 to 2099 is a year: "في 2014", "عام 2019",
#: "منذ العام 2014", "العام الحالي 2019", "in 2014", "since 2014".
YEAR_WORDS: tuple[str, ...] = (
    "في", "عام", "العام", "سنة", "السنة", "منذ", "حتى", "خلال", "مطلع", "أوائل", "أواخر",
    "نهاية", "بداية", "منتصف", "صيف", "شتاء", "ربيع", "خريف",
    "in", "since", "until", "till", "during", "year", "early", "late", "mid",
)  # fmt: skip
#: Words between العام/عام/سنة and the year: "العام الحالي 2019".
YEAR_QUALIFIERS: tuple[str, ...] = ("الحالي", "الماضي", "الجاري", "المقبل", "المنصرم")
YEARS: tuple[int, int] = (1900, 2099)
