"""Rules across the claims of one claimant: a part may not exceed an enclosing whole.

Two claims of the same claimant, perpetrator and additive flow metric are compared when
A's period lies within B's (A's span, from the earliest day of its period_start to the
latest day of its period_end, lies within B's span) and A's places lie within B's (each
place of A is one of B's or inside one, through places.parent_id).

Only the pairs that could break a rule are ever formed, without a cross join, and claims
are named by their row (an integer) until the few pairs found are reported:

- B needs an upper bound, and A a lower bound above it: ``lower(A) > upper_rounded(B)``;
  a claim whose lower bound does not exceed its group's least upper bound is no A;
- each place of A is expanded to its containers (the place closure) and must meet a place
  of B: the join key is (group, place), so claims about different towns never meet;
- a B of one day (an incident) can only enclose claims of that day: an equi-join on
  (group, place, day);
- for the Bs that span days (monthly or cumulative totals), polars's ``join_where`` would
  join every part with every total of its key before looking at the bounds (it equi-joins
  on the key and filters the rest). So a one-day A is first compared with the least upper
  bound of the totals covering its day, a piecewise-constant function per key found by an
  as-of join (:func:`_least_upper`); only the As above it (none in clean data), and the As
  that span days (the totals themselves, few), are joined with the totals, in chunks.

A pair is kept when every place of A met a place of B. A large package is searched a few
groups at a time (:data:`BUCKET_CLAIMS`), which bounds the memory. The cost grows with the
claims and the depth of the place tree, not with the number of totals per claimant, nor with
the square of a claimant's claims (tests/test_series_pairs.py compares the pruned search with
the plain join).
"""

from __future__ import annotations

import polars as pl

from casualty_schema.findings import Severity
from casualty_schema.frames import Frames
from casualty_schema.rules.registry import rule

GROUP = ("claimant_id", "perpetrator_id", "metric")
# What both series rules read: the claims' group, span, places and bounds, and the words of
# the report; the metrics' kind; the place tree.
SERIES_READS = {
    "claims": (
        "claim_id", *GROUP, "places", "period_start", "period_end", "claim_date",
        "qualifier", "value", "value_max", "value_text",
    ),
    "metrics": ("metric_id", "kind", "additive"),
    "places": ("place_id", "parent_id"),
}  # fmt: skip
KEY_SPAN = 2**32  # more places than any tree holds: (group, place) keys never collide
REPORT_A = (
    "claim_id", "__row", "__line", "value_text", "lower", "claim_date", "claim_date_earliest",
)  # fmt: skip
REPORT_B = (
    "claim_id", "qualifier", "value_text", "upper", "upper_rounded", "claim_date",
    "claim_date_latest",
)  # fmt: skip


def _keyed(frames: Frames) -> pl.DataFrame:
    """Claims of additive flow metrics with their group and span as integers (days), each
    named by its row (``id``): ids, keys and bounds only, the words of the report are joined to
    the few pairs at the end."""
    keyed = (
        frames.claims.lazy()  # lazy: only the columns selected below are filtered
        .filter(
            (pl.col("metric_kind") == "flow")
            & pl.col("metric_additive")
            # a period out of order is dates.order's to report; it encloses nothing
            & (pl.col("period_start_earliest") <= pl.col("period_end_latest"))
        )
        .select(
            pl.col("__row").alias("id"),
            *[pl.col(c).cast(pl.Categorical).to_physical().alias(c) for c in GROUP],
            pl.col("period_start_earliest").cast(pl.Int64).alias("start"),
            pl.col("period_end_latest").cast(pl.Int64).alias("end"),
            "lower",
            "upper_rounded",
            "places",
        )
        .collect()
    )
    return keyed.select("id", _group_id(keyed).alias("group"), pl.exclude("id", *GROUP))


def _group_id(keyed: pl.DataFrame) -> pl.Series:
    """An integer per (claimant, perpetrator, metric), below 2**31, from the category codes
    of the three texts: each code numbered among the column's distinct codes, the numbers
    combined in mixed radix (exact; ranking the three as a struct costs ten times as much).
    Should the product of the columns' distinct counts pass 2**31, the struct is ranked."""
    numbered, size = [], 1
    for name in GROUP:
        distinct = keyed.get_column(name).unique()
        numbers = pl.int_range(len(distinct), dtype=pl.Int64, eager=True)
        numbered.append(keyed.get_column(name).replace_strict(distinct, numbers))
        size *= max(len(distinct), 1)
    if size >= 1 << 31:
        return keyed.select(pl.struct(GROUP).rank("dense").cast(pl.Int64)).to_series()
    group = numbered[0]
    for name, number in zip(GROUP[1:], numbered[1:], strict=True):
        group = group * keyed.get_column(name).n_unique() + number
    return group


def _place_index(frames: Frames) -> pl.DataFrame:
    """(pid, place_id): each place as an integer, its row in places.csv."""
    return frames.places.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("pid"), "place_id")


def _by_place(keyed: pl.DataFrame, index: pl.DataFrame) -> pl.DataFrame:
    """``keyed`` with one row per claim and distinct place: ``pid``, the place as an integer
    (its ``index`` entry), null for a place places.csv lacks (refs.places reports it; it
    lies within nothing, and two such places of one claim count as one: either way the claim
    has a place no whole can cover)."""
    several = pl.col("places").list.len() > 1
    exploded = [
        claims.explode("places")
        .filter(pl.col("places").is_not_null())
        .join(index, left_on="places", right_on="place_id", how="left")
        .drop("places")
        for claims in (keyed.filter(~several), keyed.filter(several))
    ]
    # a place listed twice by one claim counts once (only a list of several can repeat one)
    return pl.concat([exploded[0], exploded[1].unique(["id", "pid"], keep="any")])


#: Parts joined with the wholes at a time: bounds the memory of the pair join at any size.
CHUNK = 500_000


def _least_upper(span: pl.DataFrame) -> pl.DataFrame:
    """(key, at, least): for each key, the days where the set of wholes covering a day
    changes, and from each such day on, the least upper bound of the wholes covering it
    (null: none does). A piecewise-constant function of the day, with few pieces per key."""
    at = pl.concat(
        [
            span.select("key", pl.col("start_b").alias("at")),
            span.select("key", (pl.col("end_b") + 1).alias("at")),
        ]
    ).unique()
    covers = (pl.col("start_b") <= pl.col("at")) & (pl.col("end_b") >= pl.col("at"))
    return (
        at.join(span.select("key", "start_b", "end_b", "upper_b"), on="key")
        .group_by("key", "at")
        .agg(pl.col("upper_b").filter(covers).min().alias("least"))
        .sort("at")
    )


def _suspects(a: pl.DataFrame, span: pl.DataFrame) -> pl.DataFrame:
    """The rows of ``a`` of the parts that may lie within a whole of ``span`` with an upper
    bound below their lower bound. A whole that encloses a one-day part covers its day, so
    a one-day part whose lower bound does not exceed the least upper bound of the wholes
    covering that day (:func:`_least_upper`, found by an as-of join) is cleared without
    forming its pairs; the parts over several days (few: the totals) are all kept."""
    one_day = (
        a.filter(pl.col("start") == pl.col("end"))
        .select("id", "key", "start", "lower")
        .join(span.select("key").unique(), on="key", how="semi")  # keys with no whole: cleared
    )
    cleared_or_not = one_day.sort("start").join_asof(
        _least_upper(span),
        left_on="start",
        right_on="at",
        by="key",
        strategy="backward",
        check_sortedness=False,  # both sorted on the day; sorted within each key therefore
    )
    suspect = pl.concat(
        [
            cleared_or_not.filter(pl.col("lower") > pl.col("least")).select("id"),
            a.filter(pl.col("start") != pl.col("end")).select("id"),
        ]
    ).unique()
    return a.join(suspect, on="id", how="semi")


def _met(a: pl.DataFrame, b: pl.DataFrame) -> pl.DataFrame:
    """(id, id_b, pid): part ``id``'s place ``pid`` lies in a place of whole ``id_b`` whose
    period encloses the part's, and the part's lower bound exceeds the whole's upper."""
    point = b.filter(pl.col("start_b") == pl.col("end_b"))
    on_one_day = (
        a.filter(pl.col("start") == pl.col("end"))
        .join(point, left_on=["key", "start"], right_on=["key", "start_b"])
        .filter(pl.col("lower") > pl.col("upper_b"))
        .select("id", "id_b", "pid")
    )
    span = b.filter(pl.col("start_b") < pl.col("end_b")).rename({"key": "key_b"})
    if span.is_empty():
        return on_one_day
    suspects = _suspects(a, span.rename({"key_b": "key"}))
    # polars joins on the key, then filters the pairs on the bounds: in chunks of parts
    over_days = [
        suspects.slice(offset, CHUNK)
        .lazy()
        .join_where(
            span.lazy(),
            pl.col("key") == pl.col("key_b"),
            pl.col("lower") > pl.col("upper_b"),
            pl.col("end") <= pl.col("end_b"),
        )
        .filter(pl.col("start") >= pl.col("start_b"))
        .select("id", "id_b", "pid")
        .collect()
        for offset in range(0, suspects.height, CHUNK)
    ]
    return pl.concat([on_one_day, *over_days])


#: Claims whose pairs are searched at a time, whole groups (claimant, perpetrator, metric) at
#: a time: a part's places with all their containers are the largest frame of the search (68
#: million rows for 10 million claims), and two groups never pair.
BUCKET_CLAIMS = 2_000_000


def _enclosed_pairs(frames: Frames) -> pl.DataFrame:
    """Pairs (A, B), A != B, A within B in period and places, where lower(A) exceeds
    upper_rounded(B): every candidate of series.nesting and series.rounding. Columns: those
    of REPORT_A, and those of REPORT_B suffixed ``_b``."""
    keyed = _keyed(frames)
    if keyed.filter(pl.col("upper_rounded").is_not_null()).is_empty():
        return pl.DataFrame()
    index = _place_index(frames)
    containers = (
        frames.place_closure.join(index, on="place_id")
        .join(index.rename({"place_id": "ancestor_id", "pid": "anc"}), on="ancestor_id")
        .select("pid", "anc")
    )
    buckets = max(1, -(-keyed.height // BUCKET_CLAIMS))
    within = pl.concat(
        [
            _within(keyed.filter(pl.col("group") % buckets == k), index, containers)
            for k in range(buckets)
        ]
        if buckets > 1
        else [_within(keyed, index, containers)]
    )
    if within.is_empty():
        return pl.DataFrame()
    ids = pl.concat([within.get_column("id"), within.get_column("id_b")]).unique()
    report = frames.claims.filter(pl.col("__row").is_in(ids.implode())).select(
        sorted({*REPORT_A, *REPORT_B})
    )
    side_a = report.select(REPORT_A).with_columns(pl.col("__row").alias("id"))
    side_b = report.select(*REPORT_B, pl.col("__row").alias("id_b")).rename(
        {c: f"{c}_b" for c in REPORT_B}
    )
    return within.join(side_a, on="id").join(side_b, on="id_b")


def _within(keyed: pl.DataFrame, index: pl.DataFrame, containers: pl.DataFrame) -> pl.DataFrame:
    """(id, id_b): the pairs of :func:`_enclosed_pairs` among the claims ``keyed``."""
    none = pl.DataFrame(schema={"id": pl.Int64, "id_b": pl.Int64})
    wholes = keyed.filter(pl.col("upper_rounded").is_not_null())
    if wholes.is_empty():
        return none
    least = wholes.group_by("group").agg(pl.col("upper_rounded").min().alias("least"))
    claim_places = _by_place(keyed, index)
    part_places = claim_places.join(least, on="group").filter(pl.col("lower") > pl.col("least"))
    if part_places.is_empty():
        return none
    needed = part_places.group_by("id").len("needed")
    a = part_places.join(containers, on="pid").select(
        "id", "pid", "start", "end", "lower",
        (pl.col("group") * KEY_SPAN + pl.col("anc")).alias("key"),
    )  # fmt: skip
    b = claim_places.filter(
        pl.col("upper_rounded").is_not_null() & pl.col("pid").is_not_null()
    ).select(
        pl.col("id").alias("id_b"),
        (pl.col("group") * KEY_SPAN + pl.col("pid")).alias("key"),
        pl.col("start").alias("start_b"),
        pl.col("end").alias("end_b"),
        pl.col("upper_rounded").alias("upper_b"),
    )
    return (
        _met(a, b)
        .filter(pl.col("id") != pl.col("id_b"))
        .unique()
        .group_by("id", "id_b")
        .len("covered")
        .join(needed, on="id")
        .filter(pl.col("covered") == pl.col("needed"))
        .select(pl.col("id").cast(pl.Int64), pl.col("id_b").cast(pl.Int64))
    )


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
    reads=SERIES_READS,
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
    reads=SERIES_READS,
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
