"""Rules on single cells, whatever their resource: what a file must not carry in its text."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from casualty_schema.check.patterns import may_contain, may_start_with, python_space
from casualty_schema.findings import Severity
from casualty_schema.frames import Frames
from casualty_schema.package.descriptor import FieldSpec
from casualty_schema.rules.registry import rule

# What a spreadsheet would run (OWASP's CSV injection): "=..." always; "+", "-" or "@" when a
# function call, a cell or sheet reference, or a DDE command ("cmd|") follows, directly or
# after arithmetic ("-2+3+cmd|' /C calc'!A0"). White space before it (a tab, a carriage
# return) does not stop a spreadsheet. A plain "-5", "-2+3" or "+44 20 ..." is not flagged.
FORMULA = (
    r"^\s*(?:=|[+\-@]\s*(?:[0-9.,\s()]*[+\-*/^&%])*\s*"
    r"(?:[A-Za-z_][A-Za-z0-9_.]*\s*[(!|]|[A-Za-z]{1,3}[0-9]+))"
)
# C0 control characters but tab, line feed and carriage return; and DEL.
CONTROL = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]"
# The bidirectional embedding, override and isolate controls: LRE, RLE, PDF, LRO, RLO (U+202A
# to U+202E) and LRI, RLI, FSI, PDI (U+2066 to U+2069).
BIDI_CONTROL = r"[\x{202A}-\x{202E}\x{2066}-\x{2069}]"
# The bidirectional marks: ARABIC LETTER MARK, LEFT-TO-RIGHT MARK, RIGHT-TO-LEFT MARK.
BIDI_MARK = r"[\x{061C}\x{200E}\x{200F}]"
# A letter of a right-to-left script (the marks themselves are not letters).
RTL_LETTER = (
    r"[[\p{Arabic}\p{Hebrew}\p{Syriac}\p{Thaana}\p{Nko}\p{Samaritan}\p{Mandaic}\p{Adlam}]"
    r"&&\p{L}]"
)
SUSPECT = f"{FORMULA}|{CONTROL}|{BIDI_CONTROL}|{BIDI_MARK}"


#: What a cell that FORMULA matches starts with: one of these, or white space.
FORMULA_STARTS = "=+-@" + python_space()


def _no_value_can(
    field: FieldSpec, admitted: Callable[[str], bool], held: Callable[[list[str]], bool]
) -> bool:
    """Whether no value of the string field can hold what ``admitted`` asks of its pattern
    and ``held`` of its enum values: its pattern admits no such text, or none of its enum
    values holds one. The typed frames hold only rows that passed the structural checks, so
    every value keeps to them."""
    constraints = field.constraints
    pattern = constraints.get("pattern")
    if isinstance(pattern, str) and not admitted(pattern):
        return True
    allowed = constraints.get("enum")
    if isinstance(allowed, list) and all(isinstance(v, str) for v in allowed):
        return not held(allowed)
    return False


def _formula_proof(field: FieldSpec) -> bool:
    """No value of the field can start like a formula (check.patterns.may_start_with)."""
    return _no_value_can(
        field,
        lambda pattern: bool(may_start_with(pattern, FORMULA_STARTS)),
        lambda values: bool(pl.Series(values, dtype=pl.String).str.contains(FORMULA).any()),
    )


BIDI_CHARACTERS = "".join(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])) + (
    "\u061c\u200e\u200f"
)


def _bidi_proof(field: FieldSpec) -> bool:
    """No value of the field can hold a bidirectional control or mark
    (check.patterns.may_contain)."""
    return _no_value_can(
        field,
        lambda pattern: bool(may_contain(pattern, BIDI_CHARACTERS)),
        lambda values: any(c in BIDI_CHARACTERS for v in values for c in v),
    )


def _suspect_cells(frames: Frames) -> dict[str, tuple[pl.DataFrame, dict[str, pl.Expr]]]:
    """Per resource: the few rows with a text cell that starts like a formula, holds a
    control character or a bidirectional control or mark (one pass over every text cell for
    all the cell rules), and the text of each text field (string fields, and list-of-string
    fields as written). No cell is searched for a control character when the reader found
    none in the file's bytes, and then a field whose pattern or enum admits neither a
    formula nor a bidirectional character is not searched at all."""
    suspects = {}
    for name, table in frames.tables.items():
        plain = name in frames.control_free
        search = f"{FORMULA}|{BIDI_CONTROL}|{BIDI_MARK}" if plain else SUSPECT
        spec = frames.package.resources[name]
        texts, hits = {}, []
        schema = table.schema  # once: polars builds the whole schema each time it is asked
        for field in spec.fields:
            dtype = schema.get(field.name)
            if dtype == pl.String and not (plain and _formula_proof(field) and _bidi_proof(field)):
                texts[field.name] = pl.col(field.name)
                hits.append(texts[field.name].str.contains(search))
            elif dtype == pl.List(pl.String):
                texts[field.name] = pl.col(field.name).list.join(field.delimiter)
                hits.append(_list_may_hit(pl.col(field.name), field.delimiter, plain))
        if texts:
            hit = pl.any_horizontal([h.fill_null(False) for h in hits])
            suspects[name] = (table.filter(hit), texts)
    return suspects


def _list_may_hit(items: pl.Expr, delimiter: str, control_free: bool) -> pl.Expr:
    """Whether a list-of-strings cell may be suspect as its items joined: some item starts
    as a formula does (white space, =, +, - or @) or holds a bidirectional or control
    character. Where the delimiter holds none of those, every cell the joined text's search
    finds is among these (a formula is anchored at the first item's start; a character is in
    an item), and the items are searched without joining them (a fifth of the time at 1M
    claims); else the joined text is searched."""
    characters = f"{BIDI_CONTROL}|{BIDI_MARK}" + ("" if control_free else f"|{CONTROL}")
    unsafe = rf"[\s=+\-@]|{BIDI_CONTROL}|{BIDI_MARK}|{CONTROL}"
    if not delimiter or pl.select(pl.lit(delimiter).str.contains(unsafe)).item():
        return items.list.join(delimiter).str.contains(f"{FORMULA}|{characters}")
    return items.list.eval(pl.element().str.contains(rf"^[\s=+\-@]|{characters}")).list.any()


def _text_cells(frames: Frames, pattern: str | Callable[[pl.Expr], pl.Expr]) -> pl.DataFrame:
    """Every text cell of every resource that ``pattern`` matches (a regular expression, or
    a test of the cell's text), as violations."""
    matches = pattern if callable(pattern) else (lambda text: text.str.contains(pattern))
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
                rows.filter(matches(text).fill_null(False)).select(
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
    reads={},  # whichever text fields there are
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
    reads={},  # whichever text fields there are
)
def control(frames: Frames) -> pl.DataFrame:
    """A NUL byte or another control character in curated text is corruption (a binary
    file, a broken export) or an attempt to hide text from a reader; Table Schema and
    frictionless accept it as a string, so this rule is what catches it."""
    return _text_cells(frames, CONTROL)


@rule(
    "cells.bidi",
    Severity.WARNING,
    "claims",
    "no text cell holds a bidirectional override, embedding or isolate, nor a direction mark "
    "outside right-to-left text",
    "{field} holds an invisible bidirectional control: it may display otherwise than it reads",
    reads={},  # whichever text fields there are
)
def bidi(frames: Frames) -> pl.DataFrame:
    """The bidirectional embedding, override and isolate controls (U+202A-U+202E,
    U+2066-U+2069) reorder the text after them until they are closed: a cell can display,
    in a spreadsheet, an editor or a review, otherwise than the characters it holds ("Trojan
    Source"). Arabic news text copied from a web page does not need them (the page's
    direction is markup, not characters), so every one is reported.

    The direction marks (U+061C ARABIC LETTER MARK, U+200E LEFT-TO-RIGHT MARK, U+200F
    RIGHT-TO-LEFT MARK) are different: Arabic writers and editors put them in on purpose,
    beside digits, Latin names and punctuation, to keep a sentence in order, so quotes and
    names keep them as the source wrote them (the text is never rewritten). A mark is
    reported only in a cell that holds no letter of a right-to-left script, such as an id,
    a number or an English translation, where it orders nothing and can only hide or
    reorder characters. Warning, not error: the cell is reported, never rewritten."""
    return _text_cells(
        frames,
        lambda text: (
            text.str.contains(BIDI_CONTROL)
            | (text.str.contains(BIDI_MARK) & ~text.str.contains(RTL_LETTER))
        ),
    )
