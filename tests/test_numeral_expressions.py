"""Real-world expressions of numbers, as Arabic and English news write them, each with the
reading a careful human gives it (convention version 2, docs/data-model.md).

One table: (text, value, value_max, kind), kind "n" for a definite number, "v" for a vague
quantity, "r" for a range written with both ends. The seed articles' own figures are in
tests/test_numerals.py; these are the forms issue 12 asked for and the ones found on the way.
"""

from __future__ import annotations

import pytest

from casualty_schema.domain.numerals import NumberReading, NumeralError, denotes, read_number

NBSP, NNBSP = "\u00a0", "\u202f"

Row = tuple[str, int, int | None, str]

EXPRESSIONS: list[Row] = [
    # --- grouping: Arabic comma, spaces, dots (a count is never a decimal) ------------------
    ("1،300", 1300, None, "n"),
    ("34،502", 34502, None, "n"),
    ("٣٤،٥٠٢", 34502, None, "n"),
    ("1,300", 1300, None, "n"),
    ("34 502", 34502, None, "n"),
    (f"34{NBSP}502", 34502, None, "n"),
    (f"34{NNBSP}502", 34502, None, "n"),
    ("1 300 000", 1_300_000, None, "n"),
    ("13.000", 13000, None, "n"),
    ("1.300", 1300, None, "n"),
    ("1.300.000", 1_300_000, None, "n"),
    ("٣٤٬٥٠٢", 34502, None, "n"),
    ("۳۴٬۵۰۲", 34502, None, "n"),
    # --- case endings on scale words ---------------------------------------------------------
    ("ألفاً و500", 1500, None, "n"),
    ("ألفا و500", 1500, None, "n"),
    ("ألفاً", 1000, None, "n"),
    ("ألفان", 2000, None, "n"),
    ("ألفين", 2000, None, "n"),
    ("ألفي", 2000, None, "n"),
    ("مليوناً", 1_000_000, None, "n"),
    ("مليونان", 2_000_000, None, "n"),
    ("مليونين", 2_000_000, None, "n"),
    ("ملياراً", 10**9, None, "n"),
    ("20 ألفاً", 20000, None, "n"),
    ("20 ألف", 20000, None, "n"),
    ("34 ألفاً و502", 34502, None, "n"),
    ("34 ألفًا و917", 34917, None, "n"),
    ("3 ألوف", 3000, None, "n"),
    ("3 آلاف", 3000, None, "n"),
    ("13 ألفاً", 13000, None, "n"),
    ("ألف ومئتان", 1200, None, "n"),
    ("ألفاً ومئتي", 1200, None, "n"),
    ("ستة آلاف و575", 6575, None, "n"),
    ("عشرين ألف", 20000, None, "n"),
    ("خمسة وعشرين ألفاً", 25000, None, "n"),
    ("مئة ألف", 100_000, None, "n"),
    ("مئتي ألف", 200_000, None, "n"),
    ("3 ملايين", 3_000_000, None, "n"),
    ("ثلاثة ملايين ونصف", 3_500_000, None, "n"),
    # --- prefixes glued to a number or word --------------------------------------------------
    ("الـ352", 352, None, "n"),
    ("ال352", 352, None, "n"),
    ("لـ20", 20, None, "n"),
    ("بـ300", 300, None, "n"),
    ("ب300", 300, None, "n"),
    ("و300", 300, None, "n"),
    ("وبـ300", 300, None, "n"),
    ("للـ300", 300, None, "n"),
    ("بـ20 ألفاً", 20000, None, "n"),
    ("بثلاثة آلاف", 3000, None, "n"),
    ("لثلاثة", 3, None, "n"),
    ("والثلاثة", 3, None, "n"),
    ("المليون", 1_000_000, None, "n"),
    # --- fractions ---------------------------------------------------------------------------
    ("نصف مليون", 500_000, None, "n"),
    ("نصف المليون", 500_000, None, "n"),
    ("ربع مليون", 250_000, None, "n"),
    ("ثلث مليون", 333_333, None, "n"),
    ("نصف مليار", 500_000_000, None, "n"),
    ("مليون ونصف", 1_500_000, None, "n"),
    ("مليون ونصف المليون", 1_500_000, None, "n"),
    ("مليون وربع", 1_250_000, None, "n"),
    ("مليونان ونصف", 2_500_000, None, "n"),
    ("ثلاثة آلاف ونصف", 3500, None, "n"),
    ("ألف ونصف", 1500, None, "n"),
    ("1.5 مليون", 1_500_000, None, "n"),
    ("2,5 مليون", 2_500_000, None, "n"),
    ("2،5 مليون", 2_500_000, None, "n"),
    ("١٫٥ مليون", 1_500_000, None, "n"),
    ("1.2 مليار", 1_200_000_000, None, "n"),
    ("3.5 آلاف", 3500, None, "n"),
    ("1.5 million", 1_500_000, None, "n"),
    ("half a million", 500_000, None, "n"),
    ("a quarter of a million", 250_000, None, "n"),
    ("a quarter million", 250_000, None, "n"),
    ("a half million", 500_000, None, "n"),
    ("a million and a half", 1_500_000, None, "n"),
    ("one and a half million", 1_500_000, None, "n"),
    ("two and a half million", 2_500_000, None, "n"),
    ("1.2 billion", 1_200_000_000, None, "n"),
    # --- English words -----------------------------------------------------------------------
    ("a dozen", 12, None, "n"),
    ("one dozen", 12, None, "n"),
    ("dozen", 12, None, "n"),
    ("two dozen", 24, None, "n"),
    ("three dozen", 36, None, "n"),
    ("a hundred", 100, None, "n"),
    ("one hundred", 100, None, "n"),
    ("a thousand", 1000, None, "n"),
    ("a million", 1_000_000, None, "n"),
    ("a hundred thousand", 100_000, None, "n"),
    ("two hundred", 200, None, "n"),
    ("twenty-one", 21, None, "n"),
    ("three thousand", 3000, None, "n"),
    ("3 thousand", 3000, None, "n"),
    ("20,000", 20000, None, "n"),
    ("five hundred and two", 502, None, "n"),
    ("one thousand three hundred", 1300, None, "n"),
    # --- spelled Arabic ----------------------------------------------------------------------
    ("سبعة", 7, None, "n"),
    ("ثلاث", 3, None, "n"),
    ("واحدة", 1, None, "n"),
    ("اثنا عشر", 12, None, "n"),
    ("أحد عشر", 11, None, "n"),
    ("خمسمئة", 500, None, "n"),
    ("خمسمائة", 500, None, "n"),
    ("ثلاثمئة واثنان وخمسون", 352, None, "n"),
    ("مئة وعشرون", 120, None, "n"),
    ("ثمانين", 80, None, "n"),
    ("أربعة وثلاثون ألفاً وخمسمئة واثنان", 34502, None, "n"),
    ("ألف وثلاثمئة واثنان", 1302, None, "n"),
    ("ثلاثة آلاف وسبعمئة واثنا عشر", 3712, None, "n"),
    ("مئة وأحد عشر", 111, None, "n"),
    # --- digits in other scripts -------------------------------------------------------------
    ("٣٥٢", 352, None, "n"),
    ("۳۵۲", 352, None, "n"),
    ("١٣٠٢", 1302, None, "n"),
    ("٢٠ ألف", 20000, None, "n"),
    ("٣ آلاف", 3000, None, "n"),
    # --- vague quantities, with and without the article -------------------------------------
    ("عشرات", 20, 99, "v"),
    ("العشرات", 20, 99, "v"),
    ("بالعشرات", 20, 99, "v"),
    ("للعشرات", 20, 99, "v"),
    ("مئات", 200, 999, "v"),
    ("المئات", 200, 999, "v"),
    ("بالمئات", 200, 999, "v"),
    ("آلاف", 2000, 9999, "v"),
    ("الآلاف", 2000, 9999, "v"),
    ("بالآلاف", 2000, 9999, "v"),
    ("ألوف", 2000, 9999, "v"),
    ("الألوف", 2000, 9999, "v"),
    ("الملايين", 2_000_000, 9_999_999, "v"),
    ("ملايين", 2_000_000, 9_999_999, "v"),
    ("عشرات الآلاف", 20000, 99999, "v"),
    ("عشرات الألوف", 20000, 99999, "v"),
    ("عشرات آلاف", 20000, 99999, "v"),
    ("بعشرات الآلاف", 20000, 99999, "v"),
    ("مئات الآلاف", 200_000, 999_999, "v"),
    ("مئات الألوف", 200_000, 999_999, "v"),
    ("dozens", 24, 99, "v"),
    ("hundreds", 200, 999, "v"),
    ("thousands", 2000, 9999, "v"),
    ("tens of thousands", 20000, 99999, "v"),
    ("Tens of thousands", 20000, 99999, "v"),
    ("hundreds of thousands", 200_000, 999_999, "v"),
    ("millions", 2_000_000, 9_999_999, "v"),
    # --- a few: 3 x unit ... 10 x unit - 1 ----------------------------------------------------
    ("بضعة آلاف", 3000, 9999, "v"),
    ("بضعة الاف", 3000, 9999, "v"),
    ("بضع مئات", 300, 999, "v"),
    ("بضع عشرات", 30, 99, "v"),
    ("بضعة عشرات الآلاف", 30000, 99999, "v"),
    ("بضعة ملايين", 3_000_000, 9_999_999, "v"),
    ("عدة آلاف", 3000, 9999, "v"),
    ("عدة مئات", 300, 999, "v"),
    ("بضعة", 3, 9, "v"),
    ("بضع", 3, 9, "v"),
    ("عدة", 3, 9, "v"),
    ("a few", 3, 9, "v"),
    ("several", 3, 9, "v"),
    ("a few hundred", 300, 999, "v"),
    ("several hundred", 300, 999, "v"),
    ("a few thousand", 3000, 9999, "v"),
    ("several thousand", 3000, 9999, "v"),
    ("a few dozen", 36, 119, "v"),
    ("several million", 3_000_000, 9_999_999, "v"),
    # --- نيف / -odd: N + 1 ... N + step - 1 --------------------------------------------------
    ("300 ونيف", 301, 399, "v"),
    ("300 ونيّف", 301, 399, "v"),
    ("ألف ونيف", 1001, 1999, "v"),
    ("مئة ونيف", 101, 199, "v"),
    ("عشرون ونيف", 21, 29, "v"),
    ("20 ألفاً ونيف", 20001, 29999, "v"),
    ("نيف وعشرون", 21, 29, "v"),
    ("نيف وثلاثون", 31, 39, "v"),
    ("بضع وعشرون", 23, 29, "v"),
    ("300-odd", 301, 399, "v"),
    ("twenty-odd", 21, 29, "v"),
    # --- ranges whose value_text carries their words -----------------------------------------
    ("between 8,000 and 13,000", 8000, 13000, "r"),
    ("between 8 and 13 thousand", 8000, 13000, "r"),
    ("between 200 and 300", 200, 300, "r"),
    ("between one hundred and five and two hundred", 105, 200, "r"),
    ("from 10 to 20", 10, 20, "r"),
    ("10 to 20", 10, 20, "r"),
    ("from 3 to 5 million", 3_000_000, 5_000_000, "r"),
    ("بين 8 آلاف و13 ألفاً", 8000, 13000, "r"),
    ("بين 8 و13 ألفاً", 8000, 13000, "r"),
    ("بين 500 و13 ألفاً", 500, 13000, "r"),
    ("بين 11 و24", 11, 24, "r"),
    ("بين 300 و400", 300, 400, "r"),
    ("بين ثلاثة وخمسة", 3, 5, "r"),
    ("بين ثلاثين وخمسين", 30, 50, "r"),
    ("بين مليون ومليونين", 1_000_000, 2_000_000, "r"),
    ("بين 1,000 و1,500", 1000, 1500, "r"),
    ("ما بين 5 و10", 5, 10, "r"),
    ("ما بين 200 و300", 200, 300, "r"),
    ("من 5 إلى 10", 5, 10, "r"),
    ("من 5 الى 10", 5, 10, "r"),
    ("من 20 حتى 30", 20, 30, "r"),
    ("من 3 إلى 5 ملايين", 3_000_000, 5_000_000, "r"),
    ("8 إلى 13 ألفاً", 8000, 13000, "r"),
    ("8 الى 13 الف", 8000, 13000, "r"),
    ("5-10", 5, 10, "r"),
    ("5 - 10", 5, 10, "r"),
    ("5–10", 5, 10, "r"),
    ("٨-١٣", 8, 13, "r"),
    ("200-300", 200, 300, "r"),
]

ERRORS: list[tuple[str, str]] = [
    # (text, a part of the reason)
    ("الثالث", "ordinal"),
    ("الثالثة", "ordinal"),
    ("ثالث", "ordinal"),
    ("third", "ordinal"),
    ("3rd", "ordinal"),
    ("21st", "ordinal"),
    ("11 أذار", "month"),
    ("17 أكتوبر", "month"),
    ("1.5", "never a decimal"),
    ("13,5", "never a decimal"),
    ("نحو 352", "not a number word"),
    ("أكثر من 1300", "not a number word"),
    ("بين 13 و8", "lower first"),
    ("352 ونيف", "round number"),
    ("ثلاثة ونصف", "fraction of no scale"),
    ("-5", "sign"),
    ("5-", "sign"),
    ("ما 5", "ما بين"),
    ("a 5", "only before"),
    ("ع352", "glued"),
]


@pytest.mark.parametrize(
    ("text", "value", "value_max", "kind"), [pytest.param(*row, id=row[0]) for row in EXPRESSIONS]
)
def test_expression(text: str, value: int, value_max: int | None, kind: str) -> None:
    expected = NumberReading(value, value_max, kind == "v", kind == "r")
    assert read_number(text) == expected
    assert denotes(text, value, value_max)
    if value_max is not None:
        assert not denotes(text, value)  # a range or a vague quantity is not its lower end


@pytest.mark.parametrize(("text", "why"), ERRORS)
def test_not_a_count(text: str, why: str) -> None:
    with pytest.raises(NumeralError, match=why) as caught:
        read_number(text)
    assert repr(text) in str(caught.value)
    assert not denotes(text, 0)
    assert not denotes(text, 3)


def test_the_table_is_large() -> None:
    assert len(EXPRESSIONS) + len(ERRORS) >= 150
    assert len({row[0] for row in EXPRESSIONS}) == len(EXPRESSIONS)


# --- what denotes accepts beyond the ordinary reading --------------------------------------

ALTERNATIVES: list[tuple[str, int, int | None, bool]] = [
    ("13.000", 13, None, False),  # a count is never a decimal
    ("13.000", 13000, None, True),
    ("1.500 مليون", 1_500_000, None, True),  # a decimal point before a scale word
    ("1.500 مليون", 1_500_000_000, None, True),  # or a Maghrebi thousands dot
    ("1,500 مليون", 1_500_000_000, None, True),
    ("1,500 مليون", 1_500_000, None, True),  # a decimal comma
    ("5 و7", 5, 7, True),  # a pair after بين in the quote: a range
    ("1 و2", 1, 2, True),
    ("20 و5", 20, 5, False),  # not a range: the higher first
    ("ثلاثة وعشرون", 23, None, True),
    ("ثلاثة وعشرون", 3, 20, False),  # a number, so not read as a range
    ("ألفاً و500", 2500, None, False),  # the convention-1 misreading
    ("ألفاً و500", 1500, None, True),
]


@pytest.mark.parametrize(
    ("text", "value", "value_max", "expected"),
    [pytest.param(*row, id=f"{row[0]}~{row[1]}-{row[2]}") for row in ALTERNATIVES],
)
def test_denotes_alternatives(text: str, value: int, value_max: int | None, expected: bool) -> None:
    assert denotes(text, value, value_max) is expected
