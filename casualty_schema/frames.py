"""Stage 3 of the pipeline: typed frames with the derived columns the rules need.

Built from the rows that passed the structural stage. Derived, never stored:

- on ``claims``: the earliest and latest day of ``claim_date``, ``period_start`` and
  ``period_end`` (``<field>_earliest``, ``<field>_latest``); the bounds ``lower``,
  ``upper`` (null = open) and ``upper_rounded``; the metric's ``metric_kind`` and
  ``metric_additive``; the source's ``published_earliest`` / ``published_latest``;
- on ``sources``: ``published_earliest`` / ``published_latest``;
- ``place_closure``: (``place_id``, ``ancestor_id``) for every place and each place that
  contains it, itself included.

A derived column is built from the columns there are: the readiness gate
(:func:`casualty_schema.check.conformance.rule_ready`) hands over only the canonical fields
of their canonical types, and a package may lack a field no rule it runs reads (the rule
declares what it reads, ``@rule(reads=...)``, derived columns included); a derived column
whose fields are missing is left out, and so are the rules that read them. A resource left
out altogether (unreadable) leaves the columns the claims take from it null.

It also keeps the findings of the rules that ran before (:meth:`Frames.record`), so that a
rule can leave out the rows an earlier finding has made unusable for it
(:meth:`Frames.reported`): a claim whose value_max ``counts.bounds`` found missing is not
read again by ``quote.value``; a claim with a place ``refs.places`` does not know is not
placed by ``relations.part-of``. One finding per mistake.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, TypeVar

import polars as pl

from casualty_schema.domain import bounds, partial_date
from casualty_schema.package.descriptor import PackageSpec

T = TypeVar("T")

CLAIM_DATES = ("claim_date", "period_start", "period_end")
# The source's columns a claim is given (its publication date, and that date's interval).
SOURCE_COLUMNS = ("published_date", "published_earliest", "published_latest")
# The metric's columns a claim is given, and their names on the claim.
METRIC_COLUMNS = {"kind": "metric_kind", "additive": "metric_additive"}
# The types of the columns a claim takes from its metric and source, null when unknown.
UNKNOWN = {
    "metric_kind": pl.String,
    "metric_additive": pl.Boolean,
    "published_date": pl.String,
    "published_earliest": pl.Date,
    "published_latest": pl.Date,
}


def with_interval(frame: pl.DataFrame, name: str, prefix: str | None = None) -> pl.DataFrame:
    """``frame`` with the earliest and latest day of partial-date column ``name``, as
    ``<prefix>_earliest`` and ``<prefix>_latest`` (prefix: the column's name)."""
    return with_intervals(frame, {name: prefix or name})


def with_intervals(frame: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    """:func:`with_interval` of several columns ({name: prefix}), side by side: one pass for
    the earliest days of all, one for the latest (polars computes the columns of a pass in
    parallel)."""
    frame = frame.with_columns(
        partial_date.earliest(pl.col(name)).alias(f"{prefix}_earliest")
        for name, prefix in names.items()
    )
    return frame.with_columns(
        partial_date.latest(pl.col(name), pl.col(f"{prefix}_earliest")).alias(f"{prefix}_latest")
        for name, prefix in names.items()
    )


@dataclass(frozen=True)
class Frames:
    """The typed frames of one package, by resource name."""

    package: PackageSpec
    tables: dict[str, pl.DataFrame]
    today: date = field(default_factory=date.today)
    # The resources whose file the reader found free of control characters (check.records).
    control_free: frozenset[str] = frozenset()
    _memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    _found: list[pl.DataFrame] = field(default_factory=list, repr=False, compare=False)

    def record(self, findings: pl.DataFrame) -> None:
        """Keep a rule's findings for the rules that run after it (:meth:`reported`)."""
        if not findings.is_empty():
            self._found.append(findings.select("resource", "field", "key"))

    def reported(self, resource: str, fields: Iterable[str]) -> pl.Series:
        """The keys of the rows of ``resource`` that an earlier rule's finding names in one of
        ``fields``: rows whose value there is already known to be wrong (few; a Series for
        ``is_in``)."""
        if not self._found:
            return pl.Series("key", [], dtype=pl.String)
        found = pl.concat(self._found).filter(
            (pl.col("resource") == resource) & pl.col("field").is_in(list(fields))
        )
        return found.get_column("key").drop_nulls().unique()

    def memo(self, name: str, compute: Callable[[], T]) -> T:
        """A frame (or frames) computed once per run and shared by the rules that need it."""
        if name not in self._memo:
            self._memo[name] = compute()
        result: T = self._memo[name]
        return result

    def has(self, *names: str) -> bool:
        return all(name in self.tables for name in names)

    def prepare(self) -> None:
        """Build the derived frames now (the pipeline's typed-frames stage), rather than in
        the first rule that reads them."""
        if self.has("claims"):
            _ = self.claims
        if self.has("places") and {"place_id", "parent_id"} <= set(self.places.columns):
            _ = self.place_closure

    @cached_property
    def sources(self) -> pl.DataFrame:
        sources = self.tables["sources"]
        if "published_date" not in sources.columns:
            return sources
        return with_interval(sources, "published_date", "published")

    @cached_property
    def metrics(self) -> pl.DataFrame:
        return self.tables["metrics"]

    @cached_property
    def places(self) -> pl.DataFrame:
        return self.tables["places"]

    @cached_property
    def actors(self) -> pl.DataFrame:
        return self.tables["actors"]

    @cached_property
    def relations(self) -> pl.DataFrame:
        return self.tables["relations"]

    @cached_property
    def claims(self) -> pl.DataFrame:
        claims = self.tables["claims"]
        claims = with_intervals(claims, {n: n for n in CLAIM_DATES if n in claims.columns})
        if {"qualifier", "value", "value_max"} <= set(claims.columns):
            claims = bounds.with_bounds(claims)
        joins = (  # (resource, the claims' column, its key, {its column: the claims' name})
            (
                "metrics",
                "metric",
                "metric_id",
                {"kind": "metric_kind", "additive": "metric_additive"},
            ),
            ("sources", "source_id", "source_id", {c: c for c in SOURCE_COLUMNS}),
        )
        for resource, on, key, columns in joins:
            if resource not in self.tables:  # left out (unreadable, or unusable): unknown
                claims = claims.with_columns(
                    pl.lit(None, UNKNOWN[name]).alias(name) for name in columns.values()
                )
                continue
            table = self.metrics if resource == "metrics" else self.sources
            if on not in claims.columns or key not in table.columns:
                continue
            joined = table.select(
                pl.col(key).alias(on),
                *(pl.col(c).alias(a) for c, a in columns.items() if c in table.columns),
            )
            claims = claims.join(joined, on=on, how="left", maintain_order="left")
        return claims

    @cached_property
    def place_closure(self) -> pl.DataFrame:
        """Every (place, container) pair, the place itself included; stops at cycles."""
        edges = self.places.select("place_id", pl.col("parent_id").alias("ancestor_id")).filter(
            pl.col("ancestor_id").is_not_null()
        )
        closure = self.places.select("place_id", pl.col("place_id").alias("ancestor_id"))
        frontier = edges
        for _ in range(len(self.places)):  # a tree is never deeper than its size
            if frontier.is_empty():
                break
            closure = pl.concat([closure, frontier]).unique()
            step = frontier.join(
                edges.rename({"place_id": "ancestor_id", "ancestor_id": "next_id"}),
                on="ancestor_id",
            ).select("place_id", pl.col("next_id").alias("ancestor_id"))
            frontier = step.join(closure, on=["place_id", "ancestor_id"], how="anti")
        return closure
