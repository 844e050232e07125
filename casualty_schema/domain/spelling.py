"""Write numbers the ways news writes them: the inverse of the numeral reader, for round-trip
tests and for the benchmark generator.

``to_words(34502, "scale-words")`` is "34 ألفا و502", ``to_words(352, "spelled")`` is
"ثلاثمئة واثنان وخمسون". This module imports nothing from the package: the benchmark generator
(which must not import the validator it measures) loads it by path.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["WRITTEN_FORMS", "to_words"]

WRITTEN_FORMS: tuple[str, ...] = (
    "western",
    "western-grouped",
    "eastern",
    "eastern-grouped",
    "persian",
    "scale-words",
    "spelled",
)

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
