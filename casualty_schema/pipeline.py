"""The validation pipeline: read the descriptor → check structure → check rules → report.

Each stage is a module with one job: :mod:`casualty_schema.package.descriptor`,
:mod:`casualty_schema.check.structure` (reading and Table Schema checks, in polars),
:mod:`casualty_schema.frames` (typed frames and derived columns),
:mod:`casualty_schema.rules` (the consistency rules) and :mod:`casualty_schema.report`.

The descriptor's Data Package profile is checked through frictionless on a second thread
while the files are read (frictionless's import alone takes a third of a second); a
descriptor it refuses is reported exactly as
:func:`~casualty_schema.package.descriptor.load_package` reports it, and nothing read is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import polars as pl

from casualty_schema.check.changed import changed_keys, only_changed
from casualty_schema.check.conformance import check_conformance, rule_ready
from casualty_schema.check.integrity import check_integrity
from casualty_schema.check.structure import Structure, check_structure
from casualty_schema.errors import ERRORS
from casualty_schema.findings import conform, findings_frame
from casualty_schema.frames import Frames
from casualty_schema.package.descriptor import (
    DescriptorError,
    PackageSpec,
    check_profile,
    load_package,
)
from casualty_schema.package.remote import fetched
from casualty_schema.report import Report
from casualty_schema.rules import RULES

Progress = Callable[[str], None]


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


def run(
    package: Path,
    *,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    strict: bool = False,
    today: date | None = None,
    changed_since: str | None = None,
    allow_remote: bool = False,
    progress: Progress | None = None,
) -> tuple[Report, PackageSpec | None, Structure | None]:
    """The whole pipeline; the package spec and structure are returned for load()."""
    say = progress or (lambda _message: None)
    ignore = list(ignore)
    rule_ids = resolve_rules(select, ignore)
    say("reading the descriptor")
    try:
        spec = load_package(package, check_profile=False)
    except Exception:  # what the profile refuses may break the later checks
        spec = None
    if spec is None:  # the full check, profile first, says what is wrong first
        try:
            load_package(package)
        except DescriptorError as error:
            return _unusable(error, strict)
        raise AssertionError("a descriptor refused without its profile passes with it")
    # the profile check (frictionless's import, mostly) runs while the files are read
    with ThreadPoolExecutor(1, thread_name_prefix="profile") as pool:
        profile = pool.submit(check_profile, spec)
        try:
            say("checking conformance to the canonical schema")
            conformance = check_conformance(spec)
            say("checking structure")
            if allow_remote:
                with fetched(spec) as (local, unfetched):
                    structure = check_structure(local)
            else:
                unfetched = findings_frame([])
                structure = check_structure(spec)
        except Exception:
            if not isinstance(profile.exception(), DescriptorError):
                raise  # else a descriptor the profile refuses: that is the finding, below
        failed = profile.exception()
    if isinstance(failed, DescriptorError):
        return _unusable(failed, strict)
    if failed is not None:
        raise failed
    tables, unready = rule_ready(spec, structure.frames)
    frames = Frames(spec, tables, today or date.today())
    parts = [conformance, unfetched, check_integrity(spec), conform(structure.findings), unready]
    for rule_id in rule_ids:
        say(f"checking {rule_id}")
        parts.append(RULES[rule_id].run(frames))
    findings = pl.concat(parts)
    if changed_since is not None:
        say(f"keeping findings on rows changed since {changed_since}")
        findings = only_changed(findings, changed_keys(spec, changed_since))
    ignored = [r for r in [*RULES, *ERRORS] if _matches(r, ignore)]
    if ignored:
        findings = findings.filter(~pl.col("rule").is_in(ignored))
    report = Report(
        str(spec.descriptor_path),
        findings,
        rows=dict(structure.rows),
        rules=tuple(rule_ids),
        strict=strict,
        version=spec.version,
    )
    return report, spec, structure
