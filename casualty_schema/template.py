"""The one template engine: a message template (``str.format`` syntax, named fields only) made
into text, or into a polars expression that makes it for every row of a frame.

Error types (:mod:`casualty_schema.errors`) and rules (:mod:`casualty_schema.rules.registry`)
both state their messages as templates; both are filled here, so a parameter means the same
whether one finding is made in Python or a million in polars. A parameter is a plain value or,
for :func:`expr`, a polars expression evaluated per row; a missing value (None, or null in a
row) is written as ``null``.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping

import polars as pl

__all__ = ["expr", "fields", "text"]


def _parts(template: str) -> Iterator[tuple[str, str | None]]:
    """(literal text, field name or None), in order. Templates hold no literal braces, no
    positional fields, and no format specs."""
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if name is not None and (not name or spec or conversion):
            raise ValueError(f"template {template!r}: only plain named fields ({{name}})")
        yield literal, name


def fields(template: str) -> list[str]:
    """The names a template uses, in order of first use."""
    names: list[str] = []
    for _literal, name in _parts(template):
        if name is not None and name not in names:
            names.append(name)
    return names


def text(template: str, params: Mapping[str, object], *, null: str = "") -> str:
    """The message for one finding."""
    out: list[str] = []
    for literal, name in _parts(template):
        out.append(literal)
        if name is not None:
            value = params[name]
            out.append(null if value is None else str(value))
    return "".join(out)


def expr(template: str, params: Mapping[str, object], *, null: str = "") -> pl.Expr:
    """The message for every row: each parameter a plain value or a polars expression."""
    parts: list[pl.Expr] = []
    for literal, name in _parts(template):
        if literal:
            parts.append(pl.lit(literal))
        if name is None:
            continue
        value = params[name]
        if isinstance(value, pl.Expr):
            parts.append(value.cast(pl.String).fill_null(null))
        else:
            parts.append(pl.lit(null if value is None else str(value), dtype=pl.String))
    return pl.concat_str(parts) if parts else pl.lit("", dtype=pl.String)
