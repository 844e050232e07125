"""Tests for casualty_schema.domain.numerals: one table per written form, then properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casualty_schema.domain.numerals import (
    CONVENTION_VERSION,
    VAGUE_CONVENTION,
    WRITTEN_FORMS,
    NumberReading,
    NumeralError,
    denotes,
    read_number,
    to_words,
)

Case = tuple[str, int]


def cases(table: list[Case]) -> list[object]:
    return [pytest.param(text, value, id=f"{text}={value}") for text, value in table]


def definite(value: int) -> NumberReading:
    return NumberReading(value, None, False)


# --- Every figure of the two seed articles, as written there ---------------------------------

SEED_FIGURES: list[Case] = [
    ("1300", 1300),  # 000: أكثر من 1300 مدني
    ("34,502", 34502),  # 000: شن 34,502 غارة
    ("1302", 1302),  # 000: ما لا يقل عن 1302 مدني
    ("111", 111),  # 000: 111 تقريراً
    ("3712", 3712),  # 000: 3712 مدنياً
    ("348", 348),  # 000: 348 مدنياً
    ("70", 70),  # 000: أكثر من 70 دولة
    ("سبعة", 7),  # 000: سبعة تقارير
    ("352", 352),  # 001: 352 مدنياً على الأقل
    ("20 ألف", 20000),  # 001: أكثر من 20 ألف غارة / مدني
    ("42", 42),  # 001: 42 تقريرا
    ("45", 45),  # 001: 45 مدنيا
    ("80", 80),  # 001: 80 قتيلا
    ("26", 26),  # 001: 26 قتيلا
    ("3 آلاف", 3000),  # 001: 3 آلاف مدني
    ("700", 700),  # 001: أكثر من 700 مواطن
]
SEED_VAGUE: list[tuple[str, int, int]] = [
    ("عشرات الآلاف", 20000, 99999),  # 001: عشرات الآلاف من أبناء الشعبين
    ("عشرات", 20, 99),  # 000: عشرات الجثث
]


@pytest.mark.parametrize(("text", "value"), cases(SEED_FIGURES))
def test_seed_figures(text: str, value: int) -> None:
    assert read_number(text) == definite(value)
    assert denotes(text, value)


@pytest.mark.parametrize(
    ("text", "low", "high"), [pytest.param(*row, id=row[0]) for row in SEED_VAGUE]
)
def test_seed_vague(text: str, low: int, high: int) -> None:
    assert read_number(text) == NumberReading(low, high, True)
    assert denotes(text, low, high)


# --- Western digits --------------------------------------------------------------------------

WESTERN: list[Case] = [
    ("0", 0),
    ("7", 7),
    ("352", 352),
    ("1302", 1302),
    ("34502", 34502),
    ("1000000000", 10**9),
    (" 352 ", 352),
    ("\u200f352\u200e", 352),  # direction marks around the number
]


@pytest.mark.parametrize(("text", "value"), cases(WESTERN))
def test_western(text: str, value: int) -> None:
    assert read_number(text) == definite(value)


# --- Grouped digits --------------------------------------------------------------------------

GROUPED: list[Case] = [
    ("1,302", 1302),
    ("34,502", 34502),
    ("20,000", 20000),
    ("1,000,000", 1_000_000),
    ("34٬502", 34502),  # U+066C Arabic thousands separator
    ("٣٤٬٥٠٢", 34502),
    ("٣٤,٥٠٢", 34502),
    ("۳۴٬۵۰۲", 34502),
]


@pytest.mark.parametrize(("text", "value"), cases(GROUPED))
def test_grouped(text: str, value: int) -> None:
    assert read_number(text) == definite(value)


# --- Eastern Arabic digits -------------------------------------------------------------------

EASTERN: list[Case] = [
    ("٣٥٢", 352),
    ("١٣٠٢", 1302),
    ("٣٧١٢", 3712),
    ("٠", 0),
    ("٧٠٠", 700),
]


@pytest.mark.parametrize(("text", "value"), cases(EASTERN))
def test_eastern(text: str, value: int) -> None:
    assert read_number(text) == definite(value)


# --- Persian digits --------------------------------------------------------------------------

PERSIAN: list[Case] = [
    ("۳۵۲", 352),
    ("۱۳۰۲", 1302),
    ("۴۵", 45),
    ("۶۰۰", 600),
    ("۲۰", 20),
]


@pytest.mark.parametrize(("text", "value"), cases(PERSIAN))
def test_persian(text: str, value: int) -> None:
    assert read_number(text) == definite(value)


# --- Maghrebi "." thousands separator --------------------------------------------------------

MAGHREBI: list[Case] = [
    ("1.302", 1302),
    ("34.502", 34502),
    ("1.000.000", 1_000_000),
    ("١.٣٠٢", 1302),
    ("1.5 مليون", 1_500_000),  # not grouped in threes: still a decimal point
    ("34,502", 34502),
    ("1302", 1302),
]


@pytest.mark.parametrize(("text", "value"), cases(MAGHREBI))
def test_maghrebi(text: str, value: int) -> None:
    assert read_number(text, maghrebi_dot=True) == definite(value)
    assert denotes(text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [("1.302", 1302), ("34.502", 34502), ("1.000.000", 1_000_000), ("13.000", 13_000)],
)
def test_a_dot_before_groups_of_three_groups_thousands(text: str, value: int) -> None:
    """Convention 2: a count is never a decimal, so "13.000" is 13,000 without maghrebi_dot,
    and 13 is not what it says."""
    assert read_number(text) == definite(value)
    assert not denotes(text, value // 1000)


def test_maghrebi_dot_reads_a_dot_before_a_scale_word_as_grouping() -> None:
    assert read_number("1.500 مليون") == definite(1_500_000)
    assert read_number("1.500 مليون", maghrebi_dot=True) == definite(1_500_000_000)


@pytest.mark.parametrize("text", ["1.5", "1.30.2", "1.302,5", "0.302"])
def test_maghrebi_errors(text: str) -> None:
    with pytest.raises(NumeralError):
        read_number(text, maghrebi_dot=True)


# --- Digits with scale words -----------------------------------------------------------------

SCALE_WORDS: list[Case] = [
    ("20 ألف", 20000),
    ("3 آلاف", 3000),
    ("34 ألفا و502", 34502),
    ("34 ألفًا و917", 34917),  # tanween
    ("34 ألفاً و917", 34917),
    ("ستة آلاف و575", 6575),
    ("ألفي", 2000),
    ("ألفين", 2000),
    ("ألفان", 2000),
    ("ألف", 1000),
    ("الف", 1000),  # hamza left out
    ("مليون", 1_000_000),
    ("مليونين", 2_000_000),
    ("3 ملايين", 3_000_000),
    ("مليار", 10**9),
    ("مئة", 100),
    ("مائة", 100),
    ("مئتين", 200),
    ("مائتي", 200),
    ("1.5 مليون", 1_500_000),
    ("١٫٥ مليون", 1_500_000),  # U+066B decimal separator
    ("1.302 ألف", 1302),
    ("2 مليون و5 آلاف", 2_005_000),
    ("٢٠ ألف", 20000),
    ("۲۰ ألف", 20000),
    ("20ألف", 20000),
    ("بـ20 ألف", 20000),  # preposition glued to the number
    ("و3 آلاف", 3000),
    ("20\u00a0ألف", 20000),  # NBSP
    ("20\u202fألف", 20000),  # narrow NBSP
    ("20 ألـــف", 20000),  # tatweel
    ("20 \ufe83\ufedf\ufed2", 20000),  # presentation forms of ألف
    ("مليون و502", 1_000_502),
    ("3 ألف", 3000),  # loose but unambiguous
]


@pytest.mark.parametrize(("text", "value"), cases(SCALE_WORDS))
def test_scale_words(text: str, value: int) -> None:
    assert read_number(text) == definite(value)


# --- Fully spelled Arabic --------------------------------------------------------------------

SPELLED: list[Case] = [
    ("صفر", 0),
    ("واحد", 1),
    ("واحدة", 1),
    ("اثنان", 2),
    ("اثنين", 2),
    ("اثنتان", 2),
    ("اثنتين", 2),
    ("ثلاث", 3),
    ("ثلاثة", 3),
    ("سبعة", 7),
    ("تسع", 9),
    ("عشر", 10),
    ("عشرة", 10),
    ("أحد عشر", 11),
    ("إحدى عشرة", 11),
    ("اثنا عشر", 12),
    ("اثنتا عشرة", 12),
    ("ثلاثة عشر", 13),
    ("تسع عشرة", 19),
    ("عشرون", 20),
    ("عشرين", 20),
    ("ثمانين", 80),
    ("تسعون", 90),
    ("ثلاثة وعشرون", 23),
    ("خمسمئة", 500),
    ("ثلاثمئة", 300),
    ("ثلاثمائة", 300),
    ("ثلاث مئة", 300),
    ("تسعمائة", 900),
    ("مئتان", 200),
    ("ثلاثمئة واثنان وخمسون", 352),
    ("مئة وأحد عشر", 111),  # و + أحد, not واحد
    ("مئة وخمسون", 150),
    ("سبعة آلاف", 7000),
    ("عشرين ألف", 20000),
    ("عشرة آلاف", 10000),
    ("أربعة عشر ألفا", 14000),
    ("مئة ألف", 100_000),
    ("ثلاث مئة ألف", 300_000),
    ("مئتي ألف", 200_000),
    ("ثلاثة ملايين", 3_000_000),
    ("مليون ومئتا ألف", 1_200_000),
    ("أربعة وثلاثون ألفا وخمسمئة واثنان", 34502),
    ("ستة آلاف وخمسمئة وخمسة وسبعون", 6575),
    ("ثمانی", 8),  # Persian yeh
    ("ثلاثه", 3),  # ta marbuta written as ha
    ("بثلاثة آلاف", 3000),  # preposition glued to the first word
    ("وخمسون", 50),
]


@pytest.mark.parametrize(("text", "value"), cases(SPELLED))
def test_spelled(text: str, value: int) -> None:
    assert read_number(text) == definite(value)


# --- Vague quantities ------------------------------------------------------------------------

VAGUE: list[tuple[str, int, int]] = [
    ("عشرات", 20, 99),
    ("مئات", 200, 999),
    ("آلاف", 2000, 9999),
    ("الاف", 2000, 9999),
    ("عشرات الآلاف", 20000, 99999),
    ("عشرات آلاف", 20000, 99999),
    ("مئات الآلاف", 200_000, 999_999),
    ("ملايين", 2_000_000, 9_999_999),
    ("بعشرات الآلاف", 20000, 99999),
    ("dozens", 24, 99),
    ("Dozens", 24, 99),
    ("tens", 20, 99),
    ("hundreds", 200, 999),
    ("thousands", 2000, 9999),
    ("tens of  thousands", 20000, 99999),
    ("hundreds of thousands", 200_000, 999_999),
]


@pytest.mark.parametrize(("text", "low", "high"), [pytest.param(*row, id=row[0]) for row in VAGUE])
def test_vague(text: str, low: int, high: int) -> None:
    assert read_number(text) == NumberReading(low, high, True)
    assert denotes(text, low, high)
    assert not denotes(text, low)


@pytest.mark.parametrize(("phrase", "bounds"), list(VAGUE_CONVENTION.items()))
def test_vague_convention_rows_read_as_themselves(phrase: str, bounds: tuple[int, int]) -> None:
    low, high = bounds
    assert 0 < low < high
    assert read_number(phrase) == NumberReading(low, high, True)


def test_convention_version() -> None:
    from casualty_schema.domain import bounds

    assert CONVENTION_VERSION == "2"
    assert bounds.CONVENTION_VERSION == CONVENTION_VERSION  # one convention, one version


# --- English ---------------------------------------------------------------------------------

ENGLISH: list[Case] = [
    ("1,302", 1302),
    ("20,000", 20000),
    ("20 thousand", 20000),
    ("1.5 million", 1_500_000),
    ("two million", 2_000_000),
    ("twenty-one", 21),
    ("five hundred and two", 502),
    ("one hundred thousand", 100_000),
    ("twenty thousand five hundred", 20500),
]


@pytest.mark.parametrize(("text", "value"), cases(ENGLISH))
def test_english(text: str, value: int) -> None:
    assert read_number(text) == definite(value)


# --- Errors ----------------------------------------------------------------------------------

ERRORS: list[str] = [
    "",
    "   ",
    "مدني",
    "أكثر من 1300",
    "1,30,2",
    "1,3020",
    "0,302",
    "٣٥٢ ألف ألف",
    "ألف مليون",
    "-5",
    "−5",
    "+5",
    "1.5",
    "1٫5",
    "٣٤٫٥٠٢",
    "1,302.5",
    "1,302٬000",
    "3٤5",
    "۳٣",
    "ألف و",
    "و",
    "و و 5",
    "ثلاثة وألف",
    "3 ألفين",
    "ألف 500",
    "20 و5",
    "خمسون وستون",
    "ثلاثة وعشرة",
    "3 عشر",
    "0 ألف",
    "صفر وخمسة",
    "3 آلاف و5000",
    "1.0005 ألف",
    "مئات الآلاف و5",
    "عشرات و5",
    "ملايين ومليون",
    "مليارات",
    "five five",
    "twenty thirty",
    "1234567890123456789",
    "10%",
    "٣٥٢ مدنياً",
]


@pytest.mark.parametrize("text", [pytest.param(t, id=repr(t)) for t in ERRORS])
def test_errors(text: str) -> None:
    with pytest.raises(NumeralError) as excinfo:
        read_number(text)
    assert repr(text) in str(excinfo.value)
    assert not denotes(text, 0)
    assert isinstance(excinfo.value, ValueError)


def test_input_is_not_mutated() -> None:
    text = "34 ألفًا و917"
    copy = "".join(text)
    read_number(text)
    assert text == copy


# --- denotes ---------------------------------------------------------------------------------

DENOTES: list[tuple[str, int, int | None, bool]] = [
    ("34,502", 34502, None, True),
    ("1.302", 1302, None, True),  # only the Maghrebi reading fits
    ("1.302", 1, None, False),
    ("1300", 1302, None, False),
    ("1.500 مليون", 1_500_000, None, True),  # ordinary reading
    ("1.500 مليون", 1_500_000_000, None, True),  # Maghrebi reading, the only way it fits
    ("عشرات الآلاف", 20000, 99999, True),
    ("عشرات الآلاف", 20000, None, False),
    ("20 ألف", 20000, 99999, False),
    ("bogus", 1, None, False),
    ("", 0, None, False),
]


@pytest.mark.parametrize(
    ("text", "value", "value_max", "expected"),
    [pytest.param(*row, id=f"{row[0]}~{row[1]}-{row[2]}") for row in DENOTES],
)
def test_denotes(text: str, value: int, value_max: int | None, expected: bool) -> None:
    assert denotes(text, value, value_max) is expected


# --- Writing ---------------------------------------------------------------------------------

WRITTEN: list[tuple[int, str, str]] = [
    (34502, "western", "34502"),
    (34502, "western-grouped", "34,502"),
    (34502, "eastern", "٣٤٥٠٢"),
    (34502, "eastern-grouped", "٣٤٬٥٠٢"),
    (34502, "persian", "۳۴۵۰۲"),
    (34502, "scale-words", "34 ألفا و502"),
    (20000, "scale-words", "20 ألف"),
    (3000, "scale-words", "3 آلاف"),
    (2_005_000, "scale-words", "2 مليون و5 آلاف"),
    (34502, "spelled", "أربعة وثلاثون ألفا وخمسمئة واثنان"),
    (352, "spelled", "ثلاثمئة واثنان وخمسون"),
    (0, "spelled", "صفر"),
]


@pytest.mark.parametrize(
    ("n", "form", "written"), [pytest.param(*row, id=f"{row[1]}-{row[0]}") for row in WRITTEN]
)
def test_to_words(n: int, form: str, written: str) -> None:
    assert to_words(n, form) == written


@pytest.mark.parametrize(("n", "form"), [(-1, "western"), (10**9 + 1, "spelled"), (5, "roman")])
def test_to_words_refuses(n: int, form: str) -> None:
    with pytest.raises(ValueError, match="to_words"):
        to_words(n, form)


# --- Properties ------------------------------------------------------------------------------


@pytest.mark.parametrize("form", WRITTEN_FORMS)
@settings(max_examples=300, deadline=None)
@given(n=st.integers(min_value=0, max_value=10**9))
def test_round_trip(form: str, n: int) -> None:
    assert read_number(to_words(n, form)) == definite(n)


@settings(max_examples=300, deadline=None)
@given(text=st.text())
def test_denotes_never_raises(text: str) -> None:
    assert denotes(text, 1) in (True, False)


# Pieces of numbers, glued at random: the reader answers or refuses, never crashes.
PIECES = [
    "و", "ب", " ", "ألف", "آلاف", "ألفين", "مليون", "ملايين", "مئة", "مائتي", "ثلاث", "ثلاثة",
    "عشر", "عشرة", "عشرون", "عشرات", "الآلاف", "أحد", "اثنا", "صفر", "1", "20", "352", ",",
    ".", "٫", "٬", "٣", "۴", "-", "and", "hundred", "twenty", "thousand", "\u0640", "\u064b",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(PIECES), max_size=8).map("".join))
def test_reader_answers_or_refuses(text: str) -> None:
    outcome = read_or_refuse(text)
    if isinstance(outcome, NumeralError):
        assert repr(text) in str(outcome)
    else:
        assert outcome.value >= 0
        assert (outcome.value_max is not None) is (outcome.vague or outcome.is_range)
        assert not (outcome.vague and outcome.is_range)
        if outcome.value_max is not None:
            assert outcome.value < outcome.value_max


def read_or_refuse(text: str) -> NumberReading | NumeralError:
    try:
        return read_number(text)
    except NumeralError as err:
        return err
