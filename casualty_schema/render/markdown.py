"""Markdown for a CI job summary (``$GITHUB_STEP_SUMMARY``) or a pull-request comment."""

from __future__ import annotations

from casualty_schema.render import REPORT_FORMATS
from casualty_schema.report import Report

DEFAULT_LIMIT = REPORT_FORMATS["markdown"].default_limit


def _cell(text: object) -> str:
    return "" if text is None else str(text).replace("|", "\\|").replace("\n", " ")


def render(report: Report, limit: int | None = DEFAULT_LIMIT, **_: object) -> str:
    verdict = "✅ valid" if report.valid else ("⛔ unusable" if not report.usable else "❌ invalid")
    out = [
        f"## casualty-schema: `{report.package}` is {verdict}",
        "",
        report.tally + (" (strict: warnings fail)" if report.strict else "") + ".",
        "",
    ]
    if report.rows:
        out += ["| resource | rows |", "|---|---:|"]
        out += [f"| {name} | {n} |" for name, n in report.rows.items()]
        out.append("")
    counts = report.counts()
    if counts:
        out += ["| rule | errors | warnings |", "|---|---:|---:|"]
        out += [f"| `{rule}` | {c['error']} | {c['warning']} |" for rule, c in counts.items()]
        out.append("")
        out += [
            "| severity | file | row | line | field | rule | message |",
            "|---|---|---:|---:|---|---|---|",
        ]
        for f in report.iter_findings(limit):
            out.append(
                f"| {f.severity} | {_cell(f.path)} | {_cell(f.row)} | {_cell(f.line)} | "
                f"{_cell(f.field)} | `{f.rule}` | {_cell(f.message)}"
                + (f" (→ {_cell(f.hint)})" if f.hint else "")
                + " |"
            )
        left = report.findings_frame.height - (
            limit if limit is not None else report.findings_frame.height
        )
        if left > 0:
            out += [
                "",
                f"… and {left} more findings not listed here "
                "(run `casualty-schema validate` for all).",
            ]
    return "\n".join(out) + "\n"
