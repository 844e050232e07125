"""The cell checks of the structural stage: each cell's type, then its field's constraints.

As frictionless does: a cell with no value can only break ``required``; a cell whose text is not
of its type is a ``type-error`` and is checked no further; ``enum``, ``pattern`` (anchored,
:func:`casualty_schema.check.patterns.matches`), bounds and lengths are checked on the typed
value. Blank rows are not checked (they get ``blank-row`` alone). One pass learns which checks
fail anywhere (a repetitive field's constraints on its distinct values); only those make
findings.

A finding carries a hint when a simple repair of the cell would pass the check: an integer
written with thousands separators or Eastern Arabic digits ("1,302" → "remove the thousands
separator: 1302"), a text that a pattern refuses but whose trimmed, zero-padded or
lower-cased form it accepts ("2021-4-12" → "write 2021-04-12", "Sanaa Gov" → "write
sanaa-gov"). The hint is a polars expression like the check itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from casualty_schema.check.backtracking import CPU_LIMIT
from casualty_schema.check.patterns import matches, rust_pattern
from casualty_schema.check.readers import literal_value, literal_values
from casualty_schema.check.typed import Field, Typed, repetitive
from casualty_schema.domain.fold import ascii_digits
from casualty_schema.errors import ErrorType, error
from casualty_schema.findings import ROW, empty_findings, findings_frame
from casualty_schema.types import polars_dtype

__all__ = ["CONSTRAINT_CHECKS", "CellCheck", "cell_findings", "checks_of"]


@dataclass(frozen=True)
class CellCheck:
    """One check of one column: where it fails, and the parameters of its message."""

    field: Field
    kind: ErrorType  # type-error or constraint-error
    fails: pl.Expr  # on the typed frame
    params: Mapping[str, object] = dataclasses.field(default_factory=dict)
    hint: pl.Expr | None = None  # how to fix a failing cell, null where there is no telling
    # Where the check could not be decided (a pattern past its limit of CPU time): then it
    # fails nowhere, and one schema-error says why (``unchecked_note``: "{row}" is the first).
    unchecked: pl.Expr | None = None
    unchecked_note: str = ""
    # Whether the check fails only on a cell with a value, by that value alone (a constraint).
    on_value: bool = False


def cell_findings(typed: Typed) -> pl.DataFrame:
    checks = [check for f in typed.fields for check in checks_of(f)]
    if not checks or typed.frame.is_empty():
        return empty_findings()
    # one pass to learn which checks fail anywhere; then one filter per failing check
    checked = ~pl.col("__blank")
    hits = _hits(typed, checks)
    resource = typed.resource
    unchecked = _unchecked(typed, [c for c in checks if c.unchecked is not None])
    return pl.concat(
        unchecked
        + [
            c.kind.rows(
                typed.frame,
                (checked & c.fails).fill_null(False),
                resource=resource.name,
                path=resource.path,
                key=typed.key,
                field=c.field.spec.name,
                value=c.field.text,
                hint=c.hint,
                **c.params,
            )
            for c, hit in zip(checks, hits, strict=True)
            if hit
        ]
        or [empty_findings()],
        how="vertical",
    )


def _hits(typed: Typed, checks: list[CellCheck]) -> list[bool]:
    """Whether each check fails on some cell, in one pass (the checks side by side). A
    constraint of a :func:`~casualty_schema.check.typed.repetitive` field is checked once per
    distinct value: it holds on a cell exactly when the cell has a value (the field's value
    column is not null, and then the cell is present, of its type, and its row not blank)
    and the value passes."""
    repeats = {f.index for f in typed.fields if repetitive(typed.frame.get_column(f.column.name))}
    checked = ~pl.col("__blank")
    by_value = [c.on_value and c.field.index in repeats for c in checks]
    per_row = [(i, c) for i, c in enumerate(checks) if not by_value[i]]
    queries = [
        typed.frame.lazy().select(
            (checked & c.fails).fill_null(False).any().alias(str(i)) for i, c in per_row
        )
    ]
    for index in repeats:
        own = [(i, c) for i, c in enumerate(checks) if by_value[i] and c.field.index == index]
        if own:
            value = f"__v{index}"
            distinct = (
                typed.frame.lazy()
                .select(pl.col(value).drop_nulls().unique())
                .with_columns(
                    pl.lit(True).alias(f"__p{index}"),
                    pl.lit(True).alias(f"__ok{index}"),
                    pl.lit(False).alias("__blank"),
                )
            )
            queries.append(
                distinct.select(
                    (checked & c.fails).fill_null(False).any().alias(str(i)) for i, c in own
                )
            )
    found: dict[str, bool] = {}
    for part in pl.collect_all(queries) if len(queries) > 1 else [queries[0].collect()]:
        found.update(part.row(0, named=True) if part.width else {})
    return [bool(found[str(i)]) for i in range(len(checks))]


def _unchecked(typed: Typed, checks: list[CellCheck]) -> list[pl.DataFrame]:
    """A schema-error for each check that could not be decided on some cell (the first)."""
    if not checks:
        return []
    checked = ~pl.col("__blank")
    rows = typed.frame.select(
        pl.col(ROW).filter(checked & c.unchecked).first().alias(str(i))  # type: ignore[operator]
        for i, c in enumerate(checks)
    ).row(0)
    resource = typed.resource
    return [
        findings_frame(
            [
                error("schema-error").finding(
                    resource=resource.name,
                    path=resource.path,
                    field=c.field.spec.name,
                    note=c.unchecked_note.replace("{row}", str(row)),
                )
            ]
        )
        for c, row in zip(checks, rows, strict=True)
        if row is not None
    ]


def checks_of(f: Field) -> list[CellCheck]:
    """The checks of one field: its type, ``required``, and each constraint it declares."""
    checks = [_type_check(f)]
    constraints = f.spec.constraints
    if constraints.get("required"):
        checks.append(_required_check(f))
    for name, make in CONSTRAINT_CHECKS.items():
        if constraints.get(name) is not None:
            checks.append(make(f, constraints[name]))
    return checks


def _type_check(f: Field) -> CellCheck:
    spec = f.spec
    kind = spec.type if spec.format in ("default", "") else f"{spec.type} ({spec.format})"
    params = {"type": kind, "detail": f": {f.reading.expected}"}
    hint = _integer_hint(f.text) if spec.type == "integer" else None
    return CellCheck(f, error("type-error"), ~f.ok, params, hint)


# thousands separators as news and spreadsheets write them: "1,302", "٣٥٬٠٠٠", "1 302"
_SEPARATORS = r"[,\u066C\u00A0\u202F' ]"
_PLAIN_INTEGER = r"^[+-]?[0-9]+$"


def _integer_hint(text: pl.Expr) -> pl.Expr:
    """How to write an integer that is written with separators or non-ASCII digits."""
    core = text.str.strip_chars()
    ascii_ = ascii_digits(core)
    bare = ascii_.str.replace_all(_SEPARATORS, "")
    grouped = ascii_.str.contains(r"^[+-]?[0-9]{1,3}(" + _SEPARATORS + r"[0-9]{3})+$")
    return (
        pl.when(grouped)
        .then(pl.format("remove the thousands separator: {}", bare))
        .when((ascii_ != core) & ascii_.str.contains(_PLAIN_INTEGER))
        .then(pl.format("write it with ASCII digits: {}", ascii_))
        .otherwise(pl.lit(None, pl.String))
    )


# a date written with one-digit parts or other separators: 2021-4-12, 2021/04/12, 2021.4
_LOOSE_DATE = r"^([0-9]{4})[-/.]([0-9]{1,2})(?:[-/.]([0-9]{1,2}))?$"


def _repairs(text: pl.Expr) -> list[pl.Expr]:
    """Simple repairs of a text, in the order they are tried: trimmed; a date zero-padded
    and with hyphens; lower case with hyphens for spaces and underscores (an id)."""
    trimmed = ascii_digits(text.str.strip_chars())
    parts = trimmed.str.extract_groups(_LOOSE_DATE)
    pad = [parts.struct[i].str.zfill(2) for i in (1, 2)]
    date = pl.when(trimmed.str.contains(_LOOSE_DATE)).then(
        pl.when(parts.struct[2].is_null())
        .then(pl.concat_str([parts.struct[0], pad[0]], separator="-"))
        .otherwise(pl.concat_str([parts.struct[0], *pad], separator="-"))
    )
    slug = trimmed.str.to_lowercase().str.replace_all(r"[\s_]+", "-")
    return [trimmed, date, slug]


def _pattern_hint(text: pl.Expr, pattern: str) -> pl.Expr:
    """ "write X" for the first repair of ``text`` that ``pattern`` accepts; null if none."""
    hint = pl.lit(None, pl.String)
    for repaired in reversed(_repairs(text)):
        fits = (repaired != text) & matches(repaired, pattern)
        hint = pl.when(fits.fill_null(False)).then(pl.format("write {}", repaired)).otherwise(hint)
    return hint


def _constraint(
    f: Field, name: str, fails: pl.Expr, detail: str | pl.Expr, hint: pl.Expr | None = None
) -> CellCheck:
    """A constraint on the typed value: only cells with a value of the right type can fail."""
    params = {"constraint": name, "detail": detail}
    fails = f.present & f.ok & fails
    return CellCheck(f, error("constraint-error"), fails, params, hint, on_value=True)


def _required_check(f: Field) -> CellCheck:
    params = {"constraint": "required", "detail": "(a value is required)"}
    return CellCheck(f, error("constraint-error"), ~f.present, params)


def _length(f: Field) -> pl.Expr:
    return f.value.list.len() if f.spec.type == "list" else f.value.str.len_chars()


def _unit(f: Field) -> str:
    return "items" if f.spec.type == "list" else "characters"


def _min_length_check(f: Field, bound: Any) -> CellCheck:
    fails = _length(f) < int(bound)
    return _constraint(f, "minLength", fails, f"(at least {bound} {_unit(f)})")


def _max_length_check(f: Field, bound: Any) -> CellCheck:
    fails = _length(f) > int(bound)
    return _constraint(f, "maxLength", fails, f"(at most {bound} {_unit(f)})")


def _pattern_check(f: Field, pattern: Any) -> CellCheck:
    """A pattern that Python's re could not decide on some cell within its limit of CPU time
    is not checked at all (so what is reported does not depend on which cell ran out)."""
    pattern = str(pattern)
    detail = f"(it must match {pattern})"
    verdict = matches(f.value, pattern)
    if rust_pattern(pattern) is not None:  # Rust's regex: linear time, always a verdict
        return _constraint(f, "pattern", ~verdict, detail, _pattern_hint(f.value, pattern))
    undecided = f.value.is_not_null() & verdict.is_null()
    fails = (~verdict).fill_null(False) & ~undecided.any()
    check = _constraint(f, "pattern", fails, detail, _pattern_hint(f.value, pattern))
    note = (
        f"field {f.spec.name}: the pattern {pattern!r} is not checked: Python's re, which it "
        f"needs, ran past its limit of {CPU_LIMIT:g} s of CPU time on the value in row "
        "{row} (a pattern that backtracks: docs/security.md)"
    )
    return dataclasses.replace(check, unchecked=f.present & f.ok & undecided, unchecked_note=note)


def _enum_check(f: Field, allowed: Any) -> CellCheck:
    values = [v for v in literal_values(f.spec, allowed) if v is not None]
    member = f.value.is_in(pl.Series(values, dtype=polars_dtype(f.spec)).implode())
    if f.spec.type == "number":  # NaN equals nothing, not even NaN
        member = member & ~f.value.is_nan()
    shown = ", ".join(str(v) for v in allowed)
    return _constraint(f, "enum", ~member, f"(it must be one of: {shown})")


def _bound_check(name: str, compare: Callable[[pl.Expr, Any], pl.Expr], words: str) -> Any:
    def make(f: Field, bound: Any) -> CellCheck:
        value = literal_value(f.spec, bound)
        if value is None:
            return _constraint(f, name, pl.lit(False), "")
        fails = ~compare(f.value, value)
        if f.spec.type == "number":  # frictionless: NaN meets no bound
            fails = fails | f.value.is_nan()
        return _constraint(f, name, fails, f"(it must be {words} {bound})")

    return make


CONSTRAINT_CHECKS: Mapping[str, Callable[[Field, Any], CellCheck]] = {
    "minLength": _min_length_check,
    "maxLength": _max_length_check,
    "pattern": _pattern_check,
    "enum": _enum_check,
    "minimum": _bound_check("minimum", lambda v, b: v >= b, "at least"),
    "maximum": _bound_check("maximum", lambda v, b: v <= b, "at most"),
    "exclusiveMinimum": _bound_check("exclusiveMinimum", lambda v, b: v > b, "more than"),
    "exclusiveMaximum": _bound_check("exclusiveMaximum", lambda v, b: v < b, "less than"),
}
