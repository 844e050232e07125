"""Partial dates: ISO 8601 calendar dates at year, month or day precision.

``2014`` stands for 2014-01-01 … 2014-12-31, ``2017-03`` for 2017-03-01 … 2017-03-31,
``2019-04-30`` for that day. Comparisons use the interval: its :func:`earliest` and
:func:`latest` day. A partial date that is not a real calendar date (``2017-02-30``) has
neither: both are null, and rule ``dates.calendar`` reports it.

Everything here is a polars expression over a String column: no Python per row, and no
regular expression — a partial date is told by its length (4, 7 or 10 characters, the
descriptor's pattern having checked its form) and completed to a full date for one strict
parse.
"""

from __future__ import annotations

import polars as pl

# The form the descriptor's pattern gives; shorter texts are completed to a full date.
PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
_FORM = {4: "year", 7: "month", 10: "day"}


def _is_form(text: pl.Expr) -> pl.Expr:
    return text.str.contains(PATTERN)


def precision(text: pl.Expr) -> pl.Expr:
    """ "year", "month" or "day"; null for text that is not a partial date."""
    length = text.str.len_bytes()
    out = pl.lit(None, dtype=pl.String)
    for size, name in _FORM.items():
        out = pl.when(length == size).then(pl.lit(name)).otherwise(out)
    return pl.when(_is_form(text)).then(out).otherwise(pl.lit(None, dtype=pl.String))


def earliest(text: pl.Expr) -> pl.Expr:
    """The first day the partial date stands for (a polars Date), null when it is not one."""
    length = text.str.len_bytes()
    full = (
        pl.when(length == 4)
        .then(text + "-01-01")
        .when(length == 7)
        .then(text + "-01")
        .when(length == 10)
        .then(text)
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    # strict=False: a 30 February (or any text that is no date) is null
    return full.str.to_date("%Y-%m-%d", strict=False)


def latest(text: pl.Expr, first: pl.Expr | None = None) -> pl.Expr:
    """The last day the partial date stands for (a polars Date), null when it is not one.
    ``first``, when given, is the already computed :func:`earliest` of the same text."""
    first = earliest(text) if first is None else first
    length = text.str.len_bytes()
    return (
        pl.when(first.is_null())
        .then(pl.lit(None, dtype=pl.Date))
        .when(length == 4)
        .then(pl.date(first.dt.year(), 12, 31))
        .when(length == 7)
        .then(first.dt.month_end())
        .otherwise(first)
    )


def is_calendar_date(text: pl.Expr) -> pl.Expr:
    """True when the partial date names real days (month 1-12, day within its month)."""
    return earliest(text).is_not_null()
