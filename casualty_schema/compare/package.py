"""The changes of the package's own properties and of its resources' properties (not their
Table Schemas: :mod:`casualty_schema.compare.schema`), each classified with its reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from casualty_schema.compare.change import Bump, Change
from casualty_schema.compare.schema import schema_changes, show
from casualty_schema.package.descriptor import (
    RELEASE_MANAGED,
    RESOURCE_RELEASE_MANAGED,
    PackageSpec,
    ResourceSpec,
)

__all__ = ["compare_resources", "package_changes", "pair_resources", "resource_changes"]

# Properties that change what a package is or how its files are read.
PACKAGE_IDENTITY = frozenset({"name", "id", "$schema"})
RESOURCE_READING = frozenset(
    {"format", "mediatype", "encoding", "dialect", "scheme", "compression", "type", "profile"}
)
BREAKS_READERS = "consumers that read the files with the old settings misread them"


def package_changes(old: PackageSpec, new: PackageSpec) -> list[Change]:
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
                    f"package {key} changed from {show(before)} to {show(after)}",
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
            narrowed.append(f"start {show(start_a)} → {show(start_b)}")
        else:
            widened.append(f"start {show(start_a)} → {show(start_b)}")
    end_a, end_b = a.get("end"), b.get("end")
    if end_a != end_b:
        if end_b is not None and (end_a is None or str(end_b) < str(end_a)):
            narrowed.append(f"end {show(end_a)} → {show(end_b)}")
        else:
            widened.append(f"end {show(end_a)} → {show(end_b)}")
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


def pair_resources(
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


def resource_changes(old: ResourceSpec, new: ResourceSpec) -> list[Change]:
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
                    f"{key} changed from {show(before)} to {show(after)}",
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
                    f"path changed from {show(before)} to {show(after)}",
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
    return changes + schema_changes(old, new)


def compare_resources(old: PackageSpec, new: PackageSpec) -> list[Change]:
    """The schema changes of the resources alone, ``old`` to ``new`` (no package metadata, no
    data): what conformance of a downstream package to the canonical schema is judged on."""
    pairs, changes = pair_resources(old, new)
    for before, after in pairs:
        changes += resource_changes(before, after)
    return changes
