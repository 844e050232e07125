"""What a validation run reports: findings, and the structural error types they are named by.

A finding is one problem at one place: ``rule`` (a structural error type such as
``type-error``, or a consistency rule id such as ``dates.order``), ``severity``, ``resource``,
``path`` (the file), ``row`` (the record number as Frictionless counts it: header = 1, first
data row = 2), ``line`` (the physical line where that record starts), ``field``, ``key`` (the
row's primary key), ``value`` and ``message``. Findings are kept in a polars frame
(:data:`FINDING_SCHEMA`) so that a million of them cost no Python objects until asked for.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

import polars as pl


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def empty_findings() -> pl.DataFrame:
    return pl.DataFrame(schema=FINDING_SCHEMA)


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


@dataclass(frozen=True, slots=True)
class ErrorType:
    """A structural error type: Frictionless's type name, a title and a message template."""

    type: str
    title: str
    template: str
    description: str

    def message(self, **params: object) -> str:
        return self.template.format(**params)


def _error_types(*types: ErrorType) -> dict[str, ErrorType]:
    return {t.type: t for t in types}


# Named as Frictionless names them, so that a finding's rule is the frictionless error type.
STRUCTURAL_ERRORS: dict[str, ErrorType] = _error_types(
    ErrorType(
        "package-error",
        "Package Error",
        "The data package descriptor is not usable: {note}",
        "datapackage.json is missing, is not JSON, or does not describe a package.",
    ),
    ErrorType(
        "schema-error",
        "Schema Error",
        "The schema of resource {resource} is not usable: {note}",
        "A Table Schema contradicts itself or the Table Schema specification.",
    ),
    ErrorType(
        "schema-version",
        "Schema Version",
        "{note}",
        "A downstream package states no casualtySchema version range (warning), or one the "
        "installed casualty-schema does not satisfy (error).",
    ),
    ErrorType(
        "conformance-error",
        "Conformance Error",
        "does not conform to the canonical schema: {summary} ({reason})",
        "A downstream package's resource or field differs from the canonical schema in a way "
        "that is not stricter: renamed, retyped, a constraint loosened, an unknown code.",
    ),
    ErrorType(
        "source-error",
        "Source Error",
        "The data source could not be read: {note}",
        "A resource file is missing, outside the package, empty, or not a CSV file.",
    ),
    ErrorType(
        "encoding-error",
        "Encoding Error",
        "The data source could not be decoded as {encoding}: {note}",
        "The file is not valid text in the declared encoding.",
    ),
    ErrorType(
        "byte-count",
        "Byte Count",
        "The file has {actual} bytes, not the {declared} recorded at the last release: the "
        "data changed since; the next release records the new size",
        "A resource file differs in size from the bytes its last release recorded (a warning).",
    ),
    ErrorType(
        "hash-count",
        "Hash Count",
        "The file's hash is {actual}, not the {declared} recorded at the last release: the "
        "data changed since; the next release records the new hash",
        "A resource file differs from the hash its last release recorded (a warning).",
    ),
    ErrorType(
        "blank-label",
        "Blank Label",
        'Label in the header in field at position "{position}" is blank',
        "A header cell is empty.",
    ),
    ErrorType(
        "duplicate-label",
        "Duplicate Label",
        'Label "{label}" in the header at position "{position}" is duplicated',
        "Two header cells have the same label.",
    ),
    ErrorType(
        "missing-label",
        "Missing Label",
        'There is a missing label in the header\'s field "{field}" at position "{position}"',
        "The schema has a field the header lacks.",
    ),
    ErrorType(
        "extra-label",
        "Extra Label",
        'There is an extra label "{label}" in header at position "{position}"',
        "The header has a column the schema lacks.",
    ),
    ErrorType(
        "incorrect-label",
        "Incorrect Label",
        'Label "{label}" in field {field} at position "{position}" does not match the field name',
        "A header label differs from the schema's field name at that position.",
    ),
    ErrorType(
        "blank-row",
        "Blank Row",
        'Row at position "{row}" is completely blank',
        "Every cell of the row is empty.",
    ),
    ErrorType(
        "extra-cell",
        "Extra Cell",
        'Row at position "{row}" has an extra value in field at position "{position}"',
        "The row has more cells than the header.",
    ),
    ErrorType(
        "missing-cell",
        "Missing Cell",
        'Row at position "{row}" has a missing cell in field "{field}" at position "{position}"',
        "The row has fewer cells than the header.",
    ),
    ErrorType(
        "type-error",
        "Type Error",
        'The cell "{value}" in field "{field}" is not a valid {type}{detail}',
        "A cell cannot be read as its field's type and format.",
    ),
    ErrorType(
        "constraint-error",
        "Constraint Error",
        'The cell "{value}" in field "{field}" breaks the constraint "{constraint}" {detail}',
        "A cell breaks required, unique, enum, pattern, minimum, maximum, minLength or maxLength.",
    ),
    ErrorType(
        "primary-key",
        "PrimaryKey Error",
        "The primary key ({fields}) = ({value}) of row {row} {problem}",
        "Two rows share a primary key.",
    ),
    ErrorType(
        "foreign-key",
        "ForeignKey Error",
        'The value ({value}) of {fields} matches no row of resource "{resource}" (by {target})',
        "A foreign key refers to a row that does not exist.",
    ),
)
