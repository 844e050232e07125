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


def _covered(
    pairs: pl.DataFrame, closure: pl.DataFrame, a: str, b: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """For the pairs (indexed by their position, ``pair``): each place of list column ``a``
    that is one of ``b``'s places or lies inside one; and ``a``'s places per pair."""
    indexed = pairs.select(a, b).with_row_index("pair")
    a_places = indexed.select("pair", pl.col(a).alias("place_id")).explode("place_id")
    b_places = indexed.select("pair", pl.col(b).alias("ancestor_id")).explode("ancestor_id")
    return (
        a_places.join(closure, on="place_id")
        .join(b_places, on=["pair", "ancestor_id"], how="semi")
        .select("pair", "place_id")
        .unique()
    ), a_places


def _per_pair(pairs: pl.DataFrame, values: pl.DataFrame, column: str) -> pl.Series:
    """``values`` (pair, column) aligned with the rows of ``pairs``, missing as null."""
    return (
        pl.DataFrame({"pair": pl.int_range(0, pairs.height, dtype=pl.UInt32, eager=True)})
        .join(values, on="pair", how="left")
        .sort("pair")
        .get_column(column)
    )


def places_within(
    pairs: pl.DataFrame, closure: pl.DataFrame, a: str = "places", b: str = "places_b"
) -> pl.Series:
    """For each pair, whether every place of list column ``a`` is one of ``b``'s places or
    lies inside one (``closure``: place_id, ancestor_id, self included)."""
    if pairs.is_empty():
        return pl.Series("places_within", [], dtype=pl.Boolean)
    covered, a_places = _covered(pairs, closure, a, b)
    counts = covered.group_by("pair").len("covered").join(
        a_places.drop_nulls().unique().group_by("pair").len("needed"), on="pair", how="full",
        coalesce=True,
    )  # fmt: skip
    verdict = counts.select(
        "pair", (pl.col("covered").fill_null(0) == pl.col("needed").fill_null(0)).alias("x")
    )
    return _per_pair(pairs, verdict, "x").fill_null(True).alias("places_within")


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
    covered, _a_places = _covered(pairs, closure, a, b)
    hit = covered.select("pair").unique().with_columns(pl.lit(True).alias("hit"))
    return _per_pair(pairs, hit, "hit").fill_null(False).alias("any")
