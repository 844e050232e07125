"""GitHub Actions workflow commands: one annotation per finding, as many as GitHub shows.

GitHub shows at most 10 error and 10 warning annotations per step; past that the rest are
counted in a notice, never dropped silently. Workflow-command text escapes ``%``, CR and
LF, and property values also ``:`` and ``,``.
"""

from __future__ import annotations

import os
from pathlib import Path

from casualty_schema.findings import Finding
from casualty_schema.render import REPORT_FORMATS
from casualty_schema.report import Report, counted

SHOWN_PER_SEVERITY = REPORT_FORMATS["github"].default_limit


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def file_of(report: Report, finding: Finding) -> str:
    """The finding's file, relative to the working directory (the repository root in CI)."""
    root = Path(report.package).parent
    target = root / finding.path if finding.path else Path(report.package)
    try:
        return os.path.relpath(target)
    except ValueError:  # another drive on Windows
        return str(target)


def annotation(report: Report, finding: Finding) -> str:
    command = "error" if finding.severity == "error" else "warning"
    props = [f"file={escape_property(file_of(report, finding))}"]
    if finding.line is not None:
        props.append(f"line={finding.line}")
    props.append(f"title={escape_property(finding.rule)}")
    where = []
    if finding.row is not None:
        where.append(f"row {finding.row}")
    if finding.field:
        where.append(f"field {finding.field}")
    if finding.key:
        where.append(f"key {finding.key}")
    prefix = f"{', '.join(where)}: " if where else ""
    hint = f" ({finding.hint})" if finding.hint else ""
    return f"::{command} {','.join(props)}::{escape_data(prefix + finding.message + hint)}"


def render(report: Report, limit: int | None = SHOWN_PER_SEVERITY, **_: object) -> str:
    """At most ``limit`` annotations per severity (None: every finding)."""
    lines = []
    shown = {"error": 0, "warning": 0}
    for finding in report.iter_findings():
        if limit is not None and shown.get(finding.severity, 0) >= limit:
            continue
        shown[finding.severity] = shown.get(finding.severity, 0) + 1
        lines.append(annotation(report, finding))
    left = {"error": report.errors - shown["error"], "warning": report.warnings - shown["warning"]}
    if left["error"] or left["warning"]:
        lines.append(
            f"::notice title=casualty-schema::{counted(left['error'], 'more error')} and "
            f"{counted(left['warning'], 'more warning')} than GitHub shows were found; "
            "see the job summary or run casualty-schema validate locally"
        )
    if not report.usable:
        verdict = "unusable (the descriptor could not be read)"
    else:
        verdict = "valid" if report.valid else "invalid"
    lines.append(f"casualty-schema: {report.package} is {verdict}: {report.tally}")
    return "\n".join(lines) + "\n"
