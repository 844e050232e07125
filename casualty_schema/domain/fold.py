"""Text folding for matching: a quote against its source, a number against its quote.

Matching compares folded copies; stored text is never rewritten. The fold is:

1. Unicode NFKC: canonical composition (NFC), plus Arabic presentation forms
   (U+FB50–FDFF, U+FE70–FEFF) and other compatibility characters to their plain letters;
2. Persian yeh (ی U+06CC) and kaf (ک U+06A9) to Arabic yeh (ي) and kaf (ك), which Arabic
   news text mixes freely (the 2019 seed article writes تقییماً with Persian yeh);
3. every run of white space (tabs, line breaks, no-break spaces) to one space, and none
   at either end.

It is one polars expression (:func:`fold`), and :func:`fold_text` runs that same expression
on a Python string, so a source text and a quote can never be folded differently.
"""

from __future__ import annotations

import polars as pl

PERSIAN_TO_ARABIC = {"\u06cc": "\u064a", "\u06a9": "\u0643"}
#: Eastern Arabic (U+0660–0669) and Persian (U+06F0–06F9) digits to ASCII.
ASCII_DIGITS = {chr(base + d): str(d) for base in (0x0660, 0x06F0) for d in range(10)}


def ascii_digits(text: pl.Expr) -> pl.Expr:
    """``text`` with every Eastern Arabic and Persian digit written as its ASCII digit (for
    hints such as "write it with ASCII digits: 352"; matching never needs it)."""
    return text.str.replace_many(list(ASCII_DIGITS), list(ASCII_DIGITS.values()))


def fold(text: pl.Expr) -> pl.Expr:
    return (
        text.str.normalize("NFKC")
        .str.replace_many(list(PERSIAN_TO_ARABIC), list(PERSIAN_TO_ARABIC.values()))
        .str.replace_all(r"\s+", " ")
        .str.strip_chars(" ")
    )


def fold_text(text: str) -> str:
    folded = pl.select(fold(pl.lit(text, dtype=pl.String))).item()
    return str(folded)
