"""casualty_schema.extract and ``casualty-schema extract``: the claims an archived article
states, proposed for curation (issue 16).

The seed articles pin what is proposed against what data/claims.csv records; tables of
sentences of our own, in the style of wire reports, pin the period phrases, hedges, speakers,
places, metrics and the numbers set apart. All but a few CLI runs call pure functions."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from casualty_schema import validate
from casualty_schema.cli import app
from casualty_schema.domain import hedges, occurrence
from casualty_schema.extract import Catalogue, Extraction, extract
from casualty_schema.extract.periods import period, published
from casualty_schema.render import EXTRACT_FORMATS, render_extraction
from tests.builder import PackageCopy

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {
    "horrya-2019-06-01-coalition-1300": ROOT / "data/sources/horrya-2019-06-01-coalition-1300.txt",
    "2017-05-coalition-352-mp-dispute": ROOT / "data/sources/2017-05-coalition-352-mp-dispute.txt",
}
runner = CliRunner()


def _rows(name: str) -> list[dict[str, str]]:
    with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def bundled() -> Catalogue:
    return Catalogue.read(ROOT)


@pytest.fixture(scope="module")
def extracted(bundled: Catalogue) -> dict[str, Extraction]:
    return {
        sid: extract(path.read_text(encoding="utf-8"), bundled, source_id=sid)
        for sid, path in SOURCES.items()
    }


#: A catalogue of the seed metrics, places and actors, and one actor more (a monitor).
SOHR = {
    "actor_id": "sohr",
    "name": "المرصد السوري لحقوق الإنسان",
    "name_en": "Syrian Observatory for Human Rights",
    "kind": "monitoring_group",
    "parent_id": "",
}


@pytest.fixture(scope="module")
def wire() -> Catalogue:
    return Catalogue.of(
        metrics=_rows("metrics"),
        places=_rows("places"),
        actors=[*_rows("actors"), SOHR],
        campaign_start="2014-08-08",
    )


def one(text: str, catalogue: Catalogue, date: str | None = "2019-06-01") -> dict[str, Any]:
    """The one candidate of ``text``, with its reasons."""
    found = extract(text, catalogue, published_date=date)
    assert len(found.candidates) == 1, [c.fields["value_text"] for c in found.candidates]
    (candidate,) = found.candidates
    return {**candidate.fields, "reason": candidate.reason}


# --- the seed articles ---------------------------------------------------------------------------

#: The figures of each article that no claim records: (value_text, value, metric).
NOT_CURATED = {
    "horrya-2019-06-01-coalition-1300": [],
    "2017-05-coalition-352-mp-dispute": [
        ("ثلاث", 3, "airstrikes"),  # "26 قتيلا في ثلاث ضربات": qualifies the 26
        ("352", 352, None),  # the MP citing the coalition's figure: "352 شخصاً" (persons)
        ("واحدة", 1, "airstrikes"),  # "غارة واحدة فقط": qualifies the 700
    ],
}
#: The numbers of each article that are no counts, and why: (what the text reads, kind).
SKIPPED = {
    "horrya-2019-06-01-coalition-1300": [
        ("نيسان 2019", "year"), ("1 يونيو", "day"), ("يونيو 2019", "year"),
        ("واحدة", "furniture"), ("200", "furniture"), ("23 حزيران", "day"),
        ("العام 2014", "year"), ("العام 2014", "year"), ("العام 2014", "year"),
        ("العام الحالي 2019", "year"), ("العام 2018", "year"), ("العام 2014", "year"),
        ("بين 11 و24 أذار", "day"),
    ],
    "2017-05-coalition-352-mp-dispute": [
        ("عام 2014", "year"), ("الأحد", "weekday"), ("نوفمبر 2016", "year"),
        ("ومارس 2017", "year"), ("أوت 2014", "year"), ("في 2014", "year"),
        ("عام 2014", "year"), ("17 أكتوبر", "day"),
    ],
}  # fmt: skip


@pytest.mark.parametrize("source_id", list(SOURCES))
def test_every_claim_of_a_seed_article_is_proposed_as_curated(
    source_id: str, extracted: dict[str, Extraction]
) -> None:
    """Done when: every claim data/claims.csv records from the article is proposed with the
    same value, value_text, qualifier and metric, marked curated_as; every other number is
    a candidate or skipped with its reason."""
    found = extracted[source_id]
    claims = [c for c in _rows("claims") if c["source_id"] == source_id]
    by_claim = {c.curated_as: c for c in found.candidates if c.curated_as}
    assert set(by_claim) == {c["claim_id"] for c in claims}
    assert found.not_proposed == ()
    for claim in claims:
        proposed = by_claim[claim["claim_id"]].fields
        for name in ("value", "value_text", "qualifier", "metric"):
            assert str(proposed[name]) == claim[name], (claim["claim_id"], name)
        assert str(proposed["value_max"] or "") == claim["value_max"], claim["claim_id"]
    others = [
        (c.fields["value_text"], c.fields["value"], c.fields["metric"])
        for c in found.candidates
        if c.curated_as is None
    ]
    assert others == NOT_CURATED[source_id]
    assert [(s.text, s.kind) for s in found.skipped] == SKIPPED[source_id]
    assert all(s.reason for s in found.skipped)


def test_another_article_than_the_sources_archived_text_is_said_so(
    bundled: Catalogue, extracted: dict[str, Extraction]
) -> None:
    """--source-id with the text of another article: nothing is curated, and the summary
    says why rather than leaving the curator to think every figure is new."""
    assert all(found.other_text is None for found in extracted.values())
    [one, other] = SOURCES
    found = extract(SOURCES[other].read_text(encoding="utf-8"), bundled, source_id=one)
    assert found.curated == 0
    assert found.other_text == f"data/sources/{one}.txt"
    assert f"not its archived text, data/sources/{one}.txt" in found.summary
    assert found.to_dict()["curation"]["other_text"] == f"data/sources/{one}.txt"


@pytest.mark.parametrize("source_id", list(SOURCES))
def test_every_digit_of_a_seed_article_is_accounted_for(
    source_id: str, extracted: dict[str, Extraction]
) -> None:
    text = SOURCES[source_id].read_text(encoding="utf-8")
    found = extracted[source_id]
    spans = [(c.offset, c.offset + len(c.fields["value_text"])) for c in found.candidates]
    spans += [(s.offset, s.offset + len(s.text)) for s in found.skipped]
    for digits in re.finditer(r"[0-9٠-٩]+", text):
        assert any(a <= digits.start() < b for a, b in spans), (digits.group(), digits.start())


def test_the_seed_candidates_pasted_into_the_package_pass_the_quote_rules(
    extracted: dict[str, Extraction], tmp_path: Path
) -> None:
    """Done when: every candidate `extract --format csv` writes for the seed articles, pasted
    into a copy of the package with a new claim_id (and what the curator fills in: dates,
    perpetrator, stance, a metric and places where none was found), passes quote.value,
    quote.qualifier and quote.source-text — and is read by them (no structural finding)."""
    pkg = PackageCopy(tmp_path)
    claims = pkg.rows("claims")
    pasted = []
    for source_id, found in extracted.items():
        published_date = next(s for s in _rows("sources") if s["source_id"] == source_id)[
            "published_date"
        ]
        rows = list(csv.DictReader(io.StringIO(render_extraction(found, "csv"))))
        assert len(rows) == len(found.candidates)
        for i, row in enumerate(rows):
            assert row.pop("curated_as") == (found.candidates[i].curated_as or "")
            filled = {
                "claim_id": f"pasted-{len(pasted)}",
                "claimant_id": row["claimant_id"] or "coalition",
                "perpetrator_id": "coalition",
                "claim_date": published_date,
                "metric": row["metric"] or "civilian-deaths",
                "places": row["places"] or "syria",
                "period_start": row["period_start"] or published_date,
                "period_end": row["period_end"] or published_date,
                "stance": "alleged",
            }
            pasted.append({**row, **filled})
    pkg.write("claims", claims + pasted)
    report = validate(pkg.root, select=["quote.value", "quote.qualifier", "quote.source-text"])
    assert [(f.rule, f.key, f.message) for f in report.findings] == []
    assert report.rows["claims"] == len(claims) + len(pasted) == len(claims) + 25


def test_a_sentence_that_runs_on_gives_each_figure_a_quote_of_its_own(wire: Catalogue) -> None:
    """A page-long sentence without a separator: each quote is a window around its figure
    (before: every quote was the whole sentence, and extraction took quadratic time)."""
    from casualty_schema.extract.sentences import AFTER, BEFORE

    text = " ".join(f"قتل {n} مدنياً في سوريا" for n in range(1, 200))
    found = extract(text, wire, published_date="2019")
    assert [c.fields["value"] for c in found.candidates] == list(range(1, 200))
    for c in found.candidates:
        quote, value_text = c.fields["quote"], c.fields["value_text"]
        assert len(quote) <= BEFORE + len(value_text) + AFTER
        where = occurrence.placement(quote, value_text)
        assert where is not None
        assert (where.kind, quote[where.start - 4 : where.start]) == ("count", "قتل ")


# --- period phrases -----------------------------------------------------------------------------

CAMPAIGN = "2014-08-08"
#: (phrase, publication date, period_start, period_end)
PERIODS = [
    # Levantine and Iraqi month names
    ("منذ آذار 2015", "2019-06-01", "2015-03", None),
    ("بين شباط وأيار 2018", "2019-06-01", "2018-02", "2018-05"),
    ("حتى نهاية كانون الأول 2016", "2019-06-01", None, "2016-12-31"),
    ("في تشرين الثاني 2017", "2019-06-01", "2017-11", "2017-11"),
    ("بين آب/أغسطس العام 2014 ونهاية نيسان/أبريل الحالي", "2019-06-01", "2014-08", "2019-04-30"),
    ("حتى نهاية شباط 2016", "2019-06-01", None, "2016-02-29"),
    ("منذ أب 2014", "2019-06-01", "2014-08", None),
    ("بين 11 و24 أذار/مارس", "2019-06-01", "2019-03-11", "2019-03-24"),
    ("في اذار الماضي", "2019-06-01", "2019-03", "2019-03"),
    # Egyptian and Gulf
    ("منذ أغسطس 2014", "2019-06-01", "2014-08", None),
    ("حتى نهاية يونيو الماضي", "2019-08-10", None, "2019-06-30"),
    ("في ديسمبر الماضي", "2019-02", "2018-12", "2018-12"),
    ("بين نوفمبر 2016 ومارس 2017", "2017-05", "2016-11", "2017-03"),
    ("خلال يونيه 2018", "2019", "2018-06", "2018-06"),
    ("منذ إبريل 2015 وحتى ابريل 2016", "2019", "2015-04", "2016-04"),
    # Algerian and Tunisian
    ("منذ جانفي 2015", "2019-06-01", "2015-01", None),
    ("حتى جويلية 2016", "2019-06-01", None, "2016-07"),
    ("في فيفري الماضي", "2017-05", "2017-02", "2017-02"),
    ("منذ بدئها في أوت من عام 2014، وحتى مارس الماضي", "2017-05", "2014-08", "2017-03"),
    ("في الفترة من أوت 2014 إلى الآن", "2017-05", "2014-08", None),
    ("بين أفريل وجوان 2017", "2019", "2017-04", "2017-06"),
    # Moroccan
    ("منذ غشت 2014", "2019-06-01", "2014-08", None),
    ("حتى يوليوز الماضي", "2019-06-01", None, "2018-07"),
    ("في شتنبر 2015", "2019-06-01", "2015-09", "2015-09"),
    ("حتى نهاية دجنبر 2016", "2019-06-01", None, "2016-12-31"),
    # الماضي, الحالي, منذ العام, حتى نهاية
    ("وحتى مارس الماضي", "2017-05", None, "2017-03"),
    ("حتى مارس الماضي", "2017-03-15", None, "2016-03"),  # last March, in March: a year ago
    ("في مارس", "2017-05", "2017-03", "2017-03"),
    ("خلال العام الماضي", "2019-06-01", "2018", "2018"),
    ("في العام الحالي", "2019-06-01", "2019", "2019"),
    ("حتى نهاية نيسان الحالي", "2019-06-01", None, "2019-04-30"),
    ("منذ العام 2014 وحتى نهاية شهر نيسان / ابريل من العام الحالي 2019", "2019-06-01",
     "2014", "2019-04-30"),
    ("منذ عام 2014", "2019", "2014", None),
    ("في العام 2018", "2019", "2018", "2018"),
    ("حتى نهاية 2018", "2019", None, "2018-12-31"),
    ("منذ 17 أكتوبر الماضي", "2017-05", "2016-10-17", None),
    # the start of the campaign, "now", "the said period"
    ("منذ بدء العمليات", "2019", "2014-08", None),
    ("منذ بدء عملياته للقضاء على التنظيم في العام 2014", "2019", "2014-08", None),
    ("منذ بدء مهامها في 2014", "2017-05", "2014-08", None),
    ("حتى الآن", "2017-05", None, None),
    # English
    ("since August 2014", "2019", "2014-08", None),
    ("between March and May 2019", "2019-06", "2019-03", "2019-05"),
    ("between August 2014 and the end of April 2019", "2019-06", "2014-08", "2019-04-30"),
    ("from January 2015 to March 2016", "2019", "2015-01", "2016-03"),
    ("until the end of April", "2019-06-01", None, "2019-04-30"),
    ("in 2018", "2019", "2018", "2018"),
    ("until last March", "2017-05", None, "2017-03"),
    ("during this year", "2019-06-01", "2019", "2019"),
    ("since the start of its operations", "2019", "2014-08", None),
    # never more precise than the text: no year and no month of publication; two months;
    # a day that is none; no date at all
    ("في مارس", "2017", None, None),
    ("منذ يونيو/تموز 2014", "2019", None, None),
    ("حتى 30 فبراير 2019", "2019", None, None),
    ("قتل 5 مدنيين في 3 غارات", "2019", None, None),
    ("مقتل بين 5 و7 مدنيين", "2019", None, None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "date", "start", "end"), PERIODS, ids=[p[0] for p in PERIODS])
def test_period_phrases(text: str, date: str, start: str | None, end: str | None) -> None:
    found = period(text, published(date), CAMPAIGN)
    assert (found.start, found.end) == (start, end), found.reason
    assert found.reason.startswith("period: ")


def test_the_start_of_the_campaign_needs_the_package_temporal_start() -> None:
    assert period("منذ بدء العمليات", published("2019"), None).start is None


def test_the_said_period_is_that_of_the_sentence_before(wire: Catalogue) -> None:
    text = (
        "وأشار التحالف في بيان إلى أنه شن 34,502 غارة بين آب 2014 ونهاية نيسان 2019. "
        "وقال إنه خلال هذه الفترة قتل ما لا يقل عن 1302 مدني."
    )
    found = extract(text, wire, published_date="2019-06-01")
    assert [(c.fields["period_start"], c.fields["period_end"]) for c in found.candidates] == [
        ("2014-08", "2019-04-30"),
        ("2014-08", "2019-04-30"),
    ]


def test_a_publication_date_that_is_none_is_refused(wire: Catalogue) -> None:
    from casualty_schema.extract import ExtractError

    for date in ("2019-13", "2019-02-30", "19", "2019/06"):
        with pytest.raises(ExtractError, match="published-date"):
            extract("قتل 5 مدنيين.", wire, published_date=date)


# --- hedges, numerals ---------------------------------------------------------------------------

#: (sentence, value_text, qualifier, value, value_max)
HEDGED = [
    ("وقال المرصد إن ما لا يقل عن 30 مدنياً قتلوا في الغارة.", "30", "at_least", 30, None),
    ("أسفرت الغارات عن مقتل أكثر من 200 مدني.", "200", "more_than", 200, None),
    ("قتل نحو 50 مدنياً في القصف.", "50", "about", 50, None),
    ("قتل 12 مدنياً على الأقل.", "12", "at_least", 12, None),
    ("سجلنا مقتل نحو 352 مدنياً على الأقل.", "352", "at_least", 352, None),  # ends on
    ("قتل ما يربو على 1100 مدني.", "1100", "more_than", 1100, None),
    ("قتل ما لا يزيد عن 40 مدنياً.", "40", "at_most", 40, None),
    ("قتل أقل من 10 مدنيين.", "10", "less_than", 10, None),
    ("مقتل ما بين 5 و7 مدنيين.", "5 و7", "range", 5, 7),
    ("مقتل بين 8 آلاف و13 ألفاً من المدنيين.", "8 آلاف و13 ألفاً", "range", 8000, 13000),
    ("قتل من 10 إلى 20 مدنياً.", "10 إلى 20", "range", 10, 20),
    ("قتل عشرات المدنيين.", "عشرات", "vague", 20, 99),
    ("تسببت في مقتل عشرات الآلاف من المدنيين.", "عشرات الآلاف", "vague", 20000, 99999),
    ("قتل بضعة آلاف من المدنيين.", "بضعة آلاف", "vague", 3000, 9999),
    ("قتل 300 ونيف من المدنيين.", "300 ونيف", "vague", 301, 399),
    ("شن التحالف 34 ألفاً و502 غارة.", "34 ألفاً و502", "exact", 34502, None),
    ("شن التحالف أكثر من 20 ألف غارة.", "20 ألف", "more_than", 20000, None),
    ("قتلت 3 آلاف مدني.", "3 آلاف", "exact", 3000, None),
    ("قتل ٣٥٢ مدنياً.", "٣٥٢", "exact", 352, None),
    ("أشار إلى سبعة تقارير.", "سبعة", "exact", 7, None),
    ("قتل نصف مليون شخص.", "نصف مليون", "exact", 500000, None),
    ("Airwars said at least 352 civilians were killed.", "352", "at_least", 352, None),
    ("More than 1,300 civilians were killed.", "1,300", "more_than", 1300, None),
    ("Between 8,000 and 13,000 civilians died.", "8,000 and 13,000", "range", 8000, 13000),
    ("Dozens of civilians were killed.", "Dozens", "vague", 24, 99),
    ("Nearly 1,000 civilians were killed.", "1,000", "about", 1000, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "value_text", "qualifier", "value", "value_max"), HEDGED, ids=[h[0] for h in HEDGED]
)
def test_hedges_and_numerals(
    text: str, value_text: str, qualifier: str, value: int, value_max: int | None, wire: Catalogue
) -> None:
    """The value_text exactly as written, its reading, and the qualifier its hedge words say
    — one that rule quote.qualifier accepts in the proposed quote."""
    found = one(text, wire)
    assert (found["value_text"], found["qualifier"], found["value"], found["value_max"]) == (
        value_text, qualifier, value, value_max,
    )  # fmt: skip
    where = occurrence.placement(found["quote"], value_text)
    assert where is not None
    assert where.kind == "count"
    implied = hedges.implied(hedges.hedges_around(found["quote"], where.start, where.end))
    if qualifier != "vague":
        assert hedges.agreement(qualifier, implied).severity is None


def test_a_bare_round_headline_figure_that_rounds_the_body_is_about(wire: Catalogue) -> None:
    text = (
        "التحالف يقر بمقتل 1300 مدني في سوريا\n\nأقر التحالف الدولي بمقتل ما لا يقل عن 1302 مدني.\n"
    )
    head, body = extract(text, wire, published_date="2019").candidates
    assert (head.fields["qualifier"], body.fields["qualifier"]) == ("about", "at_least")
    alone = extract("التحالف يقر بمقتل 1300 مدني في سوريا\n", wire, published_date="2019")
    assert alone.candidates[0].fields["qualifier"] == "exact"  # no body figure to round


# --- numbers that are no counts -----------------------------------------------------------------

#: (text, the skipped number as the text reads it, its kind)
SKIPPED_KINDS = [
    ("قتل 30 في المئة من السكان.", "30 في المئة", "percentage"),
    ("ارتفع عدد الغارات بنسبة 15%.", "15%", "percentage"),
    ("وأعلن التحالف يوم الأحد مقتل 5 مدنيين.", "الأحد", "weekday"),
    ("قتل أحد المدنيين في الغارة.", "أحد", "one-of"),
    ("قصفت الطائرات الحي للمرة الثالثة.", "الثالثة", "ordinal"),
    ("It was the 3rd strike on the town.", "3rd", "ordinal"),
    ("قتل مدنيون منذ العام 2014.", "العام 2014", "year"),
    ("قتل مدنيون في 17 أكتوبر.", "17 أكتوبر", "day"),
    ("قتل مدنيون بين 11 و24 أذار/مارس.", "بين 11 و24 أذار", "day"),
    ("حرية برس\n200 - حرية برس Horrya press\n", "200", "furniture"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "shown", "kind"), SKIPPED_KINDS, ids=[s[0] for s in SKIPPED_KINDS]
)
def test_numbers_that_are_not_counts_are_skipped_with_why(
    text: str, shown: str, kind: str, wire: Catalogue
) -> None:
    found = extract(text, wire, published_date="2019")
    assert [(s.text, s.kind) for s in found.skipped][:1] == [(shown, kind)]
    assert found.skipped[0].reason
    assert all(c.fields["value_text"] != shown for c in found.candidates)


# --- speakers, places, metrics ------------------------------------------------------------------

#: (text, the claimant proposed for its figure (the last one))
SPEAKERS = [
    ("وقالت إيروورز إن 300 مدني قتلوا في الغارات.", "airwars"),
    ("أعلن التحالف الدولي مقتل 12 مدنياً في غاراته.", "coalition"),
    ("وثق المرصد السوري لحقوق الإنسان مقتل 40 مدنياً.", "sohr"),
    ("بحسب المرصد السوري لحقوق الإنسان، قتل 15 مدنياً.", "sohr"),
    ("تجمع ثوار سوريا يوثق مقتل 20 مدنياً في الرقة", "syrian-revolutionaries-gathering"),
    ("وكشف بيان صادر عن المهام المشتركة أن 42 تقريرا قيد التقييم.", "cjtf-oir"),
    ("أعلن التحالف الدولي مقتل 12 مدنياً. وأضاف أن 30 مدنياً أصيبوا.", "coalition"),
    ("أعلن التحالف الدولي مقتل 12 مدنياً. وقال مسؤول محلي إن 30 مدنياً قتلوا.", None),
    ("وثق تجمع ثوار سوريا مقتل 300 مدني. وأوضح التجمع أن 48 منهم أطفال.",
     "syrian-revolutionaries-gathering"),
    ("وقال النائب محمد حسين راغب الحسين إن 700 مدني قتلوا. وتابع القول إن 20 ألف مدني قتلوا.",
     "mohammad-hussein-ragheb-al-hussein"),
    ("وصف عضو مجلس الشعب السوري النائب محمد حسين راغب الحسين التصريحات بأنها كاذبة، "
     "وأكد أن 700 مدني قتلوا.", "mohammad-hussein-ragheb-al-hussein"),
    ("ذكر محمد حسين راغب الحسين ذلك. وأكد عضو مجلس الشعب السوري أن 700 مدني قتلوا.",
     "mohammad-hussein-ragheb-al-hussein"),
    ("Airwars said at least 300 civilians were killed.", "airwars"),
    ("According to Airwars, 300 civilians were killed.", "airwars"),
    ("قتل 5 مدنيين في غارة على الرقة.", None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "claimant"), SPEAKERS, ids=[s[0][:60] for s in SPEAKERS])
def test_speakers(text: str, claimant: str | None, wire: Catalogue) -> None:
    found = extract(text, wire, published_date="2019")
    assert found.candidates[-1].fields["claimant_id"] == claimant, found.candidates[-1].reason


def test_unattributed_words_are_the_publishers(bundled: Catalogue) -> None:
    """With a source whose publisher is an actor: "وبدأ التحالف، الذي ضم أكثر من 70 دولة"."""
    text = "وبدأ التحالف، الذي ضم أكثر من 70 دولة، عملياته في صيف العام 2014."
    found = extract(text, bundled, source_id="horrya-2019-06-01-coalition-1300")
    assert found.candidates[0].fields["claimant_id"] == "horrya-press"


#: (text, places)
PLACES = [
    ("قتل 5 مدنيين في غارة على الرقة.", ["raqqa"]),
    ("شن 300 غارة في سوريا والعراق.", ["syria", "iraq"]),
    ("شن 300 غارة في سورياوالعراق.", ["syria", "iraq"]),
    ("قتل 12 مدنياً بالموصل.", ["mosul"]),
    ("قتل 9 مدنيين في دير الزور.", ["deir-ez-zor"]),
    ("قتل 7 مدنيين في الباغوز بدير الزور.", ["baghouz", "deir-ez-zor"]),
    ("قدم 40 طائرة للعراق.", ["iraq"]),
    ("Five strikes killed 12 civilians in Raqqa and Mosul.", ["raqqa", "mosul"]),
    ("Fighting in Deir ez-Zor killed 30 civilians.", ["deir-ez-zor"]),
    ("وثق تجمع ثوار سوريا مقتل 3712 مدنياً.", None),  # Syria is in the actor's name
]  # fmt: skip


@pytest.mark.parametrize(("text", "places"), PLACES, ids=[p[0] for p in PLACES])
def test_places(text: str, places: list[str] | None, wire: Catalogue) -> None:
    found = extract(text, wire, published_date="2019")
    assert found.candidates[-1].fields["places"] == places


#: (text, metric)
METRICS = [
    ("شن التحالف 300 غارة جوية.", "airstrikes"),
    ("شن التحالف 300 ضربة جوية.", "airstrikes"),
    ("تعمل على تقييم 42 تقريرا عن سقوط قتلى.", "reports-open"),
    ("أشار إلى سبعة تقارير غير موثوقة.", "reports-non-credible"),
    ("ضم التحالف أكثر من 70 دولة.", "coalition-members"),
    ("تضم المقبرة عشرات الجثث.", "bodies-found"),
    ("وثق قتل التحالف الدولي 3712 مدنياً.", "civilian-deaths"),  # not دول of الدولي
    ("وشمل التقرير 26 قتيلا في مارس.", "civilian-deaths"),  # the counted noun after wins
    ("وذكرت أن 80 قتيلا سقطوا ولم يتم الإعلان عنهم من قبل.", "civilian-deaths-first-reported"),
    ("وأضافت أن 45 مدنيا قتلوا. وذكرت أن 80 قتيلا لم يعلن عنهم من قبل.",
     "civilian-deaths-first-reported"),  # the same statement
    ("وأضافت أن 45 مدنيا قتلوا. وقالت إيروورز إن 80 قتيلا لم يعلن عنهم من قبل.",
     "civilian-deaths"),  # another speaker's statement: the first figure only
    ("أسفرت الغارة عن 5 جرحى.", None),
    ("The coalition conducted 34,502 strikes.", "airstrikes"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "metric"), METRICS, ids=[m[0][:60] for m in METRICS])
def test_metrics(text: str, metric: str | None, wire: Catalogue) -> None:
    found = extract(text, wire, published_date="2019")
    assert found.candidates[0].fields["metric"] == metric, found.candidates[0].reason["metric"]
    assert found.candidates[0].reason["metric"].startswith("metric: ")


# --- the command line ---------------------------------------------------------------------------


def test_extract_csv_to_a_file_and_json_are_the_library_output(
    extracted: dict[str, Extraction], tmp_path: Path
) -> None:
    source_id = "2017-05-coalition-352-mp-dispute"
    base = ["extract", str(SOURCES[source_id]), "--package", str(ROOT), "--source-id", source_id]
    target = tmp_path / "candidates.csv"
    result = runner.invoke(app, [*base, "-f", "csv", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == render_extraction(extracted[source_id], "csv")
    assert result.output.strip() == extracted[source_id].summary
    assert "11 of 14 curated" in result.output
    as_json = runner.invoke(app, [*base, "--format", "json"])
    assert json.loads(as_json.output) == extracted[source_id].to_dict()
    curation = json.loads(as_json.output)["curation"]
    assert (curation["figures"], curation["curated"], curation["not_curated"]) == (
        14,
        11,
        [7, 10, 11],
    )


def test_extract_text_says_what_is_not_curated(extracted: dict[str, Extraction]) -> None:
    out = render_extraction(extracted["2017-05-coalition-352-mp-dispute"], "text")
    assert "not curated: #8, line 1: ثلاث (3, airstrikes)" in out
    assert "a day of the week, not a count" in out
    assert out.rstrip().endswith("11 of 14 curated in 2017-05-coalition-352-mp-dispute")


def test_extract_unusable_input_is_one_line_exit_2(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_bytes("قتل 5 مدنيين".encode("utf-16"))
    cases = [
        ([str(article)], "is not UTF-8 text"),
        ([str(SOURCES["2017-05-coalition-352-mp-dispute"]), "--source-id", "2017-05-coalition-352"],
         "did you mean 2017-05-coalition-352-mp-dispute?"),
    ]  # fmt: skip
    for args, message in cases:
        result = runner.invoke(app, ["extract", *args, "--package", str(ROOT)])
        assert result.exit_code == 2, result.output
        assert message in result.output
        assert len(result.output.strip().splitlines()) == 1
        assert "Traceback" not in result.output


def test_every_extract_format_renders(extracted: dict[str, Extraction]) -> None:
    for name in EXTRACT_FORMATS:
        assert render_extraction(extracted["horrya-2019-06-01-coalition-1300"], name)
