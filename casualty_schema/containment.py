"""Containment of claims in each other: periods as spans of days, places through parent_id.

Shared by the series and relations rules. All of it works on frames of *pairs* of claims,
whose columns for the second claim end in ``_b``.
"""

from __future__ import annotations

import polars as pl


def period_within(a: str = "", b: str = "_b") -> pl.Expr:
    """A's span (earliest day of period_start … latest day of period_end) lies within B's."""
    return (pl.col(f"period_start_earliest{a}") >= pl.col(f"period_start_earliest{b}")) & (
        pl.col(f"period_end_latest{a}") <= pl.col(f"period_end_latest{b}")
    )


def periods_disjoint(a: str = "", b: str = "_b") -> pl.Expr:
    """A's and B's spans share no day, whatever days their partial dates stand for."""
    return (pl.col(f"period_end_latest{a}") < pl.col(f"period_start_earliest{b}")) | (
        pl.col(f"period_end_latest{b}") < pl.col(f"period_start_earliest{a}")
    )


def places_within(
    pairs: pl.DataFrame, closure: pl.DataFrame, a: str = "places", b: str = "places_b"
) -> pl.Series:
    """For each pair, whether every place of list column ``a`` is one of ``b``'s places or
    lies inside one (``closure``: place_id, ancestor_id, self included)."""
    if pairs.is_empty():
        return pl.Series("places_within", [], dtype=pl.Boolean)
    indexed = pairs.select(a, b).with_row_index("pair")
    a_places = indexed.select("pair", pl.col(a).alias("place_id")).explode("place_id")
    b_places = indexed.select("pair", pl.col(b).alias("ancestor_id")).explode("ancestor_id")
    covered = (
        a_places.join(closure, on="place_id")
        .join(b_places, on=["pair", "ancestor_id"], how="semi")
        .select("pair", "place_id")
        .unique()
        .group_by("pair")
        .len("covered")
    )
    needed = a_places.drop_nulls().unique().group_by("pair").len("needed")
    verdict = (
        indexed.select("pair")
        .join(needed, on="pair", how="left")
        .join(covered, on="pair", how="left")
        .sort("pair")
        .select((pl.col("covered").fill_null(0) == pl.col("needed").fill_null(0)).alias("x"))
    )
    return verdict.get_column("x").alias("places_within")


def places_overlap(pairs: pl.DataFrame, closure: pl.DataFrame) -> pl.Series:
    """For each pair, whether some place of A and some place of B overlap (one contains the
    other, or they are the same)."""
    forward = places_within_any(pairs, closure, "places", "places_b")
    backward = places_within_any(pairs, closure, "places_b", "places")
    return (forward | backward).alias("places_overlap")


def places_within_any(pairs: pl.DataFrame, closure: pl.DataFrame, a: str, b: str) -> pl.Series:
    """For each pair, whether some place of ``a`` is one of ``b``'s or inside one."""
    if pairs.is_empty():
        return pl.Series("any", [], dtype=pl.Boolean)
    indexed = pairs.select(a, b).with_row_index("pair")
    a_places = indexed.select("pair", pl.col(a).alias("place_id")).explode("place_id")
    b_places = indexed.select("pair", pl.col(b).alias("ancestor_id")).explode("ancestor_id")
    hit = (
        a_places.join(closure, on="place_id")
        .join(b_places, on=["pair", "ancestor_id"], how="semi")
        .select("pair")
        .unique()
        .with_columns(pl.lit(True).alias("hit"))
    )
    return (
        indexed.select("pair")
        .join(hit, on="pair", how="left")
        .sort("pair")
        .get_column("hit")
        .fill_null(False)
        .alias("any")
    )
