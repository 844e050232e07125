"""Stage 3 of the pipeline: typed frames with the derived columns the rules need.

Built from the rows that passed the structural stage. Derived, never stored:

- on ``claims``: the earliest and latest day of ``claim_date``, ``period_start`` and
  ``period_end`` (``<field>_earliest``, ``<field>_latest``); the bounds ``lower``,
  ``upper`` (null = open) and ``upper_rounded``; the metric's ``metric_kind`` and
  ``metric_additive``; the source's ``published_earliest`` / ``published_latest``;
- on ``sources``: ``published_earliest`` / ``published_latest``;
- ``place_closure``: (``place_id``, ``ancestor_id``) for every place and each place that
  contains it, itself included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, TypeVar

import polars as pl

from casualty_schema.domain import bounds, partial_date
from casualty_schema.package.descriptor import PackageSpec

T = TypeVar("T")

CLAIM_DATES = ("claim_date", "period_start", "period_end")


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
        if self.has("places"):
            _ = self.place_closure

    @cached_property
    def sources(self) -> pl.DataFrame:
        return with_interval(self.tables["sources"], "published_date", "published")

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
        claims = with_intervals(self.tables["claims"], {name: name for name in CLAIM_DATES})
        claims = bounds.with_bounds(claims)
        if "metrics" in self.tables:
            metrics = self.metrics.select(
                pl.col("metric_id").alias("metric"),
                pl.col("kind").alias("metric_kind"),
                pl.col("additive").alias("metric_additive"),
            )
            claims = claims.join(metrics, on="metric", how="left", maintain_order="left")
        if "sources" in self.tables:
            sources = self.sources.select(
                "source_id", "published_date", "published_earliest", "published_latest"
            )
            claims = claims.join(sources, on="source_id", how="left", maintain_order="left")
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
