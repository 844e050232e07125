"""The one map from Table Schema types to the polars types of the typed frames.

The structural stage casts each field's values to :func:`polars_dtype` of it, the rules' gate
(:func:`casualty_schema.check.conformance.rule_ready`) expects those types, and the pandera
schemas (:mod:`casualty_schema.downstream.pandera`) declare them.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from casualty_schema.package.descriptor import FieldSpec

__all__ = ["DTYPES", "polars_dtype"]

#: Table Schema type → polars dtype; a type not listed is kept as text.
DTYPES: Mapping[str, pl.DataType] = {
    "string": pl.String(),
    "integer": pl.Int64(),
    "number": pl.Float64(),
    "boolean": pl.Boolean(),
    "date": pl.Date(),
    "datetime": pl.Datetime(),
    "time": pl.Time(),
    "year": pl.Int64(),
    "any": pl.String(),
}


def polars_dtype(field: FieldSpec) -> pl.DataType:
    """The dtype of a field's values in a typed frame (a list field: a list of its items)."""
    if field.type == "list":
        return pl.List(DTYPES.get(field.item_type, pl.String()))
    return DTYPES.get(field.type, pl.String())
