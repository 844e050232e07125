"""Rules across the claims of one claimant: a part may not exceed an enclosing whole.

Two claims of the same claimant, perpetrator and additive flow metric are compared when
A's period lies within B's (A's span, from the earliest day of its period_start to the
latest day of its period_end, lies within B's span) and A's places lie within B's (each
place of A is one of B's or inside one, through places.parent_id).

Only the pairs that could break a rule are ever formed, without a cross join:

- B needs an upper bound, and A a lower bound above it: ``lower(A) > upper_rounded(B)``;
- each place of A is expanded to its containers (the place closure) and must meet a place
  of B: the join key is (group, place), so claims about different towns never meet;
- a B of one day (an incident) can only enclose claims of that day: an equi-join on
  (group, day, place);
- a B that spans days (a monthly or cumulative total) is joined with polars' ``join_where``
  on the key and two inequalities, ``lower(A) > upper(B)`` and ``end(A) <= end(B)``
  (IEJoin, sort-based: in clean data a whole that ends after the part has counted more, so
  few pairs come out), then filtered on ``start(A) >= start(B)``.

A pair is kept when every place of A met a place of B. The cost grows with the claims, the
depth of the place tree and the candidate pairs, not with the square of a claimant's claims.
"""

from __future__ import annotations

import polars as pl

from casualty_schema.findings import Severity
from casualty_schema.frames import Frames
from casualty_schema.rules.registry import rule

GROUP = ("claimant_id", "perpetrator_id", "metric")
KEY_SPAN = 2**32  # more places than any tree holds: (group, place) keys never collide
REPORT_A = (
    "claim_id", "__row", "__line", "value_text", "lower", "claim_date", "claim_date_earliest",
)  # fmt: skip
REPORT_B = (
    "claim_id", "qualifier", "value_text", "upper", "upper_rounded", "claim_date",
    "claim_date_latest",
)  # fmt: skip


def _keyed(frames: Frames) -> pl.DataFrame:
    """Claims of additive flow metrics with their group and span as integers (days)."""
    # ids, keys and bounds only: the words of the report are joined to the few pairs at the end
    needed = {*GROUP, "claim_id", "places", "lower", "upper_rounded"}
    claims = frames.claims.filter(
        (pl.col("metric_kind") == "flow")
        & pl.col("metric_additive")
        # a period out of order is dates.order's to report; it encloses nothing
        & (pl.col("period_start_earliest") <= pl.col("period_end_latest"))
    )
    claims = claims.select(*sorted(needed), "period_start_earliest", "period_end_latest")
    return claims.with_columns(
        pl.struct(list(GROUP)).rank("dense").cast(pl.Int64).alias("group"),
        pl.col("period_start_earliest").cast(pl.Int64).alias("start"),
        pl.col("period_end_latest").cast(pl.Int64).alias("end"),
    )


def _enclosed_pairs(frames: Frames) -> pl.DataFrame:
    """Pairs (A, B), A != B, A within B in period and places, where lower(A) exceeds
    upper_rounded(B): every candidate of series.nesting and series.rounding. Columns: those
    of REPORT_A, and those of REPORT_B suffixed ``_b``."""
    keyed = _keyed(frames)
    wholes = keyed.filter(pl.col("upper_rounded").is_not_null())
    if wholes.is_empty():
        return pl.DataFrame()
    least = wholes.group_by("group").agg(pl.col("upper_rounded").min().alias("least"))
    parts = (
        keyed.select("claim_id", "group", "start", "end", "lower", "places")
        .join(least, on="group")
        .filter(pl.col("lower") > pl.col("least"))
    )
    if parts.is_empty():
        return pl.DataFrame()
    index = (
        frames.places.select("place_id")
        .with_row_index("pid")
        .with_columns(pl.col("pid").cast(pl.Int64))
    )
    containers = (
        frames.place_closure.join(index, on="place_id")
        .join(index.rename({"place_id": "ancestor_id", "pid": "anc"}), on="ancestor_id")
        .select("place_id", "anc")
    )
    a = parts.select(
        "claim_id", "group", "start", "end", "lower", pl.col("places").alias("place_id")
    )
    a = a.explode("place_id").unique(["claim_id", "place_id"])
    needed = a.group_by("claim_id").len("needed")
    a = a.join(containers, on="place_id").with_columns(
        (pl.col("group") * KEY_SPAN + pl.col("anc")).alias("key")
    )
    b = (
        wholes.select(
            pl.col("claim_id").alias("claim_id_b"),
            "group", "start", "end",
            pl.col("upper_rounded").alias("upper_b"),
            pl.col("places").alias("place_id"),
        )
        .explode("place_id")
        .join(index, on="place_id")
        .select(
            "claim_id_b",
            (pl.col("group") * KEY_SPAN + pl.col("pid")).alias("key"),
            pl.col("start").alias("start_b"),
            pl.col("end").alias("end_b"),
            "upper_b",
        )
    )  # fmt: skip
    point = b.filter(pl.col("start_b") == pl.col("end_b"))
    on_one_day = (
        a.filter(pl.col("start") == pl.col("end"))
        .join(point, left_on=["key", "start"], right_on=["key", "start_b"])
        .filter(pl.col("lower") > pl.col("upper_b"))
    )
    span = b.filter(pl.col("start_b") < pl.col("end_b")).rename({"key": "key_b"})
    # lower(A) > upper(B) with end(A) <= end(B) is the selective pair: a whole that ends
    # after the part has counted at least as much in clean data, so few pairs come out
    over_days = (
        a.lazy()
        .join_where(
            span.lazy(),
            pl.col("key") == pl.col("key_b"),
            pl.col("lower") > pl.col("upper_b"),
            pl.col("end") <= pl.col("end_b"),
        )
        .filter(pl.col("start") >= pl.col("start_b"))
        .collect()
    )
    met = pl.concat(
        [
            on_one_day.select("claim_id", "claim_id_b", "place_id"),
            over_days.select("claim_id", "claim_id_b", "place_id"),
        ]
    )
    within = (
        met.filter(pl.col("claim_id") != pl.col("claim_id_b"))
        .unique()
        .group_by("claim_id", "claim_id_b")
        .len("covered")
        .join(needed, on="claim_id")
        .filter(pl.col("covered") == pl.col("needed"))
        .select("claim_id", "claim_id_b")
    )
    if within.is_empty():
        return pl.DataFrame()
    ids = pl.concat([within.get_column("claim_id"), within.get_column("claim_id_b")]).unique()
    report = frames.claims.filter(pl.col("claim_id").is_in(ids.implode())).select(
        sorted({*REPORT_A, *REPORT_B})
    )
    side_a = report.select(REPORT_A)
    side_b = report.select(REPORT_B).rename({c: f"{c}_b" for c in REPORT_B})
    return within.join(side_a, on="claim_id").join(side_b, on="claim_id_b")


def _report(pairs: pl.DataFrame) -> list[pl.Expr]:
    return [
        pl.col("__row"),
        pl.col("__line"),
        pl.col("claim_id").alias("key"),
        pl.lit("value").alias("field"),
        pl.col("value_text").alias("value"),
        pl.col("lower"),
        pl.col("claim_id_b"),
        pl.col("qualifier_b"),
        pl.col("value_text_b"),
        pl.col("upper_b").alias("upper"),
        pl.col("upper_rounded_b").alias("upper_rounded"),
        pl.col("claim_date"),
        pl.col("claim_date_b"),
    ]


@rule(
    "series.nesting",
    Severity.ERROR,
    "claims",
    "for two claims of one claimant, perpetrator and additive flow metric, where A's period "
    "and places lie within B's: lower(A) ≤ upper(B); a warning when A was claimed after B",
    "at least {lower} over a period and places inside those of claim {claim_id_b}, whose "
    "figure ({qualifier_b} {value_text_b}) allows at most {upper}",
)
def nesting(frames: Frames) -> pl.DataFrame:
    """A count over part of a period, or part of a territory, cannot exceed the same
    claimant's count over the whole: the 34,502 strikes to April 2019 and the 20,000+ to
    March 2017 must each sit inside the right period. When the part was claimed later than
    the whole, late additions can explain it, so it is only a warning."""
    if not frames.has("claims", "metrics", "places"):
        return pl.DataFrame()
    pairs = frames.memo("series.enclosed", lambda: _enclosed_pairs(frames))
    if pairs.is_empty():
        return pairs
    later = pl.col("claim_date_earliest") > pl.col("claim_date_latest_b")
    return pairs.filter(
        pl.col("upper_b").is_not_null() & (pl.col("lower") > pl.col("upper_b"))
    ).select(
        *_report(pairs),
        pl.when(later).then(pl.lit("warning")).otherwise(pl.lit("error")).alias("severity"),
    )


@rule(
    "series.rounding",
    Severity.WARNING,
    "claims",
    "as series.nesting, with a round 'more than N' / 'at least N' read as below the next "
    "step of its rounding (more than 20,000 → below 30,000)",
    "at least {lower} over a period and places inside those of claim {claim_id_b}, whose "
    "round figure ({qualifier_b} {value_text_b}) suggests below {upper_rounded}",
)
def rounding(frames: Frames) -> pl.DataFrame:
    """ "More than 20,000" leaves the top open, but nobody says it of 35,000: a part well
    above the next step of the whole's round figure suggests a mix-up of figures or periods.
    Speakers do understate, so this is a warning."""
    if not frames.has("claims", "metrics", "places"):
        return pl.DataFrame()
    pairs = frames.memo("series.enclosed", lambda: _enclosed_pairs(frames))
    if pairs.is_empty():
        return pairs
    return pairs.filter(pl.col("upper_b").is_null()).select(*_report(pairs))
