"""Rules across the claims of one claimant: a part may not exceed an enclosing whole.

Two claims of the same claimant, perpetrator and additive flow metric are compared when
A's period lies within B's (A's span, from the earliest day of its period_start to the
latest day of its period_end, lies within B's span) and A's places lie within B's (each
place of A is one of B's or inside one, through places.parent_id).

Containment is found without a cross join: each claim gets two keys that put its group
and its span on one line, ``group * 2^32 + day``; "A.start_key >= B.start_key and
A.end_key <= B.end_key" then holds exactly when A and B are in the same group and A's span
lies within B's, and polars answers two such inequalities with an IEJoin (sort-based,
O(n log n + pairs)). Only claims that could break the rule enter the join: B needs an upper
bound, and A a lower bound above the smallest upper bound of its group.
"""

from __future__ import annotations

import polars as pl

from casualty_schema.containment import places_within
from casualty_schema.findings import Severity
from casualty_schema.frames import Frames
from casualty_schema.rules.registry import rule

GROUP = ("claimant_id", "perpetrator_id", "metric")
DAY_SPAN = 2**32  # far more days than a calendar holds: keys of two groups never overlap
EPOCH_OFFSET = 2**31


def _keyed(frames: Frames) -> pl.DataFrame:
    """Claims of additive flow metrics with their group and containment keys."""
    claims = frames.claims.filter(
        (pl.col("metric_kind") == "flow")
        & pl.col("metric_additive")
        # a period out of order is dates.order's to report; it encloses nothing
        & (pl.col("period_start_earliest") <= pl.col("period_end_latest"))
    )
    group = pl.struct(list(GROUP)).rank("dense").cast(pl.Int64)
    start = pl.col("period_start_earliest").cast(pl.Int64) + EPOCH_OFFSET
    end = pl.col("period_end_latest").cast(pl.Int64) + EPOCH_OFFSET
    return claims.with_columns(group.alias("group")).with_columns(
        (pl.col("group") * DAY_SPAN + start).alias("start_key"),
        (pl.col("group") * DAY_SPAN + end).alias("end_key"),
    )


def _enclosed_pairs(frames: Frames) -> pl.DataFrame:
    """Pairs (A, B), A != B, A within B in period and places, where lower(A) exceeds
    upper_rounded(B): every candidate of series.nesting and series.rounding."""
    keyed = _keyed(frames)
    wholes = keyed.filter(pl.col("upper_rounded").is_not_null())
    if wholes.is_empty():
        return pl.DataFrame()
    least_upper = wholes.group_by("group").agg(pl.col("upper_rounded").min().alias("least"))
    parts = keyed.join(least_upper, on="group").filter(pl.col("lower") > pl.col("least"))
    columns = [
        "claim_id", "__row", "__line", "start_key", "end_key", "lower", "upper",
        "upper_rounded", "places", "claim_date", "claim_date_earliest", "claim_date_latest",
        "value_text", "qualifier", "claimant_id", "metric",
    ]  # fmt: skip
    a = parts.select(columns)
    b = wholes.select(columns).rename({c: f"{c}_b" for c in columns})
    pairs = a.join_where(
        b,
        pl.col("start_key") >= pl.col("start_key_b"),
        pl.col("end_key") <= pl.col("end_key_b"),
    ).filter(
        (pl.col("claim_id") != pl.col("claim_id_b")) & (pl.col("lower") > pl.col("upper_rounded_b"))
    )
    return _places_within(pairs, frames)


def _places_within(pairs: pl.DataFrame, frames: Frames) -> pl.DataFrame:
    """Keep the pairs whose every place of A is one of B's places or inside one."""
    if pairs.is_empty():
        return pairs
    return pairs.filter(places_within(pairs, frames.place_closure))


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
