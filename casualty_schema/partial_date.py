"""Partial dates: ISO 8601 calendar dates at year, month or day precision.

``2014`` stands for 2014-01-01 … 2014-12-31, ``2017-03`` for 2017-03-01 … 2017-03-31,
``2019-04-30`` for that day. Comparisons use the interval: its :func:`earliest` and
:func:`latest` day. A partial date that is not a real calendar date (``2017-02-30``) has
neither: both are null, and rule ``dates.calendar`` reports it.

Everything here is a polars expression over a String column: no Python per row.
"""

from __future__ import annotations

import polars as pl

# The text form; the descriptor's pattern enforces it, this only splits it.
PATTERN = r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$"


def _parts(text: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    year = text.str.extract(PATTERN, 1).cast(pl.Int32, strict=False)
    month = text.str.extract(PATTERN, 2).cast(pl.Int8, strict=False)
    day = text.str.extract(PATTERN, 3).cast(pl.Int8, strict=False)
    return year, month, day


def precision(text: pl.Expr) -> pl.Expr:
    """ "year", "month" or "day"; null for text that is not a partial date."""
    year, month, day = _parts(text)
    return (
        pl.when(day.is_not_null())
        .then(pl.lit("day"))
        .when(month.is_not_null())
        .then(pl.lit("month"))
        .when(year.is_not_null())
        .then(pl.lit("year"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )


def is_calendar_date(text: pl.Expr) -> pl.Expr:
    """True when the partial date names real days (month 1-12, day within its month)."""
    return earliest(text).is_not_null()


def earliest(text: pl.Expr) -> pl.Expr:
    """The first day the partial date stands for (a polars Date), null when it is not one."""
    year, month, day = _parts(text)
    first = pl.date(year, month.fill_null(1), day.fill_null(1))
    return pl.when(_valid(year, month, day)).then(first).otherwise(pl.lit(None, dtype=pl.Date))


def latest(text: pl.Expr) -> pl.Expr:
    """The last day the partial date stands for (a polars Date), null when it is not one."""
    year, month, day = _parts(text)
    month_start = pl.date(year, month.fill_null(12), pl.lit(1, dtype=pl.Int8))
    last = (
        pl.when(day.is_not_null())
        .then(pl.date(year, month, day))
        .otherwise(month_start.dt.month_end())
    )
    return pl.when(_valid(year, month, day)).then(last).otherwise(pl.lit(None, dtype=pl.Date))


def _valid(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    month_ok = month.is_null() | month.is_between(1, 12)
    safe_month = pl.when(month_ok).then(month.fill_null(1)).otherwise(pl.lit(1, dtype=pl.Int8))
    days_in_month = pl.date(year, safe_month, pl.lit(1, dtype=pl.Int8)).dt.month_end().dt.day()
    day_ok = day.is_null() | (day.is_between(1, 31) & (day <= days_in_month))
    return year.is_not_null() & month_ok & day_ok & (month.is_not_null() | day.is_null())
