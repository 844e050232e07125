"""casualty_schema.domain.occurrence: whether value_text stands in its quote as a whole count,
and the polars pre-filter that spares most quotes the closer look."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casualty_schema.domain import hedges, occurrence
from casualty_schema.domain.occurrence import message, placement, suspect

Case = tuple[str, str, str, str]

# (quote, value_text, kind, what the quote reads there)
CASES: list[Case] = [
    # the planted miscodings of issue 12, and their correct codings
    ("وثق تجمع ثوار سوريا مقتل 3712 مدنياً", "712", "part", "3712"),
    ("وثق تجمع ثوار سوريا مقتل 3712 مدنياً", "3712", "count", "3712"),
    ("مقاتلاته شنّت أكثر من 20 ألف غارة جوية", "20", "part", "20 ألف"),
    ("مقاتلاته شنّت أكثر من 20 ألف غارة جوية", "20 ألف", "count", "20 ألف"),
    # inside a longer number
    ("بمقتل أكثر من 1300 مدني", "300", "part", "1300"),
    ("شن 34,502 غارة", "502", "part", "34,502"),
    ("شن 34,502 غارة", "34", "part", "34,502"),
    ("قتل 1،300 مدني", "300", "part", "1،300"),
    ("قتل 34 502 مدني", "502", "part", "34 502"),
    ("قتل 13.000 شخص", "13", "part", "13.000"),
    ("قتل ٣٧١٢ مدنياً", "٧١٢", "part", "٣٧١٢"),
    # cut off before its scale or fraction word
    ("killed 3 thousand civilians", "3", "part", "3 thousand"),
    ("نزوح 1.5 مليون شخص", "1", "part", "1.5 مليون"),
    ("نزوح 1.5 مليون شخص", "1.5 مليون", "count", "1.5 مليون"),
    ("مقتل 34 ألفاً و502 مدني", "502", "part", "34 ألفاً و502"),
    ("مقتل 34 ألفاً و502 مدني", "34 ألفاً", "part", "34 ألفاً و502"),
    ("مقتل 34 ألفاً و502 مدني", "34 ألفاً و502", "count", "34 ألفاً و502"),
    ("نزوح مليون ونصف شخص", "مليون", "part", "مليون ونصف"),
    ("قتل 300 ونيف مدني", "300", "part", "300 ونيف"),
    ("قتل ثلاثة آلاف مدني", "آلاف", "part", "ثلاثة آلاف"),
    ("قتل بضعة آلاف مدني", "آلاف", "part", "بضعة آلاف"),
    ("مقتل عشرات الآلاف من أبناء", "عشرات", "part", "عشرات الآلاف"),
    ("مقتل عشرات الآلاف من أبناء", "عشرات الآلاف", "count", "عشرات الآلاف"),
    ("مقتل 20ألف مدني", "20", "part", "20ألف"),
    ("tens of thousands were killed", "thousands", "part", "tens of thousands"),
    # one end of a range
    ("مقتل بين 5 و7 مدنيين", "5", "part", "بين 5 و7"),
    ("مقتل بين 5 و7 مدنيين", "5 و7", "count", "5 و7"),
    ("مقتل بين 5 و7 مدنيين", "بين 5 و7", "count", "بين 5 و7"),
    ("between 8 and 13 thousand people", "8", "part", "between 8 and 13 thousand"),
    ("killed 8-13 people", "13", "part", "8-13"),
    # glued to letters that make another word
    ("قتل ثلاثمئة مدني", "مئة", "part", "ثلاثمئة"),
    ("قتل ثلاثة مدنيين", "ثلاث", "part", "ثلاثة"),
    ("قتل 20 ألفاً", "20 ألف", "part", "20 ألفاً"),
    # glued prefixes are no part of it
    ("مقتل الـ352 مدنياً", "352", "count", "352"),
    ("وصفها بـ300 غارة", "300", "count", "300"),
    ("و300 جريح", "300", "count", "300"),
    ("قتل بالعشرات", "العشرات", "count", "العشرات"),
    # days and spans of days
    ("في غارات شنها على الباغوز بين 11 و24 أذار/مارس", "11", "day", "بين 11 و24 أذار"),
    ("في غارات شنها على الباغوز بين 11 و24 أذار/مارس", "24", "day", "بين 11 و24 أذار"),
    ("ويدعم منذ 17 أكتوبر الماضي عملية", "17", "day", "17 أكتوبر"),
    ("قتلوا في 3 تشرين الأول", "3", "day", "3 تشرين الأول"),
    ("قتلوا في 5 من شهر آب", "5", "day", "5 من شهر آب"),
    ("قتلوا في 5 جويلية", "5", "day", "5 جويلية"),
    ("قتلوا في 5 غشت", "5", "day", "5 غشت"),
    ("killed on March 11 in Raqqa", "11", "day", "March 11"),
    ("between 11 and 24 March", "11", "day", "between 11 and 24 March"),
    ("from 11 to 24 March", "24", "day", "from 11 to 24 March"),
    ("قتلوا في 11 و24 آذار", "11", "day", "11 و24 آذار"),
    ("قتلوا في 11-24 آذار", "11", "day", "11-24 آذار"),
    # years
    ("منذ بدء مهامها في 2014", "2014", "year", "في 2014"),
    ("منذ العام 2014 وحتى", "2014", "year", "العام 2014"),
    ("من العام الحالي 2019، جراء", "2019", "year", "العام الحالي 2019"),
    ("منذ بدئها في أوت من عام 2014", "2014", "year", "عام 2014"),
    ("بين نوفمبر 2016 ومارس 2017", "2016", "year", "نوفمبر 2016"),
    ("بين نوفمبر 2016 ومارس 2017", "2017", "year", "ومارس 2017"),
    ("بين آب/أغسطس العام 2014 ونهاية", "2014", "year", "العام 2014"),
    ("since 2014, more than", "2014", "year", "since 2014"),
    ("killed in 2015 alone", "2015", "year", "in 2015"),
    # ordinals
    ("the 3rd strike killed five", "3", "ordinal", "3rd"),
    ("the 21st of them", "21", "ordinal", "21st"),
    # counts, whatever stands around them
    ("التحالف الدولي يقر بمقتل 1300 مدني في غاراته", "1300", "count", "1300"),
    ("ما لا يقل عن 1302 مدني قتلوا", "1302", "count", "1302"),
    ("سجلنا مقتل نحو 352 مدنياً على الأقل", "352", "count", "352"),
    ("قتلت 3 آلاف مدني منذ بدء مهامها في 2014", "3 آلاف", "count", "3 آلاف"),
    ("أشار إلى سبعة تقارير", "سبعة", "count", "سبعة"),
    ("قتل 2014 مدنياً", "2014", "count", "2014"),  # a four-digit count, no year word
    ("وقعت 5 غارات في آذار", "5", "count", "5"),  # the month is not next to it
    ("قتل في آذار، 20 مدنياً", "20", "count", "20"),  # a comma parts it from the month
    ("في آذار، 2014 مدنياً", "2014", "count", "2014"),
    ("قتلوا في 3 كانون الثاني", "3", "day", "3 كانون الثاني"),
    ("في كانون الثاني 2015", "2015", "year", "كانون الثاني 2015"),
    ("قتل 5 مدنيين، في 2014", "5", "count", "5"),
    ("قتل 5 و10 جرحى", "5", "count", "5"),  # no بين: a pair in running text is no range
    ("في المادتين 5 و7 من القانون", "7", "count", "7"),
    ("the 352 civilians", "352", "count", "352"),
    # a later occurrence that is a count is enough
    ("في 2014 قتل 2014 مدنياً", "2014", "count", "2014"),
    ("قتل 3712 مدنياً و712 جريحاً", "712", "count", "712"),
]


@pytest.mark.parametrize(
    ("quote", "value_text", "kind", "reads"),
    [pytest.param(*c, id=f"{c[1]}@{c[0][:30]}") for c in CASES],
)
def test_placement(quote: str, value_text: str, kind: str, reads: str) -> None:
    found = placement(quote, value_text)
    assert found is not None
    assert found.kind == kind
    if kind == "count":
        assert quote[found.start : found.end] == value_text
    else:
        assert found.reads == reads
        assert value_text in message(found.kind, found.reads, value_text)


def test_absent() -> None:
    assert placement("قتل 5 مدنيين", "6") is None


def test_messages_say_what_the_quote_states() -> None:
    assert message("part", "1300", "300") == "the quote reads 1300 here, not 300"
    assert "a day" in message("day", "17 أكتوبر", "17")
    assert "a year" in message("year", "في 2014", "2014")
    assert "an ordinal" in message("ordinal", "3rd", "3")


@pytest.mark.parametrize(("quote", "value_text", "kind", "reads"), CASES)
def test_what_is_not_a_count_is_suspect(quote: str, value_text: str, kind: str, reads: str) -> None:
    """The pre-filter: any occurrence that is not a count is flagged for the closer look."""
    at = quote.find(value_text)
    if kind != "count" and placement(quote, value_text) == next(
        occurrence.occurrences(quote, value_text)
    ):
        assert suspect(quote[:at], value_text, quote[at + len(value_text) :])


# --- the pre-filter never hides what the analysis finds ------------------------------------

PIECES = [
    " ", " ", " ", "قتل", "مدنياً", "غارة", "في", "منذ", "العام", "عام", "آذار", "أكتوبر",
    "March", "ألف", "آلاف", "ألفاً", "مليون", "ونصف", "ونيف", "عشرات", "الآلاف", "بضعة",
    "ثلاثة", "وعشرون", "مئة", "و", "بين", "إلى", "-", "/", "،", ",", ".", "نحو", "أكثر من",
    "على الأقل", "at least", "more than", "thousand", "of", "tens", "rd", "الـ", "بـ", "ب",
    "2014", "17", "3", "352", "1", "٣", "20", "300", "\u064b", "\u0640", "\u2010", "شهر",
    "the", "من", "\u00a0", "وفي", "الحالي", "odd", "twenty", "و24",
]  # fmt: skip
VALUE_TEXTS = ["352", "20", "3", "2014", "17", "ألف", "آلاف", "عشرات", "ثلاثة", "20 ألف", "1"]


@settings(max_examples=500, deadline=None)
@given(
    before=st.lists(st.sampled_from(PIECES), max_size=6).map("".join),
    value_text=st.sampled_from(VALUE_TEXTS),
    after=st.lists(st.sampled_from(PIECES), max_size=6).map("".join),
)
def test_an_unsuspected_occurrence_is_a_count(before: str, value_text: str, after: str) -> None:
    kind, _ = occurrence.analyse(before, value_text, after)
    if not suspect(before, value_text, after):
        assert kind == "count", (before, value_text, after)


@settings(max_examples=100, deadline=None)
@given(
    texts=st.lists(
        st.tuples(
            st.lists(st.sampled_from(PIECES), max_size=6).map("".join),
            st.sampled_from(VALUE_TEXTS),
            st.lists(st.sampled_from(PIECES), max_size=6).map("".join),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_polars_and_python_read_the_patterns_alike(texts: list[tuple[str, str, str]]) -> None:
    """The rule runs the patterns in polars (Rust regex), the library in Python (re)."""
    frame = pl.DataFrame(texts, schema=["before", "vt", "after"], orient="row")
    rust = frame.select(
        pl.col("before").str.contains(occurrence.SUSPECT_BEFORE).alias("sb"),
        pl.col("after").str.contains(occurrence.SUSPECT_AFTER).alias("sa"),
        pl.col("before").str.contains(occurrence.SUSPECT_BEFORE_YEAR).alias("sby"),
        pl.col("before").str.contains(occurrence.GLUED_BEFORE).alias("glued"),
        pl.col("before").str.contains(occurrence.PROCLITIC_BEFORE).alias("proclitic"),
        pl.col("vt").str.contains(occurrence.YEAR_LIKE).alias("year"),
        pl.col("before").str.extract(hedges.BEFORE, 0).alias("hb"),
        pl.col("after").str.extract(hedges.AFTER, 0).alias("ha"),
    )
    import re

    for (before, vt, after), row in zip(texts, rust.iter_rows(), strict=True):
        sb, sa, sby, glued, proclitic, year, hb, ha = row
        assert sb == bool(re.search(occurrence.SUSPECT_BEFORE, before))
        assert sa == bool(re.search(occurrence.SUSPECT_AFTER, after))
        assert sby == bool(re.search(occurrence.SUSPECT_BEFORE_YEAR, before))
        assert glued == bool(re.search(occurrence.GLUED_BEFORE, before))
        assert proclitic == bool(re.search(occurrence.PROCLITIC_BEFORE, before))
        assert year == bool(re.search(occurrence.YEAR_LIKE, vt))
        py_hb = re.search(hedges.BEFORE, before)
        py_ha = re.search(hedges.AFTER, after)
        assert hb == (py_hb.group(0) if py_hb else None)
        assert ha == (py_ha.group(0) if py_ha else None)
