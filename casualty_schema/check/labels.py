"""The header matched to the schema, and the shape of every row: a step of
:mod:`casualty_schema.check.csv`.

:func:`match_labels` is frictionless's ``Header``: which column each cell belongs to (by
position under ``fieldsMatch`` "exact", by name otherwise) and the label errors
(``missing-label``, ``extra-label``, ``incorrect-label``, ``blank-label``, ``duplicate-label``,
``unmatched-header``). :func:`cells` names the parsed records' columns so, and
:func:`shape_findings` finds ``blank-row``, ``extra-cell`` and ``missing-cell``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from casualty_schema.errors import ErrorType, error
from casualty_schema.findings import LINE, ROW, empty_findings, key_expr
from casualty_schema.package.descriptor import FieldSpec, ResourceSpec

__all__ = [
    "Column",
    "Matching",
    "blank_mask",
    "cells",
    "match_labels",
    "missing_values",
    "presence",
    "shape_findings",
]

_NAME_MATCH_MODES = ("equal", "subset", "superset", "partial")


@dataclass(frozen=True)
class Column:
    """One column of the data as frictionless expects it: a schema field, or a label the schema
    lacks (``field`` is None; frictionless gives such a column the type ``any``)."""

    name: str
    field: FieldSpec | None
    position: int  # 1-based, in the file


def missing_values(resource: ResourceSpec, column: Column) -> list[str]:
    """The texts that stand for "no value" in ``column``: the field's own ``missingValues``,
    else the schema's. A column the schema lacks gets frictionless's default, [""]."""
    if column.field is None:
        return [""]
    own = column.field.descriptor.get("missingValues")
    values = own if own is not None else list(resource.missing_values)
    return [str(v["value"]) if isinstance(v, dict) else str(v) for v in values]


@dataclass(frozen=True)
class Matching:
    findings: list[dict[str, Any]]
    columns: tuple[Column, ...] | None  # None: frictionless reads no row


def _label(
    resource: ResourceSpec,
    kind: ErrorType,
    field_name: str | None,
    value: str | None,
    **params: Any,
) -> dict[str, Any]:
    """A finding on the header (its row and line are set when the header's place is known)."""
    return kind.finding(
        resource=resource.name, path=resource.path, field=field_name, value=value, **params
    )


def match_labels(labels: list[str], resource: ResourceSpec) -> Matching:
    """frictionless's ``Header``: label errors, and which column each cell belongs to."""
    fields = list(resource.fields)
    if not labels:  # no header at all: every field, by position, and no label error
        return Matching([], tuple(Column(f.name, f, i) for i, f in enumerate(fields, 1)))
    if resource.fields_match in _NAME_MATCH_MODES:
        return _match_by_name(labels, resource)
    return _match_by_position(labels, resource)


def _match_by_position(labels: list[str], resource: ResourceSpec) -> Matching:
    fields = list(resource.fields)
    found: list[dict[str, Any]] = []
    for position, label in enumerate(labels[len(fields) :], start=len(fields) + 1):
        found.append(
            _label(resource, error("extra-label"), None, label, label=label, position=position)
        )
    for position, f in enumerate(fields[len(labels) :], start=len(labels) + 1):
        found.append(_label(resource, error("missing-label"), f.name, None, position=position))
    seen: set[str] = set()  # the labels before this one (a set: linear in the labels)
    for position, (f, label) in enumerate(zip(fields, labels, strict=False), start=1):
        earlier = label in seen
        seen.add(label)
        if not label:
            found.append(_label(resource, error("blank-label"), f.name, label, position=position))
        elif earlier:
            found.append(
                _label(
                    resource,
                    error("duplicate-label"),
                    f.name,
                    label,
                    label=label,
                    position=position,
                )
            )
        elif label != f.name:
            found.append(
                _label(
                    resource,
                    error("incorrect-label"),
                    f.name,
                    label,
                    label=label,
                    position=position,
                )
            )
    names = _deduplicate([f.name for f in fields[: len(labels)]] + labels[len(fields) :])
    columns = tuple(
        Column(name, fields[i] if i < len(fields) else None, i + 1) for i, name in enumerate(names)
    )
    return Matching(found, columns)


def _match_by_name(labels: list[str], resource: ResourceSpec) -> Matching:
    mode = resource.fields_match
    by_name = {f.name: f for f in resource.fields}
    if len(set(labels)) != len(labels):
        # frictionless stops: "matching fields by name requires unique labels in the header"
        duplicates = [
            _label(
                resource,
                error("duplicate-label"),
                label if label in by_name else None,
                label,
                label=label,
                position=position,
            )
            for position, label in enumerate(labels, start=1)
            if label in labels[: position - 1]
        ]
        return Matching(duplicates, None)
    found: list[dict[str, Any]] = []
    if mode not in ("subset", "partial"):
        for position, label in enumerate(labels, start=1):
            if label not in by_name:
                found.append(
                    _label(
                        resource, error("extra-label"), None, label, label=label, position=position
                    )
                )
    if mode == "partial" and resource.fields and not any(label in by_name for label in labels):
        found.append(error("unmatched-header").finding(resource=resource.name, path=resource.path))
    missing = [f for f in resource.fields if f.name not in labels]
    if mode in ("superset", "partial"):
        missing = [f for f in missing if f.required or f.name in resource.primary_key]
    for position, f in enumerate(missing, start=len(labels) + 1):
        found.append(_label(resource, error("missing-label"), f.name, None, position=position))
    names = _deduplicate(labels)
    columns = tuple(
        Column(name, by_name.get(label), i)
        for i, (name, label) in enumerate(zip(names, labels, strict=True), 1)
    )
    return Matching(found, columns)


def _is_pattern(name: str) -> bool:
    """Whether ``pl.col(name)`` selects by pattern rather than by this name."""
    return name == "*" or (len(name) > 1 and name.startswith("^") and name.endswith("$"))


def _deduplicate(names: list[str]) -> list[str]:
    """frictionless's names for the columns (``deduplicate_names``), also kept clear of the
    bookkeeping columns and of what polars reads as a pattern (``*``, ``^...$``): such a
    name gets a suffix, as a repeated one does."""
    used: set[str] = {ROW, LINE}
    result: list[str] = []
    for name in names:
        new, suffix = name, 2
        while new in used or _is_pattern(new):
            new, suffix = f"{name}{suffix}", suffix + 1
        result.append(new)
        used.add(new)
    return result


def cells(data: pl.DataFrame, columns: tuple[Column, ...]) -> pl.DataFrame:
    available = set(data.columns)
    return data.select(
        *[
            (pl.col(f"c{i}") if f"c{i}" in available else pl.lit(None, dtype=pl.String)).alias(
                c.name
            )
            for i, c in enumerate(columns)
        ],
        pl.col(ROW),
        pl.col(LINE),
        pl.col("__count"),
    )


def presence(resource: ResourceSpec, columns: tuple[Column, ...]) -> list[pl.Expr]:
    """For the column at index i, ``__p{i}``: the cell is there and is not a missing value
    (computed once per cell: the blank rows, the type and the constraint checks use it)."""
    found = []
    for i, c in enumerate(columns):
        text, missing = pl.col(c.name), missing_values(resource, c)
        there = text != "" if missing == [""] else ~text.is_in(missing)
        found.append(there.fill_null(False).alias(f"__p{i}"))
    return found


def blank_mask(columns: tuple[Column, ...]) -> pl.Expr:
    """A row is blank when every expected cell is absent or a missing value (from the
    columns of :func:`presence`)."""
    if not columns:
        return pl.lit(True)
    return ~pl.any_horizontal(pl.col(f"__p{i}") for i in range(len(columns)))


def shape_findings(
    resource: ResourceSpec,
    data: pl.DataFrame,
    cells: pl.DataFrame,
    columns: tuple[Column, ...],
) -> pl.DataFrame:
    """blank-row, and missing-cell / extra-cell for rows that are not blank (frictionless
    reports only blank-row for a blank row, whatever its width)."""
    extra = [n for n in data.columns if n.startswith("c")][len(columns) :]
    odd = cells.with_columns(
        data.select(pl.col(n).alias(f"__extra{i}") for i, n in enumerate(extra, len(columns) + 1))
    ).filter(pl.col("__blank") | (pl.col("__count") != len(columns)))
    if odd.is_empty():
        return empty_findings()
    key = key_expr(resource.primary_key, [c.name for c in columns])
    count, blank = pl.col("__count"), pl.col("__blank")
    name, path = resource.name, resource.path
    frames = [error("blank-row").rows(odd, blank, resource=name, path=path, key=key)]
    for c in columns:
        frames.append(
            error("missing-cell").rows(
                odd,
                (count < c.position) & ~blank,
                resource=name,
                path=path,
                key=key,
                field=c.name,
                position=c.position,
            )
        )
    for position in range(len(columns) + 1, len(columns) + len(extra) + 1):
        frames.append(
            error("extra-cell").rows(
                odd,
                (count >= position) & ~blank,
                resource=name,
                path=path,
                key=key,
                value=pl.col(f"__extra{position}"),
                position=position,
            )
        )
    return pl.concat(frames, how="vertical")
