"""The structural error taxonomy: every kind of finding that is not a consistency rule.

Each error type is one small declaration, as frictionless-py's ``errors/`` declares them: its
type name (Frictionless's name where frictionless has the error, so that a finding's ``rule``
is the frictionless error type), a title, a default severity, a message template, a
description, and the modules that emit it. Every such finding is made by one of the
constructors of its :class:`ErrorType` — :meth:`~ErrorType.finding` for one finding,
:meth:`~ErrorType.rows` for one per row of a frame — looked up by name with :func:`error`,
which refuses a type that is not registered here. ``docs/rules.md`` lists every type
(generated, like the rules, by ``casualty-schema rules --format markdown``).

The consistency rules are declared in :mod:`casualty_schema.rules` the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from casualty_schema import template
from casualty_schema.findings import FINDING_SCHEMA, LINE, ROW, Severity, select_findings

__all__ = ["ERRORS", "ErrorType", "UnknownErrorType", "error"]


class UnknownErrorType(KeyError):
    """Code asked for an error type that is not registered in :data:`ERRORS`."""


@dataclass(frozen=True)
class ErrorType:
    """One kind of structural finding."""

    type: str  # the name findings carry in ``rule``
    title: str
    severity: Severity  # the default; a finding may say otherwise (schema-version)
    template: str  # the message, over the parameters each emitter passes
    description: str  # when it is reported, in one sentence
    emitted_by: tuple[str, ...]  # the modules that make it, relative to casualty_schema/

    def message(self, **params: Any) -> str:
        return template.text(self.template, params)

    def finding(
        self,
        *,
        resource: str | None = None,
        path: str | None = None,
        row: int | None = None,
        line: int | None = None,
        field: str | None = None,
        key: str | None = None,
        value: str | None = None,
        severity: Severity | str | None = None,
        hint: str | None = None,
        **params: Any,
    ) -> dict[str, Any]:
        """One finding of this type, as a row of :data:`FINDING_SCHEMA`. The message template
        is filled from the finding's own fields and ``params``; ``hint`` says how to fix it."""
        found: dict[str, Any] = {
            "rule": self.type,
            "severity": str(severity or self.severity),
            "resource": resource,
            "path": path,
            "row": row,
            "line": line,
            "field": field,
            "key": key,
            "value": value,
        }
        found["message"] = template.text(self.template, {**found, **params})
        found["hint"] = hint
        assert list(found) == list(FINDING_SCHEMA)
        return found

    def rows(
        self,
        frame: pl.DataFrame,
        mask: pl.Expr,
        *,
        resource: str,
        path: str,
        key: pl.Expr,
        field: str | None = None,
        value: pl.Expr | None = None,
        hint: pl.Expr | None = None,
        **params: Any,
    ) -> pl.DataFrame:
        """One finding of this type per row of ``frame`` where ``mask`` holds (``frame`` has the
        bookkeeping columns ``__row`` and ``__line``). The message template is filled from the
        finding's own fields and ``params``, each a value or a polars expression; ``hint``, an
        expression, says how to fix each (null where it has nothing to say)."""
        row, line = pl.col(ROW), pl.col(LINE)
        own = {"resource": resource, "path": path, "row": row, "line": line, "field": field}
        own |= {"key": key, "value": value}
        return select_findings(
            frame.filter(mask),
            rule=self.type,
            severity=str(self.severity),
            resource=resource,
            path=path,
            row=row,
            line=line,
            field=field,
            key=key,
            value=value,
            message=template.expr(self.template, {**own, **params}),
            hint=hint,
        )


def _register(*types: ErrorType) -> Mapping[str, ErrorType]:
    registry: dict[str, ErrorType] = {}
    for t in types:
        if t.type in registry:
            raise ValueError(f"error type {t.type} is registered twice")
        registry[t.type] = t
    return registry


def error(type_name: str) -> ErrorType:
    """The registered error type ``type_name``; :class:`UnknownErrorType` for any other."""
    try:
        return ERRORS[type_name]
    except KeyError:
        raise UnknownErrorType(f"{type_name!r} is not a registered error type") from None


E, W = Severity.ERROR, Severity.WARNING
_LABELS = ("check/labels.py",)

#: Every structural error type, in the order docs/rules.md lists them.
ERRORS: Mapping[str, ErrorType] = _register(
    ErrorType(
        "package-error",
        "Package Error",
        E,
        "The data package descriptor is not usable: {note}",
        "datapackage.json is missing, is not JSON, or does not describe a package.",
        ("package/descriptor.py",),
    ),
    ErrorType(
        "schema-error",
        "Schema Error",
        E,
        "The schema of resource {resource} is not usable: {note}",
        "A Table Schema contradicts itself or the Table Schema specification, or lacks a "
        "field the consistency rules need.",
        ("check/csv.py", "check/typed.py", "check/cells.py", "check/conformance.py"),
    ),
    ErrorType(
        "schema-version",
        "Schema Version",
        W,
        "{note}",
        "A downstream package states no casualtySchema version range (warning), or one the "
        "installed casualty-schema does not satisfy (error).",
        ("check/conformance.py",),
    ),
    ErrorType(
        "conformance-error",
        "Conformance Error",
        E,
        "does not conform to the canonical schema: {summary} ({reason})",
        "A downstream package's resource or field differs from the canonical schema in a way "
        "that is not stricter: renamed, retyped, a constraint loosened, an unknown code.",
        ("check/conformance.py",),
    ),
    ErrorType(
        "source-error",
        "Source Error",
        E,
        "The data source could not be read: {note}",
        "A resource file is missing, outside the package, empty, or not a CSV file.",
        ("check/csv.py", "package/remote.py"),
    ),
    ErrorType(
        "encoding-error",
        "Encoding Error",
        E,
        "The data source could not be decoded as {encoding}: {note}",
        "The file is not valid text in the declared encoding.",
        ("check/csv.py",),
    ),
    ErrorType(
        "byte-count",
        "Byte Count",
        E,
        "The file has {actual} bytes, not the {declared} the descriptor records: it is not the "
        "file that was released (a release records bytes only in its archive; a working "
        "tree's datapackage.json should not carry them)",
        "A resource file differs in size from the bytes its descriptor records (a release "
        "archive records them; a working tree does not).",
        ("check/integrity.py",),
    ),
    ErrorType(
        "hash-count",
        "Hash Count",
        E,
        "The file's hash is {actual}, not the {declared} the descriptor records: it is not the "
        "file that was released (a release records hashes only in its archive; a working "
        "tree's datapackage.json should not carry them)",
        "A resource file differs from the hash its descriptor records (a release archive "
        "records them; a working tree does not).",
        ("check/integrity.py",),
    ),
    ErrorType(
        "blank-label",
        "Blank Label",
        E,
        'Label in the header in field at position "{position}" is blank',
        "A header cell is empty.",
        _LABELS,
    ),
    ErrorType(
        "duplicate-label",
        "Duplicate Label",
        E,
        'Label "{label}" in the header at position "{position}" is duplicated',
        "Two header cells have the same label.",
        _LABELS,
    ),
    ErrorType(
        "missing-label",
        "Missing Label",
        E,
        'There is a missing label in the header\'s field "{field}" at position "{position}"',
        "The schema has a field the header lacks.",
        _LABELS,
    ),
    ErrorType(
        "extra-label",
        "Extra Label",
        E,
        'There is an extra label "{label}" in header at position "{position}"',
        "The header has a column the schema lacks.",
        _LABELS,
    ),
    ErrorType(
        "incorrect-label",
        "Incorrect Label",
        E,
        'Label "{label}" in field {field} at position "{position}" does not match the field name',
        "A header label differs from the schema's field name at that position.",
        _LABELS,
    ),
    ErrorType(
        "unmatched-header",
        "Unmatched Header",
        E,
        "No label of the header matches a field of the schema",
        'Under fieldsMatch "partial", not one header label names a field of the schema.',
        _LABELS,
    ),
    ErrorType(
        "blank-row",
        "Blank Row",
        E,
        'Row at position "{row}" is completely blank',
        "Every cell of the row is empty.",
        _LABELS,
    ),
    ErrorType(
        "extra-cell",
        "Extra Cell",
        E,
        'Row at position "{row}" has an extra value in field at position "{position}"',
        "The row has more cells than the header.",
        _LABELS,
    ),
    ErrorType(
        "missing-cell",
        "Missing Cell",
        E,
        'Row at position "{row}" has a missing cell in field "{field}" at position "{position}"',
        "The row has fewer cells than the header.",
        _LABELS,
    ),
    ErrorType(
        "type-error",
        "Type Error",
        E,
        'The cell "{value}" in field "{field}" is not a valid {type}{detail}',
        "A cell cannot be read as its field's type and format.",
        ("check/cells.py",),
    ),
    ErrorType(
        "constraint-error",
        "Constraint Error",
        E,
        'The cell "{value}" in field "{field}" breaks the constraint "{constraint}" {detail}',
        "A cell breaks required, unique, enum, pattern, minimum, maximum, minLength or maxLength.",
        ("check/cells.py", "check/keys.py"),
    ),
    ErrorType(
        "primary-key",
        "PrimaryKey Error",
        E,
        "The primary key ({fields}) = ({value}) of row {row} {problem}",
        "Two rows share a primary key.",
        ("check/keys.py",),
    ),
    ErrorType(
        "foreign-key",
        "ForeignKey Error",
        E,
        'The value ({value}) of {fields} matches no row of resource "{reference}" (by {target})',
        "A foreign key refers to a row that does not exist.",
        ("check/keys.py",),
    ),
)
