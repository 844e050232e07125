"""The rows of one resource, old against new: matched by primary key with polars joins, read
through the one reader of package files (:func:`casualty_schema.check.csv.read_table`), so
that any file ``validate`` reads (any dialect, encoding, BOM or line ending) ``diff`` reads
the same way, with the same path and size protections. Removed claims that a ``corrects``
relation replaces are corrections, not losses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from casualty_schema.check.csv import read_table
from casualty_schema.check.labels import Column, missing_values
from casualty_schema.compare.change import Bump, Change
from casualty_schema.findings import LINE, ROW
from casualty_schema.package.descriptor import PackageSpec, ResourceSpec
from casualty_schema.package.source import SourceError

__all__ = [
    "TableDiff",
    "data_changes",
    "diff_table",
    "first_table",
    "read_rows",
    "with_corrections",
]


@dataclass(frozen=True)
class TableDiff:
    """The rows of one resource, OLD against NEW, all values as text (missing = null)."""

    resource: str
    key: tuple[str, ...]  # the fields rows are matched on; () = whole rows
    columns: tuple[str, ...]  # the fields compared (in both versions)
    old_rows: int
    new_rows: int
    added: pl.DataFrame  # rows of NEW whose key is not in OLD
    removed: pl.DataFrame  # rows of OLD whose key is not in NEW
    changed: pl.DataFrame  # key columns, field, before, after: one row per changed cell
    replaced: pl.DataFrame  # key columns, replaced_by: removed rows a correction replaces
    note: str | None = None  # why the rows were matched as they were, or not compared

    @property
    def changed_rows(self) -> int:
        if self.changed.is_empty():
            return 0
        return self.changed.select(self.key).unique().height

    @property
    def empty(self) -> bool:
        return self.added.is_empty() and self.removed.is_empty() and self.changed.is_empty()

    def key_of(self, row: Mapping[str, Any]) -> dict[str, Any]:
        return {k: row.get(k) for k in self.key}

    def changed_by_row(self) -> list[dict[str, Any]]:
        """[{"key": {...}, "changes": [{"field", "before", "after"}, …]}, …] in row order."""
        if self.changed.is_empty():
            return []
        grouped = self.changed.group_by(list(self.key), maintain_order=True).agg(
            "field", "before", "after"
        )
        return [
            {
                "key": self.key_of(row),
                "changes": [
                    {"field": f, "before": b, "after": a}
                    for f, b, a in zip(row["field"], row["before"], row["after"], strict=True)
                ],
            }
            for row in grouped.to_dicts()
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "key": list(self.key),
            "columns": list(self.columns),
            "rows": {"old": self.old_rows, "new": self.new_rows},
            "counts": {
                "added": self.added.height,
                "removed": self.removed.height,
                "changed": self.changed_rows,
                "replaced": self.replaced.height,
            },
            "added": self.added.to_dicts(),
            "removed": self.removed.to_dicts(),
            "changed": self.changed_by_row(),
            "replaced": [
                {"key": self.key_of(r), "by": r["replaced_by"]} for r in self.replaced.to_dicts()
            ],
            "note": self.note,
        }


SUFFIX = "\x00new"


def read_rows(package: PackageSpec, resource: ResourceSpec) -> pl.DataFrame:
    """A resource's rows as ``validate`` reads them, every column as text named by its header
    label (the data as written: a schema that relabels a column does not change its values),
    missing values as null. Raises SourceError when the file cannot be read or its header
    leaves no row readable (the finding that says why, on one line, after the file's path)."""
    table = read_table(package, resource)
    unreadable = table.findings.filter(pl.col("rule").is_in(["source-error", "encoding-error"]))
    if not unreadable.is_empty():
        raise SourceError(f"{resource.path}: {unreadable.get_column('message')[0]}")
    if table.header is not None and not table.columns:
        labels = table.findings.get_column("message").to_list()
        raise SourceError(f"{resource.path}: its header leaves no row readable: {labels[0]}")
    header = table.header or []
    by_name = {f.name: f for f in resource.fields}
    columns: dict[str, pl.Expr] = {}
    for column in table.columns:
        label = header[column.position - 1] if column.position <= len(header) else column.name
        if label in columns or label in (ROW, LINE):
            continue  # a repeated label: the first column of that name is compared
        as_field = Column(label, by_name.get(label), column.position)
        missing = missing_values(resource, as_field)
        text = pl.col(column.name)
        columns[label] = pl.when(text.is_in(missing)).then(None).otherwise(text).alias(label)
    rows: pl.DataFrame = table.cells.select(columns.values())
    return rows


def _empty(columns: Sequence[str]) -> pl.DataFrame:
    return pl.DataFrame(schema=dict.fromkeys(columns, pl.String))


def _changed_frame(key: Sequence[str]) -> pl.DataFrame:
    return _empty([*key, "field", "before", "after"])


def _replaced_frame(key: Sequence[str]) -> pl.DataFrame:
    return _empty([*key, "replaced_by"])


def first_table(new: PackageSpec, resource: ResourceSpec) -> TableDiff:
    """The rows of a resource that is new (a first release); raises SourceError naming the
    file when it cannot be read."""
    rows = _read(new, resource, "NEW")
    key = tuple(k for k in resource.primary_key if k in rows.columns)
    return TableDiff(
        resource.name,
        key,
        tuple(rows.columns),
        0,
        rows.height,
        rows,
        _empty(rows.columns),
        _changed_frame(key),
        _replaced_frame(key),
    )


def _read(package: PackageSpec, resource: ResourceSpec, side: str) -> pl.DataFrame:
    """:func:`read_rows`, its error naming the side (OLD or NEW) the file belongs to: a file
    that cannot be read is never "no changes" (a gate would pass on it)."""
    try:
        return read_rows(package, resource)
    except SourceError as error:
        raise SourceError(f"{side} {error}") from None


def diff_table(
    old_package: PackageSpec, old: ResourceSpec, new_package: PackageSpec, new: ResourceSpec
) -> TableDiff:
    """Rows of one resource keyed by primary key, compared with joins (no per-row loop).
    Raises SourceError, naming the side and the file, when either file cannot be read."""
    a = _read(old_package, old, "OLD")
    b = _read(new_package, new, "NEW")
    columns = [c for c in b.columns if c in a.columns and c in new.field_names]
    a = a.select(columns)
    b = b.select(columns)
    note = None
    key: tuple[str, ...] = ()
    for candidate in (new.primary_key, old.primary_key):
        if candidate and all(k in columns for k in candidate):
            key = tuple(candidate)
            break
    if key and key != tuple(new.primary_key):
        note = f"rows matched on the old primary key ({', '.join(key)})"
    if not key:
        note = (
            "the primary key differs between the versions: whole rows compared"
            if new.primary_key or old.primary_key
            else "no primary key: whole rows compared"
        )
        added = b.join(a, on=columns, how="anti", nulls_equal=True)
        removed = a.join(b, on=columns, how="anti", nulls_equal=True)
        return TableDiff(
            new.name,
            (),
            tuple(columns),
            a.height,
            b.height,
            added,
            removed,
            _changed_frame(()),
            _replaced_frame(()),
            note=note,
        )
    keys = list(key)
    duplicated = b.height - b.unique(subset=keys).height + a.height - a.unique(subset=keys).height
    if duplicated:
        note = (note + "; " if note else "") + (
            f"{duplicated} rows with a repeated key: the first of each compared"
        )
    a_unique = a.unique(subset=keys, keep="first", maintain_order=True)
    b_unique = b.unique(subset=keys, keep="first", maintain_order=True)
    added = b_unique.join(a_unique, on=keys, how="anti", nulls_equal=True)
    removed = a_unique.join(b_unique, on=keys, how="anti", nulls_equal=True)
    values = [c for c in columns if c not in key]
    both = b_unique.join(
        a_unique.rename({c: c + SUFFIX for c in values}),
        on=keys,
        how="inner",
        nulls_equal=True,
        maintain_order="left",
    )
    parts = [
        both.filter(pl.col(c).ne_missing(pl.col(c + SUFFIX))).select(
            *keys,
            pl.lit(c, dtype=pl.String).alias("field"),
            pl.col(c + SUFFIX).alias("before"),
            pl.col(c).alias("after"),
        )
        for c in values
    ]
    if parts:
        # in NEW's row order, and within a row in schema order
        order = both.select(keys).with_row_index("_row")
        field_order = {c: i for i, c in enumerate(values)}
        changed = (
            pl.concat(parts)
            .join(order, on=keys, how="left", nulls_equal=True)
            .with_columns(pl.col("field").replace_strict(field_order).alias("_field"))
            .sort("_row", "_field")
            .select(*keys, "field", "before", "after")
        )
    else:
        changed = _changed_frame(keys)
    return TableDiff(
        new.name,
        key,
        tuple(columns),
        a.height,
        b.height,
        added,
        removed,
        changed,
        _replaced_frame(keys),
        note=note,
    )


# The project's correction policy: a claim removed from NEW is replaced (not lost) when a
# ``corrects`` relation, in OLD or NEW, names it as corrected by a claim present in NEW.
CLAIMS, RELATIONS, CORRECTS = "claims", "relations", "corrects"


def _corrections(package: PackageSpec) -> pl.DataFrame:
    """(related_claim_id, claim_id) of every ``corrects`` relation of a package."""
    resource = package.resources.get(RELATIONS)
    wanted = {"claim_id", "relation", "related_claim_id"}
    if resource is None:
        return _empty(["related_claim_id", "claim_id"])
    try:
        rows = read_rows(package, resource)
    except SourceError:
        return _empty(["related_claim_id", "claim_id"])
    if not wanted <= set(rows.columns):
        return _empty(["related_claim_id", "claim_id"])
    return rows.filter(pl.col("relation") == CORRECTS).select("related_claim_id", "claim_id")


def with_corrections(
    old: PackageSpec, new: PackageSpec, tables: list[TableDiff]
) -> list[TableDiff]:
    claims = next((t for t in tables if t.resource == CLAIMS), None)
    if claims is None or claims.key != ("claim_id",) or claims.removed.is_empty():
        return tables
    new_claims = new.resources.get(CLAIMS)
    if new_claims is None:
        return tables
    try:
        present = read_rows(new, new_claims).select("claim_id").unique()
    except (SourceError, pl.exceptions.ColumnNotFoundError):
        return tables
    corrections = (
        pl.concat([_corrections(old), _corrections(new)])
        .unique()
        .join(present, on="claim_id", how="semi")
        .group_by("related_claim_id", maintain_order=True)
        .agg(pl.col("claim_id").sort().str.join(", ").alias("replaced_by"))
    )
    replaced = (
        claims.removed.select("claim_id")
        .join(corrections.rename({"related_claim_id": "claim_id"}), on="claim_id", how="inner")
        .select("claim_id", "replaced_by")
    )
    if replaced.is_empty():
        return tables
    out = []
    gone = replaced.rename({"replaced_by": "by"})
    for t in tables:
        if t is claims:
            t = _with_replaced(t, replaced)
        elif t.resource == RELATIONS and {"claim_id", "related_claim_id"} <= set(t.key):
            # a relation of a replaced claim goes with it
            follows = (
                t.removed.select(*t.key)
                .join(gone, on="claim_id", how="left")
                .join(
                    gone.rename({"claim_id": "related_claim_id", "by": "by_related"}),
                    on="related_claim_id",
                    how="left",
                )
                .filter(pl.col("by").is_not_null() | pl.col("by_related").is_not_null())
                .select(
                    *t.key,
                    pl.concat_str(
                        pl.lit("the correction of "),
                        pl.when(pl.col("by").is_not_null())
                        .then(pl.col("claim_id"))
                        .otherwise(pl.col("related_claim_id")),
                    ).alias("replaced_by"),
                )
            )
            if not follows.is_empty():
                t = _with_replaced(t, follows)
        out.append(t)
    return out


def _with_replaced(t: TableDiff, replaced: pl.DataFrame) -> TableDiff:
    return TableDiff(
        t.resource,
        t.key,
        t.columns,
        t.old_rows,
        t.new_rows,
        t.added,
        t.removed,
        t.changed,
        replaced.select(*t.key, "replaced_by"),
        note=t.note,
    )


def data_changes(tables: Iterable[TableDiff]) -> list[Change]:
    changes = []
    for t in tables:
        n_added, n_removed = t.added.height, t.removed.height
        n_replaced, n_changed = t.replaced.height, t.changed_rows
        if n_added:
            changes.append(
                Change(
                    Bump.MINOR,
                    "rows-added",
                    f"{n_added} {_rows(n_added)} added",
                    "new data breaks no one",
                    resource=t.resource,
                    after=n_added,
                )
            )
        if n_removed - n_replaced:
            lost = n_removed - n_replaced
            changes.append(
                Change(
                    Bump.MAJOR,
                    "rows-removed",
                    f"{lost} {_rows(lost)} removed",
                    "consumers that refer to the removed rows break",
                    resource=t.resource,
                    before=lost,
                )
            )
        if n_replaced:
            changes.append(
                Change(
                    Bump.PATCH,
                    "rows-replaced",
                    f"{n_replaced} {_rows(n_replaced)} removed, replaced by corrections",
                    "project policy: a claim that a `corrects` relation replaces is a "
                    "correction, not a loss",
                    resource=t.resource,
                    before=n_replaced,
                )
            )
        if n_changed:
            changes.append(
                Change(
                    Bump.PATCH,
                    "rows-changed",
                    f"{n_changed} {_rows(n_changed)} changed",
                    "corrections of existing data change no structure",
                    resource=t.resource,
                    after=n_changed,
                )
            )
    return changes


def _rows(n: int) -> str:
    return "row" if n == 1 else "rows"
