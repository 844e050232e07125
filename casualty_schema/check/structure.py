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
   (:data:`READERS`), else ``type-error``. Each reader reproduces the Python function
   frictionless calls (``int()``, ``Decimal()``, ``strptime``, ...), including its tolerance
   for surrounding white space and underscores.
3. **Constraints** on the typed value (none when the type is wrong): ``required``, ``enum``,
   ``pattern`` (anchored, as frictionless does: ``re.match("^" + pattern + "$")``), bounds,
   lengths; then ``unique``, the primary key and the foreign keys over whole columns.

A row that is completely blank gets ``blank-row`` (and ``primary-key``, its key being empty)
and nothing else. A few checks have no exact vectorised form and run once per distinct value
in Python (``format`` uri/email/uuid/binary of strings, custom date formats, and patterns
using constructs the Rust regex engine lacks, such as look-arounds).
"""

from __future__ import annotations

import base64
import binascii
import importlib
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

import polars as pl

from casualty_schema.check.csv import (
    LINE,
    ROW,
    Column,
    Table,
    finding_rows,
    key_expr,
    message_expr,
    missing_values,
    read_table,
)
from casualty_schema.findings import STRUCTURAL_ERRORS, empty_findings, findings_frame
from casualty_schema.package.descriptor import FieldSpec, ForeignKey, PackageSpec, ResourceSpec

__all__ = ["READERS", "Reading", "Structure", "check_structure", "rust_pattern"]

# Python's own regex parser and its constants (private modules without type stubs)
sre_parse: Any = importlib.import_module("re._parser")
sre: Any = importlib.import_module("re._constants")


@dataclass(frozen=True)
class Structure:
    findings: pl.DataFrame  # FINDING_SCHEMA, all structural findings of all resources
    # Per resource: the rows with no structural error, typed, one column per field (named as
    # the field) plus __row and __line.
    frames: dict[str, pl.DataFrame]
    rows: dict[str, int]  # records read per resource


def check_structure(package: PackageSpec) -> Structure:
    """Read and check every resource of ``package``."""
    tables = {name: read_table(package, spec) for name, spec in package.resources.items()}
    typed = {name: _typed(table) for name, table in tables.items()}
    findings: list[pl.DataFrame] = []
    frames: dict[str, pl.DataFrame] = {}
    for name, table in tables.items():
        found = pl.concat(
            [
                table.findings,
                typed[name].findings,
                _cell_findings(typed[name]),
                _unique_findings(typed[name]),
                _primary_key_findings(typed[name]),
                _foreign_key_findings(typed[name], typed),
            ],
            how="vertical",
        )
        found = _in_order(found, table)
        findings.append(found)
        frames[name] = _valid_rows(typed[name], found)
    return Structure(
        findings=pl.concat(findings, how="vertical") if findings else empty_findings(),
        frames=frames,
        rows={name: table.cells.height for name, table in tables.items()},
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


# ---------------------------------------------------------------------------------------------
# Python's character classes, for exact emulation of str.strip(), int() and re
# ---------------------------------------------------------------------------------------------


@cache
def _python_chars(kind: str) -> str:
    """Every character for which Python's ``str.<kind>()`` holds."""
    test: Callable[[str], bool] = getattr(str, kind)
    return "".join(c for c in map(chr, range(0x110000)) if test(c))


def python_space() -> str:
    """What ``str.strip()`` strips (``str.isspace``): more than Rust's white space."""
    return _python_chars("isspace")


@cache
def _int_space() -> str:
    """What ``int()`` itself strips: ``str.isspace`` without the ASCII separators 0x1C-0x1F."""

    def strips(c: str) -> bool:
        try:
            int(c + "1" + c)
        except ValueError:
            return False
        return True

    return "".join(c for c in python_space() if strips(c))


def _escape(code: int) -> str:
    c = chr(code)
    return c if c.isascii() and (c.isalnum() or c == "_") else f"\\x{{{code:X}}}"


def _class_body(chars: Iterable[int]) -> str:
    """A Rust character-class body for a set of code points, as ranges."""
    codes = sorted(set(chars))
    parts: list[str] = []
    start = prev = None
    for code in [*codes, None]:
        if start is not None and prev is not None and (code is None or code != prev + 1):
            parts.append(_escape(start) if start == prev else f"{_escape(start)}-{_escape(prev)}")
            start = None
        if code is not None and start is None:
            start = code
        prev = code
    return "".join(parts)


@cache
def _category(name: str, ascii_only: bool) -> str:
    """Python's \\d, \\s and \\w as a Rust class body (Rust's own differ at the edges)."""
    if ascii_only:
        return {"digit": "0-9", "space": r"\x20\t\n\r\x0C\x0B", "word": "0-9A-Za-z_"}[name]
    kind = {"digit": "isdecimal", "space": "isspace", "word": "isalnum"}[name]
    codes = [ord(c) for c in _python_chars(kind)]
    if name == "word":
        codes.append(ord("_"))
    return _class_body(codes)


# ---------------------------------------------------------------------------------------------
# Patterns: Python's re (what frictionless uses) translated to Rust's regex (what polars uses)
# ---------------------------------------------------------------------------------------------


class _Untranslatable(Exception):
    """A construct with no exact equivalent in Rust's regex syntax."""


_CATEGORIES = {
    sre.CATEGORY_DIGIT: ("digit", False),
    sre.CATEGORY_NOT_DIGIT: ("digit", True),
    sre.CATEGORY_SPACE: ("space", False),
    sre.CATEGORY_NOT_SPACE: ("space", True),
    sre.CATEGORY_WORD: ("word", False),
    sre.CATEGORY_NOT_WORD: ("word", True),
}


@cache
def rust_pattern(pattern: str) -> str | None:
    """A Rust regex that matches a text exactly when ``re.match("^" + pattern + "$", text)``
    does (frictionless's check), or None when there is none.

    The translation goes through Python's own parser, so every construct means what it means to
    Python: ``$`` also matches before a final line feed, ``\\d \\s \\w`` are Python's Unicode
    classes, ``.`` excludes only the line feed. Case-insensitive matching, look-arounds,
    back-references, word boundaries, atomic groups and possessive repeats are not translated.
    """
    wrapped = f"^{pattern}$"
    try:
        parsed = sre_parse.parse(wrapped)
    except (re.error, RecursionError, OverflowError):
        return None
    flags = int(parsed.state.flags)
    if flags & (sre.SRE_FLAG_IGNORECASE | sre.SRE_FLAG_LOCALE):
        return None
    try:
        translated = "^(?:" + _translate(list(parsed.data), flags, tail=True) + ")"
    except _Untranslatable:
        return None
    try:  # the Rust engine has limits of its own (size of the compiled program)
        pl.Series([""], dtype=pl.String).str.contains(translated)
    except pl.exceptions.PolarsError:
        return None
    return translated


def _translate(items: Sequence[tuple[Any, Any]], flags: int, *, tail: bool) -> str:
    """``tail``: nothing but ``$`` follows these items (so ``$`` may consume a final \\n)."""
    out: list[str] = []
    for index, (op, av) in enumerate(items):
        rest = items[index + 1 :]
        at_tail = tail and all(o == sre.AT and a == sre.AT_END for o, a in rest)
        out.append(_node(op, av, flags, tail=at_tail))
    return "".join(out)


def _node(op: Any, av: Any, flags: int, *, tail: bool) -> str:
    if op == sre.LITERAL:
        return _literal(av)
    if op == sre.NOT_LITERAL:
        return f"[^{_literal(av)}]"
    if op == sre.ANY:
        return "(?s:.)" if flags & sre.SRE_FLAG_DOTALL else r"[^\n]"
    if op == sre.IN:
        return _set(av, flags)
    if op == sre.CATEGORY:
        return _set([(op, av)], flags)
    if op == sre.BRANCH:
        return "(?:" + "|".join(_translate(list(b), flags, tail=tail) for b in av[1]) + ")"
    if op == sre.SUBPATTERN:
        _group, add, remove, sub = av
        inner = (flags | add) & ~remove
        if inner & (sre.SRE_FLAG_IGNORECASE | sre.SRE_FLAG_LOCALE):
            raise _Untranslatable("case-insensitive group")
        return "(?:" + _translate(list(sub), inner, tail=tail) + ")"
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, high, sub = av
        inner = _translate(list(sub), flags, tail=tail and high <= 1)
        bound = f"{{{low},}}" if high == sre.MAXREPEAT else f"{{{low},{high}}}"
        return f"(?:{inner}){bound}" + ("?" if op == sre.MIN_REPEAT else "")
    if op == sre.AT:
        return _at(av, flags, tail=tail)
    raise _Untranslatable(str(op))


def _at(av: Any, flags: int, *, tail: bool) -> str:
    multiline = bool(flags & sre.SRE_FLAG_MULTILINE)
    if av == sre.AT_BEGINNING:
        return "(?m:^)" if multiline else "^"
    if av == sre.AT_BEGINNING_STRING:
        return r"\A"
    if av == sre.AT_END_STRING:
        return r"\z"
    if av == sre.AT_END:
        if multiline:
            return "(?m:$)"
        if tail:  # Python's $ also matches right before a final line feed
            return r"(?:\n?\z)"
    raise _Untranslatable(str(av))


def _literal(code: int) -> str:
    if 0xD800 <= code <= 0xDFFF:
        raise _Untranslatable("surrogate")
    return _escape(code)


def _set(items: Sequence[tuple[Any, Any]], flags: int) -> str:
    ascii_only = bool(flags & sre.SRE_FLAG_ASCII)
    negate = False
    parts: list[str] = []
    for op, av in items:
        if op == sre.NEGATE:
            negate = True
        elif op == sre.LITERAL:
            parts.append(_literal(av))
        elif op == sre.RANGE:
            parts.append(f"{_literal(av[0])}-{_literal(av[1])}")
        elif op == sre.CATEGORY:
            name, negated = _CATEGORIES[av]
            parts.append(f"[{'^' if negated else ''}{_category(name, ascii_only)}]")
        else:
            raise _Untranslatable(str(op))
    return f"[{'^' if negate else ''}{''.join(parts)}]"


# ---------------------------------------------------------------------------------------------
# Readers: the lexical forms of each type, as frictionless reads them
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """What a reader makes of a text column (null where the cell has no value)."""

    value: pl.Expr  # the typed value: null exactly where the text is null or not valid
    expected: str  # what a valid text looks like, for messages


Reader = Callable[[pl.Expr, FieldSpec], Reading]

_INTEGER = r"^[+-]?[0-9]+(?:_[0-9]+)*$"  # int(): sign, digits, "_" between digits
_DECIMAL = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
_INFINITY = r"(?i)^[+-]?inf(?:inity)?$"
_NAN = r"(?i)^[+-]?s?nan[0-9]*$"


def _reading(value: pl.Expr, valid: pl.Expr, expected: str) -> Reading:
    return Reading(pl.when(valid.fill_null(False)).then(value), expected)


def _strip(text: pl.Expr) -> pl.Expr:
    return text.str.strip_chars(python_space())


def _strip_currency(text: pl.Expr) -> pl.Expr:
    """``bareNumber: false``: frictionless drops what precedes the first "-" or digit and what
    follows the last digit (``re.sub(r"((^[^-\\d]*)|(\\D*$))", "", cell)``)."""
    digit = _category("digit", False)
    return text.str.replace(rf"^[^\-{digit}]*", "").str.replace(rf"[^{digit}]*\z", "")


#: frictionless's uri check (rfc3986's parsing regex, scheme required) accepts exactly the
#: texts that start with a scheme and a colon.
_URI = r"^[a-zA-Z][a-zA-Z0-9+.-]*:"
_UUID = r"^[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$"


def read_string(text: pl.Expr, spec: FieldSpec) -> Reading:
    if spec.format == "uri":
        return _reading(text, text.str.contains(_URI), "expected a URI with a scheme")
    checks: dict[str, Callable[[str], bool]] = {
        "email": _is_email,
        "uuid": _is_uuid,
        "binary": _is_base64,
    }
    if spec.format in checks:
        check = checks[spec.format]
        valid = text.map_batches(lambda s: _per_value(s, check), return_dtype=pl.Boolean)
        if spec.format == "uuid":  # the canonical form needs no Python
            valid = pl.when(text.str.contains(_UUID)).then(True).otherwise(valid)
        return _reading(text, valid, f"expected a valid {spec.format}")
    return Reading(text, "text")


def read_integer(text: pl.Expr, spec: FieldSpec) -> Reading:
    core = _strip(text)
    if spec.descriptor.get("bareNumber", True) is False:
        core = _strip_currency(core)
    value = core.str.replace_all("_", "", literal=True).cast(pl.Int64, strict=False)
    expected = "an integer is ASCII digits 0-9 with an optional sign"
    return _reading(value, core.str.contains(_INTEGER), expected)  # too large: null


def read_number(text: pl.Expr, spec: FieldSpec) -> Reading:
    """``Decimal(cell.strip())``, after frictionless's groupChar/decimalChar/bareNumber."""
    core = _strip(text)
    refused = pl.lit(False)
    if {"groupChar", "decimalChar", "bareNumber"} & set(spec.descriptor):
        if spec.descriptor.get("bareNumber", True) is False:
            core = _strip_currency(core)
        group = str(spec.descriptor.get("groupChar", ""))
        if group:
            core = core.str.replace_all(group, "", literal=True)
        point = str(spec.descriptor.get("decimalChar", "."))
        if point != ".":
            refused = core.str.contains(".", literal=True)
            core = core.str.replace_all(point, ".", literal=True)
    core = _strip(core).str.replace_all("_", "", literal=True)  # Decimal(): strip, drop "_"
    finite = core.str.contains(_DECIMAL)
    infinite = core.str.contains(_INFINITY)
    value = (
        pl.when(finite)
        .then(core.cast(pl.Float64, strict=False))
        .when(infinite)
        .then(pl.when(core.str.starts_with("-")).then(-math.inf).otherwise(math.inf))
        .when(core.str.contains(_NAN))
        .then(math.nan)
    )
    expected = "a number is ASCII digits with an optional sign, decimal point and exponent"
    return _reading(value, ~refused, expected)


def read_boolean(text: pl.Expr, spec: FieldSpec) -> Reading:
    mapping = {v: True for v in spec.true_values} | {v: False for v in spec.false_values}
    value = text.replace_strict(
        list(mapping), list(mapping.values()), default=None, return_dtype=pl.Boolean
    )
    expected = "expected one of " + ", ".join(mapping)
    return Reading(value, expected)


_DATE = r"^([0-9]{4})-(1[0-2]|0[1-9]|[1-9])-(3[01]|[12][0-9]|0[1-9]|[1-9]| [1-9])$"


def read_date(text: pl.Expr, spec: FieldSpec) -> Reading:
    """``strptime(cell, "%Y-%m-%d")``: one-digit months and days, and a space before a one-digit
    day, are accepted, as strptime accepts them; other formats go through strptime itself."""
    if spec.format not in ("default", ""):
        fmt = spec.format
        parsed = text.map_batches(
            lambda s: _per_value(s, lambda v: _strptime(v, fmt), pl.Date()),
            return_dtype=pl.Date,
        )
        return Reading(parsed, f"expected a date as {fmt}")
    parts = [text.str.extract(_DATE, i).str.strip_chars(" ") for i in (1, 2, 3)]
    iso = pl.concat_str([parts[0], parts[1].str.zfill(2), parts[2].str.zfill(2)], separator="-")
    value = iso.str.to_date("%Y-%m-%d", strict=False)
    return _reading(value, parts[0] != "0000", "a date is written YYYY-MM-DD")


def read_year(text: pl.Expr, spec: FieldSpec) -> Reading:
    """Four characters that ``int()`` reads as 0-9999."""
    core = text.str.strip_chars(_int_space())
    value = core.str.replace_all("_", "", literal=True).cast(pl.Int64, strict=False)
    valid = (text.str.len_chars() == 4) & core.str.contains(_INTEGER) & value.is_between(0, 9999)
    return _reading(value, valid, "a year is four ASCII digits")


_LIST_ITEM_TYPES = ("string", "integer", "number", "boolean", "date")


def read_list(text: pl.Expr, spec: FieldSpec) -> Reading:
    """Split on the delimiter; every item must be valid in the item type's default format."""
    item = FieldSpec(
        name=spec.name, type=spec.item_type, format="default", constraints={}, descriptor={}
    )
    reading = READERS[spec.item_type](pl.element(), item)
    items = text.str.split(spec.delimiter)
    value = items.list.eval(reading.value)
    valid = value.list.eval(pl.element().is_not_null()).list.all()
    expected = f"expected {spec.item_type} items separated by {spec.delimiter!r}"
    return _reading(value, valid, expected)


READERS: Mapping[str, Reader] = {
    "string": read_string,
    "integer": read_integer,
    "number": read_number,
    "boolean": read_boolean,
    "date": read_date,
    "year": read_year,
    "list": read_list,
}

_DTYPES: Mapping[str, pl.DataType] = {
    "string": pl.String(),
    "integer": pl.Int64(),
    "number": pl.Float64(),
    "boolean": pl.Boolean(),
    "date": pl.Date(),
    "year": pl.Int64(),
}


def dtype(spec: FieldSpec) -> pl.DataType:
    """The polars type of a field's values."""
    if spec.type == "list":
        return pl.List(_DTYPES.get(spec.item_type, pl.String()))
    return _DTYPES.get(spec.type, pl.String())


def _unsupported(spec: FieldSpec) -> str | None:
    if spec.type not in READERS:
        return f"field {spec.name}: type {spec.type!r} is not checked"
    if spec.type == "list" and spec.item_type not in _LIST_ITEM_TYPES:
        return f"field {spec.name}: list items of type {spec.item_type!r} are not checked"
    if spec.type == "list" and not spec.delimiter:
        return f"field {spec.name}: the list delimiter is empty"
    if spec.type == "string" and spec.format not in (
        "default",
        "",
        "uri",
        "email",
        "uuid",
        "binary",
    ):
        return f"field {spec.name}: string format {spec.format!r} is not checked"
    if spec.type == "date" and spec.format == "any":
        return f"field {spec.name}: date format 'any' is not checked"
    if "pattern" in spec.constraints:
        try:
            re.compile(f"^{spec.constraints['pattern']}$")
        except re.error as exc:
            return f"field {spec.name}: the anchored pattern does not compile: {exc}"
    return None


# Python checks, run once per distinct value -----------------------------------------------


def _per_value(
    series: pl.Series, check: Callable[[str], Any], dtype: pl.DataType | None = None
) -> pl.Series:
    """``check`` on each distinct text of ``series`` (null stays null)."""
    distinct = series.drop_nulls().unique()
    results = [check(v) for v in distinct.to_list()]
    return series.replace_strict(
        distinct, results, default=None, return_dtype=dtype or pl.Boolean()
    )


def _is_email(text: str) -> bool:
    import validators  # what frictionless uses

    return bool(validators.email(text))


def _is_uuid(text: str) -> bool:
    import validators

    return bool(validators.uuid(text))


def _is_base64(text: str) -> bool:
    try:
        base64.b64decode(text)
    except (binascii.Error, ValueError):
        return False
    return True


def _strptime(text: str, fmt: str) -> date | None:
    if any(c.isdecimal() and not c.isascii() for c in text):
        return None  # ASCII digits only, as for integers and numbers
    try:
        return datetime.strptime(text, fmt).date()
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------
# Typing every cell
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Field:
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
class _Typed:
    table: Table
    frame: pl.DataFrame  # text columns, __v/__p/__ok columns, __blank, __row, __line
    fields: tuple[_Field, ...]
    findings: pl.DataFrame  # schema-error findings

    @property
    def resource(self) -> ResourceSpec:
        return self.table.resource

    @property
    def key(self) -> pl.Expr:
        return key_expr(self.resource, self.frame.columns)

    def field(self, name: str) -> _Field | None:
        return next((f for f in self.fields if f.spec.name == name), None)


def _typed(table: Table) -> _Typed:
    """Every cell of ``table`` read with its field's type: for field number i, ``__p{i}`` (the
    cell has text that is not a missing value), ``__v{i}`` (the typed value) and ``__ok{i}``
    (no type error); ``__blank`` marks the blank rows."""
    resource = table.resource
    problems: list[dict[str, Any]] = []
    fields: list[_Field] = []
    for index, column in enumerate(table.columns):
        spec = column.field
        if spec is None:
            continue
        problem = _unsupported(spec)
        if problem is not None:
            problems.append(_schema_error(resource, problem))
            continue
        text = pl.when(pl.col(f"__p{index}")).then(pl.col(column.name))
        fields.append(_Field(column, spec, index, READERS[spec.type](text, spec)))
    frame = table.cells.with_columns(
        *[
            (
                pl.col(f.column.name).is_not_null()
                & ~pl.col(f.column.name).is_in(missing_values(resource, f.column))
            ).alias(f"__p{f.index}")
            for f in fields
        ],
        pl.col(ROW).is_in(table.blank_rows.implode()).alias("__blank"),
    )
    frame = frame.with_columns(f.reading.value.alias(f"__v{f.index}") for f in fields)
    frame = frame.with_columns(  # a value, or no text: the type is right
        (~f.present | f.value.is_not_null()).alias(f"__ok{f.index}") for f in fields
    )
    return _Typed(table, frame, tuple(fields), findings_frame(problems))


def _schema_error(resource: ResourceSpec, note: str) -> dict[str, Any]:
    return {
        "rule": "schema-error",
        "severity": "error",
        "resource": resource.name,
        "path": resource.path,
        "message": STRUCTURAL_ERRORS["schema-error"].message(resource=resource.name, note=note),
    }


# ---------------------------------------------------------------------------------------------
# Cell checks: type and constraints
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CellCheck:
    """One check of one column: where it fails, and what to say."""

    field: _Field
    rule: str  # type-error or constraint-error
    fails: pl.Expr  # on the typed frame
    message: pl.Expr


def _cell_findings(typed: _Typed) -> pl.DataFrame:
    checks = [check for f in typed.fields for check in _checks_of(f)]
    if not checks or typed.frame.is_empty():
        return empty_findings()
    # one pass to learn which checks fail anywhere; then one filter per failing check
    checked = ~pl.col("__blank")
    hits = typed.frame.select(
        (checked & c.fails).fill_null(False).any().alias(str(i)) for i, c in enumerate(checks)
    ).row(0)
    return pl.concat(
        [
            finding_rows(
                typed.frame,
                (checked & c.fails).fill_null(False),
                rule=c.rule,
                resource=typed.resource,
                key=typed.key,
                field=c.field.spec.name,
                value=c.field.text,
                message=c.message,
            )
            for c, hit in zip(checks, hits, strict=True)
            if hit
        ]
        or [empty_findings()],
        how="vertical",
    )


def _checks_of(f: _Field) -> list[_CellCheck]:
    checks = [_type_check(f)]
    constraints = f.spec.constraints
    if constraints.get("required"):
        checks.append(_required_check(f))
    for name, make in _CONSTRAINT_CHECKS.items():
        if constraints.get(name) is not None:
            checks.append(make(f, constraints[name]))
    return checks


def _type_check(f: _Field) -> _CellCheck:
    spec = f.spec
    kind = spec.type if spec.format in ("default", "") else f"{spec.type} ({spec.format})"
    message = message_expr(
        "type-error",
        value=f.text,
        field=spec.name,
        type=kind,
        detail=f": {f.reading.expected}",
    )
    return _CellCheck(f, "type-error", ~f.ok, message)


def _constraint(f: _Field, name: str, fails: pl.Expr, detail: str | pl.Expr) -> _CellCheck:
    """A constraint on the typed value: only cells with a value of the right type can fail."""
    message = message_expr(
        "constraint-error", value=f.text, field=f.spec.name, constraint=name, detail=detail
    )
    return _CellCheck(f, "constraint-error", f.present & f.ok & fails, message)


def _required_check(f: _Field) -> _CellCheck:
    message = message_expr(
        "constraint-error",
        value=f.text,
        field=f.spec.name,
        constraint="required",
        detail="(a value is required)",
    )
    return _CellCheck(f, "constraint-error", ~f.present, message)


def _length(f: _Field) -> pl.Expr:
    return f.value.list.len() if f.spec.type == "list" else f.value.str.len_chars()


def _unit(f: _Field) -> str:
    return "items" if f.spec.type == "list" else "characters"


def _min_length_check(f: _Field, bound: Any) -> _CellCheck:
    fails = _length(f) < int(bound)
    return _constraint(f, "minLength", fails, f"(at least {bound} {_unit(f)})")


def _max_length_check(f: _Field, bound: Any) -> _CellCheck:
    fails = _length(f) > int(bound)
    return _constraint(f, "maxLength", fails, f"(at most {bound} {_unit(f)})")


def _pattern_check(f: _Field, pattern: Any) -> _CellCheck:
    pattern = str(pattern)
    translated = rust_pattern(pattern)
    if translated is not None:
        matches = f.value.str.contains(translated)
    else:  # Python's re, once per distinct value
        compiled = re.compile(f"^{pattern}$")
        matches = f.value.map_batches(
            lambda s: _per_value(s, lambda v: compiled.match(v) is not None),
            return_dtype=pl.Boolean,
        )
    return _constraint(f, "pattern", ~matches, f"(it must match {pattern})")


def _enum_check(f: _Field, allowed: Any) -> _CellCheck:
    values = [v for v in (_literal_value(f, v) for v in allowed) if v is not None]
    member = f.value.is_in(pl.Series(values, dtype=dtype(f.spec)).implode())
    if f.spec.type == "number":  # NaN equals nothing, not even NaN
        member = member & ~f.value.is_nan()
    shown = ", ".join(str(v) for v in allowed)
    return _constraint(f, "enum", ~member, f"(it must be one of: {shown})")


def _bound_check(name: str, compare: Callable[[pl.Expr, Any], pl.Expr], words: str) -> Any:
    def make(f: _Field, bound: Any) -> _CellCheck:
        value = _literal_value(f, bound)
        if value is None:
            return _constraint(f, name, pl.lit(False), "")
        fails = ~compare(f.value, value)
        if f.spec.type == "number":  # frictionless: NaN meets no bound
            fails = fails | f.value.is_nan()
        return _constraint(f, name, fails, f"(it must be {words} {bound})")

    return make


_CONSTRAINT_CHECKS: Mapping[str, Callable[[_Field, Any], _CellCheck]] = {
    "minLength": _min_length_check,
    "maxLength": _max_length_check,
    "pattern": _pattern_check,
    "enum": _enum_check,
    "minimum": _bound_check("minimum", lambda v, b: v >= b, "at least"),
    "maximum": _bound_check("maximum", lambda v, b: v <= b, "at most"),
    "exclusiveMinimum": _bound_check("exclusiveMinimum", lambda v, b: v > b, "more than"),
    "exclusiveMaximum": _bound_check("exclusiveMaximum", lambda v, b: v < b, "less than"),
}


def _literal_value(f: _Field, literal: Any) -> Any:
    """A constraint's value (an enum item, a bound) read as frictionless reads it: a JSON
    string with the field's reader, a JSON number or boolean as Python compares it."""
    spec = f.spec
    if isinstance(literal, str):
        reading = READERS[spec.type](pl.lit(literal, dtype=pl.String), spec)
        return pl.select(reading.value).item()
    if spec.type in ("integer", "year"):
        if isinstance(literal, bool):
            return int(literal) if spec.type == "year" else None
        if isinstance(literal, int):
            return literal
        return int(literal) if isinstance(literal, float) and literal.is_integer() else None
    if spec.type == "number":
        return None if isinstance(literal, bool) else float(literal)
    if spec.type == "boolean":
        return literal if isinstance(literal, bool) else None
    return None


# ---------------------------------------------------------------------------------------------
# Whole-column checks: unique, primary key, foreign keys
# ---------------------------------------------------------------------------------------------


def _comparable(f: _Field) -> pl.Expr:
    """The value as keys compare it: NaN never equals anything, so it has no key; a list is
    compared as a text that spells its items unambiguously."""
    if f.spec.type == "number":
        return pl.when(~f.value.is_nan()).then(f.value)
    if f.spec.type == "list":
        item = pl.element().cast(pl.String).str.replace_all("\\", "\\\\", literal=True)
        item = item.str.replace_all("\x1f", "\\u", literal=True)
        return f.value.list.eval(item).list.join("\x1f")
    return f.value


def _unique_findings(typed: _Typed) -> pl.DataFrame:
    """Every value after the first occurrence of it (frictionless compares typed values:
    "01" and "1" are the same integer)."""
    frames = []
    for f in typed.fields:
        if not f.spec.unique:
            continue
        value = _comparable(f)
        fails = value.is_not_null() & ~value.is_first_distinct()
        frame = _narrow(typed, [f], fails)
        if frame.is_empty():
            continue
        frame = frame.with_columns(pl.col(ROW).first().over(value).alias("__first"))
        detail = pl.concat_str(pl.lit("(the same value is in row "), "__first", pl.lit(")"))
        message = message_expr(
            "constraint-error",
            value=f.text,
            field=f.spec.name,
            constraint="unique",
            detail=detail,
        )
        frames.append(
            finding_rows(
                frame,
                fails,
                rule="constraint-error",
                resource=typed.resource,
                key=typed.key,
                field=f.spec.name,
                value=f.text,
                message=message,
            )
        )
    return pl.concat(frames, how="vertical") if frames else empty_findings()


def _primary_key_findings(typed: _Typed) -> pl.DataFrame:
    """A row whose key cells are all empty, and every row that repeats an earlier key."""
    names = typed.resource.primary_key
    fields = [typed.field(n) for n in names]
    present = [f for f in fields if f is not None]
    if not names or len(present) != len(names):
        return empty_findings()
    values = [_comparable(f).alias(f.spec.name) for f in present]
    nan = (
        pl.any_horizontal(f.value.is_nan() for f in present if f.spec.type == "number")
        if any(f.spec.type == "number" for f in present)
        else pl.lit(False)
    )
    empty = pl.all_horizontal(f.value.is_null() for f in present)
    key = values[0] if len(values) == 1 else pl.struct(values)
    repeated = ~empty & ~nan & ~key.is_first_distinct()
    problem = (
        pl.when(empty)
        .then(pl.lit("is empty: every cell of the key is blank"))
        .otherwise(pl.concat_str(pl.lit("is not unique: it first occurs in row "), "__first"))
    )
    message = message_expr(
        "primary-key",
        fields=", ".join(names),
        value=typed.key,
        row=pl.col(ROW),
        problem=problem,
    )
    frame = _narrow(typed, present, empty | repeated)
    if frame.is_empty():
        return empty_findings()
    frame = frame.with_columns(pl.col(ROW).first().over(key).alias("__first"))
    return finding_rows(
        frame,
        empty | repeated,
        rule="primary-key",
        resource=typed.resource,
        key=typed.key,
        value=typed.key,
        message=message,
    )


def _foreign_key_findings(typed: _Typed, everything: Mapping[str, _Typed]) -> pl.DataFrame:
    """Rows whose foreign key (unless all its cells are empty) is no row's key in the referenced
    resource. frictionless compares typed Python values: 1, 1.0 and true are one key, NaN is
    no key. A key not in the header is not checked, nor one into a resource not read."""
    checked = [
        (fk, [f for f in sources if f is not None], everything[fk.resource])
        for fk in typed.resource.foreign_keys
        if fk.resource in everything
        for sources in [[typed.field(n) for n in fk.fields]]
        if all(f is not None for f in sources) and everything[fk.resource].table.columns
    ]
    if not checked:
        return empty_findings()
    referenced: dict[Any, pl.Series] = {}  # two keys into one column share its values
    masks = [_dangling(fk, sources, target, referenced) for fk, sources, target in checked]
    hits = typed.frame.select(m.any().alias(str(i)) for i, m in enumerate(masks)).row(0)
    frames = [
        _foreign_key_rows(typed, fk, sources, mask)
        for (fk, sources, _target), mask, hit in zip(checked, masks, hits, strict=True)
        if hit
    ]
    return pl.concat(frames, how="vertical") if frames else empty_findings()


def _dangling(
    fk: ForeignKey, sources: list[_Field], target: _Typed, cache: dict[Any, pl.Series]
) -> pl.Expr:
    """Where the key of ``fk`` is set and is no row's key in ``target`` (a semi-join: the key
    values of ``target`` are collected once, then looked up)."""
    targets = [target.field(n) for n in fk.reference_fields]
    own, theirs = [], []
    for i, (f, t) in enumerate(zip(sources, targets, strict=True)):
        a, b = _joinable(_comparable(f), dtype(f.spec), t)
        own.append(a.alias(f"__k{i}"))
        theirs.append(b.alias(f"__k{i}"))
    signature = (fk.resource, fk.reference_fields, tuple(str(dtype(f.spec)) for f in sources))
    if signature not in cache:
        keys = [pl.col(f"__k{i}") for i in range(len(theirs))]
        values = target.frame.select(theirs).filter(
            pl.any_horizontal(k.is_not_null() for k in keys)
        )
        cache[signature] = values.to_series() if len(theirs) == 1 else values.to_struct()
    mine = own[0] if len(own) == 1 else pl.struct(own)
    found = mine.is_in(cache[signature].implode())
    nan = [f.value.is_nan() for f in sources if f.spec.type == "number"]
    if nan:
        found = found & ~pl.any_horizontal(nan)
    return pl.any_horizontal(f.value.is_not_null() for f in sources) & ~found.fill_null(False)


def _foreign_key_rows(
    typed: _Typed, fk: ForeignKey, sources: list[_Field], dangling: pl.Expr
) -> pl.DataFrame:
    value = pl.concat_str([f.text.fill_null("") for f in sources], separator=", ")
    message = message_expr(
        "foreign-key",
        value=value,
        fields=", ".join(fk.fields),
        target=", ".join(fk.reference_fields),
        resource=fk.resource,
    )
    return finding_rows(
        typed.frame,
        dangling,
        rule="foreign-key",
        resource=typed.resource,
        key=typed.key,
        field=fk.fields[0] if len(fk.fields) == 1 else None,
        value=value,
        message=message,
    )


def _narrow(typed: _Typed, fields: Sequence[_Field], rows: pl.Expr | None = None) -> pl.DataFrame:
    """Only what a whole-column check needs: the fields' text and values, the primary key's
    text (for findings' key), __row and __line. With ``rows``: the rows where it holds, and
    every row sharing a value with one of them (a first occurrence)."""
    names = {f.column.name for f in fields} | set(typed.resource.primary_key)
    values = [f"__v{f.index}" for f in fields]
    columns = [c for c in typed.frame.columns if c in names or c in values]
    keys = [_comparable(f).alias(f"__c{f.index}") for f in fields]
    frame = typed.frame.select(*columns, ROW, LINE, *keys)
    if rows is None:
        return frame
    hits = frame.filter(rows)
    if hits.is_empty():
        return hits
    on = [f"__c{f.index}" for f in fields]
    return frame.join(hits.select(on).unique(), on=on, how="semi", nulls_equal=True)


_NUMERIC = (pl.Int64(), pl.Float64(), pl.Boolean())


def _joinable(
    own: pl.Expr, own_type: pl.DataType, target: _Field | None
) -> tuple[pl.Expr, pl.Expr]:
    """Both sides of one key column in a type they can be joined on."""
    if target is None:  # the target has no such column: every value is missing there
        return own, pl.lit(None, dtype=own_type)
    theirs, their_type = _comparable(target), dtype(target.spec)
    if own_type == their_type:  # lists: both already spelled out by _comparable
        return own, theirs
    if own_type in _NUMERIC and their_type in _NUMERIC:
        return own.cast(pl.Float64), theirs.cast(pl.Float64)
    # values of different types are never equal: compare as text that cannot coincide
    return (
        pl.concat_str(pl.lit("own\x1f"), own.cast(pl.String)),
        pl.concat_str(pl.lit("their\x1f"), theirs.cast(pl.String)),
    )


# ---------------------------------------------------------------------------------------------
# The typed frames of valid rows
# ---------------------------------------------------------------------------------------------


def _valid_rows(typed: _Typed, found: pl.DataFrame) -> pl.DataFrame:
    """The rows with no structural finding, one typed column per field of the schema."""
    resource = typed.resource
    bad = found.get_column("row").drop_nulls().unique()
    by_name = {f.spec.name: f for f in typed.fields}
    columns = [
        (by_name[spec.name].value if spec.name in by_name else pl.lit(None))
        .cast(dtype(spec))
        .alias(spec.name)
        for spec in resource.fields
    ]
    frame = typed.frame
    if typed.table.header is None or not typed.table.columns:
        frame = frame.clear()
    frame = frame.select(*columns, pl.col(ROW), pl.col(LINE))
    return frame.filter(~pl.col(ROW).is_in(bad.implode())) if len(bad) else frame
