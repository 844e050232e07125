"""The rule registry: every consistency rule is one small named unit registered here.

A rule is an id (``family.name``, found as function ``name`` in module
``casualty_schema/rules/family.py``, hyphens as underscores), a default severity, a
one-line summary, a message template, and a check: a function from the typed frames to a
frame of violations. Its docstring is its rationale. ``casualty-schema rules`` and
``docs/rules.md`` are generated from :data:`RULES`.

A check returns one row per violation with the columns ``__row`` and ``__line`` (of the
offending record), ``key``, ``field`` and ``value``, any column its template names, and
optionally ``resource`` (default: the rule's) and ``severity`` (default: the rule's).
"""

from __future__ import annotations

import inspect
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from casualty_schema.findings import Severity, conform, empty_findings

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
        paths = pl.DataFrame(
            {
                "resource": list(frames.package.resources),
                "path": [r.path for r in frames.package.resources.values()],
            }
        )
        out = violations.select(
            pl.lit(self.id).alias("rule"),
            severity.alias("severity"),
            resource.alias("resource"),
            pl.col("__row").alias("row"),
            pl.col("__line").alias("line"),
            pl.col("field").cast(pl.String),
            pl.col("key").cast(pl.String),
            pl.col("value").cast(pl.String),
            format_message(self.template).alias("message"),
        ).join(paths, on="resource", how="left")
        return conform(out)


def format_message(template: str) -> pl.Expr:
    """The template as a vectorised ``pl.format`` over the columns it names."""
    pieces: list[str] = []
    columns: list[pl.Expr] = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        pieces.append(literal)  # templates hold no literal braces
        if name is not None:
            pieces.append("{}")
            columns.append(pl.col(name).cast(pl.String).fill_null("(none)"))
    if not columns:
        return pl.lit(template)
    return pl.format("".join(pieces), *columns)


RULES: dict[str, Rule] = {}


def rule(
    id: str, severity: Severity, resource: str, summary: str, template: str
) -> Callable[[Check], Check]:
    """Register ``check`` as rule ``id``."""

    def register(check: Check) -> Check:
        if id in RULES:
            raise ValueError(f"rule {id} is registered twice")
        expected = id.split(".", 1)[1].replace("-", "_")
        if check.__name__ != expected or not check.__module__.endswith("." + id.split(".")[0]):
            raise ValueError(f"rule {id} must be function {expected} in rules/{id.split('.')[0]}")
        RULES[id] = Rule(id, severity, resource, summary, template, check)
        return check

    return register
