"""The first findings of a report as plain lines: what an exception or a refusal says about a
package that is not valid (``load()``'s InvalidPackageError, a refused release)."""

from __future__ import annotations

from casualty_schema.report import Report

SHOWN = 20


def brief(report: Report, shown: int = SHOWN) -> list[str]:
    """One indented line per finding, the worst first, at most ``shown`` of them, and a line
    that counts the rest."""
    lines = []
    for f in report.iter_findings(shown):
        where = ":".join(str(p) for p in (f.path, f.row) if p is not None)
        hint = f" ({f.hint})" if f.hint else ""
        lines.append(f"  {where} [{f.rule}] {f.field or ''} {f.message}{hint}".rstrip())
    total = report.findings_frame.height
    if total > shown:
        lines.append(f"  … and {total - shown} more")
    return lines
