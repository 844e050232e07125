"""The whole-column checks of the structural stage: ``unique``, the primary key and the foreign
keys, as frictionless compares them (typed values: "01" and "1" are the same integer; NaN is no
key; 1, 1.0 and true are one key across tables), with polars joins and semi-joins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from casualty_schema.check.typed import Field, Typed
from casualty_schema.domain.nearest import did_you_mean, nearest_ids
from casualty_schema.errors import error
from casualty_schema.findings import LINE, ROW, empty_findings
from casualty_schema.package.descriptor import ForeignKey
from casualty_schema.types import polars_dtype

__all__ = ["foreign_key_findings", "key_findings"]


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


def key_findings(typed: Typed) -> pl.DataFrame:
    """``unique``, then the primary key: one pass over the table says which of them fail
    anywhere (a one-field primary key that is also ``unique`` is searched for repeats once),
    and only those make findings."""
    unique = [f for f in typed.fields if f.spec.unique]
    key = _primary_key(typed)
    checks = {f"u{f.index}": _repeats(f) for f in unique}
    shared = key is not None and len(key.fields) == 1 and key.fields[0].spec.unique
    if key is not None:
        checks["key"] = key.empty if shared else key.empty | key.repeated
    hits = typed.frame.select(c.fill_null(False).any().alias(n) for n, c in checks.items())
    hit = hits.row(0, named=True) if checks else {}
    frames = [_unique_rows(typed, f) for f in unique if hit[f"u{f.index}"]]
    if key is not None and (hit["key"] or (shared and hit[f"u{key.fields[0].index}"])):
        frames.append(_primary_key_rows(typed, key))
    return pl.concat(frames, how="vertical") if frames else empty_findings()


def _repeats(f: Field) -> pl.Expr:
    """A value after the first occurrence of it."""
    value = _comparable(f)
    return value.is_not_null() & ~value.is_first_distinct()


def _unique_rows(typed: Typed, f: Field) -> pl.DataFrame:
    """Every value after the first occurrence of it (frictionless compares typed values:
    "01" and "1" are the same integer)."""
    fails = _repeats(f)
    frame = _narrow(typed, [f], fails)
    frame = frame.with_columns(pl.col(ROW).first().over(_comparable(f)).alias("__first"))
    detail = pl.concat_str(pl.lit("(the same value is in row "), "__first", pl.lit(")"))
    return error("constraint-error").rows(
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


@dataclass(frozen=True)
class _Key:
    """The primary key of a table whose every key field is in the header."""

    fields: list[Field]
    value: pl.Expr  # as keys compare
    empty: pl.Expr  # every cell of the key is blank
    repeated: pl.Expr  # a key after its first occurrence


def _primary_key(typed: Typed) -> _Key | None:
    names = typed.resource.primary_key
    fields = [typed.field(n) for n in names]
    present = [f for f in fields if f is not None]
    if not names or len(present) != len(names):
        return None
    values = [_comparable(f).alias(f.spec.name) for f in present]
    nan = (
        pl.any_horizontal(f.value.is_nan() for f in present if f.spec.type == "number")
        if any(f.spec.type == "number" for f in present)
        else pl.lit(False)
    )
    empty = pl.all_horizontal(f.value.is_null() for f in present)
    key = values[0] if len(values) == 1 else pl.struct(values)
    return _Key(present, key, empty, ~empty & ~nan & ~key.is_first_distinct())


def _primary_key_rows(typed: Typed, key: _Key) -> pl.DataFrame:
    """A row whose key cells are all empty, and every row that repeats an earlier key."""
    problem = (
        pl.when(key.empty)
        .then(pl.lit("is empty: every cell of the key is blank"))
        .otherwise(pl.concat_str(pl.lit("is not unique: it first occurs in row "), "__first"))
    )
    frame = _narrow(typed, key.fields, key.empty | key.repeated)
    frame = frame.with_columns(pl.col(ROW).first().over(key.value).alias("__first"))
    return error("primary-key").rows(
        frame,
        key.empty | key.repeated,
        resource=typed.resource.name,
        path=typed.resource.path,
        key=typed.key,
        value=typed.key,
        fields=", ".join(typed.resource.primary_key),
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
    looked_up = [_dangling(fk, sources, target, referenced) for fk, sources, target in checked]
    # into a table larger than this one, each key is looked for among the distinct values
    # here (hashing those, not the larger table's); else every row in one pass
    hits = [_any_dangling(typed, lookup) for lookup in looked_up]
    rest = [lookup.mask for lookup, hit in zip(looked_up, hits, strict=True) if hit is None]
    found = iter(
        typed.frame.select(m.any().alias(str(i)) for i, m in enumerate(rest)).row(0) if rest else ()
    )
    frames = [
        _foreign_key_rows(typed, fk, sources, target, lookup.mask)
        for (fk, sources, target), lookup, hit in zip(checked, looked_up, hits, strict=True)
        if (next(found) if hit is None else hit)
    ]
    return pl.concat(frames, how="vertical") if frames else empty_findings()


@dataclass(frozen=True)
class _Lookup:
    """One foreign key's values here and the referenced values, as they are compared."""

    mask: pl.Expr  # the key is set and is no row's key in the referenced table
    mine: pl.Expr | None  # the key, when it is one column that is never NaN
    theirs: pl.Series  # the referenced keys that are set


def _any_dangling(typed: Typed, lookup: _Lookup) -> bool | None:
    """Whether some key is no referenced key, found from the distinct keys here when the
    referenced table is the larger; None: look at every row instead."""
    if lookup.mine is None or len(lookup.theirs) <= typed.frame.height:
        return None
    mine = typed.frame.select(lookup.mine.alias("k")).get_column("k").drop_nulls().unique()
    theirs = lookup.theirs
    return bool(theirs.filter(theirs.is_in(mine.implode())).n_unique() < len(mine))


def _dangling(
    fk: ForeignKey, sources: list[Field], target: Typed, cache: dict[Any, pl.Series]
) -> _Lookup:
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
    mask = pl.any_horizontal(f.value.is_not_null() for f in sources) & ~found.fill_null(False)
    single = len(own) == 1 and not nan
    return _Lookup(mask, mine if single else None, cache[signature])


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
