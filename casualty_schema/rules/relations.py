"""Rules on relations: each relation must hold between the two claims it links."""

from __future__ import annotations

import polars as pl

from casualty_schema.domain.containment import (
    period_within,
    periods_disjoint,
    places_overlap,
    places_within,
)
from casualty_schema.findings import Severity
from casualty_schema.frames import Frames
from casualty_schema.rules.registry import rule

CLAIM_COLUMNS = (
    "claim_id", "__row", "__line", "claimant_id", "perpetrator_id", "metric", "places",
    "period_start", "period_end", "period_start_earliest", "period_start_latest",
    "period_end_earliest", "period_end_latest",
    "claim_date", "claim_date_earliest", "claim_date_latest", "qualifier", "value",
    "value_text", "lower", "upper", "metric_kind", "metric_additive",
)  # fmt: skip


# What every relations rule reads (:func:`related`): the relation, and both claims' columns
# above, through their canonical fields; part_of also walks the place tree (PLACES).
RELATION_READS = {
    "relations": ("claim_id", "relation", "related_claim_id"),
    "claims": (
        "claim_id", "claimant_id", "perpetrator_id", "metric", "places", "period_start",
        "period_end", "claim_date", "qualifier", "value", "value_max", "value_text",
    ),
    "metrics": ("metric_id", "kind", "additive"),
}  # fmt: skip
PLACES = {"places": ("place_id", "parent_id")}


def related(frames: Frames, relation: str) -> pl.DataFrame:
    """The ``relation`` rows with both claims: the claim's columns, then the related
    claim's columns suffixed ``_b``; ``__row``/``__line`` are the relation's."""
    # without a usable metrics resource the claims have no metric kind: unknown, not an error
    kinds = {"metric_kind": pl.String, "metric_additive": pl.Boolean}
    missing = {c: t for c, t in kinds.items() if c not in frames.claims.columns}
    claims = (
        frames.claims.with_columns(pl.lit(None, t).alias(c) for c, t in missing.items())
        .select(CLAIM_COLUMNS)
        .drop("__row", "__line")
    )
    rows = frames.relations.filter(pl.col("relation") == relation)
    return rows.join(claims, on="claim_id").join(
        claims.rename({c: f"{c}_b" for c in claims.columns}),
        left_on="related_claim_id",
        right_on="claim_id_b",
    )


def _findings(pairs: pl.DataFrame, checks: dict[str, tuple[pl.Expr, pl.Expr]]) -> pl.DataFrame:
    """One finding per relation row and failed check: {field: (holds, message)}."""
    key = pl.concat_str(["claim_id", "relation", "related_claim_id"], separator=", ")
    parts = [
        pairs.filter(~holds.fill_null(True)).select(
            "__row",
            "__line",
            key.alias("key"),
            pl.lit(field).alias("field"),
            pl.col("related_claim_id").alias("value"),
            message.alias("problem"),
        )
        for field, (holds, message) in checks.items()
    ]
    return pl.concat(parts)


@rule(
    "relations.part-of",
    Severity.ERROR,
    "relations",
    "a part_of pair has the same metric, nested period and places, and lower(part) ≤ upper(whole)",
    "{problem}",
    reads={**RELATION_READS, **PLACES},
)
def part_of(frames: Frames) -> pl.DataFrame:
    """A part counts a sub-period or a sub-place of the whole's count: the same thing, inside
    it, and no more than it. The 45 civilians of November 2016 – March 2017 are part of the
    352 since August 2014."""
    if not frames.has("claims", "relations", "places"):
        return pl.DataFrame()
    pairs = related(frames, "part_of")
    if pairs.is_empty():
        return pl.DataFrame()
    # a claim with a place refs.places does not know cannot be placed: that finding is enough
    unplaced = frames.reported("claims", ("places",)).implode()
    pairs = pairs.with_columns(places_within(pairs, frames.place_closure)).with_columns(
        pl.col("places_within")
        | pl.col("claim_id").is_in(unplaced)
        | pl.col("related_claim_id").is_in(unplaced)
    )
    return _findings(
        pairs,
        {
            "metric": (
                pl.col("metric") == pl.col("metric_b"),
                pl.format("part {} counts {}, its whole {} counts {}",
                          "claim_id", "metric", "related_claim_id", "metric_b"),
            ),
            "period": (
                period_within(),
                pl.format("the period of part {} ({} to {}) is not within that of {} ({} to {})",
                          "claim_id", "period_start", "period_end", "related_claim_id",
                          "period_start_b", "period_end_b"),
            ),
            "places": (
                pl.col("places_within"),
                pl.format("the places of part {} are not within those of {}",
                          "claim_id", "related_claim_id"),
            ),
            "value": (
                pl.col("upper_b").is_null() | (pl.col("lower") <= pl.col("upper_b")),
                pl.format("part {} is at least {}, more than its whole {} allows ({})",
                          "claim_id", "lower", "related_claim_id", "upper_b"),
            ),
        },
    )  # fmt: skip


@rule(
    "relations.updates",
    Severity.ERROR,
    "relations",
    "an updates pair has the same claimant and metric and a later claim_date; for an additive "
    "flow with the same period_start and a later period_end, lower(new) ≥ lower(old)",
    "{problem}",
    reads=RELATION_READS,
)
def updates(frames: Frames) -> pl.DataFrame:
    """An update is the same claimant's later figure for the same thing. A cumulative count
    that runs on from the same start cannot shrink: 1,302 by April 2019 after 352 by March
    2017."""
    if not frames.has("claims", "relations"):
        return pl.DataFrame()
    pairs = related(frames, "updates")
    if pairs.is_empty():
        return pl.DataFrame()
    runs_on = (
        (pl.col("metric_kind") == "flow")
        & pl.col("metric_additive")
        & (pl.col("period_start") == pl.col("period_start_b"))
        & (pl.col("period_end_earliest") > pl.col("period_end_latest_b"))
    )
    return _findings(
        pairs,
        {
            "claimant_id": (
                pl.col("claimant_id") == pl.col("claimant_id_b"),
                pl.format("{} is claimed by {}, the claim it updates ({}) by {}",
                          "claim_id", "claimant_id", "related_claim_id", "claimant_id_b"),
            ),
            "metric": (
                pl.col("metric") == pl.col("metric_b"),
                pl.format("{} counts {}, the claim it updates ({}) counts {}",
                          "claim_id", "metric", "related_claim_id", "metric_b"),
            ),
            "claim_date": (
                pl.col("claim_date_latest") > pl.col("claim_date_earliest_b"),
                pl.format("{} was claimed on {}, not later than the claim it updates ({}, {})",
                          "claim_id", "claim_date", "related_claim_id", "claim_date_b"),
            ),
            "value": (
                ~runs_on | (pl.col("lower") >= pl.col("lower_b")),
                pl.format("{} (at least {}) runs on from the same start as {} (at least {}) "
                          "but is smaller", "claim_id", "lower", "related_claim_id", "lower_b"),
            ),
        },
    )  # fmt: skip


@rule(
    "relations.restates",
    Severity.ERROR,
    "relations",
    "a restates pair has the same claimant, metric, places and period, and overlapping bounds",
    "{problem}",
    reads=RELATION_READS,
)
def restates(frames: Frames) -> pl.DataFrame:
    """A restatement renders the same figure differently ("more than 1,300" for "at least
    1,302"): everything but the wording must agree, and the two renderings must allow a
    common number."""
    if not frames.has("claims", "relations"):
        return pl.DataFrame()
    pairs = related(frames, "restates")
    if pairs.is_empty():
        return pl.DataFrame()
    # a claim with a place refs.places does not know: that finding is enough
    unplaced = frames.reported("claims", ("places",)).implode()
    same_places = (
        (pl.col("places").list.sort() == pl.col("places_b").list.sort())
        | pl.col("claim_id").is_in(unplaced)
        | pl.col("related_claim_id").is_in(unplaced)
    )
    overlap = (pl.col("upper_b").is_null() | (pl.col("lower") <= pl.col("upper_b"))) & (
        pl.col("upper").is_null() | (pl.col("lower_b") <= pl.col("upper"))
    )
    same = {
        "claimant_id": pl.col("claimant_id") == pl.col("claimant_id_b"),
        "metric": pl.col("metric") == pl.col("metric_b"),
        "places": same_places,
        "period": (pl.col("period_start") == pl.col("period_start_b"))
        & (pl.col("period_end") == pl.col("period_end_b")),
    }
    checks = {
        field: (holds, pl.format("{} restates {} but their {} differ",
                                 "claim_id", "related_claim_id", pl.lit(field)))
        for field, holds in same.items()
    }  # fmt: skip
    checks["value"] = (
        overlap,
        pl.format("{} ({} {}) and {} ({} {}) allow no common number",
                  "claim_id", "qualifier", "value_text",
                  "related_claim_id", "qualifier_b", "value_text_b"),
    )  # fmt: skip
    return _findings(pairs, checks)


# Parts of one whole beyond this many, not all pairwise disjoint, are summed greedily.
EXACT_PARTS_LIMIT = 16


@rule(
    "relations.parts-sum",
    Severity.ERROR,
    "claims",
    "the part_of claims of one whole that are pairwise disjoint (in period, or in place): the "
    "largest sum of their lower bounds ≤ upper(whole)",
    "parts {parts} do not overlap and add up to at least {total}, more than this claim allows "
    "({upper})",
    reads={**RELATION_READS, **PLACES},
)
def parts_sum(frames: Frames) -> pl.DataFrame:
    """Parts that share no day, or no place, count different deaths: together they cannot
    exceed the whole. Where some parts overlap, the largest set of mutually disjoint parts is
    summed (exactly for up to 16 parts; beyond that a greedy set, which can miss a violation
    but never reports a false one)."""
    if not frames.has("claims", "relations", "places"):
        return pl.DataFrame()
    unplaced = frames.reported("claims", ("places",)).implode()  # whose overlaps are unknown
    links = related(frames, "part_of").filter(
        pl.col("upper_b").is_not_null() & ~pl.col("claim_id").is_in(unplaced)
    )
    if links.is_empty():
        return pl.DataFrame()
    parts = links.select(
        pl.col("related_claim_id").alias("whole"),
        "claim_id", "lower", "places", "period_start_earliest", "period_end_latest",
    ).unique(["whole", "claim_id"])  # fmt: skip
    pairs = parts.join(parts, on="whole", suffix="_b").filter(
        pl.col("claim_id") < pl.col("claim_id_b")
    )
    overlaps = pairs.with_columns(places_overlap(pairs, frames.place_closure)).filter(
        ~periods_disjoint() & pl.col("places_overlap")
    )
    clashing = overlaps.select("whole").unique()
    # wholes whose parts are all pairwise disjoint: the sum of them all, in polars
    simple = (
        parts.join(clashing, on="whole", how="anti")
        .group_by("whole")
        .agg(pl.col("lower").sum().alias("total"), pl.col("claim_id").sort().alias("set"))
    )
    hard = _best_sets(parts.join(clashing, on="whole", how="semi"), overlaps)
    best = pl.concat([simple, hard]) if not hard.is_empty() else simple
    wholes = frames.claims.select("claim_id", "__row", "__line", "upper", "value_text")
    return (
        best.filter(pl.col("set").list.len() >= 2)
        .join(wholes, left_on="whole", right_on="claim_id")
        .filter(pl.col("total") > pl.col("upper"))
        .select(
            "__row",
            "__line",
            pl.col("whole").alias("key"),
            pl.lit("value").alias("field"),
            pl.col("value_text").alias("value"),
            pl.col("set").list.join(", ").alias("parts"),
            "total",
            "upper",
        )
    )


def _best_sets(parts: pl.DataFrame, overlaps: pl.DataFrame) -> pl.DataFrame:
    """Per whole, the heaviest set of pairwise disjoint parts (the rare wholes whose parts
    overlap; one Python search per such whole, not per row)."""
    schema: dict[str, pl.DataType] = {
        "whole": pl.String(),
        "total": pl.Int64(),
        "set": pl.List(pl.String()),
    }
    if parts.is_empty():
        return pl.DataFrame(schema=schema)
    clash: dict[str, set[tuple[str, str]]] = {}
    for whole, a, b in overlaps.select("whole", "claim_id", "claim_id_b").iter_rows():
        clash.setdefault(whole, set()).update({(a, b), (b, a)})
    rows = []
    for (whole,), group in parts.group_by("whole"):
        members = sorted(
            zip(group.get_column("claim_id").to_list(), group.get_column("lower").to_list(),
                strict=True),
            key=lambda m: -m[1],
        )  # fmt: skip
        conflicts = clash.get(str(whole), set())
        chosen = _heaviest(members, conflicts)
        rows.append(
            {
                "whole": whole,
                "total": sum(w for _, w in chosen),
                "set": sorted(c for c, _ in chosen),
            }
        )
    return pl.DataFrame(rows, schema=schema)


def _heaviest(
    members: list[tuple[str, int]], conflicts: set[tuple[str, str]]
) -> list[tuple[str, int]]:
    """Heaviest conflict-free subset: exact branch and bound up to EXACT_PARTS_LIMIT
    members, greedy (heaviest first) beyond."""
    if len(members) > EXACT_PARTS_LIMIT:
        chosen: list[tuple[str, int]] = []
        for m in members:
            if all((m[0], c[0]) not in conflicts for c in chosen):
                chosen.append(m)
        return chosen
    best: list[tuple[str, int]] = []
    best_total = -1
    suffix = [0] * (len(members) + 1)
    for i in range(len(members) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + members[i][1]

    def search(i: int, chosen: list[tuple[str, int]], total: int) -> None:
        nonlocal best, best_total
        if total + suffix[i] <= best_total:
            return
        if i == len(members):
            best, best_total = list(chosen), total
            return
        m = members[i]
        if all((m[0], c[0]) not in conflicts for c in chosen):
            chosen.append(m)
            search(i + 1, chosen, total + m[1])
            chosen.pop()
        search(i + 1, chosen, total)

    search(0, [], 0)
    return best
