"""The whole-column checks of the structural stage: ``unique``, the primary key and the foreign
keys, as frictionless compares them (typed values: "01" and "1" are the same integer; NaN is no
key; 1, 1.0 and true are one key across tables), with polars joins and semi-joins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from casualty_schema.check.typed import Field, Typed
from casualty_schema.domain.nearest import did_you_mean, nearest_ids
from casualty_schema.errors import error
from casualty_schema.findings import LINE, ROW, empty_findings
from casualty_schema.package.descriptor import ForeignKey
from casualty_schema.types import polars_dtype

__all__ = ["foreign_key_findings", "primary_key_findings", "unique_findings"]


def _comparable(f: Field) -> pl.Expr:
    """The value as keys compare it: NaN never equals anything, so it has no key; a list is
    compared as a text that spells its items unambiguously."""
    if f.spec.type == "number":
        return pl.when(~f.value.is_nan()).then(f.value)
    if f.spec.type == "list":
        item = pl.element().cast(pl.String).str.replace_all("\\", "\\\\", literal=True)
        item = item.str.replace_all("\x1f", "\\u", literal=True)
        return f.value.list.eval(item).list.join("\x1f")
    return f.value


def unique_findings(typed: Typed) -> pl.DataFrame:
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
        frames.append(
            error("constraint-error").rows(
                frame,
                fails,
                resource=typed.resource.name,
                path=typed.resource.path,
                key=typed.key,
                field=f.spec.name,
                value=f.text,
                constraint="unique",
                detail=detail,
            )
        )
    return pl.concat(frames, how="vertical") if frames else empty_findings()


def primary_key_findings(typed: Typed) -> pl.DataFrame:
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
    frame = _narrow(typed, present, empty | repeated)
    if frame.is_empty():
        return empty_findings()
    frame = frame.with_columns(pl.col(ROW).first().over(key).alias("__first"))
    return error("primary-key").rows(
        frame,
        empty | repeated,
        resource=typed.resource.name,
        path=typed.resource.path,
        key=typed.key,
        value=typed.key,
        fields=", ".join(names),
        problem=problem,
    )


def foreign_key_findings(typed: Typed, everything: Mapping[str, Typed]) -> pl.DataFrame:
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
        _foreign_key_rows(typed, fk, sources, target, mask)
        for (fk, sources, target), mask, hit in zip(checked, masks, hits, strict=True)
        if hit
    ]
    return pl.concat(frames, how="vertical") if frames else empty_findings()


def _dangling(
    fk: ForeignKey, sources: list[Field], target: Typed, cache: dict[Any, pl.Series]
) -> pl.Expr:
    """Where the key of ``fk`` is set and is no row's key in ``target`` (a semi-join: the key
    values of ``target`` are collected once, then looked up)."""
    targets = [target.field(n) for n in fk.reference_fields]
    own, theirs = [], []
    for i, (f, t) in enumerate(zip(sources, targets, strict=True)):
        a, b = _joinable(_comparable(f), polars_dtype(f.spec), t)
        own.append(a.alias(f"__k{i}"))
        theirs.append(b.alias(f"__k{i}"))
    signature = (
        fk.resource,
        fk.reference_fields,
        tuple(str(polars_dtype(f.spec)) for f in sources),
    )
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
    typed: Typed, fk: ForeignKey, sources: list[Field], target: Typed, dangling: pl.Expr
) -> pl.DataFrame:
    value = pl.concat_str([f.text.fill_null("") for f in sources], separator=", ")
    return error("foreign-key").rows(
        typed.frame,
        dangling,
        resource=typed.resource.name,
        path=typed.resource.path,
        key=typed.key,
        field=fk.fields[0] if len(fk.fields) == 1 else None,
        value=value,
        fields=", ".join(fk.fields),
        target=", ".join(fk.reference_fields),
        reference=fk.resource,
        hint=_did_you_mean(typed, sources, target, fk, dangling),
    )


def _did_you_mean(
    typed: Typed, sources: list[Field], target: Typed, fk: ForeignKey, dangling: pl.Expr
) -> pl.Expr | None:
    """ "did you mean X?" for a one-field key of text that is near a key of the target."""
    theirs = target.field(fk.reference_fields[0]) if len(fk.reference_fields) == 1 else None
    if len(sources) != 1 or theirs is None or theirs.spec.type != "string":
        return None
    unknown = typed.frame.filter(dangling).get_column(sources[0].column.name).drop_nulls()
    known = target.frame.get_column(theirs.column.name).drop_nulls()
    near = nearest_ids(unknown.unique().to_list(), known.unique().to_list())
    return did_you_mean(sources[0].text, near) if near else None


def _narrow(typed: Typed, fields: Sequence[Field], rows: pl.Expr | None = None) -> pl.DataFrame:
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


def _joinable(own: pl.Expr, own_type: pl.DataType, target: Field | None) -> tuple[pl.Expr, pl.Expr]:
    """Both sides of one key column in a type they can be joined on."""
    if target is None:  # the target has no such column: every value is missing there
        return own, pl.lit(None, dtype=own_type)
    theirs, their_type = _comparable(target), polars_dtype(target.spec)
    if own_type == their_type:  # lists: both already spelled out by _comparable
        return own, theirs
    if own_type in _NUMERIC and their_type in _NUMERIC:
        return own.cast(pl.Float64), theirs.cast(pl.Float64)
    # values of different types are never equal: compare as text that cannot coincide
    return (
        pl.concat_str(pl.lit("own\x1f"), own.cast(pl.String)),
        pl.concat_str(pl.lit("their\x1f"), theirs.cast(pl.String)),
    )
