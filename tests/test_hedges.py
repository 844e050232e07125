"""casualty_schema.domain.hedges: the hedge words beside a figure, and whether a qualifier
agrees with them."""

from __future__ import annotations

import pytest

from casualty_schema.domain.hedges import (
    AFTER_WORDS,
    BEFORE_WORDS,
    agreement,
    hedges_around,
    implied,
    qualifier_of,
)

# (quote, value_text, the hedges found as (phrase, qualifier, side))
AROUND: list[tuple[str, str, list[tuple[str, str, str]]]] = [
    ("أنَّ ما لا يقل عن 1302 مدني قتلوا", "1302", [("ما لا يقل عن", "at_least", "before")]),
    ("بمقتل أكثر من 1300 مدني", "1300", [("أكثر من", "more_than", "before")]),
    ("بمقتل 352 مدنياً على الأقل", "352", [("على الأقل", "at_least", "after")]),
    (
        "سجلنا مقتل نحو 352 مدنياً على الأقل بطريق الخطأ",
        "352",
        [("نحو", "about", "before"), ("على الأقل", "at_least", "after")],
    ),
    ("قتل ما يزيد على 300 شخص", "300", [("ما يزيد على", "more_than", "before")]),
    ("قتل ما يزيد عن 300 شخص", "300", [("ما يزيد عن", "more_than", "before")]),
    ("قتل ما لا يزيد عن 300 شخص", "300", [("ما لا يزيد عن", "at_most", "before")]),
    ("عدد لا يتجاوز 300", "300", [("لا يتجاوز", "at_most", "before")]),
    ("عدد يتجاوز 300", "300", [("يتجاوز", "more_than", "before")]),
    ("ما يربو على 1100 مدني", "1100", [("ما يربو على", "more_than", "before")]),
    ("قتل حوالي 300 شخص", "300", [("حوالي", "about", "before")]),
    ("قتل حوالى 300 شخص", "300", [("حوالى", "about", "before")]),
    ("قتل قرابة 300 شخص", "300", [("قرابة", "about", "before")]),
    ("قتل زهاء 300 شخص", "300", [("زهاء", "about", "before")]),
    ("قتل ما يقارب 300 شخص", "300", [("ما يقارب", "about", "before")]),
    ("حصيلة ناهز 300", "300", [("ناهز", "about", "before")]),
    ("قدرت بنحو 300 قتيل", "300", [("نحو", "about", "before")]),
    ("وأكثر من 300 جريح", "300", [("أكثر من", "more_than", "before")]),
    ("قتل أقل من 300 شخص", "300", [("أقل من", "less_than", "before")]),
    ("قتل 300 شخص تقريباً", "300", [("تقريباً", "about", "after")]),
    ("قتل 300 شخص أو أكثر", "300", [("أو أكثر", "at_least", "after")]),
    ("قتل 300 فأكثر", "300", [("فأكثر", "at_least", "after")]),
    ("مقتل بين 5 و7 مدنيين", "5 و7", [("بين", "range", "before")]),
    ("مقتل ما بين 5 و7 مدنيين", "5 و7", [("ما بين", "range", "before")]),
    # spellings: no hamza, alef maqsura as yeh, diacritics, tatweel, NBSP
    ("ما لا يقلّ عن 1302 مدني", "1302", [("ما لا يقلّ عن", "at_least", "before")]),
    ("على الاقل 352 مدنياً", "352", [("على الاقل", "at_least", "before")]),
    ("قتل 352 مدنياً علي الأقل", "352", [("علي الأقل", "at_least", "after")]),
    ("اكثـر من\u00a0300", "300", [("اكثـر من", "more_than", "before")]),
    # English
    ("killed at least 352 civilians", "352", [("at least", "at_least", "before")]),
    ("More than 1,300 civilians", "1,300", [("More than", "more_than", "before")]),
    ("over 20,000 strikes", "20,000", [("over", "more_than", "before")]),
    ("upwards of 300 people", "300", [("upwards of", "more_than", "before")]),
    ("nearly 1,000 killed", "1,000", [("nearly", "about", "before")]),
    ("some 300 people", "300", [("some", "about", "before")]),
    ("up to 300 people", "300", [("up to", "at_most", "before")]),
    ("fewer than 10 civilians", "10", [("fewer than", "less_than", "before")]),
    ("between 8 and 13 thousand", "8 and 13 thousand", [("between", "range", "before")]),
    ("20 civilians or more", "20", [("or more", "at_least", "after")]),
    ("300 people or so", "300", [("or so", "about", "after")]),
    # no hedge
    ("شن 34,502 غارة بين آب/أغسطس العام 2014", "34,502", []),
    ("قتلت 3 آلاف مدني منذ بدء مهامها", "3 آلاف", []),
    ("لا يزال هناك 111 تقريراً", "111", []),
    ("قتل 3 من بين 300 شخص", "300", []),  # among 300
    ("قتل 3 من أصل 300 شخص", "300", []),  # out of 300
    ("قتل 5 مدنيين وأصيب على الأقل 10", "5", []),  # the hedge of the next figure
    ("قتل 5 مدنيين، على الأقل", "5", []),  # punctuation between
    ("قتل 5 على الأقلية", "5", []),  # another word
    ("قتل الأكثرية 5", "5", []),
]


@pytest.mark.parametrize(("quote", "value_text", "expected"), AROUND)
def test_hedges_around(quote: str, value_text: str, expected: list[tuple[str, str, str]]) -> None:
    at = quote.index(value_text)
    found = hedges_around(quote, at, at + len(value_text))
    assert [(h.phrase, h.qualifier, h.side) for h in found] == expected
    for h in found:
        assert quote[h.start : h.end] == h.phrase


def test_every_word_of_the_issue_is_a_hedge() -> None:
    before = [
        "ما لا يقل عن",
        "لا يقل عن",
        "أكثر من",
        "ما يزيد على",
        "ما يزيد عن",
        "يزيد على",
        "يتجاوز",
        "يفوق",
        "نحو",
        "حوالي",
        "قرابة",
        "زهاء",
        "ناهز",
        "ما يقارب",
        "أقل من",
        "لا يزيد عن",
        "بين",
    ]
    english = [
        "at least",
        "more than",
        "over",
        "upwards of",
        "about",
        "around",
        "nearly",
        "almost",
        "approximately",
        "roughly",
        "some",
        "fewer than",
        "less than",
        "at most",
        "up to",
        "between",
    ]
    after = ["على الأقل", "تقريباً", "أو أكثر", "فأكثر", "or more", "at least"]
    for word in [*before, *english]:
        assert any(word in words for words in BEFORE_WORDS.values()), word
        assert qualifier_of(word) is not None, word
    for word in after:
        assert qualifier_of(word) is not None, word
    assert all(qualifier_of(w) for words in AFTER_WORDS.values() for w in words)
    assert qualifier_of("من بين") is None
    assert qualifier_of("مدني") is None


# (qualifier, implied qualifiers, severity or None)
AGREEMENT: list[tuple[str, set[str], str | None]] = [
    ("exact", set(), None),
    ("exact", {"at_least"}, "error"),
    ("exact", {"more_than"}, "error"),
    ("exact", {"about"}, "error"),
    ("exact", {"range"}, "error"),
    ("at_least", {"at_least"}, None),
    ("at_least", {"more_than"}, "warning"),
    ("more_than", {"at_least"}, "warning"),
    ("more_than", {"more_than"}, None),
    ("at_least", {"about"}, "error"),
    ("at_least", set(), "error"),  # a bare figure is no "at least"
    ("more_than", set(), "error"),
    ("about", set(), None),  # the headline convention
    ("about", {"about"}, None),
    ("about", {"more_than"}, "error"),
    ("about", {"about", "at_least"}, None),  # two hedges accept either
    ("at_least", {"about", "at_least"}, None),
    ("more_than", {"about", "at_least"}, "warning"),
    ("exact", {"about", "at_least"}, "error"),
    ("at_most", {"at_most"}, None),
    ("at_most", {"less_than"}, "warning"),
    ("less_than", {"at_most"}, "warning"),
    ("less_than", {"more_than"}, "error"),
    ("at_most", set(), "error"),
    ("range", set(), None),  # its value_text carries both ends
    ("range", {"range"}, None),
    ("range", {"about"}, None),
    ("range", {"more_than"}, "error"),
    ("vague", {"more_than"}, None),  # a vague quantity is its own hedge
    ("vague", set(), None),
]


@pytest.mark.parametrize(("qualifier", "hedges", "severity"), AGREEMENT)
def test_agreement(qualifier: str, hedges: set[str], severity: str | None) -> None:
    assert agreement(qualifier, frozenset(hedges)).severity == severity


def test_implied() -> None:
    quote = "سجلنا مقتل نحو 352 مدنياً على الأقل"
    at = quote.index("352")
    assert implied(hedges_around(quote, at, at + 3)) == {"about", "at_least"}


def test_polars_reads_the_hedge_word_of_a_match_as_python_does() -> None:
    """phrases (polars, what quote.qualifier runs) against phrase (Python's re, the oracle)
    on every hedge word and non-hedge, as written, glued, in other case and with marks, in
    the texts the rule hands it (the windows before and after a number)."""
    import polars as pl

    from casualty_schema.domain import hedges

    befores = [w for ws in BEFORE_WORDS.values() for w in ws] + list(hedges.NOT_HEDGES)
    afters = [w for ws in AFTER_WORDS.values() for w in ws]
    cases = {
        "before": [
            text
            for w in befores
            for text in (f"{w} ", f"قتل {w} ", f"و{w} ال", f"ب{w.upper()}  ", f"({w}", f"x{w} ")
        ],
        "after": [
            text
            for w in afters
            for text in (f" {w}", f" مدنياً {w}.", f"ً {w.upper()} قتلوا", f" civilians {w},", w)
        ],
    }
    for side, texts in cases.items():
        expected = [hedges.phrase(t, side) for t in texts]
        frame = pl.DataFrame({"t": texts})
        got = frame.select(hedges.phrases(pl.col("t"), side)).to_series().to_list()
        wrong = [(t, g, e) for t, g, e in zip(texts, got, expected, strict=True) if g != e]
        assert not wrong
        assert sum(e is not None for e in expected) > len(texts) // 2  # most are hedge words
