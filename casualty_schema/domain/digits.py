"""Digit runs as news writes them: Western, Eastern Arabic and Persian digits, grouped in
thousands by a comma, the Arabic thousands separator, the Arabic comma, a dot or a space, and
decimals before a scale word.

``read_digits("34,502")`` is 34502; ``read_digits("13.000")`` is 13000 (a count is never a
decimal, so a dot followed by groups of three digits groups thousands); ``read_digits("1.5",
before_scale=True)`` is 3/2 ("1.5 مليون"); ``read_digits("1.5")`` is refused.

The separators (convention version 2, docs/data-model.md):

============  ===========================  ===============================================
separator     groups thousands             decimal point
============  ===========================  ===============================================
``,`` ``،``   when the groups are threes   before a scale word, when they are not ("2,5
              ("34,502", "1،300")          مليون"); "1,500 مليون" also as 1.5 million
                                           (``comma_decimal``)
``٬``         always (U+066C)              never
``.``         when the groups are threes   before a scale word ("1.5 مليون", and "1.500
              ("13.000", "1.300.000")      مليون" as 1.5 million unless ``dot_groups``)
space         when the groups are threes   never
              ("34 502", NBSP, narrow
              NBSP)
``٫``         never                        always (U+066B, the Arabic decimal separator)
============  ===========================  ===============================================
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction

DIGIT_SCRIPTS: Mapping[str, frozenset[str]] = {
    "Western": frozenset("0123456789"),
    "Eastern Arabic": frozenset("٠١٢٣٤٥٦٧٨٩"),
    "Persian": frozenset("۰۱۲۳۴۵۶۷۸۹"),
}
ALL_DIGITS = "0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"
TO_ASCII = str.maketrans({d: str(i % 10) for i, d in enumerate(ALL_DIGITS)})
GROUPING_ONLY = "٬ "  # the Arabic thousands separator; a space (NBSP folded to it)
GROUPING_OR_DECIMAL = ",،."  # comma, Arabic comma, dot
DECIMAL_ONLY = "٫"  # the Arabic decimal separator
SEPARATORS = GROUPING_ONLY + GROUPING_OR_DECIMAL + DECIMAL_ONLY
MAX_DIGITS = 15

#: A run of digits with separators between them (a space only before a group of three).
NUMERAL = re.compile(
    rf"[{ALL_DIGITS}]+(?:(?:[{re.escape(SEPARATORS.replace(' ', ''))}]|"
    rf" (?=[{ALL_DIGITS}]{{3}}(?![{ALL_DIGITS}])))[{ALL_DIGITS}]+)*"
)


class DigitsError(ValueError):
    """The reason a digit run is not a number (the caller names the text)."""


def _grouped(parts: list[str]) -> bool:
    head, *rest = parts
    return 1 <= len(head) <= 3 and not head.startswith("0") and all(len(p) == 3 for p in rest)


def read_digits(
    numeral: str,
    *,
    before_scale: bool = False,
    dot_groups: bool = False,
    comma_decimal: bool = False,
) -> int | Fraction:
    """The number a digit run writes (an int; a Fraction for a decimal), or DigitsError.

    ``before_scale``: a scale word follows ("1.5 مليون"), so a decimal point may be meant.
    ``dot_groups``: a dot always groups thousands (Maghrebi text: "1.500 مليون" is 1.5
    billion). ``comma_decimal``: before a scale word, a comma with three digits after it is a
    decimal comma ("1,500 مليون" is 1.5 million).
    """
    scripts = (
        ["Western"]
        if numeral.isascii()
        else [name for name, ds in DIGIT_SCRIPTS.items() if not ds.isdisjoint(numeral)]
    )
    if len(scripts) > 1:
        raise DigitsError(f"{numeral!r} mixes {' and '.join(scripts)} digits")
    ascii_numeral = numeral.translate(TO_ASCII)
    if sum(c.isdigit() for c in ascii_numeral) > MAX_DIGITS:
        raise DigitsError(f"{numeral!r} has more than {MAX_DIGITS} digits")
    separators = sorted({c for c in ascii_numeral if not c.isdigit()})
    if not separators:
        return int(ascii_numeral)
    if len(separators) > 1:
        shown = " and ".join(repr(s) for s in separators)
        raise DigitsError(f"{numeral!r} mixes the separators {shown}")
    sep = separators[0]
    parts = ascii_numeral.split(sep)
    grouped = _grouped(parts)
    decimal_possible = before_scale and len(parts) == 2
    if sep in DECIMAL_ONLY:
        if len(parts) != 2:
            raise DigitsError(f"{numeral!r} has more than one decimal separator {sep!r}")
        as_decimal = True
    elif sep in GROUPING_ONLY:
        if not grouped:
            raise DigitsError(f"{numeral!r}: digits after {sep!r} must come in groups of three")
        as_decimal = False
    elif grouped:
        if sep == ".":
            as_decimal = decimal_possible and not dot_groups
        else:
            as_decimal = decimal_possible and comma_decimal
    elif decimal_possible:
        as_decimal = True
    elif before_scale or len(parts) > 2:
        raise DigitsError(f"{numeral!r}: digits after {sep!r} must come in groups of three")
    else:
        raise DigitsError(
            f"{numeral!r} is not a whole number: a count is never a decimal, and a decimal "
            f"point is read only before a scale word (1.5 مليون)"
        )
    if as_decimal:
        whole, fraction = parts
        decimal = Fraction(int(whole + fraction), 10 ** len(fraction))
        return int(decimal) if decimal.denominator == 1 else decimal
    return int("".join(parts))
