"""The curated data checked against the archived articles it was taken from."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HORRYA = "horrya-2019-06-01-coalition-1300"
ALGERIAN = "2017-05-coalition-352-mp-dispute"

# The number of claims curated from each article. A lost or an extra row fails here.
CLAIMS_PER_SOURCE = {HORRYA: 10, ALGERIAN: 11}

# Every run of digits and every number word in the articles that is *not* the value_text of
# a claim, with the reason it is not a claim. Together with the claims this accounts for
# every figure in the two articles: a figure left out of the data fails
# test_every_figure_is_accounted_for.
NOT_CLAIMS: dict[str, dict[str, str]] = {
    HORRYA: {
        "2019": "a year (dates of the headline, the byline and the periods)",
        "1": "the day in the byline date '1 يونيو 2019'",
        "200": "page furniture before the outlet's name, not a figure of the text",
        "23": "the day in the photo caption's date '23 حزيران'",
        "2014": "a year (the start of operations)",
        "2018": "a year (the period of the Gathering's 348)",
        "11": "a day: 'بين 11 و24 أذار/مارس' bounds the period of the seven reports",
        "24": "a day: 'بين 11 و24 أذار/مارس' bounds the period of the seven reports",
        "واحدة": "page furniture: 'آخر تحديث : منذ سنة واحدة' (last updated one year ago)",
        "3712#second-headline": "the second headline repeats the body's 3712 (one claim)",
    },
    ALGERIAN: {
        "2014": "a year (the start of operations)",
        "2016": "a year (the period of the 45)",
        "2017": "a year (the period of the 45)",
        "17": "a day: the Mosul operation began on 17 October 2016",
        "ثلاث": "qualifies the 26 ('in three separate strikes'), see that claim's notes",
        "واحدة": "qualifies the MP's 700 ('a single strike'), see that claim's notes",
        "352#mp": "the MP citing the coalition's 352 (disputed, not asserted, by him)",
    },
}

# Number words that occur in the articles as figures (digits are found by pattern).
NUMBER_WORDS = ("سبعة", "ثلاث", "واحدة", "عشرات الآلاف", "عشرات")


def _source_text(source_id: str) -> str:
    return (ROOT / "data" / "sources" / f"{source_id}.txt").read_text(encoding="utf-8")


def _figures(text: str) -> Counter[str]:
    """Every digit run and number word of the text, counted."""
    found: Counter[str] = Counter(re.findall(r"[0-9][0-9,]*[0-9]|[0-9]", text))
    rest = text
    for word in NUMBER_WORDS:  # longest first, so عشرات الآلاف is not also counted as عشرات
        found[word] += len(re.findall(rf"(?<!\w){word}(?!\w)", rest))
        rest = re.sub(rf"(?<!\w){word}(?!\w)", " ", rest)
    return +found


def test_every_source_has_its_archived_text(sources: list[dict[str, str]]) -> None:
    assert {s["source_id"] for s in sources} == set(CLAIMS_PER_SOURCE)
    for source in sources:
        assert source["text_path"] == f"data/sources/{source['source_id']}.txt"
        assert (ROOT / source["text_path"]).is_file()


def test_archived_texts_are_the_seed_articles() -> None:
    seeds = ROOT / "tests" / "contract" / "seeds"  # copies of ../shared/seeds (test_package)
    archived = {_source_text(s) for s in CLAIMS_PER_SOURCE}
    assert archived == {p.read_text(encoding="utf-8") for p in seeds.glob("*.txt")}


def test_claim_count_per_article(claims: list[dict[str, str]]) -> None:
    assert Counter(c["source_id"] for c in claims) == CLAIMS_PER_SOURCE


def test_every_quote_occurs_verbatim_in_its_source(claims: list[dict[str, str]]) -> None:
    for claim in claims:
        assert claim["quote"] in _source_text(claim["source_id"]), claim["claim_id"]


def test_every_value_text_occurs_in_its_quote(claims: list[dict[str, str]]) -> None:
    for claim in claims:
        assert claim["value_text"] in claim["quote"], claim["claim_id"]


def test_every_figure_is_accounted_for(claims: list[dict[str, str]]) -> None:
    """Each figure of an article is a claim's value_text or listed in NOT_CLAIMS with a reason."""
    for source_id, excluded in NOT_CLAIMS.items():
        in_text = _figures(_source_text(source_id))
        accounted: Counter[str] = Counter()
        for claim in claims:
            if claim["source_id"] == source_id:
                accounted += _figures(claim["value_text"])
                # a quote may hold other figures of the same statement (dates, a qualifier)
        for key in excluded:
            accounted[key.split("#")[0]] += 1
        for figure in in_text:
            assert accounted[figure] >= 1, (
                f"{source_id}: figure {figure!r} is neither claim nor excluded"
            )
        # nothing excluded or claimed that the text does not hold
        for figure in accounted:
            assert figure in in_text, f"{source_id}: {figure!r} is not in the text"
        # each repeated figure is accounted for as often as the text repeats it, except years and
        # days, whose every occurrence is explained by the one reason given
        dates = {
            k.split("#")[0]
            for k, why in excluded.items()
            if why.startswith(("a year", "a day", "the day"))
        }
        for figure, count in in_text.items():
            if figure not in dates:
                assert accounted[figure] >= count, (source_id, figure, count, accounted[figure])


def test_claim_ids_say_their_claimant_and_date(claims: list[dict[str, str]]) -> None:
    ids = [c["claim_id"] for c in claims]
    assert len(ids) == len(set(ids))
    for claim in claims:
        assert claim["claim_date"].split("-")[0] in claim["claim_id"], claim["claim_id"]


def test_relations_the_articles_imply(descriptor: object) -> None:
    from tests.conftest import read_csv

    relations = {
        (r["claim_id"], r["relation"], r["related_claim_id"])
        for r in read_csv(ROOT / "data" / "relations.csv")
    }
    expected = {
        (
            "oir-2019-05-31-civilian-deaths-more-than-1300",
            "restates",
            "oir-2019-05-31-civilian-deaths-1302",
        ),
        ("oir-2019-05-31-civilian-deaths-1302", "updates", "oir-2017-04-30-civilian-deaths-352"),
        ("oir-2019-05-31-airstrikes-34502", "updates", "oir-2017-04-30-airstrikes-more-than-20000"),
        ("srg-2019-civilian-deaths-syria-2018-348", "part_of", "srg-2019-civilian-deaths-3712"),
        (
            "mp-hussein-2017-civilian-deaths-more-than-20000",
            "disputes",
            "oir-2017-04-30-civilian-deaths-352",
        ),
        (
            "mp-hussein-2017-civilian-deaths-more-than-20000",
            "restates",
            "mp-hussein-2017-civilian-deaths-tens-of-thousands",
        ),
    }
    assert expected <= relations
    # re-audit (issue 12): the 45 and the 26 are newly assessed deaths, not parts of the 352
    assert not {r for r in relations if r[0].endswith(("-45", "-march-26"))}


def test_seed_figures_as_curated(claims: list[dict[str, str]]) -> None:
    """The headline figures of the brief, with their periods and hedges."""
    by_id = {c["claim_id"]: c for c in claims}
    expect = {
        "oir-2017-04-30-civilian-deaths-352": (
            "at_least",
            "352",
            "2014-08",
            "2017-03",
            "2017-04-30",
        ),
        "oir-2017-04-30-airstrikes-more-than-20000": (
            "more_than",
            "20000",
            "2014-08",
            "2017-03",
            "2017-04-30",
        ),
        "oir-2019-05-31-civilian-deaths-1302": (
            "at_least",
            "1302",
            "2014-08",
            "2019-04-30",
            "2019-05-31",
        ),
        "oir-2019-05-31-airstrikes-34502": (
            "exact",
            "34502",
            "2014-08",
            "2019-04-30",
            "2019-05-31",
        ),
    }
    for claim_id, (qualifier, value, start, end, said) in expect.items():
        c = by_id[claim_id]
        assert (
            c["qualifier"],
            c["value"],
            c["period_start"],
            c["period_end"],
            c["claim_date"],
        ) == (
            qualifier,
            value,
            start,
            end,
            said,
        )


def test_the_re_audit_of_issue_12(claims: list[dict[str, str]]) -> None:
    """The decisions of the re-audit under quote.value and quote.qualifier (convention 2),
    each recorded in the claim's notes."""
    by_id = {c["claim_id"]: c for c in claims}
    paraphrase = by_id["oir-2017-04-30-civilian-deaths-352"]
    direct = by_id["oir-2017-04-30-civilian-deaths-352-direct"]
    assert "بمقتل 352 مدنياً على الأقل" in paraphrase["quote"]
    assert "سجلنا مقتل نحو 352 مدنياً على الأقل" in direct["quote"]
    assert "سجلنا" not in paraphrase["quote"]
    assert (direct["qualifier"], direct["period_start"], direct["period_end"]) == (
        "at_least", "2014-08", "2017-04-30",
    )  # fmt: skip
    assert paraphrase["period_end"] == "2017-03"
    for claim_id in (
        "oir-2017-04-30-civilian-deaths-45",
        "oir-2017-04-30-civilian-deaths-march-26",
    ):
        assert by_id[claim_id]["metric"] == "civilian-deaths-first-reported"
        assert "re-audit" in by_id[claim_id]["notes"].lower()
    for claim in (paraphrase, direct, by_id["mp-hussein-2017-civilian-deaths-more-than-20000"]):
        assert "re-audit" in claim["notes"].lower()


# The miscodings of issue 12, planted in a copy of the seed data: each gives its claim an error.
PLANTED = {
    "srg-2019-civilian-deaths-3712": {"value": "712", "value_text": "712"},
    "oir-2019-05-31-civilian-deaths-1302": {"qualifier": "exact"},
    "oir-2017-04-30-airstrikes-more-than-20000": {"value": "20", "value_text": "20"},
}


def test_the_planted_miscodings_are_errors(tmp_path: Path) -> None:
    from datetime import date

    from casualty_schema import validate
    from tests.builder import PackageCopy

    pkg = PackageCopy(tmp_path)
    for claim_id, changes in PLANTED.items():
        pkg.set("claims", claim_id, **changes)
    report = validate(pkg.descriptor, today=date(2026, 11, 22))
    errors = {(f.key, f.rule) for f in report.findings if f.severity == "error"}
    assert errors == {
        ("srg-2019-civilian-deaths-3712", "quote.value"),
        ("oir-2019-05-31-civilian-deaths-1302", "quote.qualifier"),
        ("oir-2017-04-30-airstrikes-more-than-20000", "quote.value"),
    }
