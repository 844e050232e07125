"""Human-readable text: findings grouped by file and rule, the worst first, as rich tables.

Each group lists at most ``limit`` findings and says how many more it holds; ``limit=None``
lists all. Colour only when asked for (the CLI asks on a terminal).
"""

from __future__ import annotations

import io

import polars as pl
from rich.console import Console
from rich.table import Table

from casualty_schema.render import REPORT_FORMATS
from casualty_schema.report import Report, ordered

DEFAULT_LIMIT = REPORT_FORMATS["text"].default_limit
STYLE = {"error": "bold red", "warning": "yellow"}


def render(
    report: Report, limit: int | None = DEFAULT_LIMIT, color: bool = False, width: int = 120,
    **_: object,
) -> str:  # fmt: skip
    buffer = io.StringIO()
    console = Console(
        file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False
    )
    findings = ordered(report.findings_frame)
    groups = (
        findings.with_row_index("_order")
        .group_by("path", "rule", "severity", maintain_order=True)
        .agg(pl.len().alias("n"), pl.col("_order").min().alias("_first"))
        .sort("_first")
    )
    for path, rule, severity, n, _first in groups.iter_rows():
        where = path or report.package
        console.print(
            f"[{STYLE.get(severity, '')}]{severity}[/] {where} — [bold]{rule}[/] ({n})",
        )
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        for column in ("row", "line", "field", "key", "message"):
            table.add_column(column, overflow="fold", no_wrap=column in ("row", "line"))
        group = findings.filter(
            (pl.col("rule") == rule)
            & (pl.col("severity") == severity)
            & (pl.col("path").eq_missing(path))
        )
        shown = group if limit is None else group.head(limit)
        for f in shown.iter_rows(named=True):
            table.add_row(
                *(str(f[c]) if f[c] is not None else "" for c in ("row", "line", "field", "key")),
                f["message"],
            )
        console.print(table)
        if shown.height < group.height:
            console.print(
                f"  … and {group.height - shown.height} more {rule} findings in {where} "
                "(--limit 0 lists all)"
            )
        console.print()
    rows = sum(report.rows.values())
    if not report.usable:
        verdict = "[bold red]unusable[/]"
    elif report.valid:
        verdict = "[bold green]valid[/]"
    else:
        verdict = "[bold red]invalid[/]"
    console.print(
        f"{report.package}: {verdict} — {report.errors} errors, {report.warnings} warnings"
        + (f"; {rows} rows in {len(report.rows)} resources" if report.rows else "")
        + (f"; {len(report.rules)} rules" if report.rules else "")
        + (" (strict: warnings fail)" if report.strict else "")
        + (f"; findings on rows changed since {since}" if (since := report.changed_since) else "")
    )
    return buffer.getvalue()
