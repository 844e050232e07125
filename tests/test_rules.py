"""Every rule of the catalogue: the bundled data passes it, a named change fails it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from casualty_schema import RULES, pipeline, validate
from casualty_schema.findings import Finding
from casualty_schema.frames import Frames
from casualty_schema.package.descriptor import PackageSpec
from tests.builder import PackageCopy, rename_field

TODAY = date(2026, 11, 22)
ROOT = Path(__file__).resolve().parent.parent

# seed claim ids used below
C352 = "oir-2017-04-30-civilian-deaths-352"
C45 = "oir-2017-04-30-civilian-deaths-45"
C26 = "oir-2017-04-30-civilian-deaths-march-26"
C20K = "oir-2017-04-30-airstrikes-more-than-20000"
C1302 = "oir-2019-05-31-civilian-deaths-1302"
C34502 = "oir-2019-05-31-airstrikes-34502"
C111 = "oir-2019-05-31-reports-open-111"
C1300 = "oir-2019-05-31-civilian-deaths-1300-headline"
C3712 = "srg-2019-civilian-deaths-3712"
C348 = "srg-2019-civilian-deaths-syria-2018-348"
CMP = "mp-hussein-2017-civilian-deaths-tens-of-thousands"
C352D = "oir-2017-04-30-civilian-deaths-352-direct"
C1300M = "oir-2019-05-31-civilian-deaths-more-than-1300"
C42 = "oir-2017-04-30-reports-open-42"
C7 = "oir-2019-05-31-reports-non-credible-baghouz-7"
C3000 = "airwars-2017-civilian-deaths-3000"


@pytest.fixture
def pkg(tmp_path: Path) -> PackageCopy:
    return PackageCopy(tmp_path)


def found(pkg: PackageCopy, rule: str) -> list[Finding]:
    report = validate(pkg.descriptor, select=[rule], today=TODAY)
    structural = [f for f in report.findings if f.rule not in RULES]
    assert not structural, structural  # the fixture itself must be well-formed
    return [f for f in report.findings if f.rule == rule]


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, findings
    return findings[0]


@pytest.mark.parametrize("rule", list(RULES))
def test_bundled_package_passes(rule: str) -> None:
    report = validate(ROOT / "datapackage.json", select=[rule], today=TODAY)
    assert report.findings == []


# --- dates -------------------------------------------------------------------------------


def test_dates_calendar(pkg: PackageCopy) -> None:
    pkg.set("claims", C45, period_start="2017-02-30")
    f = only(found(pkg, "dates.calendar"))
    assert (f.resource, f.row, f.field, f.key, f.value) == (
        "claims", pkg.row_number("claims", C45), "period_start", C45, "2017-02-30",
    )  # fmt: skip
    assert f.path == "data/claims.csv"
    assert f.severity == "error"


def test_dates_calendar_leap_day_passes(pkg: PackageCopy) -> None:
    pkg.set("claims", C45, period_start="2016-02-29")
    assert found(pkg, "dates.calendar") == []


def test_dates_order_period_reversed(pkg: PackageCopy) -> None:
    pkg.set("claims", C45, period_start="2017-04")  # after its end, 2017-03
    f = only(found(pkg, "dates.order"))
    assert (f.key, f.field, f.value) == (C45, "period_end", "2017-03")
    assert "period_start 2017-04 is after period_end 2017-03" in f.message


def test_dates_order_partial_dates_compare_as_intervals(pkg: PackageCopy) -> None:
    # the same month on both ends is in order: earliest(2017-03) <= latest(2017-03)
    pkg.set("claims", C26, period_start="2017-03-31", period_end="2017-03")
    assert found(pkg, "dates.order") == []


def test_dates_order_claimed_after_publication(pkg: PackageCopy) -> None:
    pkg.set("claims", C352, claim_date="2017-06-02")  # the source is of 2017-05
    f = only(found(pkg, "dates.order"))
    # the claim's own field, not the source's published_date (which claims does not have)
    assert (f.key, f.field, f.value) == (C352, "claim_date", "2017-06-02")
    assert f.message.startswith("claim_date 2017-06-02 is after published_date 2017-05 (of source ")


def test_strike_total_moved_to_the_2019_period_is_reported(pkg: PackageCopy) -> None:
    """The 2017 "more than 20,000" given the period of the 2019 total ends after it was said."""
    pkg.set("claims", C20K, period_end="2019-04-30")
    f = only(found(pkg, "dates.order"))
    assert (f.key, f.field, f.value) == (C20K, "claim_date", "2017-04-30")


def test_dates_coverage_before_the_window(pkg: PackageCopy) -> None:
    pkg.set("claims", C45, period_start="2013")
    f = only(found(pkg, "dates.coverage"))
    assert (f.key, f.field) == (C45, "period_start")
    assert "2014-08-08" in f.message


def test_dates_coverage_overlapping_the_start_passes(pkg: PackageCopy) -> None:
    pkg.set("claims", C45, period_start="2014")  # 2014 overlaps 2014-08-08 onwards
    assert found(pkg, "dates.coverage") == []


def test_dates_coverage_after_today(pkg: PackageCopy) -> None:
    pkg.set("sources", "horrya-2019-06-01-coalition-1300", published_date="2027-01")
    f = only(found(pkg, "dates.coverage"))
    assert (f.resource, f.field, f.path) == ("sources", "published_date", "data/sources.csv")
    assert "after today" in f.message


def test_dates_stock_instant(pkg: PackageCopy) -> None:
    pkg.set("claims", C111, period_start="2019-05")
    f = only(found(pkg, "dates.stock-instant"))
    assert (f.key, f.field) == (C111, "period_end")


# --- counts ------------------------------------------------------------------------------


def test_counts_bounds_vague_without_max(pkg: PackageCopy) -> None:
    pkg.set("claims", CMP, value_max="")
    f = only(found(pkg, "counts.bounds"))
    assert (f.key, f.field) == (CMP, "value_max")
    assert "needs value_max" in f.message


def test_counts_bounds_max_on_exact(pkg: PackageCopy) -> None:
    pkg.set("claims", C34502, value_max="40000")
    assert "has no upper end" in only(found(pkg, "counts.bounds")).message


def test_counts_bounds_max_below_value(pkg: PackageCopy) -> None:
    pkg.set("claims", CMP, value_max="10000")
    assert "less than value" in only(found(pkg, "counts.bounds")).message


# --- refs --------------------------------------------------------------------------------


def test_refs_places(pkg: PackageCopy) -> None:
    pkg.set("claims", C45, places="syria,atlantis")
    f = only(found(pkg, "refs.places"))
    assert (f.key, f.field, f.value) == (C45, "places", "atlantis")


def test_refs_places_space_after_comma_is_not_a_place(pkg: PackageCopy) -> None:
    pkg.set("claims", C45, places="syria, iraq")
    assert only(found(pkg, "refs.places")).value == " iraq"


def test_refs_cycle_in_places(pkg: PackageCopy) -> None:
    pkg.set("places", "syria", parent_id="baghouz")  # baghouz -> deir-ez-zor -> syria
    cycle = found(pkg, "refs.cycle")
    assert {(f.resource, f.key) for f in cycle} == {
        ("places", "syria"), ("places", "baghouz"), ("places", "deir-ez-zor"),
    }  # fmt: skip


def test_refs_cycle_actor_own_parent(pkg: PackageCopy) -> None:
    pkg.set("actors", "coalition", parent_id="coalition")
    f = only(found(pkg, "refs.cycle"))
    assert (f.resource, f.key, f.field) == ("actors", "coalition", "parent_id")


def test_refs_cycle_claim_related_to_itself(pkg: PackageCopy) -> None:
    pkg.relate(C352, "disputes", C352)
    f = only(found(pkg, "refs.cycle"))
    assert f.resource == "relations"
    assert "related to itself" in f.message


def test_refs_cycle_in_updates(pkg: PackageCopy) -> None:
    pkg.relate(C352, "updates", C1302)  # 1302 already updates 352
    assert {f.key for f in found(pkg, "refs.cycle")} == {
        f"{C352}, updates, {C1302}", f"{C1302}, updates, {C352}",
    }  # fmt: skip


# --- quote -------------------------------------------------------------------------------


def test_strike_total_stripped_of_its_quote_is_reported(pkg: PackageCopy) -> None:
    pkg.set("claims", C34502, quote="وأشار التحالف الدولي في بيان")
    f = only(found(pkg, "quote.value"))
    assert (f.key, f.field, f.value) == (C34502, "value_text", "34,502")


def test_quote_value_wrong_number(pkg: PackageCopy) -> None:
    pkg.set("claims", C1302, value="1303")
    f = only(found(pkg, "quote.value"))
    assert (f.key, f.field) == (C1302, "value")
    assert "does not denote value 1303" in f.message


def test_quote_value_reads_on_a_second_thread_as_on_one(
    pkg: PackageCopy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large package's value_texts are read on a second thread: the same findings."""
    from casualty_schema.rules import quote

    pkg.set("claims", C1302, value="1303")
    pkg.set("claims", C20K, value="2000")
    alone = found(pkg, "quote.value")
    monkeypatch.setattr(quote, "APART_ROWS", 0)
    assert found(pkg, "quote.value") == alone
    assert {f.key for f in alone} == {C1302, C20K}


def test_quote_value_reads_arabic_forms(pkg: PackageCopy) -> None:
    pkg.set("claims", C20K, value="2000")  # "20 ألف" is 20,000
    assert only(found(pkg, "quote.value")).key == C20K


def test_quote_value_vague_must_match_the_convention(pkg: PackageCopy) -> None:
    pkg.set("claims", CMP, value_max="50000")
    assert only(found(pkg, "quote.value")).key == CMP


def test_quote_value_eastern_digits_pass(pkg: PackageCopy) -> None:
    quote = pkg.row("claims", C45)["quote"].replace("45", "٤٥")
    pkg.set("claims", C45, quote=quote, value_text="٤٥")
    assert found(pkg, "quote.value") == []


@pytest.mark.parametrize("digits", ["٤٥", "۴۵"])
def test_quote_value_eastern_digits_must_denote_the_value(pkg: PackageCopy, digits: str) -> None:
    quote = pkg.row("claims", C45)["quote"].replace("45", digits)
    pkg.set("claims", C45, quote=quote, value_text=digits, value="46")
    assert only(found(pkg, "quote.value")).field == "value"


def test_quote_value_folds_whitespace(pkg: PackageCopy) -> None:
    quote = pkg.row("claims", C20K)["quote"].replace("20 ألف", "20\u00a0 ألف")
    pkg.set("claims", C20K, quote=quote)
    assert found(pkg, "quote.value") == []


# the three miscodings of issue 12, each valid before quote.value read whole numerals and
# quote.qualifier existed


def test_a_figure_inside_a_longer_number_is_reported(pkg: PackageCopy) -> None:
    """The Gathering's 3,712 recorded as 712: "712" occurs in the quote, inside "3712"."""
    pkg.set("claims", C3712, value="712", value_text="712")
    f = only(found(pkg, "quote.value"))
    assert (f.key, f.field, f.value, f.severity) == (C3712, "value_text", "712", "error")
    assert f.message == "the quote reads 3712 here, not 712"


def test_exact_beside_at_least_is_reported(pkg: PackageCopy) -> None:
    """The coalition's "ما لا يقل عن 1302" recorded as exactly 1,302."""
    pkg.set("claims", C1302, qualifier="exact")
    f = only(found(pkg, "quote.qualifier"))
    assert (f.key, f.field, f.value, f.severity) == (C1302, "qualifier", "exact", "error")
    assert "'ما لا يقل عن' (at_least)" in f.message
    assert found(pkg, "quote.value") == []


def test_a_figure_cut_off_before_its_scale_word_is_reported(pkg: PackageCopy) -> None:
    """ "أكثر من 20 ألف غارة" recorded as 20 strikes, value_text "20"."""
    pkg.set("claims", C20K, value="20", value_text="20")
    f = only(found(pkg, "quote.value"))
    assert (f.key, f.field, f.value) == (C20K, "value_text", "20")
    assert f.message == "the quote reads 20 ألف here, not 20"


def test_a_day_is_not_a_count(pkg: PackageCopy) -> None:
    pkg.set("claims", C7, value="11", value_text="11")  # بين 11 و24 أذار/مارس
    f = only(found(pkg, "quote.value"))
    assert (f.key, f.field) == (C7, "value_text")
    assert "is a day of the month in the quote (بين 11 و24 أذار)" in f.message


def test_a_year_is_not_a_count(pkg: PackageCopy) -> None:
    pkg.set("claims", C3000, value="2014", value_text="2014")  # منذ بدء مهامها في 2014
    f = only(found(pkg, "quote.value"))
    assert "is a year in the quote (في 2014)" in f.message


def test_a_dot_before_three_digits_groups_thousands(pkg: PackageCopy) -> None:
    quote = pkg.row("claims", C3000)["quote"].replace("3 آلاف", "3.000")
    pkg.set("claims", C3000, quote=quote, value_text="3.000")
    assert found(pkg, "quote.value") == []
    pkg.set("claims", C3000, value="3")
    f = only(found(pkg, "quote.value"))
    assert (f.field, f.message) == (
        "value",
        "value_text 3.000 does not denote value 3 (it reads 3,000)",
    )


def test_an_unreadable_value_text_says_why(pkg: PackageCopy) -> None:
    quote = pkg.row("claims", C7)["quote"].replace("سبعة", "الثالث")
    pkg.set("claims", C7, quote=quote, value_text="الثالث", value="3")
    f = only(found(pkg, "quote.value"))
    assert f.field == "value"
    assert "ordinal" in f.message


@pytest.mark.parametrize(
    ("written", "qualifier", "value", "value_max"),
    [
        ("between 8,000 and 13,000", "range", 8000, 13000),
        ("بين 8 آلاف و13 ألفاً", "range", 8000, 13000),
        ("8 إلى 13 ألفاً", "range", 8000, 13000),
        ("ألفاً و500", "exact", 1500, None),
        ("1،300", "exact", 1300, None),
        ("34\u00a0502", "exact", 34502, None),
        ("نصف مليون", "exact", 500_000, None),
        ("العشرات", "vague", 20, 99),
        ("بضعة آلاف", "vague", 3000, 9999),
        ("two dozen", "exact", 24, None),
        ("300 ونيف", "vague", 301, 399),
        ("الـ352", "exact", 352, None),
    ],
)
def test_the_ways_news_writes_a_figure_pass(
    pkg: PackageCopy, written: str, qualifier: str, value: int, value_max: int | None
) -> None:
    """Correct codings the reader of convention 1 refused (issue 12)."""
    pkg.set(
        "claims", C42, quote=f"أنها لا تزال تعمل على تقييم {written} تقريرا", value_text=written,
        qualifier=qualifier, value=value, value_max="" if value_max is None else value_max,
    )  # fmt: skip
    assert found(pkg, "quote.value") == []
    assert found(pkg, "quote.qualifier") == []


def test_quote_qualifier_at_least_for_more_than_is_a_warning(pkg: PackageCopy) -> None:
    pkg.set("claims", C1300M, qualifier="at_least")  # "أكثر من 1300"
    f = only(found(pkg, "quote.qualifier"))
    assert (f.key, f.severity) == (C1300M, "warning")
    assert "differ by one" in f.message


def test_quote_qualifier_two_hedges_accept_either(pkg: PackageCopy) -> None:
    """ "نحو 352 مدنياً على الأقل": about or at least, not exact nor more than."""
    for accepted in ("at_least", "about"):
        pkg.set("claims", C352D, qualifier=accepted)
        assert found(pkg, "quote.qualifier") == [], accepted
    pkg.set("claims", C352D, qualifier="exact")
    f = only(found(pkg, "quote.qualifier"))
    assert "'نحو' (about) and 'على الأقل' (at_least)" in f.message
    pkg.set("claims", C352D, qualifier="more_than")
    assert only(found(pkg, "quote.qualifier")).severity == "warning"


def test_quote_qualifier_a_bare_figure_is_not_at_least(pkg: PackageCopy) -> None:
    pkg.set("claims", C42, qualifier="at_least")  # "تقييم 42 تقريرا"
    f = only(found(pkg, "quote.qualifier"))
    assert (f.key, f.severity) == (C42, "error")
    assert "with no hedge word" in f.message


def test_quote_qualifier_a_bare_figure_may_be_about(pkg: PackageCopy) -> None:
    pkg.set("claims", C42, qualifier="about")  # the headline convention
    assert found(pkg, "quote.qualifier") == []


def test_quote_qualifier_about_against_more_than_is_an_error(pkg: PackageCopy) -> None:
    pkg.set("claims", C1300M, qualifier="about")
    assert only(found(pkg, "quote.qualifier")).severity == "error"


def test_quote_qualifier_ignores_a_figure_not_in_its_quote(pkg: PackageCopy) -> None:
    pkg.set("claims", C42, qualifier="at_least", value_text="43", value="43")
    assert found(pkg, "quote.qualifier") == []
    assert only(found(pkg, "quote.value")).field == "value_text"


def test_quote_source_text(pkg: PackageCopy) -> None:
    pkg.set("claims", C352, quote="قتل 352 طفلا")
    f = only(found(pkg, "quote.source-text"))
    assert (f.key, f.field) == (C352, "quote")


def test_quote_source_text_folds_persian_yeh(pkg: PackageCopy) -> None:
    quote = pkg.row("claims", C1302)["quote"]
    assert "ی" in quote
    pkg.set("claims", C1302, quote=quote.replace("ی", "ي"))  # Arabic yeh in the quote
    assert found(pkg, "quote.source-text") == []


def test_quote_source_text_missing_file(pkg: PackageCopy) -> None:
    (pkg.root / "data/sources/horrya-2019-06-01-coalition-1300.txt").unlink()
    f = only(found(pkg, "quote.source-text"))
    assert (f.resource, f.field) == ("sources", "text_path")
    assert "does not exist" in f.message


def test_quote_source_text_symlink_out_of_the_package(pkg: PackageCopy, tmp_path: Path) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("secret", encoding="utf-8")
    link = pkg.root / "data/sources/link.txt"
    link.symlink_to(outside)
    pkg.set("sources", "horrya-2019-06-01-coalition-1300", text_path="data/sources/link.txt")
    findings = found(pkg, "quote.source-text")
    assert [f.message for f in findings if f.resource == "sources"] == [
        "text_path data/sources/link.txt lies outside the package"
    ]


def test_text_path_climbing_out_is_refused_by_the_schema(pkg: PackageCopy) -> None:
    pkg.set("sources", "horrya-2019-06-01-coalition-1300", text_path="data/sources/../../x.txt")
    report = validate(pkg.descriptor, select=["quote.source-text"], today=TODAY)
    assert [(f.rule, f.field) for f in report.findings] == [("constraint-error", "text_path")]


def test_quote_keywords(pkg: PackageCopy) -> None:
    pkg.set("metrics", "reports-open", keywords="xyz")
    findings = found(pkg, "quote.keywords")
    assert {f.key for f in findings} == {C111, "oir-2017-04-30-reports-open-42"}
    assert all(f.severity == "warning" for f in findings)


# --- series ------------------------------------------------------------------------------


def test_series_nesting(pkg: PackageCopy) -> None:
    pkg.set("claims", C348, value="4000")  # 2018 in Syria, inside 3,712 for 2014-Apr 2019
    f = only(found(pkg, "series.nesting"))
    assert (f.key, f.severity, f.field) == (C348, "error", "value")
    assert C3712 in f.message


def test_series_nesting_claimed_later_is_a_warning(pkg: PackageCopy) -> None:
    pkg.set("claims", C348, value="4000", claim_date="2020")
    assert only(found(pkg, "series.nesting")).severity == "warning"


def test_series_nesting_needs_places_within(pkg: PackageCopy) -> None:
    # a part about Iraq is not inside a whole about Syria
    pkg.set("claims", C348, value="4000", places="iraq")
    assert found(pkg, "series.nesting") == []


def test_series_nesting_through_parent_places(pkg: PackageCopy) -> None:
    pkg.set("claims", C348, value="4000", places="baghouz")  # Baghouz -> Deir ez-Zor -> Syria
    assert only(found(pkg, "series.nesting")).key == C348


def _incidents(pkg: PackageCopy, *rows: tuple[str, str, str]) -> None:
    """One-day claims of the Gathering: (claim id, places, value)."""
    for cid, places, value in rows:
        pkg.add("claims", C348, claim_id=cid, period_start="2018-03-01",
                period_end="2018-03-01", places=places, value=value)  # fmt: skip


def test_series_nesting_one_day_town_inside_governorate(pkg: PackageCopy) -> None:
    _incidents(pkg, ("srg-x-baghouz", "baghouz", "40"), ("srg-x-deir", "deir-ez-zor", "30"))
    f = only(found(pkg, "series.nesting"))
    assert f.key == "srg-x-baghouz"
    assert "srg-x-deir" in f.message


def test_series_nesting_one_day_other_towns_are_apart(pkg: PackageCopy) -> None:
    _incidents(pkg, ("srg-x-baghouz", "baghouz", "40"), ("srg-x-raqqa", "raqqa", "30"))
    assert found(pkg, "series.nesting") == []


def test_series_nesting_every_place_of_the_part_must_be_inside(pkg: PackageCopy) -> None:
    _incidents(
        pkg,
        ("srg-x-both", "raqqa,baghouz", "40"),
        ("srg-x-syria", "syria", "30"),
        ("srg-x-mixed", "raqqa,mosul", "50"),  # Mosul is in Iraq: not inside Syria
    )
    assert {f.key for f in found(pkg, "series.nesting")} == {"srg-x-both"}


def test_series_nesting_a_place_missing_from_places_lies_within_nothing(
    pkg: PackageCopy,
) -> None:
    # refs.places reports "atlantis"; the part is not known to lie within Syria
    _incidents(pkg, ("srg-x-lost", "raqqa,atlantis", "40"), ("srg-x-syria", "syria", "30"))
    assert found(pkg, "series.nesting") == []
    assert {f.key for f in found(pkg, "refs.places")} == {"srg-x-lost"}


def test_series_nesting_a_place_listed_twice_counts_once(pkg: PackageCopy) -> None:
    _incidents(pkg, ("srg-x-twice", "baghouz,baghouz", "40"), ("srg-x-syria", "syria", "30"))
    assert {f.key for f in found(pkg, "series.nesting")} == {"srg-x-twice"}


def test_series_nesting_other_days_are_apart(pkg: PackageCopy) -> None:
    _incidents(pkg, ("srg-x-a", "baghouz", "40"))
    pkg.add("claims", C348, claim_id="srg-x-b", period_start="2018-03-02",
            period_end="2018-03-02", places="baghouz", value="30")  # fmt: skip
    assert found(pkg, "series.nesting") == []


def test_strike_total_moved_to_the_2017_period_is_reported(pkg: PackageCopy) -> None:
    """34,502 strikes over the 2017 period exceeds what "more than 20,000" rounds to."""
    pkg.set("claims", C34502, period_end="2017-03")
    f = only(found(pkg, "series.rounding"))
    assert (f.key, f.severity) == (C34502, "warning")
    assert C20K in f.message
    assert "29999" in f.message


def test_strike_totals_swapped_are_reported(pkg: PackageCopy) -> None:
    """Each total given the other's period: the 2017 one now claims more than the 2019 one."""
    pkg.set("claims", C34502, period_end="2017-03")
    pkg.set("claims", C20K, period_end="2019-04-30")
    report = validate(pkg.descriptor, today=TODAY)
    rules = {(f.rule, f.key) for f in report.findings}
    assert ("dates.order", C20K) in rules
    assert ("series.rounding", C34502) in rules


# --- relations ---------------------------------------------------------------------------


def test_relations_part_of_metric(pkg: PackageCopy) -> None:
    pkg.relate(C45, "part_of", C20K)
    f = only(found(pkg, "relations.part-of"))
    assert (f.resource, f.field, f.key) == ("relations", "metric", f"{C45}, part_of, {C20K}")
    assert f.path == "data/relations.csv"


def test_relations_part_of_period_and_value(pkg: PackageCopy) -> None:
    pkg.relate(C3712, "part_of", C348)  # the whole as a part of its part
    fields = {f.field for f in found(pkg, "relations.part-of")}
    assert fields == {"period", "value"}


def test_relations_updates(pkg: PackageCopy) -> None:
    pkg.relate(C352, "updates", C1302)
    fields = {f.field for f in found(pkg, "relations.updates")}
    assert fields == {"claim_date"}


def test_relations_updates_must_not_shrink(pkg: PackageCopy) -> None:
    pkg.set("claims", C1302, value="300")
    f = only(found(pkg, "relations.updates"))
    assert (f.field, f.key) == ("value", f"{C1302}, updates, {C352}")


def test_relations_restates(pkg: PackageCopy) -> None:
    pkg.set("claims", C1300, value="100")  # about 100 cannot restate at least 1,302
    f = only(found(pkg, "relations.restates"))
    assert f.field == "value"


def test_relations_restates_same_places(pkg: PackageCopy) -> None:
    pkg.set("claims", C1300, places="syria")
    assert only(found(pkg, "relations.restates")).field == "places"


def test_relations_restates_place_order_does_not_matter(pkg: PackageCopy) -> None:
    pkg.set("claims", C1300, places="iraq,syria")
    assert found(pkg, "relations.restates") == []


def test_relations_parts_sum(pkg: PackageCopy) -> None:
    # 2017 in Syria, 3,500: with 348 in 2018 (disjoint) the parts exceed the whole's 3,712
    pkg.add("claims", C348, claim_id="srg-2019-x-2017", period_start="2017", period_end="2017",
            value="3500", value_text="348")  # fmt: skip
    pkg.relate("srg-2019-x-2017", "part_of", C3712)
    f = only(found(pkg, "relations.parts-sum"))
    assert (f.key, f.field) == (C3712, "value")
    assert "3848" in f.message


def test_relations_parts_sum_overlapping_parts_are_not_added(pkg: PackageCopy) -> None:
    pkg.add("claims", C348, claim_id="srg-2019-x-2018", value="3500", value_text="348")
    pkg.relate("srg-2019-x-2018", "part_of", C3712)  # same period as the 348: overlap
    assert found(pkg, "relations.parts-sum") == []


def test_relations_parts_sum_disjoint_in_place(pkg: PackageCopy) -> None:
    pkg.set("claims", C3712, places="syria,iraq")
    pkg.add("claims", C348, claim_id="srg-2019-x-iraq", places="iraq", value="3500",
            value_text="348")  # fmt: skip
    pkg.relate("srg-2019-x-iraq", "part_of", C3712)
    assert "3848" in only(found(pkg, "relations.parts-sum")).message


def test_relations_parts_sum_heaviest_disjoint_set(pkg: PackageCopy) -> None:
    """Parts a (2015), b (2015-2016), c (2016): a and c are disjoint, b overlaps both; the
    seed's 348 (2018) is disjoint from all three. Heaviest: 348 + a + c, not 348 + b."""
    for cid, start, end, value in (
        ("srg-x-a", "2015", "2015", "2000"),
        ("srg-x-b", "2015", "2016", "3000"),
        ("srg-x-c", "2016", "2016", "2000"),
    ):
        pkg.add("claims", C348, claim_id=cid, period_start=start, period_end=end, value=value)
        pkg.relate(cid, "part_of", C3712)
    f = only(found(pkg, "relations.parts-sum"))
    assert f"{C348}, srg-x-a, srg-x-c " in f.message
    assert "at least 4348" in f.message


# --- duplicates --------------------------------------------------------------------------


def test_duplicates_claim(pkg: PackageCopy) -> None:
    pkg.add("claims", C45, claim_id="oir-2017-04-30-civilian-deaths-45-again")
    f = only(found(pkg, "duplicates.claim"))
    assert (f.key, f.severity) == ("oir-2017-04-30-civilian-deaths-45-again", "warning")
    assert C45 in f.message


def test_duplicates_claim_original_is_the_smallest_id(pkg: PackageCopy) -> None:
    pkg.add("claims", C45, claim_id="a-copy-listed-last")  # sorts before C45
    f = only(found(pkg, "duplicates.claim"))
    assert f.key == C45
    assert "repeats claim a-copy-listed-last" in f.message


def test_duplicates_claim_places_in_any_order(pkg: PackageCopy) -> None:
    pkg.set("claims", C45, places="syria,iraq")
    pkg.add("claims", C45, claim_id="oir-2017-04-30-civilian-deaths-45-again", places="iraq,syria")
    pkg.add("claims", C45, claim_id="oir-2017-04-30-civilian-deaths-45-iraq", places="iraq")
    f = only(found(pkg, "duplicates.claim"))
    assert f.key == "oir-2017-04-30-civilian-deaths-45-again"


# --- cells -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "flagged"),
    [
        ('=HYPERLINK("http://x","click")', True),
        ("+cmd|' /C calc'!A0", True),
        ("@SUM(A1:A2)", True),
        ("-A1", True),
        ("  =1+1", True),
        # OWASP's CSV injection payloads
        ("-2+3+cmd|' /C calc'!A0", True),
        ("=1+2", True),
        ("@SUM(1+9)*cmd|' /C calc'!A0", True),
        ("\t=1+2", True),
        ("\r=1+2", True),
        ("-5 degrees", False),
        ("-2+3", False),
        ("-5 km2", False),
        ("+44 20 7946 0000", False),
        ("a = b", False),
        ("@airwars", False),
    ],
)
def test_cells_formula(pkg: PackageCopy, cell: str, flagged: bool) -> None:
    pkg.set("claims", C45, notes=cell)
    findings = found(pkg, "cells.formula")
    if flagged:
        f = only(findings)
        assert (f.resource, f.key, f.field, f.value, f.severity) == (
            "claims", C45, "notes", cell, "warning",
        )  # fmt: skip
    else:
        assert findings == []


def test_cells_formula_in_any_resource(pkg: PackageCopy) -> None:
    pkg.set("places", "mosul", name_en="=1+1")
    f = only(found(pkg, "cells.formula"))
    assert (f.resource, f.key, f.path) == ("places", "mosul", "data/places.csv")


@pytest.mark.parametrize(
    ("resource", "key", "field", "cell", "flagged"),
    [
        # the embedding, override and isolate controls, anywhere
        ("claims", C45, "notes", "Checked \u202egnirts\u202c again.", True),
        ("claims", C45, "quote", "قتل \u202b45\u202c مدنياً", True),
        ("claims", C45, "notes", "a \u2067b\u2069", True),
        ("actors", "cjtf-oir", "name_en", "\u202dCJTF\u202c", True),
        # a direction mark where there is no right-to-left text for it to order
        ("claims", C45, "value_text", "45\u061c", True),
        ("claims", C45, "notes", "Checked\u200f again.", True),
        ("actors", "cjtf-oir", "name_en", "CJTF\u200e-OIR", True),
        # a direction mark in Arabic text, as writers use it
        ("claims", C45, "notes", "قُتل 45\u200f مدنياً", False),
        ("actors", "cjtf-oir", "name", "قوة المهام المشتركة\u061c (CJTF)", False),
        ("claims", C45, "notes", "plain text", False),
    ],
)
def test_cells_bidi(
    pkg: PackageCopy, resource: str, key: str, field: str, cell: str, flagged: bool
) -> None:
    pkg.set(resource, key, **{field: cell})
    findings = found(pkg, "cells.bidi")
    if flagged:
        f = only(findings)
        assert (f.resource, f.key, f.field, f.value, f.severity) == (
            resource, key, field, cell, "warning",
        )  # fmt: skip
    else:
        assert findings == []


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f"])
def test_cells_control(pkg: PackageCopy, char: str) -> None:
    pkg.set("claims", C45, notes=f"a{char}b")
    f = only(found(pkg, "cells.control"))
    assert (f.key, f.field, f.severity) == (C45, "notes", "error")


@pytest.mark.parametrize(
    ("constraints", "proof"),
    [
        ({"pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}, True),  # no value starts like a formula
        ({"pattern": "[=a-z]+"}, False),
        ({"pattern": r"\s*x"}, False),  # white space may come first
        ({"enum": ["exact", "about"]}, True),
        ({"enum": ["exact", "=SUM(A1)"]}, False),
        ({}, False),
    ],
)
def test_cells_formula_skips_only_fields_no_formula_can_be_in(
    constraints: dict[str, object], proof: bool
) -> None:
    from casualty_schema.package.descriptor import FieldSpec
    from casualty_schema.rules import cells

    field = FieldSpec("f", "string", "default", constraints, {"name": "f"})
    assert cells._formula_proof(field) is proof


def test_cells_control_allows_tabs_and_line_breaks(pkg: PackageCopy) -> None:
    pkg.set("claims", C45, notes="a\tb\nc\r\nd")
    assert found(pkg, "cells.control") == []


def test_every_rule_has_a_failing_test() -> None:
    text = Path(__file__).read_text(encoding="utf-8")
    for rule in RULES:
        assert f'"{rule}"' in text.split("def test_bundled_package_passes", 1)[1], rule


# --- what each rule reads ------------------------------------------------------------------


def _fires_everywhere(pkg: PackageCopy) -> PackageCopy:
    """The bundled package changed so that every rule has findings (each change from a test
    above), the rows still well-formed."""
    pkg.set("claims", C45, period_start="2017-02-30", notes="=1+1")  # dates.calendar, cells
    pkg.set("claims", C352, claim_date="2017-06-02")  # dates.order
    pkg.set("sources", "horrya-2019-06-01-coalition-1300", published_date="2027-01")
    pkg.set("claims", C111, period_start="2019-05")  # dates.stock-instant
    pkg.set("claims", CMP, value_max="10000")  # counts.bounds
    pkg.set("claims", C26, places="syria,atlantis", notes="a\x00b")  # refs.places, cells
    pkg.set("actors", "coalition", parent_id="coalition")  # refs.cycle
    pkg.set("claims", C1302, value="300")  # quote.value, relations.updates
    pkg.set("claims", C34502, period_end="2017-03", quote="وأشار التحالف الدولي في بيان 34,502")
    pkg.set("metrics", "reports-open", keywords="xyz")  # quote.keywords
    pkg.set("actors", "coalition", name_en="Coalition \u202eerif")  # cells.bidi
    pkg.set(
        "claims", "horrya-2019-06-01-coalition-members-70", qualifier="exact"
    )  # quote.qualifier
    pkg.set("claims", C348, value="4000", value_text="4000")  # series.nesting
    pkg.set("claims", C1300, value="100")  # relations.restates
    pkg.relate(C45, "part_of", C20K)  # relations.part-of
    pkg.add("claims", C3712, claim_id="srg-2019-again")  # duplicates.claim
    pkg.add("claims", C348, claim_id="srg-2019-x-2017", period_start="2017", period_end="2017",
            value="3500", value_text="348")  # fmt: skip
    pkg.relate("srg-2019-x-2017", "part_of", C3712)  # relations.parts-sum
    return pkg


@pytest.fixture(scope="module")
def firing(tmp_path_factory: pytest.TempPathFactory) -> tuple[PackageSpec, dict[str, pl.DataFrame]]:
    pkg = _fires_everywhere(PackageCopy(tmp_path_factory.mktemp("firing")))
    spec = pipeline.read_descriptor(pkg.descriptor)
    structure, findings = pipeline.check_files(spec)
    assert findings.filter(pl.col("severity") == "error").is_empty(), findings  # well-formed
    return spec, structure.frames


def _run(rule: str, spec: PackageSpec, tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    frames = Frames(spec, tables, TODAY)
    frames.prepare()
    return RULES[rule].run(frames).sort(pl.all(), nulls_last=True)


def test_every_rule_declares_what_it_reads() -> None:
    undeclared = [r for r, rule in RULES.items() if rule.reads is None]
    assert not undeclared, f"declare @rule(reads={{resource: (fields, ...)}}) for {undeclared}"


@pytest.mark.parametrize("rule", list(RULES))
def test_a_rule_reads_only_the_fields_it_declares(
    firing: tuple[PackageSpec, dict[str, pl.DataFrame]], rule: str
) -> None:
    """Run on frames holding only the fields it declares (the readiness gate requires no
    more), each rule finds what it finds with every field there: the declaration covers every
    field it reads, derived columns included."""
    spec, tables = firing
    everything = _run(rule, spec, tables)
    assert not everything.is_empty(), f"the fixture must make {rule} fire"
    reads = RULES[rule].reads
    assert reads is not None
    internal = ("__row", "__line")
    only = {
        name: table.select(c for c in table.columns if c in internal or c in reads.get(name, ()))
        for name, table in tables.items()
        if name in reads or not reads
    }
    if reads:
        assert_frame_equal(_run(rule, spec, only), everything)
    else:  # reads no field in particular: whichever are there (none, here)
        _run(rule, spec, only)


def test_a_field_no_rule_reads_may_be_renamed(pkg: PackageCopy) -> None:
    rename_field(pkg, "places", "pcode", "p_code")
    report = validate(pkg.descriptor, today=TODAY)
    assert report.findings == []
    assert len(report.rules) == len(RULES)


def test_renaming_a_field_a_rule_reads_names_the_rules_not_run(pkg: PackageCopy) -> None:
    rename_field(pkg, "claims", "quote", "quote_text")
    report = validate(pkg.descriptor, today=TODAY)
    f = only(report.findings)
    assert (f.rule, f.severity, f.resource) == ("schema-error", "error", "claims")
    assert (
        "quote is missing (read by quote.value, quote.source-text, quote.qualifier, quote.keywords)"
        in f.message
    )
    assert not report.valid
    assert "quote.value" not in report.rules
    assert "dates.order" in report.rules  # the rules that do not read it still run


def test_cells_bidi_searches_a_field_whose_pattern_admits_no_formula(pkg: PackageCopy) -> None:
    """A field no formula can match is left out of the formula search, not of the bidi one:
    a title that must start with a letter may still hold an override."""
    data = json.loads(pkg.descriptor.read_text(encoding="utf-8"))
    sources = next(r for r in data["resources"] if r["name"] == "sources")
    title = next(f for f in sources["schema"]["fields"] if f["name"] == "title")
    title.setdefault("constraints", {})["pattern"] = "[^=+@\\s-].*"
    pkg.descriptor.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    source = pkg.rows("sources")[0]
    pkg.set("sources", source["source_id"], title=source["title"] + " \u202eevil")
    f = only(found(pkg, "cells.bidi"))
    assert (f.resource, f.field) == ("sources", "title")


@settings(max_examples=200, deadline=None)
@example(cells=[["-A1"], [" =1"], ["\t+cmd|"], ["@SUM(1)"], ["", "=1"]], delimiter=";",
         control_free=True)  # fmt: skip
@example(cells=[["a", "\x07"], ["\u202e"], ["b\u200f"]], delimiter=";", control_free=False)
@given(
    cells=st.lists(
        st.none()
        | st.lists(
            st.none() | st.text(alphabet=" =+-@aA1(|!;,\u202e\u200f\u061c\x00\x07ع", max_size=6),
            max_size=3,
        ),
        min_size=1,
        max_size=8,
    ),
    delimiter=st.sampled_from([";", "|", ",", " ", "+", "\u202e", "\x07", "; "]),
    control_free=st.booleans(),
)
def test_cells_list_search_keeps_every_cell_the_joined_search_finds(
    cells: list[list[str | None] | None], delimiter: str, control_free: bool
) -> None:
    """The items of a list cell searched one by one (rules/cells.py) against the search of
    the joined text that it replaces where the delimiter allows (the oracle): every cell
    the oracle finds is kept, so the rules, which test the kept cells exactly, report the same."""
    from casualty_schema.rules import cells as rules_cells

    frame = pl.DataFrame({"p": cells}, schema={"p": pl.List(pl.String)})
    characters = f"{rules_cells.BIDI_CONTROL}|{rules_cells.BIDI_MARK}"
    if not control_free:
        characters += f"|{rules_cells.CONTROL}"
    joined = pl.col("p").list.join(delimiter).str.contains(f"{rules_cells.FORMULA}|{characters}")
    kept = rules_cells._list_may_hit(pl.col("p"), delimiter, control_free)
    both = frame.select(joined.fill_null(False).alias("old"), kept.fill_null(False).alias("new"))
    assert not both.filter(pl.col("old") & ~pl.col("new")).height, frame
