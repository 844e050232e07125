"""Stage 2b of the pipeline: the Table Schema checks, in polars.

:func:`check_structure` reads every resource (:func:`casualty_schema.check.csv.read_table`) and
flags exactly the rows and cells ``frictionless validate`` flags, naming each finding by the
frictionless error type. It runs column by column and check by check on polars expressions:
no Python loop over rows. docs/structure.md lists every deliberate difference from
frictionless; the one the contract mandates is that integers and numbers (and, for the same
reason, years and dates) are written with ASCII digits: frictionless reads "٣٥٢" as 352.

A cell is checked in three steps, as frictionless does:

1. **Missing values**: a cell that is absent (a short row) or one of the field's
   ``missingValues`` has no value.
2. **Type**: the text must be a valid lexical form of the field's type and format
   (:mod:`casualty_schema.check.readers`), else ``type-error``. Each reader reproduces the
   Python function frictionless calls (``int()``, ``Decimal()``, ``strptime``, ...),
   including its tolerance for surrounding white space and underscores.
3. **Constraints** on the typed value (none when the type is wrong): ``required``, ``enum``,
   ``pattern`` (anchored, as frictionless does: ``re.match("^" + pattern + "$")``), bounds,
   lengths (:mod:`casualty_schema.check.cells`); then ``unique``, the primary key and the
   foreign keys over whole columns (:mod:`casualty_schema.check.keys`).

The cells are read by :mod:`casualty_schema.check.csv` and typed by
:mod:`casualty_schema.check.typed`. A row that is completely blank gets ``blank-row`` (and
``primary-key``, its key being empty) and nothing else. A few checks have no exact
vectorised form and run once per distinct value in Python (``format`` uri/email/uuid/binary
of strings, custom date formats, and patterns using constructs the Rust regex engine lacks,
such as look-arounds).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from casualty_schema.check.cells import cell_findings
from casualty_schema.check.csv import Table, read_table
from casualty_schema.check.keys import foreign_key_findings, key_findings
from casualty_schema.check.typed import Typed, typed
from casualty_schema.findings import LINE, ROW, empty_findings
from casualty_schema.package.descriptor import PackageSpec
from casualty_schema.types import polars_dtype

__all__ = ["Structure", "check_structure"]


@dataclass(frozen=True)
class Structure:
    findings: pl.DataFrame  # FINDING_SCHEMA, all structural findings of all resources
    # Per resource: the rows with no structural error, typed, one column per field (named as
    # the field) plus __row and __line.
    frames: dict[str, pl.DataFrame]
    rows: dict[str, int]  # records read per resource
    # The resources whose file holds no control character (check.records.CONTROL_BYTES).
    control_free: frozenset[str] = frozenset()


def check_structure(package: PackageSpec) -> Structure:
    """Read and check every resource of ``package``."""
    tables = {name: read_table(package, spec) for name, spec in package.resources.items()}
    frames_of = {name: typed(table) for name, table in tables.items()}
    findings: list[pl.DataFrame] = []
    frames: dict[str, pl.DataFrame] = {}
    for name, table in tables.items():
        found = pl.concat(
            [
                table.findings,
                frames_of[name].findings,
                cell_findings(frames_of[name]),
                key_findings(frames_of[name]),
                foreign_key_findings(frames_of[name], frames_of),
            ],
            how="vertical",
        )
        found = _in_order(found, table)
        findings.append(found)
        frames[name] = _valid_rows(frames_of[name], found)
    return Structure(
        findings=pl.concat(findings, how="vertical") if findings else empty_findings(),
        frames=frames,
        rows={name: table.cells.height for name, table in tables.items()},
        control_free=frozenset(name for name, table in tables.items() if not table.controls),
    )


def _in_order(found: pl.DataFrame, table: Table) -> pl.DataFrame:
    """File-level findings first, then by row, then by the column's position."""
    position = {c.name: c.position for c in table.columns}
    return (
        found.with_columns(
            pl.col("field").replace_strict(position, default=0, return_dtype=pl.Int64).alias("_p")
        )
        .sort(["row", "_p"], nulls_last=False, maintain_order=True)
        .drop("_p")
    )


def _valid_rows(typed: Typed, found: pl.DataFrame) -> pl.DataFrame:
    """The rows with no structural finding, one typed column per field of the schema."""
    resource = typed.resource
    bad = found.get_column("row").drop_nulls().unique()
    by_name = {f.spec.name: f for f in typed.fields}
    columns = [
        (by_name[spec.name].value if spec.name in by_name else pl.lit(None))
        .cast(polars_dtype(spec))
        .alias(spec.name)
        for spec in resource.fields
    ]
    frame = typed.frame
    if typed.table.header is None or not typed.table.columns:
        frame = frame.clear()
    frame = frame.select(*columns, pl.col(ROW), pl.col(LINE))
    return frame.filter(~pl.col(ROW).is_in(bad.implode())) if len(bad) else frame
