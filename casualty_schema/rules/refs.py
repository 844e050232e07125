"""Rules on references between rows: list items that name places, and cycles."""

from __future__ import annotations

import polars as pl

from casualty_schema.domain.graph import cycle_edges
from casualty_schema.domain.nearest import did_you_mean, nearest_ids
from casualty_schema.findings import Severity
from casualty_schema.frames import Frames
from casualty_schema.rules.registry import rule


@rule(
    "refs.places",
    Severity.ERROR,
    "claims",
    "every item of claims.places is a place_id",
    "place {value} (item {item} of places) is not a place_id of places",
    reads={"claims": ("claim_id", "places"), "places": ("place_id",)},
)
def places(frames: Frames) -> pl.DataFrame:
    """Table Schema foreign keys compare whole cells, so they cannot check the items of a
    list: this rule is the foreign key of each item of ``places``."""
    if not frames.has("claims", "places"):
        return pl.DataFrame()
    claims = frames.claims.select(
        "__row", "__line", pl.col("claim_id").alias("key"), pl.col("places").alias("value")
    )
    known = frames.places.select(pl.col("place_id").alias("value"))
    unknown = claims.explode("value").join(known, on="value", how="anti")
    if unknown.is_empty():
        return unknown
    # number the items of the rows that have an unknown one (few): item n of places
    failing = claims.join(unknown.select("__row").unique(), on="__row", how="semi")
    items = failing.with_columns(
        pl.int_ranges(1, pl.col("value").list.len() + 1).alias("item")
    ).explode("value", "item")
    near = nearest_ids(
        unknown.get_column("value").unique().to_list(), known.get_column("value").to_list()
    )
    return items.join(known, on="value", how="anti").with_columns(
        field=pl.lit("places"), hint=did_you_mean(pl.col("value"), near)
    )


# (resource, key field, parent field) of each containment tree
TREES = (("actors", "actor_id", "parent_id"), ("places", "place_id", "parent_id"))
# relations whose chains must not loop back
CHAINED = ("part_of", "updates")


@rule(
    "refs.cycle",
    Severity.ERROR,
    "relations",
    "no cycles in actors.parent_id, places.parent_id, or part_of/updates relations; "
    "no claim related to itself",
    "{what}",
    reads={
        "actors": ("actor_id", "parent_id"),
        "places": ("place_id", "parent_id"),
        "relations": ("claim_id", "relation", "related_claim_id"),
    },
)
def cycle(frames: Frames) -> pl.DataFrame:
    """Containment and succession are orders: a place inside itself, an actor its own
    parent, a figure that is part of its own part or updates its own update, would make
    every rule that walks them meaningless (or endless)."""
    found = []
    for resource, key, parent in TREES:
        if not frames.has(resource):
            continue
        table = frames.tables[resource]
        edges = table.select(pl.col(key).alias("src"), pl.col(parent).alias("dst"))
        looped = cycle_edges(edges)
        found.append(
            table.join(looped.rename({"src": key}), on=key, how="semi").select(
                pl.lit(resource).alias("resource"),
                "__row",
                "__line",
                pl.col(key).alias("key"),
                pl.lit(parent).alias("field"),
                pl.col(parent).alias("value"),
                pl.format(
                    "{} {} lies on a cycle of {}: it is, through its parents, its own parent",
                    pl.lit(key),
                    pl.col(key),
                    pl.lit(parent),
                ).alias("what"),
            )
        )
    if frames.has("relations"):
        relations = frames.relations
        found.append(
            _on_relation(
                relations.filter(pl.col("claim_id") == pl.col("related_claim_id")),
                pl.format("claim {} is related to itself ({})", "claim_id", "relation"),
            )
        )
        for relation in CHAINED:
            chain = relations.filter(
                (pl.col("relation") == relation)
                & (pl.col("claim_id") != pl.col("related_claim_id"))
            )
            looped = cycle_edges(
                chain.select(
                    pl.col("claim_id").alias("src"), pl.col("related_claim_id").alias("dst")
                )
            ).rename({"src": "claim_id", "dst": "related_claim_id"})
            found.append(
                _on_relation(
                    chain.join(looped, on=["claim_id", "related_claim_id"], how="semi"),
                    pl.format(
                        "{} {} {} lies on a cycle of {} relations",
                        "claim_id",
                        pl.lit(relation),
                        "related_claim_id",
                        pl.lit(relation),
                    ),
                )
            )
    return pl.concat(found) if found else pl.DataFrame()


def _on_relation(rows: pl.DataFrame, what: pl.Expr) -> pl.DataFrame:
    """``rows`` of relations as violations on their related_claim_id, saying ``what``."""
    return rows.select(
        pl.lit("relations").alias("resource"),
        "__row",
        "__line",
        pl.concat_str(["claim_id", "relation", "related_claim_id"], separator=", ").alias("key"),
        pl.lit("related_claim_id").alias("field"),
        pl.col("related_claim_id").alias("value"),
        what.alias("what"),
    )
