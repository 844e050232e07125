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

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from casualty_schema.compare.change import Bump, Change
from casualty_schema.compare.package import package_changes, pair_resources, resource_changes
from casualty_schema.compare.rows import (
    TableDiff,
    data_changes,
    diff_table,
    first_table,
    with_corrections,
)
from casualty_schema.package.descriptor import PackageSpec
from casualty_schema.package.source import PackageSource, open_package

__all__ = ["LAYOUT", "Bump", "Change", "Diff", "Side", "TableDiff", "diff_packages", "diff_specs"]

LAYOUT = "casualty-schema/diff/2"


@dataclass(frozen=True)
class Side:
    """OLD or NEW: where it came from and its version."""

    label: str
    name: str | None = None
    version: str | None = None
    commit: str | None = None  # a git ref: the commit it resolved to
    found: str | None = None  # a version without its tag: how its release commit was found

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "name": self.name,
            "version": self.version,
            "commit": self.commit,
            "found": self.found,
        }


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
    :class:`~casualty_schema.package.source.SourceError` when either cannot be read (an
    empty location included: it is never taken for the working tree)."""
    with (
        open_package(old, repo=repo, argument="OLD") as a,
        open_package(new, repo=repo, argument="NEW") as b,
    ):
        diff = diff_specs(a.spec, b.spec, old_label=a.label, new_label=b.label)
        return with_sources(diff, a, b)


def with_sources(diff: Diff, old: PackageSource | None, new: PackageSource | None) -> Diff:
    """``diff`` with the commits its git sides resolved to, and how they were found."""

    def side(s: Side, source: PackageSource | None) -> Side:
        if source is None or source.commit is None:
            return s
        return replace(s, commit=source.commit, found=source.found)

    return replace(diff, old=side(diff.old, old), new=side(diff.new, new))


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
        tables = tuple(first_table(new, r) for r in new.resources.values())
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
            data_changes=tuple(data_changes(tables)),
            tables=tables,
            first_release=True,
        )
    found: list[Change] = []
    found += package_changes(old, new)
    pairs, added_removed = pair_resources(old, new)
    found += added_removed
    compared = []
    for before, after in pairs:
        found += resource_changes(before, after)
        compared.append(diff_table(old, before, new, after))
    compared = with_corrections(old, new, compared)
    return Diff(
        Side(old_label, old.name, old.version),
        new_side,
        schema_changes=tuple(found),
        data_changes=tuple(data_changes(compared)),
        tables=tuple(compared),
    )
