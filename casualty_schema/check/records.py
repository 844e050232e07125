"""Every record of a CSV file, as text cells: the parsing step of :mod:`casualty_schema.check.csv`.

:func:`parse` gives the records of a decoded file (UTF-8 bytes) in a polars frame: text columns
``c0``, ``c1``, ... (null beyond the record's end), ``__count`` (its number of cells), ``__row``
(its number, from 1) and ``__line`` (the physical line where it starts).

The normal path is polars (multi-threaded, no Python loop over rows): polars reads the cells,
and a pass over the physical lines checks that the quoting is strict and counts each record's
cells (:func:`record_shapes`). A file that is not strictly quoted, holds a lone carriage
return, or has spaces skipped after delimiters is parsed by :mod:`csv` itself, the reader
frictionless uses (:func:`parse_python`). A large file is read in pieces of about
:data:`PIECE_BYTES` that end at the end of a record (:func:`pieces`), so that only one piece's
temporaries are in memory at a time. ``tests/test_read.py`` checks that the two paths agree on
any text, and ``tests/test_read_pieces.py`` that pieces read as the whole.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl

from casualty_schema.findings import LINE, ROW

__all__ = [
    "FIELD_SIZE_LIMIT",
    "PIECE_BYTES",
    "Dialect",
    "parse",
    "parse_polars",
    "parse_python",
    "pieces",
    "record_shapes",
]

#: The longest cell :mod:`csv` may read (frictionless sets the same limit).
FIELD_SIZE_LIMIT = 2_147_483_646


@dataclass(frozen=True)
class Dialect:
    delimiter: str = ","
    skip_initial_space: bool = False

    def reader(self, lines: Iterable[str]) -> Any:
        """A :mod:`csv` reader of ``lines`` in this dialect. Every reader of the package
        (the sniffed head as well as the whole file) is made here, so the field size limit
        is raised before any record is read: a long cell in the first records must not make
        the file unreadable (csv's default limit is 131,072 characters)."""
        csv.field_size_limit(max(csv.field_size_limit(), FIELD_SIZE_LIMIT))
        return csv.reader(
            lines,
            delimiter=self.delimiter,
            quotechar='"',
            doublequote=True,
            skipinitialspace=self.skip_initial_space,
            quoting=csv.QUOTE_MINIMAL,
            strict=False,
        )


def parse(body: bytes, dialect: Dialect, *, width: int) -> tuple[pl.DataFrame, str]:
    """Every record of ``body`` (UTF-8), and which parser read it: "polars" or "python" (the
    csv module). ``width``: the widest record of the sample. Raises UnicodeDecodeError for bytes
    that are not UTF-8 and :class:`csv.Error` for what the csv module refuses."""
    parsed = parse_polars(body, dialect, width=max(width, 1))
    if parsed is not None:
        return parsed
    return parse_python(body.decode("utf-8"), dialect), "python"


def parse_python(text: str, dialect: Dialect) -> pl.DataFrame:
    """The slow path: :mod:`csv`, as frictionless reads the file."""
    reader = dialect.reader(io.StringIO(text, newline=""))
    records: list[list[str]] = []
    starts: list[int] = []
    line = 0
    for record in reader:
        starts.append(line + 1)
        records.append(record)
        line = reader.line_num
    width = max((len(r) for r in records), default=0)
    columns: dict[str, list[Any]] = {
        f"c{i}": [r[i] if i < len(r) else None for r in records] for i in range(width)
    }
    columns["__count"] = [len(r) for r in records]
    columns[ROW] = list(range(1, len(records) + 1))
    columns[LINE] = starts
    schema = {name: pl.String for name in columns} | {
        "__count": pl.Int64,
        ROW: pl.Int64,
        LINE: pl.Int64,
    }
    return pl.DataFrame(columns, schema=schema)


def _read_polars(body: bytes, delimiter: str, width: int) -> pl.DataFrame | None:
    try:
        return pl.read_csv(
            body,
            has_header=False,
            separator=delimiter,
            quote_char='"',
            schema={f"c{i}": pl.String for i in range(width)},
            empty_string_is_null=False,
            truncate_ragged_lines=False,
            missing_columns="insert",
            raise_if_empty=False,
            encoding="utf8",
        )
    except Exception:  # any failure of the fast reader sends the file to the csv module
        return None


#: The polars path reads a file in pieces of about this many bytes, each ending at the end of
#: a record, so that only one piece's temporaries are in memory at a time.
PIECE_BYTES = 512 * 1024 * 1024


def pieces(body: bytes, size: int) -> list[tuple[int, int]]:
    """Consecutive (start, end) byte ranges covering ``body``, each of about ``size`` bytes and
    ending right after a line feed before which the quotes are even in number (no quoted
    cell is open there, when the quoting is strict), or at the end of ``body``."""
    found: list[tuple[int, int]] = []
    start, length = 0, len(body)
    while start < length:
        end = min(start + max(size, 1), length)
        if end < length:
            newline = body.find(b"\n", end - 1)
            end = length if newline < 0 else newline + 1
        open_quote = end < length and body.count(b'"', start, end) % 2
        while open_quote and end < length:  # a quoted cell goes on: so does the piece
            newline = body.find(b"\n", end)
            after = length if newline < 0 else newline + 1
            open_quote ^= body.count(b'"', end, after) % 2
            end = after
        found.append((start, end))
        start = end
    return found


def parse_polars(body: bytes, dialect: Dialect, *, width: int) -> tuple[pl.DataFrame, str] | None:
    """The normal path: polars reads the cells, :func:`record_shapes` says how many cells
    each record has and where it starts, piece by piece (:func:`pieces`). None when the file
    needs the csv module."""
    if dialect.skip_initial_space or not body or _has_lone_cr(body):
        return None
    ranges = pieces(body, PIECE_BYTES)

    def piece(start: int, end: int) -> bytes:
        # a copy of the piece, taken again for each pass rather than kept between them
        return body if (start, end) == (0, len(body)) else body[start:end]

    shapes: list[pl.DataFrame] = []
    lines_before = 0
    for start, end in ranges:
        text = piece(start, end)
        found = record_shapes(text, dialect.delimiter)
        if found is None:
            return None
        shapes.append(found.with_columns(pl.col(LINE) + lines_before))
        if end < len(body):  # every piece but the last ends with a line feed
            lines_before += text.count(b"\n")
    counts = [s.get_column("__count") for s in shapes]
    widest = pl.concat(counts).max() if counts else None
    width = max(width, widest if isinstance(widest, int) else 0, 1)
    parsed = []
    for (start, end), count in zip(ranges, counts, strict=True):
        frame = _read_polars(piece(start, end), dialect.delimiter, width)
        if frame is None or frame.height != len(count):
            return None
        cells = frame.with_columns(count)
        if count.min() != width:  # polars pads a short record: its absent cells are null
            cells = cells.select(
                *[
                    pl.when(pl.col("__count") > i).then(pl.col(n)).alias(n)
                    for i, n in enumerate(frame.columns)
                ],
                pl.col("__count"),
            )
        parsed.append(cells)
    records = pl.concat(parsed, rechunk=False) if len(parsed) > 1 else parsed[0]
    return records.with_columns(
        pl.int_range(1, records.height + 1, dtype=pl.Int64).alias(ROW),
        pl.concat([s.get_column(LINE) for s in shapes], rechunk=False),
    ), "polars"


def _has_lone_cr(body: bytes) -> bool:
    """A carriage return not followed by a line feed ends a line for csv, not for polars."""
    return b"\r" in body and body.count(b"\r") != body.count(b"\r\n")


def record_shapes(body: bytes, delimiter: str) -> pl.DataFrame | None:
    """For every record: ``__count``, its number of cells, and ``__line``, where it starts.

    Read from the physical lines, in polars. When the quoting is strict -- a quoted cell opens
    at the start of a cell, closes right before a delimiter or the end of a line, and doubles
    the quotes it holds; an unquoted cell holds no quote --, a line starts inside a quoted cell
    exactly when the lines before it hold an odd number of quotes, and its delimiters outside
    quoted cells separate cells. polars's cells are then those of the csv module. (polars's
    output alone would not do: it pads a short row with "" and reads a blank line as a row of
    "", where csv gives fewer cells.) None when the quoting is not strict.
    """
    marker = _absent_character(body)  # marks the quoted cells below
    lines = _physical_lines(body)
    if lines is None or marker is None:
        return None
    text = pl.col("text")
    quotes = text.str.count_matches('"', literal=True).cast(pl.Int64)
    lines = lines.with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(LINE), quotes.alias("quotes")
    )
    if lines.get_column("quotes").sum() % 2:  # a quoted cell is never closed
        return None
    lines = lines.with_columns(
        # a line that does not start a record continues a quoted cell
        ((pl.col("quotes").cum_sum() - pl.col("quotes")) % 2 == 0).alias("start"),
        text.str.count_matches(delimiter, literal=True).cast(pl.Int64).alias("delimiters"),
        (text == "").alias("empty"),
    )
    quoted = lines.filter((pl.col("quotes") > 0) | ~pl.col("start"))
    if not quoted.is_empty():
        counted = _count_quoted(quoted, delimiter, marker)
        if counted is None:
            return None
        lines = lines.update(counted, on=LINE)
    if not lines.get_column("start").all():  # some records span lines
        lines = lines.group_by(pl.col("start").cum_sum().alias("record"), maintain_order=True).agg(
            pl.col(LINE).first(),
            pl.col("delimiters").sum(),
            pl.col("empty").first() & (pl.len() == 1),
        )
    return lines.select(
        pl.when(pl.col("empty"))
        .then(0)  # a blank line: csv makes it a record with no cell
        .otherwise(pl.col("delimiters") + 1)
        .cast(pl.Int64)
        .alias("__count"),
        pl.col(LINE),
    )


def _count_quoted(lines: pl.DataFrame, delimiter: str, marker: str) -> pl.DataFrame | None:
    """The delimiters outside quoted cells of lines that hold quotes, or None when their
    quoting is not strict. Every quoted cell (or the one a line leaves open, or continues)
    becomes ``marker``; the quoting is strict when no marker touches anything but a delimiter
    or an end of the line."""
    text = pl.col("text")
    view = pl.when(pl.col("start")).then(text).otherwise(pl.concat_str(pl.lit('"'), text))
    d, m = re.escape(delimiter), re.escape(marker)
    marked = lines.select(
        pl.col(LINE), view.str.replace_all(r'"(?:[^"]|"")*(?:"|\z)', marker).alias("marked")
    )
    if marked.select(pl.col("marked").str.contains(rf"[^{d}]{m}|{m}[^{d}]").any()).item():
        return None
    outside = pl.col("marked").str.count_matches(delimiter, literal=True).cast(pl.Int64)
    return marked.select(pl.col(LINE), outside.alias("delimiters"))


def _absent_character(body: bytes, *, skip: str = "") -> str | None:
    """A control character the file does not hold (None if it holds them all)."""
    return next(
        (c for c in "\x00\x1f\x1e\x1d\x1c\x01\x02" if c not in skip and c.encode() not in body),
        None,
    )


def _physical_lines(body: bytes) -> pl.DataFrame | None:
    """The lines of the file (a final line feed starts no line), without \\r\\n or \\n."""
    separator = _absent_character(body, skip="\x00")
    if separator is None:
        return None
    try:
        return pl.read_csv(
            body,
            has_header=False,
            separator=separator,
            quote_char=None,
            schema={"text": pl.String},
            empty_string_is_null=False,
            missing_columns="insert",
            raise_if_empty=False,
            encoding="utf8",
        )
    except Exception:  # not UTF-8, or anything else: the csv module decides
        return None
