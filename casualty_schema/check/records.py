"""Every record of a CSV file, as text cells: the parsing step of :mod:`casualty_schema.check.csv`.

:func:`parse` gives the records of a decoded file (UTF-8 bytes) in a polars frame: text columns
``c0``, ``c1``, ... (null beyond the record's end), ``__count`` (its number of cells), ``__row``
(its number, from 1) and ``__line`` (the physical line where it starts).

The normal path is polars (multi-threaded, no Python loop over rows): polars reads the cells,
and the file's bytes say that they are the cells :mod:`csv` reads. For the common file --
strictly quoted, every record as wide as the header -- that takes no second pass over the
lines (:func:`parse_uniform`): the quoted cells are found on the bytes, their quoting is
checked, and the delimiters outside them are counted. Any other file gets a pass over its
physical lines that checks the quoting and counts each record's cells (:func:`record_shapes`).
A file that is not strictly quoted, holds a lone carriage return, or has spaces skipped after
delimiters is parsed by :mod:`csv` itself, the reader frictionless uses
(:func:`parse_python`). A large file is read in pieces of about :data:`PIECE_BYTES` that end
at the end of a record (:func:`pieces`), so that only one piece's temporaries are in memory at
a time. ``tests/test_read.py`` checks that the paths agree on any text, and
``tests/test_read_pieces.py`` that pieces read as the whole.
"""

from __future__ import annotations

import bisect
import csv
import functools
import io
import re
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, NamedTuple

import polars as pl

from casualty_schema.findings import LINE, ROW

__all__ = [
    "CONTROL_BYTES",
    "FIELD_SIZE_LIMIT",
    "PIECE_BYTES",
    "Dialect",
    "Parsed",
    "count_bytes",
    "holds_control",
    "parse",
    "parse_polars",
    "parse_python",
    "parse_uniform",
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


class Parsed(NamedTuple):
    """The records of a file, which parser read them, and whether its text holds a control
    character (:data:`CONTROL_BYTES`: the ``cells.control`` rule need not look for one
    where it does not)."""

    records: pl.DataFrame
    parser: str  # "polars" or "python" (the csv module)
    controls: bool


#: The C0 control characters but tab, line feed and carriage return, and DEL: in UTF-8 each is
#: one byte, which no other character's encoding holds.
CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_NOT_CONTROL = bytes(b for b in range(256) if b not in CONTROL_BYTES)


def holds_control(text: bytes, *, chunk: int = 1 << 24) -> bool:
    """Whether UTF-8 ``text`` holds a character of :data:`CONTROL_BYTES` (looked for a chunk
    at a time: ``bytes.translate`` makes a copy of what it is given)."""
    view = memoryview(text)
    return any(
        bytes(view[start : start + chunk]).translate(None, _NOT_CONTROL)
        for start in range(0, len(text), chunk)
    )


def count_bytes(text: bytes, delimiter: bytes) -> tuple[int, int, bool]:
    """The line feeds and the ``delimiter`` bytes in ``text``, and whether it holds a character
    of :data:`CONTROL_BYTES`: one pass over the bytes, which keeps only those (few) bytes,
    then counts among them (three passes, ``bytes.count`` twice and :func:`holds_control`,
    took 2.5 times as long)."""
    if len(delimiter) != 1 or delimiter == b"\n":
        return text.count(b"\n"), text.count(delimiter), holds_control(text)
    kept = text.translate(None, _dropped(delimiter[0]))
    feeds, delimiters = kept.count(b"\n"), kept.count(delimiter)
    controls = len(kept) - feeds - (0 if delimiter[0] in CONTROL_BYTES else delimiters)
    return feeds, delimiters, controls > 0


@functools.cache
def _dropped(delimiter: int) -> bytes:
    """The bytes :func:`count_bytes` drops: all but a line feed, the delimiter and the
    control bytes."""
    kept = {*CONTROL_BYTES, 0x0A, delimiter}
    return bytes(b for b in range(256) if b not in kept)


def parse(body: bytes, dialect: Dialect, *, width: int) -> Parsed:
    """Every record of ``body`` (UTF-8). ``width``: the widest record of the sample. Raises
    UnicodeDecodeError for bytes that are not UTF-8 and :class:`csv.Error` for what the csv
    module refuses."""
    parsed = parse_polars(body, dialect, width=max(width, 1))
    if parsed is not None:
        return parsed
    return Parsed(parse_python(body.decode("utf-8"), dialect), "python", holds_control(body))


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


def parse_polars(body: bytes, dialect: Dialect, *, width: int) -> Parsed | None:
    """The normal path: polars reads the cells, piece by piece (:func:`pieces`), and
    :func:`parse_uniform` or :func:`record_shapes` says how many cells each record has and
    where it starts. None when the file needs the csv module."""
    if dialect.skip_initial_space or not body or _has_lone_cr(body):
        return None
    uniform = parse_uniform(body, dialect, width=width)
    if uniform is not None:
        return uniform
    ranges = pieces(body, PIECE_BYTES)

    def piece(start: int, end: int) -> bytes:
        # a copy of the piece, taken again for each pass rather than kept between them
        return _piece(body, start, end)

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
    records = records.with_columns(
        pl.int_range(1, records.height + 1, dtype=pl.Int64).alias(ROW),
        pl.concat([s.get_column(LINE) for s in shapes], rechunk=False),
    )
    return Parsed(records, "polars", holds_control(body))


def _piece(body: bytes, start: int, end: int) -> bytes:
    return body if (start, end) == (0, len(body)) else body[start:end]


#: A quoted cell, strictly quoted: its quotes doubled, closed.
_QUOTED = re.compile(rb'"(?:[^"]|"")*"')
#: Above this many quoted cells in a piece, finding them one by one in Python costs more than
#: the pass over the lines (a file that quotes every cell).
QUOTED_MAX = 1 << 19


def parse_uniform(body: bytes, dialect: Dialect, *, width: int) -> Parsed | None:
    """The records of a file every record of which has ``width`` cells, strictly quoted
    (:func:`record_shapes` says what that is), read by polars alone; None for any other.

    The quoted cells are found on the bytes (``"..."`` with doubled quotes; each must open
    at the start of a cell and close at its end, and together they must hold every quote of
    the file), which is all the quoting check needs when quotes are few. Outside them, a
    line feed ends a record and a delimiter separates two cells. polars refuses a record
    wider than ``width`` (but for an unended last line of empty cells, which it cuts: that
    line is counted here); so when the delimiters outside quoted cells number exactly
    (records) × (``width`` - 1) and the records are the line feeds outside them, every
    record is exactly ``width`` wide (a blank line, which :mod:`csv` reads as a record of no
    cell, has no delimiter). Each record starts on the line after the line feeds before it.
    """
    delimiter = dialect.delimiter.encode()
    if not body or width < 2 or len(delimiter) != 1 or dialect.skip_initial_space:
        return None
    parsed: list[pl.DataFrame] = []
    lines_before, rows_before, controls = 0, 0, False
    for start, end in pieces(body, PIECE_BYTES):
        text = _piece(body, start, end)
        spans = _quoted_cells(text, delimiter)
        if spans is None:
            return None
        frame, (all_feeds, all_delimiters, held) = _read_counting(text, dialect.delimiter, width)
        controls |= held
        inside = [(text.count(delimiter, s, e), text.count(b"\n", s, e), s, e) for s, e in spans]
        feeds = all_feeds - sum(n for _d, n, _s, _e in inside)
        records = feeds + (not text.endswith(b"\n"))
        outside = all_delimiters - sum(d for d, _n, _s, _e in inside)
        if frame is None or frame.height != records or outside != records * (width - 1):
            return None
        if not text.endswith(b"\n") and _last_delimiters(text, delimiter, inside) != width - 1:
            return None  # polars cuts an unended last line of empty cells to width
        lines = pl.int_range(1, records + 1, dtype=pl.Int64, eager=True) + lines_before
        broken = [(s, e, n) for _d, n, s, e in inside if n]
        if broken:  # quoted line breaks: the records after them start further down
            lines = lines + _lines_inside(text, broken, records)
        rows = pl.int_range(1, records + 1, dtype=pl.Int64, eager=True) + rows_before
        # every column of the piece made here: columns added to the pieces once joined would
        # not be cut as theirs are, and polars would copy every cell to align them
        parsed.append(
            frame.with_columns(
                pl.lit(width, dtype=pl.Int64).alias("__count"), rows.alias(ROW), lines.alias(LINE)
            )
        )
        lines_before += all_feeds
        rows_before += records
        del text  # this piece's bytes, before the next piece is copied
    records_frame = pl.concat(parsed, rechunk=False) if len(parsed) > 1 else parsed[0]
    return Parsed(records_frame, "polars", controls)


#: From this size on, the bytes are counted on a second thread while polars reads the cells,
#: a piece of COUNT_PIECE_BYTES at a time (the thread lets go of the interpreter between).
COUNT_APART_BYTES = 1 << 22
COUNT_PIECE_BYTES = 1 << 24


def _read_counting(
    text: bytes, delimiter: str, width: int
) -> tuple[pl.DataFrame | None, tuple[int, int, bool]]:
    """polars's reading of ``text`` (:func:`_read_polars`), and its line feeds and delimiters
    counted meanwhile (and whether it holds a control character): polars reads without the
    interpreter lock, and mostly on one core."""

    def count() -> tuple[int, int, bool]:
        return count_bytes(text, delimiter.encode())

    if len(text) < COUNT_APART_BYTES:
        return _read_polars(text, delimiter, width), count()
    started = threading.Event()

    def count_apart() -> tuple[int, int, bool]:
        # bytes.translate keeps the interpreter lock for as long as it runs: started the
        # moment the pool starts, it could hold polars back from starting its read for that
        # long. So it waits until polars is on its way, and counts a piece at a time.
        started.wait()
        feeds, delimiters, controls = 0, 0, False
        for start in range(0, len(text), COUNT_PIECE_BYTES):
            counted = count_bytes(text[start : start + COUNT_PIECE_BYTES], delimiter.encode())
            feeds, delimiters = feeds + counted[0], delimiters + counted[1]
            controls = controls or counted[2]
        return feeds, delimiters, controls

    with ThreadPoolExecutor(1, thread_name_prefix="count") as pool:
        counting = pool.submit(count_apart)
        started.set()
        frame = _read_polars(text, delimiter, width)
        return frame, counting.result()


def _quoted_cells(text: bytes, delimiter: bytes) -> list[tuple[int, int]] | None:
    """The (start, end) of every quoted cell, or None when the quoting is not strict (or
    the quoted cells are too many to find one by one)."""
    spans: list[tuple[int, int]] = []
    before, after = (delimiter, b"\n"), (delimiter, b"\n", b"\r", b"")
    start = text.find(b'"')
    while start >= 0:  # each quote outside a quoted cell must open one
        if len(spans) == QUOTED_MAX:
            return None
        match = _QUOTED.match(text, start)
        if match is None or (start and text[start - 1 : start] not in before):
            return None
        end = match.end()
        if text[end : end + 1] not in after:
            return None
        spans.append((start, end))
        start = text.find(b'"', end)
    return spans


def _last_delimiters(text: bytes, delimiter: bytes, inside: list[tuple[int, int, int, int]]) -> int:
    """The delimiters outside quoted cells in the last record of ``text``, from (delimiters,
    line feeds, start, end) of each quoted cell."""
    starts = [s for _d, _n, s, _e in inside]
    feed = len(text)
    while True:  # the last line feed outside a quoted cell ends the record before the last
        feed = text.rfind(b"\n", 0, feed)
        cell = bisect.bisect_right(starts, feed) - 1
        if feed < 0 or cell < 0 or inside[cell][3] <= feed:
            break
        feed = starts[cell]
    first = feed + 1
    return text.count(delimiter, first) - sum(d for d, _n, s, _e in inside if s >= first)


def _lines_inside(text: bytes, broken: list[tuple[int, int, int]], records: int) -> pl.Series:
    """For each record, the line feeds inside the quoted cells of the records before it."""
    starts, inside, feeds, position = [], [0], 0, 0
    for s, e, n in broken:
        feeds += text.count(b"\n", position, s)  # outside quoted cells: records that ended
        starts.append(feeds + 1)  # the record this cell is in
        inside.append(inside[-1] + n)
        position = e
    rows = pl.int_range(1, records + 1, dtype=pl.Int64, eager=True)
    before = pl.Series(starts, dtype=pl.Int64).search_sorted(rows, side="left")
    return pl.Series(inside, dtype=pl.Int64).gather(before)


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
