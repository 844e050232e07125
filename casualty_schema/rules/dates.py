"""Rules on partial dates: real days, in order, inside the package's coverage."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from casualty_schema.domain import partial_date
from casualty_schema.findings import Severity
from casualty_schema.frames import Frames
from casualty_schema.rules.registry import rule

# The partial-date fields of each resource, the key that names its rows, and the prefix of
# the derived earliest/latest columns (casualty_schema.frames).
DATE_FIELDS = {
    "claims": ("claim_id", {"claim_date": "claim_date", "period_start": "period_start",
                            "period_end": "period_end"}),
    "sources": ("source_id", {"published_date": "published"}),
}  # fmt: skip


# What the date rules read: every partial date and the key naming its row.
DATE_READS = {
    "claims": ("claim_id", "claim_date", "period_start", "period_end"),
    "sources": ("source_id", "published_date"),
}


def _dates_where(
    frames: Frames, where: Callable[[pl.Expr, pl.Expr, pl.Expr], pl.Expr]
) -> pl.DataFrame:
    """One row per (resource, row, date field) where ``where(text, earliest, latest)`` holds:
    its text, earliest and latest day (only those rows: at 10 million claims every date
    would be 3 GB)."""
    parts = []
    for resource, (key, fields) in DATE_FIELDS.items():
        if not frames.has(resource):
            continue
        table = frames.claims if resource == "claims" else frames.sources
        for name, prefix in fields.items():
            earliest, latest = pl.col(f"{prefix}_earliest"), pl.col(f"{prefix}_latest")
            parts.append(
                table.filter(where(pl.col(name), earliest, latest)).select(
                    pl.lit(resource).alias("resource"),
                    "__row",
                    "__line",
                    pl.col(key).alias("key"),
                    pl.lit(name).alias("field"),
                    pl.col(name).alias("value"),
                    earliest.alias("earliest"),
                    latest.alias("latest"),
                )
            )
    return pl.concat(parts) if parts else pl.DataFrame()


@rule(
    "dates.calendar",
    Severity.ERROR,
    "claims",
    "every partial date is a real calendar date (2017-02-30 is not)",
    "{field} {value} is not a calendar date",
    reads=DATE_READS,
)
def calendar(frames: Frames) -> pl.DataFrame:
    """A partial date stands for the days it names; a month 13 or a 30 February names none,
    and every comparison with it would be meaningless."""
    return _dates_where(frames, lambda text, first, _last: text.is_not_null() & first.is_null())


# (earlier field, later field) pairs that must be in order on a claim.
ORDER = (
    ("period_start", "period_end"),
    ("period_end", "claim_date"),
    ("claim_date", "published_date"),
)


@rule(
    "dates.order",
    Severity.ERROR,
    "claims",
    "period_start ≤ period_end ≤ claim_date ≤ the source's published_date "
    "(A ≤ B when earliest(A) ≤ latest(B))",
    "{before} {before_value} is after {after} {after_value}",
    reads={
        "claims": ("claim_id", "source_id", "period_start", "period_end", "claim_date"),
        "sources": ("source_id", "published_date"),
    },
)
def order(frames: Frames) -> pl.DataFrame:
    """A count cannot end before it starts, nor cover days after it was claimed, and a claim
    cannot be made after the document reporting it was published. Partial dates compare as
    intervals: A ≤ B holds when A's earliest day is not after B's latest day, so only a
    certain disorder is reported. The finding names the claim's own field: the later one of
    the pair, but claim_date against the source's published_date (a field of sources)."""
    if not frames.has("claims"):
        return pl.DataFrame()
    claims = frames.claims
    parts = []
    for before, after in ORDER:
        if after not in claims.columns:
            continue
        early = "published_earliest" if before == "published_date" else f"{before}_earliest"
        late = "published_latest" if after == "published_date" else f"{after}_latest"
        of_source = after == "published_date"
        blamed = before if of_source else after
        parts.append(
            claims.filter(pl.col(early) > pl.col(late)).select(
                "__row",
                "__line",
                pl.col("claim_id").alias("key"),
                pl.lit(blamed).alias("field"),
                pl.col(blamed).alias("value"),
                pl.lit(before).alias("before"),
                pl.col(before).alias("before_value"),
                pl.lit(after).alias("after"),
                (
                    pl.format("{} (of source {})", after, "source_id")
                    if of_source
                    else pl.col(after)
                ).alias("after_value"),
            )
        )
    return pl.concat(parts)


@rule(
    "dates.coverage",
    Severity.ERROR,
    "claims",
    "every date overlaps the package's temporal window and none begins after today",
    "{field} {value} {problem}",
    reads=DATE_READS,
)
def coverage(frames: Frames) -> pl.DataFrame:
    """The package declares the window it covers (``temporal``); a date wholly outside it is
    a typo or a claim that belongs elsewhere. A date that begins after today has not
    happened."""
    start, end = frames.package.temporal
    start_day = partial_date.earliest(pl.lit(start)) if start else None
    end_day = partial_date.latest(pl.lit(end)) if end else None
    today = pl.lit(frames.today)

    def outside(_text: pl.Expr, earliest: pl.Expr, latest: pl.Expr) -> pl.Expr:
        found = earliest > today
        if start_day is not None:
            found = found | (latest < start_day)
        if end_day is not None:
            found = found | (earliest > end_day)
        return found

    dates = _dates_where(frames, outside)
    if dates.is_empty():
        return dates
    problems = []
    if start_day is not None:
        problems.append(
            dates.filter(pl.col("latest") < start_day).with_columns(
                problem=pl.lit(f"ends before the package's temporal start {start}")
            )
        )
    if end_day is not None:
        problems.append(
            dates.filter(pl.col("earliest") > end_day).with_columns(
                problem=pl.lit(f"begins after the package's temporal end {end}")
            )
        )
    problems.append(
        dates.filter(pl.col("earliest") > pl.lit(frames.today)).with_columns(
            problem=pl.lit(f"begins after today ({frames.today.isoformat()})")
        )
    )
    return pl.concat(problems)


@rule(
    "dates.stock-instant",
    Severity.ERROR,
    "claims",
    "a claim on a stock metric has period_start = period_end",
    "{metric} is a stock (a level at one instant), but the period runs from "
    "{period_start} to {value}",
    reads={
        "claims": ("claim_id", "metric", "period_start", "period_end"),
        "metrics": ("metric_id", "kind"),
    },
)
def stock_instant(frames: Frames) -> pl.DataFrame:
    """A stock, such as reports still open, is a level at one instant: a period makes no
    sense for it, and a stock claim with one is usually a flow coded on the wrong metric."""
    if not frames.has("claims", "metrics"):
        return pl.DataFrame()
    return frames.claims.filter(
        (pl.col("metric_kind") == "stock") & (pl.col("period_start") != pl.col("period_end"))
    ).select(
        "__row",
        "__line",
        pl.col("claim_id").alias("key"),
        pl.lit("period_end").alias("field"),
        pl.col("period_end").alias("value"),
        "metric",
        "period_start",
    )
