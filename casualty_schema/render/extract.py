"""An :class:`~casualty_schema.extract.Extraction` as text (tables for reading), CSV (rows to
paste into ``data/claims.csv`` after review) or JSON.

The CSV has the columns of the package's claims resource, then ``curated_as``; its ``notes``
hold the words that decided each field (to be replaced with the curator's own), and
``claim_id``, ``perpetrator_id``, ``claim_date`` and ``stance`` are left for the curator.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rich.table import Table
from rich.text import Text

from casualty_schema.extract import Candidate, Extraction
from casualty_schema.render.escape import one_line
from casualty_schema.render.text import _console, _lines

__all__ = ["as_csv", "as_json", "text"]


def _cell(value: Any, delimiter: str = ",") -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return delimiter.join(map(str, value))
    return str(value)


def as_csv(extraction: Extraction, limit: int | None = None, **_: object) -> str:
    """The candidates as rows of the claims resource, plus ``curated_as``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*extraction.columns, "curated_as"])
    for c in extraction.candidates:
        row = {**c.fields}
        if "notes" in row:
            row["notes"] = "extract: " + "; ".join(c.reason.values())
        writer.writerow(
            [
                *(_cell(row.get(n), extraction.delimiter) for n in extraction.columns),
                c.curated_as or "",
            ]
        )
    del limit
    return buffer.getvalue()


def as_json(extraction: Extraction, limit: int | None = None, **_: object) -> str:
    """``{"candidates": [...], "skipped": [...]}`` (and ``curation`` with a source)."""
    del limit
    return json.dumps(extraction.to_dict(), ensure_ascii=False, indent=2) + "\n"


def _period(c: Candidate) -> str:
    start, end = c.fields.get("period_start"), c.fields.get("period_end")
    if start is None and end is None:
        return ""
    return f"{start or '…'} – {end or '…'}"


def _value(c: Candidate) -> str:
    value, most = c.fields.get("value"), c.fields.get("value_max")
    return f"{value}–{most}" if most is not None else str(value)


def text(
    extraction: Extraction, limit: int | None = None, color: bool = False,
    width: int | None = None, **_: object,
) -> str:  # fmt: skip
    """Tables for reading: the candidates, why each field is what it is, the numbers
    skipped, and a summary line (with a source, what is not curated)."""
    del limit
    buffer = io.StringIO()
    console = _console(buffer, color, width)
    console.print(f"[bold]candidates[/] ({len(extraction.candidates)})")
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    columns = ("#", "line", "figure", "value", "qualifier", "metric", "period", "places",
               "claimant", "curated as")  # fmt: skip
    for name in columns:
        table.add_column(name, overflow="fold", no_wrap=name in ("#", "line"))
    for i, c in enumerate(extraction.candidates, start=1):
        curated = (
            Text(c.curated_as, style="green")
            if c.curated_as
            else Text("not curated" if extraction.source_id else "", style="yellow")
        )
        cells = (
            str(i),
            str(c.line),
            one_line(c.fields.get("value_text")),
            _value(c),
            _cell(c.fields.get("qualifier")),
            _cell(c.fields.get("metric")),
            _period(c),
            _cell(c.fields.get("places"), extraction.delimiter),
            _cell(c.fields.get("claimant_id")),
        )
        table.add_row(*(Text(x) for x in cells), curated)
    console.print(table)
    if extraction.candidates:
        console.print()
        console.print("[bold]why[/]")
        why = Table(show_header=False, box=None, pad_edge=False)
        why.add_column("#", no_wrap=True)
        why.add_column("why", overflow="fold")
        for i, c in enumerate(extraction.candidates, start=1):
            lines = Text("«" + one_line(c.fields.get("quote")) + "»")
            for reason in c.reason.values():
                lines.append("\n" + reason, style="cyan")
            why.add_row(str(i), lines)
        console.print(why)
    console.print()
    console.print(f"[bold]skipped[/] ({len(extraction.skipped)})")
    if extraction.skipped:
        skipped = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        for name in ("line", "text", "why"):
            skipped.add_column(name, overflow="fold", no_wrap=name == "line")
        for s in extraction.skipped:
            skipped.add_row(str(s.line), Text(one_line(s.text)), Text(s.reason))
        console.print(skipped)
    console.print()
    if extraction.source_id is not None:
        missing = [
            (i, c) for i, c in enumerate(extraction.candidates, start=1) if c.curated_as is None
        ]
        for i, c in missing:
            console.print(
                Text(
                    f"not curated: #{i}, line {c.line}: {one_line(c.fields.get('value_text'))}"
                    f" ({_value(c)}, {c.fields.get('metric') or 'no metric'})",
                    style="yellow",
                )
            )
        for claim in extraction.not_proposed:
            console.print(Text(f"claim not proposed: {claim}", style="bold red"))
    console.print(Text(extraction.summary, style="bold"))
    return _lines(buffer)


def summary(extraction: Extraction, color: bool = False) -> str:
    """The summary line alone (``--quiet``, and with ``-o``)."""
    buffer = io.StringIO()
    _console(buffer, color, None).print(Text(extraction.summary, style="bold"))
    return _lines(buffer)
