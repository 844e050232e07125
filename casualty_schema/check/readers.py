"""The type readers: the lexical forms of each Table Schema type, as frictionless reads them.

A reader takes a text column (null where the cell has no value) and gives a :class:`Reading`:
the typed value (null exactly where the text is null or not valid) and what a valid text looks
like. Each reproduces the Python function frictionless calls (``int()``, ``Decimal()``,
``strptime``, ...), including its tolerance for surrounding white space and underscores; the
contract's one difference is that numbers, years and dates are written with ASCII digits.
:func:`unsupported` names what a field declares that no reader here checks.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import polars as pl

from casualty_schema.check.patterns import category, int_space, per_value, python_space
from casualty_schema.package.descriptor import FieldSpec

__all__ = [
    "READERS",
    "Reader",
    "Reading",
    "constraint_problems",
    "literal_value",
    "literal_values",
    "unsupported",
]


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
    digit = category("digit", False)
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
        valid = text.map_batches(lambda s: per_value(s, check), return_dtype=pl.Boolean)
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
            lambda s: per_value(s, lambda v: _strptime(v, fmt), pl.Date()),
            return_dtype=pl.Date,
        )
        return Reading(parsed, f"expected a date as {fmt}")
    parts = [text.str.extract(_DATE, i).str.strip_chars(" ") for i in (1, 2, 3)]
    iso = pl.concat_str([parts[0], parts[1].str.zfill(2), parts[2].str.zfill(2)], separator="-")
    value = iso.str.to_date("%Y-%m-%d", strict=False)
    return _reading(value, parts[0] != "0000", "a date is written YYYY-MM-DD")


def read_year(text: pl.Expr, spec: FieldSpec) -> Reading:
    """Four characters that ``int()`` reads as 0-9999."""
    core = text.str.strip_chars(int_space())
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


def unsupported(spec: FieldSpec) -> str | None:
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


#: The constraints whose value is a value of the field's type (``enum``: each of its items).
VALUED_CONSTRAINTS = ("enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
_INT64 = (-(2**63), 2**63 - 1)


def literal_value(spec: FieldSpec, literal: Any) -> Any:
    """A constraint's value (an enum item, a bound) read as frictionless reads it: a JSON
    string with the field's reader, a JSON number or boolean as Python compares it; None when
    it is not a value of the field's type as this tool holds it (an integer beyond 64 bits is
    not: docs/structure.md, difference 7)."""
    if isinstance(literal, str):
        reading = READERS[spec.type](pl.lit(literal, dtype=pl.String), spec)
        return pl.select(reading.value).item()
    if spec.type in ("integer", "year"):
        if isinstance(literal, bool):
            return int(literal) if spec.type == "year" else None
        if isinstance(literal, float):
            literal = int(literal) if literal.is_integer() else None
        if isinstance(literal, int) and _INT64[0] <= literal <= _INT64[1]:
            return literal
        return None
    if spec.type == "number":
        if isinstance(literal, bool) or not isinstance(literal, (int, float)):
            return None
        try:
            return float(literal)
        except OverflowError:  # an integer beyond a float's range
            return None
    if spec.type == "boolean":
        return literal if isinstance(literal, bool) else None
    return None


def literal_values(spec: FieldSpec, literals: list[Any]) -> list[Any]:
    """:func:`literal_value` of each (the texts read in one pass: an enum lists many)."""
    texts = [v for v in literals if isinstance(v, str)]
    if len(texts) < 2:
        return [literal_value(spec, v) for v in literals]
    if spec.type == "string" and spec.format in ("default", ""):
        read = dict(zip(texts, texts, strict=True))  # a plain string reads as itself
    else:
        reading = READERS[spec.type](pl.col("t"), spec)
        column = pl.DataFrame({"t": texts}, schema={"t": pl.String}).select(reading.value)
        read = dict(zip(texts, column.to_series().to_list(), strict=True))
    return [read[v] if isinstance(v, str) else literal_value(spec, v) for v in literals]


def constraint_problems(spec: FieldSpec) -> list[str]:
    """What ``spec``'s constraints hold that is not a value of its type (``"minimum": "abc"``
    on an integer): frictionless stops with an error on a bound (and drops such an enum
    item); here each is a ``schema-error``, and the constraint is checked without it."""
    if spec.type not in READERS or unsupported(spec) is not None:
        return []
    problems = []
    for name in VALUED_CONSTRAINTS:
        given = spec.constraints.get(name)
        items = given if name == "enum" and isinstance(given, list) else [given]
        for item, value in zip(items, literal_values(spec, items), strict=True):
            if item is not None and value is None:
                what = f"the enum item {item!r}" if name == "enum" else f"{name} {item!r}"
                kind = (
                    spec.type if spec.format in ("default", "") else f"{spec.type} ({spec.format})"
                )
                problems.append(
                    f"field {spec.name}: {what} is not a value of type {kind}"
                    + (" (integers are 64-bit here)" if isinstance(item, int) else "")
                    + ", so it is not checked"
                )
    return problems


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
