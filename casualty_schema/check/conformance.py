"""Conformance of a downstream package to the canonical schema, checked before any row is read.

A downstream data package (another conflict, another monitor) keeps its own claims on this
schema and states which version it follows in its descriptor::

    "casualtySchema": ">=0.1,<0.2"

(a PEP 440 version range). Its resources must match the canonical schema of that version:
the same resource and field names, in the same order, with the same types, formats and
codes, and constraints the same or stricter (a higher minimum, fewer enum codes, a field
made required); extra fields only where the canonical ``fieldsMatch`` allows them; extra
resources are allowed. Each mismatch is a ``conformance-error`` finding naming the resource
and field. The canonical schema is the installed one: a package whose range excludes it gets
a ``schema-version`` error (install a matching casualty-schema), one that states no range a
``schema-version`` warning, and is checked against the installed schema.

The canonical package itself (``name`` casualty-claims) is not checked against itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import polars as pl

from casualty_schema.compare.change import Change
from casualty_schema.compare.package import compare_resources
from casualty_schema.errors import error
from casualty_schema.findings import findings_frame
from casualty_schema.package.bundled import bundled_package, bundled_version
from casualty_schema.package.descriptor import PackageSpec, load_package
from casualty_schema.types import polars_dtype

PROPERTY = "casualtySchema"

# Changes from the canonical schema to a downstream one that keep it conforming: stricter,
# or descriptive only. Every other kind (see casualty_schema.compare.diff) breaks conformance.
CONFORMING = frozenset(
    {
        "constraint-tightened",
        "enum-codes-removed",
        "enum-reordered",
        "field-metadata",
        "resource-metadata",
        "resource-moved",
        "resource-added",
        "unique-keys-tightened",
        "fields-match-tightened",
        "foreign-key-added",
    }
)


def schema_range(version: str) -> str:
    """The versions a package made on ``version`` can follow: up to the next major (what
    ``casualty-schema init`` writes, and what a package with no range is told to add)."""
    from packaging.version import Version  # imported when needed: start-up

    v = Version(version)
    return f">={v.base_version},<{v.major + 1}.0.0"


#: Why a change of these kinds breaks conformance, where the change's own reason (written for
#: the version bump it needs) says why it breaks nothing.
NONCONFORMING_REASON = {
    "enum-codes-added": "the canonical schema has no such code, so a consumer of it refuses "
    "the rows that use one: use a canonical code, or propose the new one upstream",
}


@lru_cache(maxsize=1)
def canonical_package() -> PackageSpec:
    """The canonical schema: the bundled package of the installed version. Its profile is not
    checked again on every run: tests/test_package.py validates it with frictionless."""
    return load_package(bundled_package(), check_profile=False)


def is_canonical(spec: PackageSpec, canonical: PackageSpec) -> bool:
    return spec.name == canonical.name


def check_conformance(
    spec: PackageSpec,
    canonical: PackageSpec | None = None,
    installed: str | None = None,
) -> pl.DataFrame:
    """Findings (``schema-version``, ``conformance-error``) of ``spec`` against the
    canonical schema (default: the bundled package of the installed version)."""
    canonical = canonical or canonical_package()
    installed = installed or bundled_version()
    if is_canonical(spec, canonical):
        return findings_frame([])
    # packaging is imported for a downstream package only (its import costs 0.03 s)
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import Version

    path = spec.descriptor_path.name
    stated = spec.descriptor.get(PROPERTY)
    rows: list[dict[str, Any]] = []
    if stated is None:
        rows.append(
            _version_finding(
                path,
                "warning",
                None,
                f"the package states no {PROPERTY} version range: checked against "
                f'the installed schema {installed}; add "{PROPERTY}": '
                f'"{schema_range(installed)}" to its datapackage.json to pin it',
            )
        )
    else:
        try:
            wanted = SpecifierSet(str(stated))
        except InvalidSpecifier:
            return findings_frame(
                [
                    _version_finding(
                        path,
                        "error",
                        str(stated),
                        f"{PROPERTY} {stated!r} is not a version range "
                        f"(write it as in pip: '{schema_range(installed)}')",
                    )
                ]
            )
        if not wanted.contains(Version(installed), prereleases=True):
            return findings_frame(
                [
                    _version_finding(
                        path,
                        "error",
                        str(stated),
                        f"the package follows casualty-schema {stated}, but "
                        f"{installed} is installed: install a matching version "
                        f"(pip install 'casualty-schema{stated}')",
                    )
                ]
            )
    for change in compare_resources(canonical, spec):
        if change.kind in CONFORMING or _extra_resource_field(change, canonical):
            continue
        rows.append(_finding(change, spec, path))
    return findings_frame(rows)


def _version_finding(path: str, severity: str, value: str | None, message: str) -> dict[str, Any]:
    """A ``schema-version`` finding on the descriptor's casualtySchema property."""
    return error("schema-version").finding(
        severity=severity, path=path, field=PROPERTY, value=value, note=message
    )


def _extra_resource_field(change: Change, canonical: PackageSpec) -> bool:
    """Changes inside a resource the canonical schema does not have are the package's own."""
    return change.resource is not None and change.resource not in canonical.resources


def _finding(change: Change, spec: PackageSpec, path: str) -> dict[str, Any]:
    resource = spec.resources.get(change.resource or "")
    return error("conformance-error").finding(
        resource=change.resource,
        path=resource.path if resource else path,
        field=change.field,
        value=None if change.after is None else str(change.after),
        summary=change.summary,
        reason=NONCONFORMING_REASON.get(change.kind, change.reason),
    )


#: What a rule reads: resource -> fields (``@rule(reads=...)``); None: not declared.
Reads = Mapping[str, tuple[str, ...]] | None


def rule_ready(
    spec: PackageSpec, tables: dict[str, pl.DataFrame], reads: Mapping[str, Reads]
) -> tuple[dict[str, pl.DataFrame], frozenset[str], pl.DataFrame]:
    """What the consistency rules (``reads``: rule id -> the fields it reads) can run on.

    The rules see each canonical field only with its canonical type: a column of another type
    is taken out of their frames. A rule that reads a field its package lacks (or has with
    another type) is not run, and one ``schema-error`` per resource names the fields and the
    rules; a field no rule reads may be renamed, retyped or removed (the schema, not the
    rules, says what a package holds). A rule that declares nothing (``None``) is taken to
    read every canonical field. Returns the frames, the rules not run, and the findings. A
    conformance error says more of a downstream package; this also covers a package that
    calls itself the canonical one."""
    canonical = canonical_package()
    ready: dict[str, pl.DataFrame] = {}
    unusable: dict[str, dict[str, str]] = {}  # resource -> field -> what is wrong with it
    for name, table in tables.items():
        expected = canonical.resources.get(name)
        if expected is None:
            ready[name] = table
            continue
        wrong = {
            f.name: f"{f.name} is {table.schema[f.name]}, not {polars_dtype(f)}"
            for f in expected.fields
            if f.name in table.columns and table.schema[f.name] != polars_dtype(f)
        }
        ready[name] = table.drop(list(wrong))
        unusable[name] = wrong
    everything = {n: tuple(r.field_names) for n, r in canonical.resources.items()}
    not_run: dict[str, dict[str, list[str]]] = {}  # resource -> problem -> rule ids
    for rule_id, declared in reads.items():
        for name, fields in (everything if declared is None else declared).items():
            if name not in unusable:
                continue  # a resource the package does not have: the rule says what it needs
            for f in fields:
                if f in unusable[name] or f not in ready[name].columns:
                    problem = unusable[name].get(f, f"{f} is missing")
                    not_run.setdefault(name, {}).setdefault(problem, []).append(rule_id)
    rows = [
        error("schema-error").finding(
            resource=name,
            path=spec.resources[name].path,
            note="; ".join(
                f"{problem} (read by {', '.join(dict.fromkeys(rules))})"
                for problem, rules in problems.items()
            )
            + ": the rules that read it were not run",
            hint="keep the field's canonical name and type (docs/rules.md lists the fields each "
            "rule reads), or accept that those rules do not run",
        )
        for name, problems in not_run.items()
    ]
    skipped = frozenset(r for problems in not_run.values() for rs in problems.values() for r in rs)
    return ready, skipped, findings_frame(rows)
