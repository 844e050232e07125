"""Human-readable text: findings grouped by file and rule, the worst first, as rich tables.

Each group lists at most ``limit`` findings and says how many more it holds; ``limit=None``
lists all. Colour only when asked for, and lines as wide as ``width`` (the terminal's, which
the CLI finds with :mod:`casualty_schema.render.terminal`); ``width=None`` does not wrap at
all (a CI log, a pipe). A finding's hint, when it has one, follows its message on a line of
its own ("→ write 2021-04-12").
"""

from __future__ import annotations

import io

import polars as pl
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from casualty_schema.render import REPORT_FORMATS
from casualty_schema.report import Report, ordered

DEFAULT_LIMIT = REPORT_FORMATS["text"].default_limit
STYLE = {"error": "bold red", "warning": "yellow"}
#: The width lines are laid out in when they are not to be wrapped: wider than any line.
UNWRAPPED = 1_000_000


def _console(buffer: io.StringIO, color: bool, width: int | None) -> Console:
    return Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        width=width or UNWRAPPED,
        highlight=False,
        emoji=False,
    )


def _lines(buffer: io.StringIO) -> str:
    """What was printed, without the spaces rich pads lines with."""
    return "".join(line.rstrip(" ") + "\n" for line in buffer.getvalue().splitlines())


def verdict(report: Report, color: bool = False) -> str:
    """The last line of the text report: valid, invalid or unusable, and the counts."""
    buffer = io.StringIO()
    _console(buffer, color, None).print(_verdict(report))
    return _lines(buffer)


def _verdict(report: Report) -> str:
    rows = sum(report.rows.values())
    if not report.usable:
        word = "[bold red]unusable[/]"
    elif report.valid:
        word = "[bold green]valid[/]"
    else:
        word = "[bold red]invalid[/]"
    return (
        f"{escape(report.package)}: {word} — {report.tally}"
        + (f"; {rows} rows in {len(report.rows)} resources" if report.rows else "")
        + (f"; {len(report.rules)} rules" if report.rules else "")
        + (" (strict: warnings fail)" if report.strict else "")
        + (f"; findings on rows changed since {escape(s)}" if (s := report.changed_since) else "")
    )


def render(
    report: Report, limit: int | None = DEFAULT_LIMIT, color: bool = False,
    width: int | None = None, **_: object,
) -> str:  # fmt: skip
    buffer = io.StringIO()
    console = _console(buffer, color, width)
    findings = ordered(report.findings_frame)
    groups = (
        findings.with_row_index("_order")
        .group_by("path", "rule", "severity", maintain_order=True)
        .agg(pl.len().alias("n"), pl.col("_order").min().alias("_first"))
        .sort("_first")
    )
    for path, rule, severity, n, _first in groups.iter_rows():
        where = escape(path or report.package)
        console.print(f"[{STYLE.get(severity, '')}]{severity}[/] {where} — [bold]{rule}[/] ({n})")
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
            message = Text(f["message"])
            if f["hint"]:
                message.append("\n→ " + f["hint"], style="cyan")
            cells = (
                Text(str(f[c])) if f[c] is not None else "" for c in ("row", "line", "field", "key")
            )
            table.add_row(*cells, message)
        console.print(table)
        if shown.height < group.height:
            console.print(
                f"  … and {group.height - shown.height} more {rule} findings in {where} "
                "(--limit 0 lists all)"
            )
        console.print()
    console.print(_verdict(report))
    return _lines(buffer)
