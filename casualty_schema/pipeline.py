"""The validation pipeline: read the descriptor → check structure → build typed frames → check
rules → report, each stage a function below that calls the module whose one job it is:

1. :func:`read_descriptor` — :mod:`casualty_schema.package.descriptor`;
2. :func:`check_files` — :mod:`casualty_schema.check` (conformance, the structural checks,
   recorded bytes and hashes; remote resources fetched only when asked);
3. :func:`typed_frames` — :mod:`casualty_schema.frames` (the rows that passed, typed, with the
   derived columns), behind the rules' readiness gate;
4. :func:`check_rules` — :mod:`casualty_schema.rules`;
5. the :class:`~casualty_schema.report.Report`.

``progress`` is told the label of each stage as it starts (:data:`STAGES`; a rule's label is
"checking <rule id>"), and "done" at the end: the CLI's spinner shows them, and
``benchmarks/stages.py`` times the stages by them, so the profile is of this pipeline, not a
copy of it.

The descriptor's Data Package profile is checked through frictionless on a second thread
while the files are read (frictionless's import alone takes a third of a second); a
descriptor it refuses is reported exactly as
:func:`~casualty_schema.package.descriptor.load_package` reports it, and nothing read is kept.
The installed canonical descriptor, and any exact copy of it, is not checked again
(:func:`profile_checked`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from casualty_schema.check.conformance import canonical_package, check_conformance, rule_ready
from casualty_schema.check.integrity import check_integrity
from casualty_schema.check.structure import Structure, check_structure
from casualty_schema.errors import ERRORS
from casualty_schema.findings import conform, findings_frame
from casualty_schema.frames import Frames
from casualty_schema.package.descriptor import (
    RELEASE_MANAGED,
    RESOURCE_RELEASE_MANAGED,
    DescriptorError,
    PackageSpec,
    check_profile,
    load_package,
)
from casualty_schema.package.source import Location, is_archive, open_package
from casualty_schema.report import Report
from casualty_schema.rules import RULES

Progress = Callable[[str], None]

#: The labels ``progress`` is told, in order (rules: "checking <rule id>").
DESCRIPTOR, STRUCTURE, FRAMES, CHANGED, DONE = (
    "reading the descriptor",
    "checking structure",
    "building typed frames",
    "keeping findings on changed rows",
    "done",
)
STAGES = (DESCRIPTOR, STRUCTURE, FRAMES, "checking <rule id>", CHANGED, DONE)


class UnknownRuleError(ValueError):
    """--select or --ignore named something that is neither a rule nor a family of rules."""


def _matches(rule_id: str, patterns: Iterable[str]) -> bool:
    return any(rule_id == p or rule_id.startswith(p + ".") for p in patterns)


def resolve_rules(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[str]:
    """The rule ids to run: all, or those ``select`` names (ids or families such as
    ``dates``), less those ``ignore`` names. Unknown names raise UnknownRuleError."""
    select, ignore = list(select), list(ignore)
    known = set(RULES) | set(ERRORS)
    for name in [*select, *ignore]:
        if name not in known and not any(r.startswith(name + ".") for r in RULES):
            raise UnknownRuleError(
                f"unknown rule {name!r}: see 'casualty-schema rules' for the rule ids"
            )
    chosen = [r for r in RULES if not select or _matches(r, select)]
    return [r for r in chosen if not _matches(r, ignore)]


def _unusable(
    error: DescriptorError, strict: bool
) -> tuple[Report, PackageSpec | None, Structure | None]:
    return Report(str(error.path), error.findings, strict=strict, usable=False), None, None


def read_descriptor(package: Path) -> PackageSpec:
    """Stage 1: the descriptor, without its profile check (:func:`check_files` runs that);
    raises DescriptorError for one that cannot be used, profile first."""
    try:
        return load_package(package, check_profile=False)
    except Exception:  # what the profile refuses may break the later checks
        pass
    load_package(package)  # the full check, profile first, says what is wrong first
    raise AssertionError("a descriptor refused without its profile passes with it")


def profile_checked(spec: PackageSpec) -> bool:
    """Whether the descriptor is the installed canonical one, whose profile
    ``tests/test_package.py`` checks with frictionless, or a copy of it (as the benchmark's
    packages are), perhaps without the properties a release records (none is required by the
    profile): then it is not checked again, and frictionless is not imported."""
    return _omits_only(spec.descriptor, canonical_package().descriptor, RELEASE_MANAGED)


def _omits_only(own: Any, canonical: Any, optional: frozenset[str]) -> bool:
    """``own`` is ``canonical`` with some of the properties ``optional`` left out (in the
    package and, for ``bytes`` and ``hash``, in its resources)."""
    if not isinstance(own, Mapping) or not isinstance(canonical, Mapping):
        return bool(own == canonical)
    if own.keys() - canonical.keys() or canonical.keys() - own.keys() - optional:
        return False
    for key, value in own.items():
        if key == "resources" and isinstance(value, list) and optional is RELEASE_MANAGED:
            theirs = canonical[key]
            if not isinstance(theirs, list) or len(theirs) != len(value):
                return False
            if not all(
                _omits_only(a, b, RESOURCE_RELEASE_MANAGED)
                for a, b in zip(value, theirs, strict=True)
            ):
                return False
        elif value != canonical[key]:
            return False
    return True


def check_files(spec: PackageSpec, *, allow_remote: bool = False) -> tuple[Structure, pl.DataFrame]:
    """Stage 2: conformance to the canonical schema, every file read and checked against its
    Table Schema, the recorded bytes and hashes; the structure and its findings. The profile
    check runs meanwhile; raises DescriptorError when it refuses the descriptor."""
    with ThreadPoolExecutor(1, thread_name_prefix="profile") as pool:
        profile = None if profile_checked(spec) else pool.submit(check_profile, spec)
        try:
            conformance = check_conformance(spec)
            if allow_remote:
                from casualty_schema.package.remote import fetched  # urllib, only when asked

                with fetched(spec) as (local, unfetched):
                    structure = _without_refusals(check_structure(local), unfetched)
            else:
                unfetched = findings_frame([])
                structure = check_structure(spec)
        except Exception:
            if profile is None or not isinstance(profile.exception(), DescriptorError):
                raise  # else a descriptor the profile refuses: that is the finding, below
        failed = profile.exception() if profile is not None else None
    if failed is not None:
        raise failed
    parts = [conformance, unfetched, check_integrity(spec), conform(structure.findings)]
    return structure, pl.concat(parts)


def _without_refusals(structure: Structure, unfetched: pl.DataFrame) -> Structure:
    """``structure`` without the reader's source-error for each resource that could not be
    fetched (it says remote data is not fetched without --allow-remote): the fetch's own
    finding says what happened."""
    if unfetched.is_empty():
        return structure
    names = unfetched.get_column("resource").unique()
    refused = (pl.col("rule") == "source-error") & pl.col("resource").is_in(names.implode())
    return replace(structure, findings=structure.findings.filter(~refused))


#: File-level findings after which no row of the file was read: the rules leave the resource
#: out (its rows are not "unknown", they are unread), and say nothing more about it.
UNREAD = ("source-error", "encoding-error")


def typed_frames(
    spec: PackageSpec,
    structure: Structure,
    today: date,
    found: pl.DataFrame | None = None,
    rule_ids: Iterable[str] = RULES,
) -> tuple[Frames, frozenset[str], pl.DataFrame]:
    """Stage 3: the typed frames the rules run on, with the derived columns built; the rules
    that cannot run (a field they read is missing or of another type) and the schema-error
    that names them. A resource whose file could not be read (:data:`UNREAD`) is left out;
    no schema-error is said of a resource that ``found`` (the findings so far) already says
    why — the file could not be read, or it does not conform to the canonical schema."""
    found = found if found is not None else findings_frame([])
    said = set(
        found.filter(pl.col("rule").is_in([*UNREAD, "conformance-error"]))
        .get_column("resource")
        .drop_nulls()
    )
    unread = set(found.filter(pl.col("rule").is_in(UNREAD)).get_column("resource").drop_nulls())
    readable = {name: frame for name, frame in structure.frames.items() if name not in unread}
    reads = {rule_id: RULES[rule_id].reads for rule_id in rule_ids}
    tables, not_run, unready = rule_ready(spec, readable, reads)
    unready = unready.filter(~pl.col("resource").is_in(list(said)))
    frames = Frames(spec, tables, today, control_free=structure.control_free)
    frames.prepare()
    return frames, not_run, unready


def check_rules(frames: Frames, rule_ids: Iterable[str], say: Progress) -> list[pl.DataFrame]:
    """Stage 4: each rule's findings."""
    found = []
    for rule_id in rule_ids:
        say(f"checking {rule_id}")
        found.append(RULES[rule_id].run(frames))
        frames.record(found[-1])  # what later rules need not report again
    return found


def run(
    package: Path,
    *,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    strict: bool = False,
    today: date | None = None,
    changed_since: str | Location | None = None,
    allow_remote: bool = False,
    progress: Progress | None = None,
) -> tuple[Report, PackageSpec | None, Structure | None]:
    """The whole pipeline; the package spec and structure are returned for load(). A release
    archive is validated as it unpacks (:func:`~casualty_schema.package.source.open_package`:
    the same protections as ``diff``), its recorded ``bytes`` and ``hash`` included; the
    report names the archive. Raises SourceError for an archive that cannot be unpacked."""
    baseline = None
    if changed_since is not None:  # resolved before any check runs: a bad ref fails at once
        from casualty_schema.check.changed import since

        baseline = since(changed_since, package)
    if is_archive(package):
        with open_package(package) as archive:
            report, spec, structure = run(
                archive.spec.descriptor_path,
                select=select,
                ignore=ignore,
                strict=strict,
                today=today,
                changed_since=baseline,
                allow_remote=allow_remote,
                progress=progress,
            )
        return replace(report, package=str(package)), spec, structure
    say = progress or (lambda _label: None)
    ignore = list(ignore)
    rule_ids = resolve_rules(select, ignore)
    say(DESCRIPTOR)
    try:
        spec = read_descriptor(package)
        say(STRUCTURE)
        structure, file_findings = check_files(spec, allow_remote=allow_remote)
    except DescriptorError as error:
        say(DONE)
        return _unusable(error, strict)
    say(FRAMES)
    today = today or date.today()
    frames, not_run, unready = typed_frames(spec, structure, today, file_findings, rule_ids)
    runnable = [r for r in rule_ids if r not in not_run]
    findings = pl.concat([file_findings, unready, *check_rules(frames, runnable, say)])
    if baseline is not None:
        say(CHANGED)
        from casualty_schema.check.changed import changed_keys, only_changed

        findings = only_changed(findings, changed_keys(spec, baseline))
    ignored = [r for r in [*RULES, *ERRORS] if _matches(r, ignore)]
    if ignored:
        findings = findings.filter(~pl.col("rule").is_in(ignored))
    report = Report(
        str(spec.descriptor_path),
        findings,
        rows=dict(structure.rows),
        rules=tuple(runnable),
        strict=strict,
        version=spec.version,
        changed_since=baseline.described if baseline is not None else None,
    )
    say(DONE)
    return report, spec, structure
