"""The rule registry: every consistency rule is one small named unit registered here.

A rule is an id (``family.name``, found as function ``name`` in module
``casualty_schema/rules/family.py``, hyphens as underscores), a default severity, a
one-line summary, a message template, the canonical fields it reads, and a check: a function
from the typed frames to a frame of violations. Its docstring is its rationale.
``casualty-schema rules`` and ``docs/rules.md`` are generated from :data:`RULES`.

``reads`` names, per resource, every field whose values the check depends on — directly, or
through a derived column of :mod:`casualty_schema.frames` (``lower`` and ``upper`` read
``qualifier``, ``value`` and ``value_max``; ``<date>_earliest`` its date; ``metric_kind``
``metrics.kind``; ``place_closure`` ``places.place_id`` and ``parent_id``). It is what the
rules' readiness gate (:func:`casualty_schema.check.conformance.rule_ready`) requires: a rule
whose fields a package lacks (or has with another type) is not run, and a ``schema-error``
names it; a field no rule reads may be renamed or removed. ``reads={}`` reads no field in
particular (the ``cells`` rules read whichever text fields there are). ``tests/test_rules.py``
runs each rule on frames holding only the fields it declares.

A check returns one row per violation with the columns ``__row`` and ``__line`` (of the
offending record), ``key``, ``field`` and ``value``, any column its template names, and
optionally ``resource`` (default: the rule's), ``severity`` (default: the rule's) and
``hint`` (how to fix it: "did you mean sanaa-gov?"; null where there is nothing to say). The
template is filled by the one template engine (:mod:`casualty_schema.template`), a missing
value written as "(none)".
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from casualty_schema import template
from casualty_schema.findings import LINE, ROW, Severity, empty_findings, select_findings

if TYPE_CHECKING:
    from casualty_schema.frames import Frames

Check = Callable[["Frames"], pl.DataFrame]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    resource: str  # the resource its findings point at, unless the check says otherwise
    summary: str  # what it checks, in one line
    template: str  # message template over the violation frame's columns
    check: Check
    # resource -> the fields it reads; None: not declared (the gate then requires every
    # canonical field of every canonical resource, as before rules declared what they read)
    reads: Mapping[str, tuple[str, ...]] | None = None

    @property
    def rationale(self) -> str:
        return inspect.getdoc(self.check) or ""

    @property
    def location(self) -> str:
        """Where the rule is defined: ``casualty_schema/rules/<family>.py::<name>``."""
        family, name = self.id.split(".", 1)
        return f"casualty_schema/rules/{family}.py::{name.replace('-', '_')}"

    def run(self, frames: Frames) -> pl.DataFrame:
        """The rule's findings, in the findings schema."""
        violations = self.check(frames)
        if violations.is_empty():
            return empty_findings()
        columns = violations.columns
        resource = pl.col("resource") if "resource" in columns else pl.lit(self.resource)
        severity = pl.col("severity") if "severity" in columns else pl.lit(str(self.severity))
        paths = {name: r.path for name, r in frames.package.resources.items()}
        params = {name: pl.col(name) for name in template.fields(self.template)}
        return select_findings(
            violations,
            rule=self.id,
            severity=severity,
            resource=resource,
            path=resource.replace_strict(paths, default=None, return_dtype=pl.String),
            row=pl.col(ROW),
            line=pl.col(LINE),
            field=pl.col("field"),
            key=pl.col("key"),
            value=pl.col("value"),
            message=template.expr(self.template, params, null="(none)"),
            hint=pl.col("hint") if "hint" in columns else None,
        )


RULES: dict[str, Rule] = {}


def rule(
    id: str,
    severity: Severity,
    resource: str,
    summary: str,
    template: str,
    *,
    reads: Mapping[str, tuple[str, ...]] | None = None,
) -> Callable[[Check], Check]:
    """Register ``check`` as rule ``id``, reading the fields ``reads`` names per resource."""

    def register(check: Check) -> Check:
        if id in RULES:
            raise ValueError(f"rule {id} is registered twice")
        expected = id.split(".", 1)[1].replace("-", "_")
        if check.__name__ != expected or not check.__module__.endswith("." + id.split(".")[0]):
            raise ValueError(f"rule {id} must be function {expected} in rules/{id.split('.')[0]}")
        declared = None if reads is None else {r: tuple(f) for r, f in reads.items()}
        RULES[id] = Rule(id, severity, resource, summary, template, check, declared)
        return check

    return register
