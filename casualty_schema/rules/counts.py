"""Rules on the number of a claim and its hedge."""

from __future__ import annotations

import polars as pl

from casualty_schema.findings import Severity
from casualty_schema.frames import Frames
from casualty_schema.rules.registry import rule

WITH_MAX = ("range", "vague")


@rule(
    "counts.bounds",
    Severity.ERROR,
    "claims",
    "value_max is set exactly for range and vague, and value_max ≥ value",
    "{problem}",
    reads={"claims": ("claim_id", "qualifier", "value", "value_max")},
)
def bounds(frames: Frames) -> pl.DataFrame:
    """A range or a vague quantity has two ends and needs both; any other qualifier has one
    number, and a value_max beside it would be silently ignored by every bound."""
    if not frames.has("claims"):
        return pl.DataFrame()
    claims = frames.claims
    needs_max = pl.col("qualifier").is_in(WITH_MAX)
    has_max = pl.col("value_max").is_not_null()
    base = ["__row", "__line", pl.col("claim_id").alias("key"), pl.lit("value_max").alias("field")]
    missing = claims.filter(needs_max & ~has_max).select(
        *base,
        pl.lit(None, pl.String).alias("value"),
        pl.format("qualifier {} needs value_max (the upper end)", "qualifier").alias("problem"),
    )
    extra = claims.filter(~needs_max & has_max).select(
        *base,
        pl.col("value_max").cast(pl.String).alias("value"),
        pl.format(
            "value_max {} is set, but qualifier {} has no upper end to give",
            "value_max",
            "qualifier",
        ).alias("problem"),
    )
    reversed_ = claims.filter(has_max & (pl.col("value_max") < pl.col("value"))).select(
        *base,
        pl.col("value_max").cast(pl.String).alias("value"),
        pl.format("value_max {} is less than value {}", "value_max", "value").alias("problem"),
    )
    return pl.concat([missing, extra, reversed_])
