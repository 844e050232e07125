"""Every cell of a table read with its field's type: the frame the cell and key checks run on.

For the schema field at column position i of a :class:`~casualty_schema.check.csv.Table`,
:func:`typed` adds ``__p{i}`` (the cell has text that is not a missing value, as the reader
found: :attr:`~casualty_schema.check.csv.Table.presence`), ``__v{i}`` (the typed value,
:mod:`casualty_schema.check.readers`) and ``__ok{i}`` (no type error); ``__blank`` marks the
blank rows. A field no reader checks is a ``schema-error`` and is left untyped; a
constraint value that is not a value of its field's type is a ``schema-error`` too, and the
field is checked without it. A :func:`repetitive` column (dates, claimants, counts) is read
once per distinct text and joined back (every reader is a function of the text alone).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from casualty_schema.check.csv import Table
from casualty_schema.check.labels import Column
from casualty_schema.check.readers import READERS, Reading, constraint_problems, unsupported
from casualty_schema.errors import error
from casualty_schema.findings import findings_frame, key_expr
from casualty_schema.package.descriptor import FieldSpec, ResourceSpec

__all__ = ["Field", "Typed", "typed"]


@dataclass(frozen=True)
class Field:
    """A schema field present in the data, and where its columns are in the typed frame."""

    column: Column
    spec: FieldSpec
    index: int
    reading: Reading

    @property
    def text(self) -> pl.Expr:
        return pl.col(self.column.name)

    @property
    def value(self) -> pl.Expr:
        return pl.col(f"__v{self.index}")

    @property
    def present(self) -> pl.Expr:
        return pl.col(f"__p{self.index}")

    @property
    def ok(self) -> pl.Expr:
        return pl.col(f"__ok{self.index}")


@dataclass(frozen=True)
class Typed:
    table: Table
    frame: pl.DataFrame  # text columns, __v/__p/__ok columns, __blank, __row, __line
    fields: tuple[Field, ...]
    findings: pl.DataFrame  # schema-error findings

    @property
    def resource(self) -> ResourceSpec:
        return self.table.resource

    @property
    def key(self) -> pl.Expr:
        return key_expr(self.resource.primary_key, self.frame.columns)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.spec.name == name), None)


def typed(table: Table) -> Typed:
    """Every cell of ``table`` read with its field's type: for field number i, ``__p{i}`` (the
    cell has text that is not a missing value), ``__v{i}`` (the typed value) and ``__ok{i}``
    (no type error); ``__blank`` marks the blank rows."""
    resource = table.resource
    problems: list[dict[str, Any]] = []
    fields: list[Field] = []
    for index, column in enumerate(table.columns):
        spec = column.field
        if spec is None:
            continue
        problem = unsupported(spec)
        if problem is not None:
            problems.append(
                error("schema-error").finding(
                    resource=resource.name, path=resource.path, note=problem
                )
            )
            continue
        problems.extend(
            error("schema-error").finding(resource=resource.name, path=resource.path, note=note)
            for note in constraint_problems(spec)
        )
        text = pl.when(pl.col(f"__p{index}")).then(pl.col(column.name))
        fields.append(Field(column, spec, index, READERS[spec.type](text, spec)))
    marks = [*(f"__p{f.index}" for f in fields), "__blank"]
    if table.presence.width:  # what the reader found (labels.presence), not found again
        frame = table.cells.hstack(table.presence.select(marks))
    else:
        frame = table.cells.with_columns(
            *[pl.lit(False).alias(m) for m in marks[:-1]], pl.lit(True).alias("__blank")
        )
    by_distinct = [f for f in fields if _read_by_distinct(frame, f)]
    # side by side (polars runs the queries at once)
    distinct = (
        pl.collect_all([_distinct_reading(frame, f) for f in by_distinct]) if by_distinct else []
    )
    frame = frame.with_columns(
        *(f.reading.value.alias(f"__v{f.index}") for f in fields if f not in by_distinct),
        *(part.to_series().rechunk() for part in distinct),
    )
    values = [f"__v{f.index}" for f in fields]
    frame = frame.select(pl.exclude(values), *values) if by_distinct else frame
    frame = frame.with_columns(  # a value, or no text: the type is right
        (~f.present | f.value.is_not_null()).alias(f"__ok{f.index}") for f in fields
    )
    return Typed(table, frame, tuple(fields), findings_frame(problems))


#: The rows of a column whose distinct texts are counted to decide how it is read.
SAMPLE_ROWS = 10_000


def repetitive(column: pl.Series) -> bool:
    """Whether ``column`` looks like it holds few distinct values (its first
    :data:`SAMPLE_ROWS`, at most a fifth of them distinct), so that work on each value is
    better done once per distinct value: dates, ids of claimants, lists of places, counts."""
    if column.len() < 2 * SAMPLE_ROWS:
        return False
    return bool(column.head(SAMPLE_ROWS).n_unique() * 5 <= SAMPLE_ROWS)


def _read_by_distinct(frame: pl.DataFrame, f: Field) -> bool:
    """A field read other than as its text (not a string without a format), whose column is
    :func:`repetitive`."""
    plain = f.spec.type == "string" and f.spec.format in ("default", "")
    return not plain and repetitive(frame.get_column(f.column.name))


def _distinct_reading(frame: pl.DataFrame, f: Field) -> pl.LazyFrame:
    """``__v{i}`` of field ``f`` (its reading of every present cell), read once per distinct
    text and joined back: every reader is a function of the cell's text alone."""
    present = frame.lazy().select(pl.when(f.present).then(f.text).alias("t"))
    read = READERS[f.spec.type](pl.col("t"), f.spec)
    values = present.drop_nulls().unique().select("t", read.value.alias(f"__v{f.index}"))
    joined = present.join(values, on="t", how="left", maintain_order="left")
    return joined.select(f"__v{f.index}")
