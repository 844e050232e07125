"""Rules on repeated claims."""

from __future__ import annotations

import polars as pl

from casualty_schema.findings import Severity
from casualty_schema.frames import Frames
from casualty_schema.rules.registry import rule

SAME = ("source_id", "claimant_id", "metric", "period_start", "period_end", "qualifier", "value")


@rule(
    "duplicates.claim",
    Severity.WARNING,
    "claims",
    "two claims agree on source, claimant, metric, places, period, qualifier and value",
    "repeats claim {first}: same source, claimant, metric, places, period, qualifier and value",
    reads={"claims": ("claim_id", "places", *SAME)},
)
def claim(frames: Frames) -> pl.DataFrame:
    """One figure said twice in one document is one claim: a second row for it double-counts
    every comparison it enters. A differently worded rendering is a restatement instead, with
    its own row and a restates relation. Of a group of duplicates, the claim with the
    smallest claim_id is taken as the original, whatever the order of the rows."""
    if not frames.has("claims"):
        return pl.DataFrame()
    # candidates: alike on the plain columns and the number of places, and on the place
    # itself when there is one (the usual case); then, on those few, the places as sorted text
    places, count = pl.col("places"), pl.col("places").list.len()
    coarse = pl.struct(*SAME, count.alias("n"), pl.when(count == 1).then(places.list.first()))
    keyed = frames.claims.select("__row", "__line", "claim_id", "places", *SAME)
    # rows alike share the hash of each column: those whose combined hash is unique are not
    # alike (the columns hashed side by side, then a duplicate search on one integer)
    first = pl.when(count == 1).then(places.list.first())
    hashes = keyed.select(
        *(pl.col(c).hash(seed) for seed, c in enumerate(SAME)),
        count.hash(len(SAME)).alias("__n"),
        first.hash(len(SAME) + 1).alias("__first"),
    )
    combined = hashes.select(pl.reduce(lambda a, b: a ^ b, pl.all())).to_series()
    keyed = keyed.filter(combined.is_duplicated())
    keyed = keyed.filter(coarse.is_duplicated()).with_columns(
        pl.when(count == 1)
        .then(places.list.first())
        .otherwise(places.list.eval(pl.element().sort()).list.join(","))
        .alias("places_sorted")
    )
    group = [*SAME, "places_sorted"]
    return (
        keyed.with_columns(pl.col("claim_id").min().over(group).alias("first"))
        .filter(pl.col("claim_id") != pl.col("first"))
        .select(
            "__row",
            "__line",
            pl.col("claim_id").alias("key"),
            pl.lit("claim_id").alias("field"),
            pl.col("claim_id").alias("value"),
            "first",
        )
    )
