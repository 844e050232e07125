"""What changed between two versions of the package, and the version bump it needs.

:func:`diff_packages` reads OLD and NEW (a directory, a ``datapackage.json``, a release
archive or a git ref: :mod:`casualty_schema.package.source`) and returns a :class:`Diff`:

- ``schema_changes``: one :class:`Change` per difference of the descriptors — package,
  resource, field, constraint, enum code, key — each classified ``major``, ``minor`` or
  ``patch`` with the reason;
- ``tables``: one :class:`TableDiff` per resource present in both, rows matched by primary
  key with polars joins: rows added, removed and changed (field, before, after);
- ``data_changes``: the classified summary of the tables;
- ``required_bump``: the largest bump of all.

The policy follows the Frictionless "Data Package Version" recipe; where the recipe is
silent, the project's policy in ``docs/releasing.md`` (fieldsMatch decides whether an
added field breaks; an added enum code is minor; a removed claim is major unless a
``corrects`` relation replaces it). Rendering lives in :mod:`casualty_schema.render.diff`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any

import polars as pl

from casualty_schema.package.descriptor import FieldSpec, PackageSpec, ResourceSpec
from casualty_schema.package.source import SourceError, open_package

LAYOUT = "casualty-schema/diff/1"


class Bump(IntEnum):
    """The version bump a change needs; ordered, so the largest wins."""

    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    def __str__(self) -> str:
        return self.label

    @classmethod
    def parse(cls, text: str) -> Bump:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown bump {text!r}: major, minor or patch") from None


@dataclass(frozen=True)
class Change:
    """One classified difference."""

    bump: Bump
    kind: str  # a stable id: field-removed, constraint-tightened, rows-added, …
    summary: str  # what changed, in words
    reason: str  # why it needs ``bump``
    resource: str | None = None
    field: str | None = None
    before: Any = None
    after: Any = None

    @property
    def where(self) -> str:
        return ".".join(p for p in (self.resource, self.field) if p) or "package"

    def to_dict(self) -> dict[str, Any]:
        return {
            "bump": self.bump.label,
            "kind": self.kind,
            "resource": self.resource,
            "field": self.field,
            "summary": self.summary,
            "reason": self.reason,
            "before": self.before,
            "after": self.after,
        }


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


@dataclass(frozen=True)
class Side:
    """OLD or NEW: where it came from and its version."""

    label: str
    name: str | None = None
    version: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "name": self.name, "version": self.version}


@dataclass(frozen=True)
class Diff:
    old: Side
    new: Side
    schema_changes: tuple[Change, ...] = ()
    data_changes: tuple[Change, ...] = ()
    tables: tuple[TableDiff, ...] = ()
    first_release: bool = False  # OLD is nothing: every resource and row is new

    @property
    def changes(self) -> tuple[Change, ...]:
        return self.schema_changes + self.data_changes

    @property
    def required_bump(self) -> Bump:
        return max((c.bump for c in self.changes), default=Bump.NONE)

    def needing(self, bump: Bump) -> list[Change]:
        """The changes that need more than ``bump``, the largest first."""
        return sorted((c for c in self.changes if c.bump > bump), key=lambda c: -c.bump)

    def table(self, resource: str) -> TableDiff | None:
        return next((t for t in self.tables if t.resource == resource), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "layout": LAYOUT,
            "old": self.old.to_dict(),
            "new": self.new.to_dict(),
            "first_release": self.first_release,
            "required_bump": self.required_bump.label,
            "schema_changes": [c.to_dict() for c in self.schema_changes],
            "data_changes": [c.to_dict() for c in self.data_changes],
            "tables": [t.to_dict() for t in self.tables],
        }


# --- entry points -----------------------------------------------------------------------------


def diff_packages(old: str | Path, new: str | Path, *, repo: Path | None = None) -> Diff:
    """Compare the packages at two locations (directory, datapackage.json, release archive
    or git ref, looked up in ``repo``: default the current directory). Raises
    :class:`~casualty_schema.package.source.SourceError` when either cannot be read."""
    with open_package(old, repo=repo) as a, open_package(new, repo=repo) as b:
        return diff_specs(a.spec, b.spec, old_label=a.label, new_label=b.label)


def diff_specs(
    old: PackageSpec | None,
    new: PackageSpec,
    *,
    old_label: str = "OLD",
    new_label: str = "NEW",
) -> Diff:
    """Compare two read packages; ``old=None`` is a first release (nothing before)."""
    new_side = Side(new_label, new.name, new.version)
    if old is None:
        tables = tuple(_first_table(new, r) for r in new.resources.values())
        changes = tuple(
            Change(
                Bump.MINOR,
                "resource-added",
                f"resource {name} ({len(r.fields)} fields)",
                "a new resource breaks no one",
                resource=name,
            )
            for name, r in new.resources.items()
        )
        return Diff(
            Side(old_label),
            new_side,
            schema_changes=changes,
            data_changes=tuple(_data_changes(tables)),
            tables=tables,
            first_release=True,
        )
    schema_changes: list[Change] = []
    schema_changes += _package_changes(old, new)
    pairs, resource_changes = _pair_resources(old, new)
    schema_changes += resource_changes
    compared = []
    for before, after in pairs:
        schema_changes += _resource_changes(before, after)
        compared.append(diff_table(old, before, new, after))
    compared = _apply_corrections(old, new, compared)
    return Diff(
        Side(old_label, old.name, old.version),
        new_side,
        schema_changes=tuple(schema_changes),
        data_changes=tuple(_data_changes(compared)),
        tables=tuple(compared),
    )


def compare_resources(old: PackageSpec, new: PackageSpec) -> list[Change]:
    """The schema changes of the resources alone, ``old`` to ``new`` (no package metadata, no
    data): what conformance of a downstream package to the canonical schema is judged on."""
    pairs, changes = _pair_resources(old, new)
    for before, after in pairs:
        changes += _resource_changes(before, after)
    return changes


# --- the package and its resources ----------------------------------------------------------

# Properties a release writes: never a change.
RELEASE_MANAGED = frozenset({"version", "created"})
RESOURCE_RELEASE_MANAGED = frozenset({"bytes", "hash"})
# Properties that change what a package is or how its files are read.
PACKAGE_IDENTITY = frozenset({"name", "id", "$schema"})
RESOURCE_READING = frozenset(
    {"format", "mediatype", "encoding", "dialect", "scheme", "compression", "type", "profile"}
)
BREAKS_READERS = "consumers that read the files with the old settings misread them"


def _package_changes(old: PackageSpec, new: PackageSpec) -> list[Change]:
    changes = []
    a, b = old.descriptor, new.descriptor
    for key in sorted(set(a) | set(b)):
        if key in RELEASE_MANAGED or key == "resources" or a.get(key) == b.get(key):
            continue
        before, after = a.get(key), b.get(key)
        if key in PACKAGE_IDENTITY:
            changes.append(
                Change(
                    Bump.MAJOR,
                    "package-identity",
                    f"package {key} changed from {_show(before)} to {_show(after)}",
                    "consumers find and pin the package by its name and profile",
                    before=before,
                    after=after,
                )
            )
        elif key == "temporal":
            changes += _temporal_changes(before, after)
        else:
            changes.append(
                Change(
                    Bump.PATCH,
                    "package-metadata",
                    f"package {key} changed",
                    "descriptive metadata: no data or schema changes",
                    before=before,
                    after=after,
                )
            )
    return changes


def _temporal_changes(before: Any, after: Any) -> list[Change]:
    """The coverage window: every claim date must overlap it (rule dates.coverage)."""
    a = before if isinstance(before, Mapping) else {}
    b = after if isinstance(after, Mapping) else {}
    narrowed, widened = [], []
    start_a, start_b = a.get("start"), b.get("start")
    if start_a != start_b:
        if start_b is not None and (start_a is None or str(start_b) > str(start_a)):
            narrowed.append(f"start {_show(start_a)} → {_show(start_b)}")
        else:
            widened.append(f"start {_show(start_a)} → {_show(start_b)}")
    end_a, end_b = a.get("end"), b.get("end")
    if end_a != end_b:
        if end_b is not None and (end_a is None or str(end_b) < str(end_a)):
            narrowed.append(f"end {_show(end_a)} → {_show(end_b)}")
        else:
            widened.append(f"end {_show(end_a)} → {_show(end_b)}")
    changes = []
    if narrowed:
        changes.append(
            Change(
                Bump.MAJOR,
                "temporal-narrowed",
                "coverage window narrowed: " + ", ".join(narrowed),
                "claims dated in the old window may fall outside the new one (dates.coverage)",
                before=before,
                after=after,
            )
        )
    if widened:
        changes.append(
            Change(
                Bump.MINOR,
                "temporal-widened",
                "coverage window widened: " + ", ".join(widened),
                "every claim valid before stays valid: a loosened constraint",
                before=before,
                after=after,
            )
        )
    return changes


def _pair_resources(
    old: PackageSpec, new: PackageSpec
) -> tuple[list[tuple[ResourceSpec, ResourceSpec]], list[Change]]:
    """Resources in both (by name; a removed and an added one with the same path or the same
    fields are a rename), and the changes for those added, removed and renamed."""
    pairs = [(old.resources[n], new.resources[n]) for n in new.resources if n in old.resources]
    removed = [r for n, r in old.resources.items() if n not in new.resources]
    added = [r for n, r in new.resources.items() if n not in old.resources]
    changes = []
    for gone in list(removed):
        twin = next(
            (
                r
                for r in added
                if (r.path and r.path == gone.path) or r.field_names == gone.field_names
            ),
            None,
        )
        if twin is None:
            continue
        removed.remove(gone)
        added.remove(twin)
        pairs.append((gone, twin))
        changes.append(
            Change(
                Bump.MAJOR,
                "resource-renamed",
                f"resource {gone.name} renamed to {twin.name}",
                "consumers refer to resources by name",
                resource=twin.name,
                before=gone.name,
                after=twin.name,
            )
        )
    for gone in removed:
        changes.append(
            Change(
                Bump.MAJOR,
                "resource-removed",
                f"resource {gone.name} removed",
                "consumers that read it break",
                resource=gone.name,
            )
        )
    for new_resource in added:
        changes.append(
            Change(
                Bump.MINOR,
                "resource-added",
                f"resource {new_resource.name} added ({len(new_resource.fields)} fields)",
                "a new resource breaks no one",
                resource=new_resource.name,
            )
        )
    return pairs, changes


def _resource_changes(old: ResourceSpec, new: ResourceSpec) -> list[Change]:
    changes = []
    a, b = old.descriptor, new.descriptor
    for key in sorted(set(a) | set(b)):
        if key in RESOURCE_RELEASE_MANAGED or key in ("name", "schema"):
            continue
        before, after = a.get(key), b.get(key)
        if before == after:
            continue
        if key in RESOURCE_READING:
            changes.append(
                Change(
                    Bump.MAJOR,
                    "resource-reading",
                    f"{key} changed from {_show(before)} to {_show(after)}",
                    BREAKS_READERS,
                    resource=new.name,
                    before=before,
                    after=after,
                )
            )
        elif key == "path":
            changes.append(
                Change(
                    Bump.PATCH,
                    "resource-moved",
                    f"path changed from {_show(before)} to {_show(after)}",
                    "the recipe needs no bump to relocate data; a release always bumps, so patch",
                    resource=new.name,
                    before=before,
                    after=after,
                )
            )
        else:
            changes.append(
                Change(
                    Bump.PATCH,
                    "resource-metadata",
                    f"{key} changed",
                    "descriptive metadata: no data or schema changes",
                    resource=new.name,
                    before=before,
                    after=after,
                )
            )
    return changes + _schema_changes(old, new)


# --- the Table Schema -------------------------------------------------------------------------

# fieldsMatch: each mode and the modes whose every matching file it also matches.
FIELDS_MATCH_ACCEPTS = {
    "exact": {"exact"},
    "equal": {"exact", "equal"},
    "subset": {"exact", "equal", "subset"},
    "superset": {"exact", "equal", "superset"},
    "partial": {"exact", "equal", "subset", "superset", "partial"},
}
# Modes under which a file may lack a field of the schema: only there an optional field can
# be added without breaking files written for the old schema.
FIELDS_MAY_BE_ABSENT = frozenset({"superset", "partial"})
# Field properties that change how a cell is read.
FIELD_PARSING = frozenset(
    {
        "delimiter",
        "itemType",
        "itemFormat",
        "trueValues",
        "falseValues",
        "decimalChar",
        "groupChar",
        "bareNumber",
        "missingValues",
        "categories",
        "categoriesOrdered",
    }
)
TIGHTENED = "data valid under the old schema may be invalid under the new one"
LOOSENED = "everything valid under the old schema stays valid"


def _schema_changes(old: ResourceSpec, new: ResourceSpec) -> list[Change]:
    r = new.name
    changes: list[Change] = []
    sa = dict(old.descriptor.get("schema") or {})
    sb = dict(new.descriptor.get("schema") or {})
    if old.fields_match != new.fields_match:
        a, b = old.fields_match, new.fields_match
        if a in FIELDS_MATCH_ACCEPTS.get(b, set()):
            changes.append(
                Change(
                    Bump.MINOR,
                    "fields-match-loosened",
                    f"fieldsMatch {a!r} → {b!r}",
                    "every file that matched the old fields still matches",
                    resource=r,
                    before=a,
                    after=b,
                )
            )
        else:
            changes.append(
                Change(
                    Bump.MAJOR,
                    "fields-match-tightened",
                    f"fieldsMatch {a!r} → {b!r}",
                    "files that matched the old fields may not match the new",
                    resource=r,
                    before=a,
                    after=b,
                )
            )
    changes += _field_set_changes(old, new)
    for f in new.fields:
        if f.name in old.field_names:
            changes += _field_changes(r, old.field(f.name), f)
    if list(old.primary_key) != list(new.primary_key):
        changes.append(
            Change(
                Bump.MAJOR,
                "primary-key",
                f"primary key ({', '.join(old.primary_key)}) → ({', '.join(new.primary_key)})",
                "consumers identify and join rows by the primary key",
                resource=r,
                before=list(old.primary_key),
                after=list(new.primary_key),
            )
        )
    changes += _foreign_key_changes(old, new)
    if list(old.missing_values) != list(new.missing_values):
        changes.append(
            Change(
                Bump.MAJOR,
                "missing-values",
                f"missingValues {list(old.missing_values)} → {list(new.missing_values)}",
                "the same cell may now read as a value where it was missing, or the reverse",
                resource=r,
                before=list(old.missing_values),
                after=list(new.missing_values),
            )
        )
    if _normal_keys(sa.get("uniqueKeys")) != _normal_keys(sb.get("uniqueKeys")):
        before_keys = _normal_keys(sa.get("uniqueKeys"))
        after_keys = _normal_keys(sb.get("uniqueKeys"))
        added = after_keys - before_keys
        changes.append(
            Change(
                Bump.MAJOR if added else Bump.MINOR,
                "unique-keys-tightened" if added else "unique-keys-loosened",
                "uniqueKeys changed",
                TIGHTENED if added else LOOSENED,
                resource=r,
                before=sa.get("uniqueKeys"),
                after=sb.get("uniqueKeys"),
            )
        )
    return changes


def _normal_keys(keys: Any) -> set[tuple[str, ...]]:
    if not isinstance(keys, list):
        return set()
    return {tuple([k] if isinstance(k, str) else k) for k in keys}


def _field_set_changes(old: ResourceSpec, new: ResourceSpec) -> list[Change]:
    r = new.name
    old_names, new_names = old.field_names, new.field_names
    removed = [n for n in old_names if n not in new_names]
    added = [n for n in new_names if n not in old_names]
    changes = []
    for name in list(removed):
        before = old.field(name)
        twin = next(
            (
                n
                for n in added
                if _same_shape(before, new.field(n))
                and (
                    old_names.index(name) == new_names.index(n)
                    or before.descriptor.get("description")
                    == new.field(n).descriptor.get("description")
                )
            ),
            None,
        )
        if twin is None:
            continue
        removed.remove(name)
        added.remove(twin)
        changes.append(
            Change(
                Bump.MAJOR,
                "field-renamed",
                f"field {name} renamed to {twin}",
                "consumers refer to fields by name",
                resource=r,
                field=twin,
                before=name,
                after=twin,
            )
        )
    for name in removed:
        changes.append(
            Change(
                Bump.MAJOR,
                "field-removed",
                f"field {name} removed",
                "consumers that read it break",
                resource=r,
                field=name,
            )
        )
    for name in added:
        changes.append(_added_field(old, new, new.field(name)))
    common_old = [n for n in old_names if n in new_names]
    common_new = [n for n in new_names if n in old_names]
    if common_old != common_new:
        by_position = "exact" in (old.fields_match, new.fields_match)
        changes.append(
            Change(
                Bump.MAJOR if by_position else Bump.PATCH,
                "fields-reordered",
                "fields reordered: " + ", ".join(common_new),
                "fieldsMatch 'exact' maps fields by position: readers by position misread"
                if by_position
                else f"fieldsMatch {new.fields_match!r} maps fields by name: order is cosmetic",
                resource=r,
                before=common_old,
                after=common_new,
            )
        )
    return changes


def _added_field(old: ResourceSpec, new: ResourceSpec, f: FieldSpec) -> Change:
    """The project's policy: fieldsMatch decides whether an added field breaks."""
    modes = {old.fields_match, new.fields_match}
    summary = f"field {f.name} added ({f.type}{', required' if f.required else ''})"
    if f.required:
        bump, reason = Bump.MAJOR, "a required field: rows written for the old schema lack it"
    elif "exact" in modes:
        bump, reason = (
            Bump.MAJOR,
            "fieldsMatch 'exact' maps fields by position and requires every one: readers by "
            "position and files written for the old schema break",
        )
    elif modes <= FIELDS_MAY_BE_ABSENT:
        bump, reason = (
            Bump.MINOR,
            f"fieldsMatch {new.fields_match!r} maps fields by name and lets a file lack an "
            "optional field: old readers and old files still match",
        )
    else:
        mode = next(
            m for m in (old.fields_match, new.fields_match) if m not in FIELDS_MAY_BE_ABSENT
        )
        bump, reason = (
            Bump.MAJOR,
            f"fieldsMatch {mode!r} requires every field in the file: files written for the "
            "old schema lack it",
        )
    return Change(bump, "field-added", summary, reason, resource=new.name, field=f.name)


def _same_shape(a: FieldSpec, b: FieldSpec) -> bool:
    return (a.type, a.format, dict(a.constraints)) == (b.type, b.format, dict(b.constraints))


def _field_changes(r: str, a: FieldSpec, b: FieldSpec) -> list[Change]:
    changes = []
    f = b.name
    if a.type != b.type:
        changes.append(
            Change(
                Bump.MAJOR,
                "field-type",
                f"type {a.type} → {b.type}",
                "consumers read the values as the old type",
                resource=r,
                field=f,
                before=a.type,
                after=b.type,
            )
        )
    if a.format != b.format:
        changes.append(
            Change(
                Bump.MAJOR,
                "field-format",
                f"format {a.format} → {b.format}",
                "consumers parse the values in the old format",
                resource=r,
                field=f,
                before=a.format,
                after=b.format,
            )
        )
    keys = set(a.descriptor) | set(b.descriptor)
    for key in sorted(keys - {"name", "type", "format", "constraints"}):
        before, after = a.descriptor.get(key), b.descriptor.get(key)
        if before == after:
            continue
        if key in FIELD_PARSING:
            changes.append(
                Change(
                    Bump.MAJOR,
                    "field-parsing",
                    f"{key} {_show(before)} → {_show(after)}",
                    "the same cell reads as a different value",
                    resource=r,
                    field=f,
                    before=before,
                    after=after,
                )
            )
        else:
            changes.append(
                Change(
                    Bump.PATCH,
                    "field-metadata",
                    f"{key} changed",
                    "descriptive metadata: no data or schema changes",
                    resource=r,
                    field=f,
                    before=before,
                    after=after,
                )
            )
    return changes + _constraint_changes(r, a, b)


# Bounds: which direction of a change tightens. "min": raising tightens; "max": lowering.
BOUNDS = {
    "minimum": "min",
    "exclusiveMinimum": "min",
    "minLength": "min",
    "maximum": "max",
    "exclusiveMaximum": "max",
    "maxLength": "max",
}
FLAGS = ("required", "unique")


def _constraint_changes(r: str, a: FieldSpec, b: FieldSpec) -> list[Change]:
    changes = []
    ca, cb = dict(a.constraints), dict(b.constraints)
    for key in sorted(set(ca) | set(cb)):
        before, after = ca.get(key), cb.get(key)
        if before == after:
            continue
        for bump, kind, summary, reason, shown in _constraint_change(key, before, after):
            old_value, new_value = shown
            changes.append(
                Change(
                    bump,
                    kind,
                    summary,
                    reason,
                    resource=r,
                    field=b.name,
                    before=old_value,
                    after=new_value,
                )
            )
    return changes


_Classified = tuple[Bump, str, str, str, tuple[Any, Any]]


def _constraint_change(key: str, before: Any, after: Any) -> list[_Classified]:
    """(bump, kind, summary, reason, (before, after)) for one constraint that differs."""
    shown = (
        {key: before} if before is not None else None,
        {key: after} if after is not None else None,
    )
    tightened, loosened = "constraint-tightened", "constraint-loosened"
    if key in FLAGS:
        if bool(after) and not bool(before):
            return [(Bump.MAJOR, tightened, f"now {key}", TIGHTENED, shown)]
        if bool(before) != bool(after):
            return [(Bump.MINOR, loosened, f"no longer {key}", LOOSENED, shown)]
        return []
    if key in BOUNDS:
        kind = BOUNDS[key]
        direction = _bound_direction(kind, before, after)
        if before is None:
            text = f"{key} added ({_show(after)})"
        elif after is None:
            text = f"{key} removed ({_show(before)})"
        else:
            moved = {"up": "raised", "down": "lowered"}.get(str(direction), "changed")
            text = f"{key} {moved} from {_show(before)} to {_show(after)}"
        if direction == "?":
            reason = "values not comparable: treated as tightened"
            return [(Bump.MAJOR, "constraint-changed", text, reason, shown)]
        if direction == ("up" if kind == "min" else "down"):
            return [(Bump.MAJOR, tightened, text, TIGHTENED, shown)]
        return [(Bump.MINOR, loosened, text, LOOSENED, shown)]
    if key == "enum":
        return _enum_changes(before, after, shown)
    if key == "pattern":
        if before is None:
            return [(Bump.MAJOR, tightened, f"pattern added: {after}", TIGHTENED, shown)]
        if after is None:
            return [(Bump.MINOR, loosened, f"pattern removed: {before}", LOOSENED, shown)]
        reason = "a different pattern may reject values the old one accepted"
        return [(Bump.MAJOR, "constraint-changed", f"pattern {before} → {after}", reason, shown)]
    reason = "a constraint this tool cannot order: treated as tightened"
    text = f"constraint {key} {_show(before)} → {_show(after)}"
    return [(Bump.MAJOR, "constraint-changed", text, reason, shown)]


def _enum_changes(before: Any, after: Any, shown: tuple[Any, Any]) -> list[_Classified]:
    if before is None:
        text = f"enum added: {_show(after)}"
        return [(Bump.MAJOR, "constraint-tightened", text, TIGHTENED, shown)]
    if after is None:
        return [(Bump.MINOR, "constraint-loosened", "enum removed", LOOSENED, shown)]
    old_codes = {_code(c): c for c in before}
    new_codes = {_code(c): c for c in after}
    removed = [old_codes[k] for k in old_codes if k not in new_codes]
    added = [new_codes[k] for k in new_codes if k not in old_codes]
    changes: list[_Classified] = []
    if removed:
        changes.append(
            (
                Bump.MAJOR,
                "enum-codes-removed",
                "enum codes removed: " + ", ".join(map(str, removed)),
                "rows and consumers that use the removed codes break",
                (removed, None),
            )
        )
    if added:
        changes.append(
            (
                Bump.MINOR,
                "enum-codes-added",
                "enum codes added: " + ", ".join(map(str, added)),
                "project policy: a new code invalidates no row; consumers that switch over "
                "the codes need a default branch",
                (None, added),
            )
        )
    if not changes:  # the same codes in another order
        changes.append(
            (Bump.PATCH, "enum-reordered", "enum codes reordered", "the same codes", shown)
        )
    return changes


def _code(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _bound_direction(kind: str, before: Any, after: Any) -> str | None:
    """'up', 'down', '?' (not comparable) or None (removed)."""
    if after is None:
        return None
    if before is None:
        return "up" if kind == "min" else "down"
    try:
        a, b = float(before), float(after)
    except (TypeError, ValueError):
        a_text, b_text = str(before), str(after)  # ISO dates and times order as text
        if len(a_text) != len(b_text):
            return "?"
        return "up" if b_text > a_text else "down"
    return "up" if b > a else "down"


def _foreign_key_changes(old: ResourceSpec, new: ResourceSpec) -> list[Change]:
    def keys(r: ResourceSpec) -> dict[tuple[str, ...], tuple[str, tuple[str, ...]]]:
        return {fk.fields: (fk.resource, fk.reference_fields) for fk in r.foreign_keys}

    a, b = keys(old), keys(new)
    changes = []

    def show(fields: tuple[str, ...], target: tuple[str, tuple[str, ...]]) -> str:
        return f"({', '.join(fields)}) → {target[0]}({', '.join(target[1])})"

    for fields in sorted(set(a) | set(b)):
        before, after = a.get(fields), b.get(fields)
        if before == after:
            continue
        if before is None:
            assert after is not None
            bump, kind, text, reason = (
                Bump.MAJOR,
                "foreign-key-added",
                f"foreign key added: {show(fields, after)}",
                TIGHTENED,
            )
        elif after is None:
            bump, kind, text, reason = (
                Bump.MINOR,
                "foreign-key-removed",
                f"foreign key removed: {show(fields, before)}",
                LOOSENED,
            )
        else:
            bump, kind, text, reason = (
                Bump.MAJOR,
                "foreign-key-changed",
                f"foreign key {show(fields, before)} now → {after[0]}({', '.join(after[1])})",
                "values must now exist in another table",
            )
        changes.append(
            Change(
                bump,
                kind,
                text,
                reason,
                resource=new.name,
                field=", ".join(fields),
                before=show(fields, before) if before else None,
                after=show(fields, after) if after else None,
            )
        )
    return changes


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, str):
        return repr(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# --- the data ---------------------------------------------------------------------------------

SUFFIX = "\x00new"


def read_table(package: PackageSpec, resource: ResourceSpec) -> pl.DataFrame:
    """A resource's CSV, every column as text, missing values as null. Raises SourceError."""
    path = package.root / resource.path
    dialect = resource.descriptor.get("dialect")
    dialect = dialect if isinstance(dialect, Mapping) else {}
    encoding = resource.encoding.lower().replace("_", "-")
    try:
        raw = path.read_bytes()
        if encoding not in ("utf-8", "utf8", "utf-8-sig"):
            raw = raw.decode(resource.encoding).encode("utf-8")
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        missing = [v for v in resource.missing_values if v != ""]
        return pl.read_csv(
            raw,
            infer_schema=False,
            separator=str(dialect.get("delimiter", ",")),
            quote_char=str(dialect.get("quoteChar", '"')),
            null_values=missing or None,
            empty_string_is_null="" in resource.missing_values,
            truncate_ragged_lines=True,
            raise_if_empty=False,
        )
    except (OSError, LookupError, UnicodeDecodeError) as error:
        raise SourceError(f"{resource.path}: cannot be read: {error}") from None
    except pl.exceptions.PolarsError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SourceError(f"{resource.path}: not readable as CSV: {first}") from None


def _empty(columns: Sequence[str]) -> pl.DataFrame:
    return pl.DataFrame(schema=dict.fromkeys(columns, pl.String))


def _changed_frame(key: Sequence[str]) -> pl.DataFrame:
    return _empty([*key, "field", "before", "after"])


def _replaced_frame(key: Sequence[str]) -> pl.DataFrame:
    return _empty([*key, "replaced_by"])


def _first_table(new: PackageSpec, resource: ResourceSpec) -> TableDiff:
    try:
        rows = read_table(new, resource)
    except SourceError as error:
        return _not_compared(resource.name, 0, 0, str(error))
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


def _not_compared(name: str, old_rows: int, new_rows: int, note: str) -> TableDiff:
    return TableDiff(
        name,
        (),
        (),
        old_rows,
        new_rows,
        _empty([]),
        _empty([]),
        _changed_frame(()),
        _replaced_frame(()),
        note=f"rows not compared: {note}",
    )


def diff_table(
    old_package: PackageSpec, old: ResourceSpec, new_package: PackageSpec, new: ResourceSpec
) -> TableDiff:
    """Rows of one resource keyed by primary key, compared with joins (no per-row loop)."""
    try:
        a = read_table(old_package, old)
        b = read_table(new_package, new)
    except SourceError as error:
        return _not_compared(new.name, 0, 0, str(error))
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
        rows = read_table(package, resource)
    except SourceError:
        return _empty(["related_claim_id", "claim_id"])
    if not wanted <= set(rows.columns):
        return _empty(["related_claim_id", "claim_id"])
    return rows.filter(pl.col("relation") == CORRECTS).select("related_claim_id", "claim_id")


def _apply_corrections(
    old: PackageSpec, new: PackageSpec, tables: list[TableDiff]
) -> list[TableDiff]:
    claims = next((t for t in tables if t.resource == CLAIMS), None)
    if claims is None or claims.key != ("claim_id",) or claims.removed.is_empty():
        return tables
    new_claims = new.resources.get(CLAIMS)
    if new_claims is None:
        return tables
    try:
        present = read_table(new, new_claims).select("claim_id").unique()
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


def _data_changes(tables: Iterable[TableDiff]) -> list[Change]:
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
