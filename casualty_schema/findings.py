"""What a validation run reports: findings, as a polars frame.

A finding is one problem at one place: ``rule`` (a structural error type such as
``type-error``, or a consistency rule id such as ``dates.order``), ``severity``, ``resource``,
``path`` (the file), ``row`` (the record number as Frictionless counts it: header = 1, first
data row = 2), ``line`` (the physical line where that record starts), ``field``, ``key`` (the
row's primary key), ``value``, ``message`` and ``hint`` (how to fix it, when the check knows:
"write 2021-04-12", "did you mean sanaa-gov?"; null otherwise). Findings are kept in a polars frame
(:data:`FINDING_SCHEMA`) so that a million of them cost no Python objects until asked for.

What kinds of finding there are is declared apart: the structural error types in
:mod:`casualty_schema.errors`, the consistency rules in :mod:`casualty_schema.rules`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

import polars as pl


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


#: The bookkeeping columns of every frame of rows (text cells, typed frames, violations): the
#: record number as frictionless counts it (header = 1) and the line where the record starts.
ROW = "__row"
LINE = "__line"

# Columns of a findings frame, in report order.
FINDING_SCHEMA: dict[str, type[pl.DataType] | pl.DataType] = {
    "rule": pl.String,
    "severity": pl.String,
    "resource": pl.String,
    "path": pl.String,
    "row": pl.Int64,
    "line": pl.Int64,
    "field": pl.String,
    "key": pl.String,
    "value": pl.String,
    "message": pl.String,
    "hint": pl.String,
}


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: str
    resource: str | None
    path: str | None
    row: int | None
    line: int | None
    field: str | None
    key: str | None
    value: str | None
    message: str
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_EMPTY = pl.DataFrame(schema=FINDING_SCHEMA)


def empty_findings() -> pl.DataFrame:
    """No findings (a copy of one empty frame: building the schema anew costs 0.15 ms, which
    the structural stage spent several times per resource)."""
    return _EMPTY.clear()


def findings_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """A findings frame from a few Python dicts (descriptor and file-level findings)."""
    if not rows:
        return empty_findings()
    full = [{name: row.get(name) for name in FINDING_SCHEMA} for row in rows]
    return pl.DataFrame(full, schema=FINDING_SCHEMA)


def conform(frame: pl.DataFrame) -> pl.DataFrame:
    """Give a partial findings frame every column of FINDING_SCHEMA, in order."""
    if frame.height == 0:
        return empty_findings()
    columns = []
    for name, dtype in FINDING_SCHEMA.items():
        if name in frame.columns:
            columns.append(pl.col(name).cast(dtype))
        else:
            columns.append(pl.lit(None, dtype=dtype).alias(name))
    return frame.select(columns)


def key_expr(primary_key: Sequence[str], columns: Sequence[str]) -> pl.Expr:
    """A row's primary key as findings give it: the key's cells as text, a composite key's
    joined with ", "; null when the frame lacks a key column (or the resource has no key)."""
    names = [name for name in primary_key if name in columns]
    if not names or len(names) != len(primary_key):
        return pl.lit(None, dtype=pl.String)
    if len(names) == 1:
        return pl.col(names[0]).cast(pl.String)
    joined = pl.concat_str([pl.col(n).cast(pl.String).fill_null("") for n in names], separator=", ")
    return pl.when(pl.any_horizontal(pl.col(n).is_not_null() for n in names)).then(joined)


def select_findings(
    frame: pl.DataFrame,
    *,
    rule: str,
    severity: pl.Expr | str,
    resource: pl.Expr | str | None,
    message: pl.Expr,
    row: pl.Expr | None = None,
    line: pl.Expr | None = None,
    field: pl.Expr | str | None = None,
    key: pl.Expr | None = None,
    value: pl.Expr | None = None,
    path: pl.Expr | str | None = None,
    hint: pl.Expr | str | None = None,
) -> pl.DataFrame:
    """One finding per row of ``frame``, in :data:`FINDING_SCHEMA`: the one place where a frame
    of findings is made (for structural error types and consistency rules alike). ``hint``,
    when given, says how to fix each (null where there is nothing to say)."""
    if frame.is_empty():
        return empty_findings()

    def column(value: pl.Expr | str | None) -> pl.Expr:
        return value if isinstance(value, pl.Expr) else pl.lit(value, dtype=pl.String)

    none = pl.lit(None, dtype=pl.Int64)
    return frame.select(
        pl.lit(rule, dtype=pl.String).alias("rule"),
        column(severity).cast(pl.String).alias("severity"),
        column(resource).cast(pl.String).alias("resource"),
        column(path).cast(pl.String).alias("path"),
        (row if row is not None else none).cast(pl.Int64).alias("row"),
        (line if line is not None else none).cast(pl.Int64).alias("line"),
        column(field).cast(pl.String).alias("field"),
        column(key).cast(pl.String).alias("key"),
        column(value).cast(pl.String).alias("value"),
        message.cast(pl.String).alias("message"),
        column(hint).cast(pl.String).alias("hint"),
    )
