"""Stage 5 of the pipeline: the report of a run. Rendering lives in casualty_schema.render.

Validation returns a :class:`Report`; it never raises for bad data. ``to_dict()`` is the
JSON layout (documented in docs/validation.md), versioned by :data:`LAYOUT`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from casualty_schema.findings import Finding, Severity, empty_findings

#: 2 added each finding's ``hint`` (docs/validation.md, CHANGELOG 0.2.0).
LAYOUT = "casualty-schema/report/2"

SEVERITY_RANK = {Severity.ERROR.value: 0, Severity.WARNING.value: 1}


def counted(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural unless ``n`` is 1: "1 error", "0 errors", "3 warnings"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def ordered(findings: pl.DataFrame) -> pl.DataFrame:
    """Worst first: errors before warnings, then by file, rule, row and field."""
    return (
        findings.with_columns(
            pl.col("severity").replace_strict(SEVERITY_RANK, default=9).alias("_rank")
        )
        .sort(["_rank", "path", "rule", "row", "field"], nulls_last=False)
        .drop("_rank")
    )


@dataclass(frozen=True)
class Report:
    package: str  # the descriptor path as given
    findings_frame: pl.DataFrame = field(default_factory=empty_findings)
    rows: dict[str, int] = field(default_factory=dict)  # records read per resource
    rules: tuple[str, ...] = ()  # the consistency rules that ran
    strict: bool = False  # warnings make the package invalid
    usable: bool = True  # False when the descriptor could not be used (exit 2)
    version: str | None = None  # the package's own version
    changed_since: str | None = None  # --changed-since: the ref, and the commit it resolved to

    @property
    def errors(self) -> int:
        return self.findings_frame.filter(pl.col("severity") == "error").height

    @property
    def warnings(self) -> int:
        return self.findings_frame.filter(pl.col("severity") == "warning").height

    @property
    def tally(self) -> str:
        """The counts as every output says them: "1 error, 2 warnings"."""
        return f"{counted(self.errors, 'error')}, {counted(self.warnings, 'warning')}"

    @property
    def valid(self) -> bool:
        if not self.usable or self.errors:
            return False
        return not (self.strict and self.warnings)

    @property
    def exit_code(self) -> int:
        """0 valid, 1 invalid, 2 unusable input."""
        if not self.usable:
            return 2
        return 0 if self.valid else 1

    @property
    def findings(self) -> list[Finding]:
        return list(self.iter_findings())

    def iter_findings(self, limit: int | None = None) -> Iterator[Finding]:
        frame = ordered(self.findings_frame)
        if limit is not None:
            frame = frame.head(limit)
        for row in frame.iter_rows(named=True):
            yield Finding(**row)

    def counts(self) -> dict[str, dict[str, int]]:
        """{rule: {"error": n, "warning": n}}, for every rule with findings."""
        grouped = self.findings_frame.group_by("rule", "severity").len()
        counts: dict[str, dict[str, int]] = {}
        for rule, severity, n in grouped.sort("rule", "severity").iter_rows():
            counts.setdefault(rule, {"error": 0, "warning": 0})[severity] = n
        return counts

    def to_dict(self, limit: int | None = None) -> dict[str, Any]:
        """The JSON layout. ``limit`` caps the findings listed; ``left_out`` says how many
        were not."""
        shown = list(self.iter_findings(limit))
        total = self.findings_frame.height
        return {
            "layout": LAYOUT,
            "package": self.package,
            "version": self.version,
            "valid": self.valid,
            "usable": self.usable,
            "strict": self.strict,
            "counts": {"errors": self.errors, "warnings": self.warnings, "by_rule": self.counts()},
            "rows": dict(self.rows),
            "rules": list(self.rules),
            "changed_since": self.changed_since,
            "findings": [f.to_dict() for f in shown],
            "left_out": total - len(shown),
        }
