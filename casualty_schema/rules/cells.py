"""Rules on single cells, whatever their resource."""

from __future__ import annotations

import polars as pl

from casualty_schema.findings import Severity
from casualty_schema.frames import Frames
from casualty_schema.rules.registry import rule

# What a spreadsheet would run: "=..." always; "+", "-" or "@" when a function call, a cell
# or sheet reference, or a DDE command ("cmd|") follows. A plain "-5" or "+44 20 ..." is not.
FORMULA = r"^\s*(?:=|[+\-@]\s*[A-Za-z_][A-Za-z0-9_.]*\s*[(!|]|[+\-@]\s*[A-Za-z]{1,3}[0-9]+)"


@rule(
    "cells.formula",
    Severity.WARNING,
    "claims",
    "no text cell starts like a spreadsheet formula (=, +, - or @ and a formula: CSV injection)",
    "{field} starts like a spreadsheet formula; a spreadsheet opening this file would run it",
)
def formula(frames: Frames) -> pl.DataFrame:
    """Maintainers open these CSV files in spreadsheets, which run a cell such as
    =HYPERLINK(...) or +cmd|' /C calc'!A0 as a formula: a contribution can carry one. The
    cell is reported, never rewritten."""
    found = []
    for name, table in frames.tables.items():
        spec = frames.package.resources[name]
        key = pl.concat_str([pl.col(k).cast(pl.String) for k in spec.primary_key], separator=", ")
        for field in spec.fields:
            dtype = table.schema.get(field.name)
            if dtype == pl.String:
                text = pl.col(field.name)
            elif dtype == pl.List(pl.String):
                text = pl.col(field.name).list.join(field.delimiter)
            else:
                continue
            found.append(
                table.filter(text.str.contains(FORMULA)).select(
                    pl.lit(name).alias("resource"),
                    "__row",
                    "__line",
                    key.alias("key") if spec.primary_key else pl.lit(None, pl.String).alias("key"),
                    pl.lit(field.name).alias("field"),
                    text.alias("value"),
                )
            )
    return pl.concat(found) if found else pl.DataFrame()
