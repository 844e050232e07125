"""Rules on single cells, whatever their resource: what a file must not carry in its text."""

from __future__ import annotations

import polars as pl

from casualty_schema.check.patterns import may_start_with, python_space
from casualty_schema.findings import Severity
from casualty_schema.frames import Frames
from casualty_schema.package.descriptor import FieldSpec
from casualty_schema.rules.registry import rule

# What a spreadsheet would run: "=..." always; "+", "-" or "@" when a function call, a cell
# or sheet reference, or a DDE command ("cmd|") follows. A plain "-5" or "+44 20 ..." is not.
FORMULA = r"^\s*(?:=|[+\-@]\s*[A-Za-z_][A-Za-z0-9_.]*\s*[(!|]|[+\-@]\s*[A-Za-z]{1,3}[0-9]+)"
# C0 control characters but tab, line feed and carriage return; and DEL.
CONTROL = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]"


#: What a cell that FORMULA matches starts with: one of these, or white space.
FORMULA_STARTS = "=+-@" + python_space()


def _formula_proof(field: FieldSpec) -> bool:
    """Whether no value of the string field can start like a formula: its pattern admits no
    text starting so (check.patterns.may_start_with), or none of its enum values does. The
    typed frames hold only rows that passed the structural checks, so every value keeps to
    them."""
    constraints = field.constraints
    pattern = constraints.get("pattern")
    if isinstance(pattern, str) and not may_start_with(pattern, FORMULA_STARTS):
        return True
    allowed = constraints.get("enum")
    if isinstance(allowed, list) and all(isinstance(v, str) for v in allowed):
        values = pl.Series(allowed, dtype=pl.String)
        return not values.str.contains(FORMULA).any()
    return False


def _suspect_cells(frames: Frames) -> dict[str, tuple[pl.DataFrame, dict[str, pl.Expr]]]:
    """Per resource: the few rows with a text cell that starts like a formula or holds a
    control character (one pass over every text cell for both rules), and the text of each
    text field (string fields, and list-of-string fields as written). No cell is searched for
    a control character when the reader found none in the file's bytes, and then a field
    whose pattern or enum admits no formula is not searched at all."""
    suspects = {}
    for name, table in frames.tables.items():
        plain = name in frames.control_free
        either = FORMULA if plain else f"{FORMULA}|{CONTROL}"
        spec = frames.package.resources[name]
        texts = {}
        for field in spec.fields:
            dtype = table.schema.get(field.name)
            if dtype == pl.String and not (plain and _formula_proof(field)):
                texts[field.name] = pl.col(field.name)
            elif dtype == pl.List(pl.String):
                texts[field.name] = pl.col(field.name).list.join(field.delimiter)
        if texts:
            hit = pl.any_horizontal(
                [t.str.contains(either).fill_null(False) for t in texts.values()]
            )
            suspects[name] = (table.filter(hit), texts)
    return suspects


def _text_cells(frames: Frames, pattern: str) -> pl.DataFrame:
    """Every text cell of every resource that ``pattern`` matches, as violations."""
    suspects = frames.memo("cells.suspects", lambda: _suspect_cells(frames))
    found = []
    for name, (rows, texts) in suspects.items():
        if rows.is_empty():
            continue
        spec = frames.package.resources[name]
        key = (
            pl.concat_str([pl.col(k).cast(pl.String) for k in spec.primary_key], separator=", ")
            if spec.primary_key
            else pl.lit(None, pl.String)
        )
        for name_of_field, text in texts.items():
            found.append(
                rows.filter(text.str.contains(pattern).fill_null(False)).select(
                    pl.lit(name).alias("resource"),
                    "__row",
                    "__line",
                    key.alias("key"),
                    pl.lit(name_of_field).alias("field"),
                    text.alias("value"),
                )
            )
    return pl.concat(found) if found else pl.DataFrame()


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
    return _text_cells(frames, FORMULA)


@rule(
    "cells.control",
    Severity.ERROR,
    "claims",
    "no text cell holds a NUL or another control character (tab and line breaks excepted)",
    "{field} holds a control character (such as NUL): the file is corrupt or not text",
)
def control(frames: Frames) -> pl.DataFrame:
    """A NUL byte or another control character in curated text is corruption (a binary
    file, a broken export) or an attempt to hide text from a reader; Table Schema and
    frictionless accept it as a string, so this rule is what catches it."""
    return _text_cells(frames, CONTROL)
