"""Bounds of a claim: the lower and upper number its qualifier allows.

Derived, never stored (the contract's qualifier table):

==========  ==================  ==================
qualifier   lower               upper
==========  ==================  ==================
exact       value               value
at_least    value               open (null)
more_than   value + 1           open (null)
at_most     0                   value
less_than   0                   value - 1
about       value - band        value + band
range       value               value_max
vague       value               value_max
==========  ==================  ==================

The ``about`` band and the rounding step are the convention of ``docs/data-model.md``
(convention version :data:`CONVENTION_VERSION`); this module is the one place they are
applied. Everything is a polars expression: no Python per row.
"""

from __future__ import annotations

import polars as pl

from casualty_schema.domain import lexicon

# One convention, one version: the band and the rounding step are documented with the
# readings of the numeral lexicon (docs/data-model.md).
CONVENTION_VERSION = lexicon.CONVENTION_VERSION

QUALIFIERS = ("exact", "at_least", "more_than", "at_most", "less_than", "about", "range", "vague")


def rounding_step(value: pl.Expr) -> pl.Expr:
    """10 to the number of trailing zeros of ``value`` (1 for 352, 100 for 1300); 1 for 0."""
    step = pl.lit(1, dtype=pl.Int64)
    for power in range(1, 19):
        unit = 10**power
        step = (
            pl.when((value != 0) & (value % unit == 0)).then(pl.lit(unit, pl.Int64)).otherwise(step)
        )
    return step


def about_band(value: pl.Expr, step: pl.Expr | None = None) -> pl.Expr:
    """Half the rounding step, but never less than 10 % of the value (rounded up)."""
    tenth = (value + 9) // 10
    half_step = (rounding_step(value) if step is None else step) // 2
    return pl.max_horizontal(tenth, half_step)


def lower(
    qualifier: pl.Expr, value: pl.Expr, value_max: pl.Expr, step: pl.Expr | None = None
) -> pl.Expr:
    """The least number the claim allows."""
    return (
        pl.when(qualifier.is_in(["exact", "at_least", "range", "vague"]))
        .then(value)
        .when(qualifier == "more_than")
        .then(value + 1)
        .when(qualifier.is_in(["at_most", "less_than"]))
        .then(pl.lit(0, pl.Int64))
        .when(qualifier == "about")
        .then(pl.max_horizontal(value - about_band(value, step), pl.lit(0, pl.Int64)))
        .otherwise(pl.lit(None, pl.Int64))
    )


def upper(
    qualifier: pl.Expr, value: pl.Expr, value_max: pl.Expr, step: pl.Expr | None = None
) -> pl.Expr:
    """The greatest number the claim allows; null when the claim leaves it open."""
    return (
        pl.when(qualifier == "exact")
        .then(value)
        .when(qualifier == "at_most")
        .then(value)
        .when(qualifier == "less_than")
        .then(value - 1)
        .when(qualifier == "about")
        .then(value + about_band(value, step))
        .when(qualifier.is_in(["range", "vague"]))
        .then(value_max)
        .otherwise(pl.lit(None, pl.Int64))
    )


def with_bounds(claims: pl.DataFrame) -> pl.DataFrame:
    """``claims`` with ``lower``, ``upper`` and ``upper_rounded``, the rounding step computed
    once per distinct value (a column ``_step`` used and dropped)."""
    q, v, m = pl.col("qualifier"), pl.col("value"), pl.col("value_max")
    step = pl.col("_step")
    values = claims.select(v.unique().drop_nulls())
    steps = values.select(rounding_step(v)).to_series()
    return (
        claims.with_columns(
            v.replace_strict(values.to_series(), steps, default=None, return_dtype=pl.Int64)
            .fill_null(1)
            .alias("_step")
        )
        .with_columns(
            lower(q, v, m, step).alias("lower"),
            upper(q, v, m, step).alias("upper"),
        )
        .with_columns(rounded_upper(q, v, m, step, pl.col("upper")).alias("upper_rounded"))
        .drop("_step")
    )


def rounded_upper(
    qualifier: pl.Expr,
    value: pl.Expr,
    value_max: pl.Expr,
    step: pl.Expr | None = None,
    upper_bound: pl.Expr | None = None,
) -> pl.Expr:
    """:func:`upper`, but a round "more than N" / "at least N" is read as below the next step
    of its rounding: more than 20,000 -> 29,999; more than 1,300 -> 1,399 (rule
    ``series.rounding``). A figure with no trailing zero (at least 352) stays open. ``step``
    and ``upper_bound`` may be given when already computed."""
    step = rounding_step(value) if step is None else step
    round_open = qualifier.is_in(["more_than", "at_least"]) & (step > 1)
    return (
        pl.when(round_open)
        .then((value // step + 1) * step - 1)
        .otherwise(upper(qualifier, value, value_max, step) if upper_bound is None else upper_bound)
    )
