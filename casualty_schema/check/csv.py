"""Stage 2a of the pipeline: reading a resource's CSV file into text cells.

:func:`read_table` reads one resource the way ``frictionless validate`` reads it, so that the
structural checks (:mod:`casualty_schema.check.structure`) see the same records, the same header and
the same cells:

1. **Locate** the file: a relative path inside the package (no URL, no absolute path, no
   ``..``, no symbolic link leading out of the package root).
2. **Decode**: the declared encoding; a UTF-8 byte-order mark is dropped. Bytes that are not
   valid in the encoding are one ``encoding-error`` (with a guess at the real encoding) and the
   file is not read further.
3. **Sniff** the CSV dialect as frictionless does: :class:`csv.Sniffer` on the first 100 lines
   chooses the delimiter among ``, TAB ; |`` and whether spaces after a delimiter are skipped.
4. **Find the header**: frictionless takes the first of the first 100 records whose width is
   within 10% of their average width (normally record 1); records before it are skipped.
5. **Parse** every record. The normal path is polars (multi-threaded, no Python loop over
   rows): polars reads the cells, and a pass over the physical lines checks that the quoting
   is strict and counts each record's cells (:func:`_record_shapes`). A file that is not
   strictly quoted, holds a lone carriage return, or has spaces skipped after delimiters is
   parsed by :mod:`csv` itself, the reader frictionless uses. A large file is read in
   pieces of about :data:`PIECE_BYTES` that end at the end of a record
   (:func:`_pieces`), so that only one piece's temporaries are in memory at a time.
6. **Match the header** to the schema (``fieldsMatch``) and find the row-shape errors:
   ``missing-label``, ``extra-label``, ``incorrect-label``, ``blank-label``,
   ``duplicate-label``, ``blank-row``, ``extra-cell``, ``missing-cell``.

Nothing here raises for bad input: every problem with the file is a finding.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import polars as pl

from casualty_schema.findings import STRUCTURAL_ERRORS, conform, empty_findings, findings_frame
from casualty_schema.package.descriptor import FieldSpec, PackageSpec, ResourceSpec

__all__ = [
    "LINE",
    "ROW",
    "Column",
    "Table",
    "finding_rows",
    "key_expr",
    "message_expr",
    "missing_values",
    "read_table",
]

#: Names of the bookkeeping columns of :attr:`Table.cells`.
ROW = "__row"
LINE = "__line"

#: frictionless reads this many records to find the header (``Detector.sample_size``) ...
SAMPLE_RECORDS = 100
#: ... and gives this many lines of text to :class:`csv.Sniffer` (CSV parser ``SAMPLE_SIZE``).
SNIFF_LINES = 100
#: The delimiters :class:`csv.Sniffer` may choose from when the resource declares none.
SNIFF_DELIMITERS = ",\t;|"
#: The longest cell :mod:`csv` may read (frictionless sets the same limit).
FIELD_SIZE_LIMIT = 2_147_483_646

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_COMPRESSED = {"gz", "zip", "bz2", "xz"}
_NAME_MATCH_MODES = ("equal", "subset", "superset", "partial")


@dataclass(frozen=True)
class Column:
    """One column of the data as frictionless expects it: a schema field, or a label the schema
    lacks (``field`` is None; frictionless gives such a column the type ``any``)."""

    name: str
    field: FieldSpec | None
    position: int  # 1-based, in the file


@dataclass(frozen=True)
class Table:
    """A resource's file, read as text."""

    resource: ResourceSpec
    header: list[str] | None  # labels as read (None when the file could not be read)
    # Data records only: String columns named by the expected columns (the schema's fields,
    # mapped by position under fieldsMatch "exact", by name otherwise), null where the record
    # has no cell; plus Int64 columns __row (header = 1) and __line (where the record starts).
    cells: pl.DataFrame
    # FINDING_SCHEMA frame: source-error, encoding-error, label errors, blank-row, extra-cell,
    # missing-cell.
    findings: pl.DataFrame
    # The columns of ``cells`` in file order (empty when no record could be checked).
    columns: tuple[Column, ...] = ()
    # Record number and line of the header (None when there is none).
    header_row: int | None = None
    header_line: int | None = None
    # Which parser read the file: "polars", "python" (the csv module), or None (not parsed).
    parser: str | None = None
    # The __row of every completely blank data row: frictionless reports blank-row (and
    # primary-key) for such a row and nothing else, so the cell checks skip them.
    blank_rows: pl.Series = field(default_factory=lambda: pl.Series(ROW, [], dtype=pl.Int64))


# ---------------------------------------------------------------------------------------------
# Findings helpers, shared with structure.py
# ---------------------------------------------------------------------------------------------


def message_expr(error_type: str, **params: object) -> pl.Expr:
    """The message of ``error_type`` for every row: its template, with parameters that are
    either plain values or polars expressions (evaluated per row)."""
    template = STRUCTURAL_ERRORS[error_type].template
    parts: list[pl.Expr] = []
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        if literal:
            parts.append(pl.lit(literal))
        if name is None:
            continue
        value = params[name]
        if isinstance(value, pl.Expr):
            parts.append(value.cast(pl.String).fill_null(""))
        else:
            parts.append(pl.lit("" if value is None else str(value)))
    return pl.concat_str(parts) if parts else pl.lit("")


def key_expr(resource: ResourceSpec, columns: Sequence[str]) -> pl.Expr:
    """A row's primary key as text (composite keys joined with ", "); null without one."""
    names = [name for name in resource.primary_key if name in columns]
    if not names or len(names) != len(resource.primary_key):
        return pl.lit(None, dtype=pl.String)
    if len(names) == 1:
        return pl.col(names[0])
    joined = pl.concat_str([pl.col(n).fill_null("") for n in names], separator=", ")
    return pl.when(pl.any_horizontal(pl.col(n).is_not_null() for n in names)).then(joined)


def finding_rows(
    frame: pl.DataFrame,
    mask: pl.Expr,
    *,
    rule: str,
    resource: ResourceSpec,
    key: pl.Expr,
    message: pl.Expr,
    field: str | None = None,
    value: pl.Expr | None = None,
) -> pl.DataFrame:
    """One finding per row of ``frame`` where ``mask`` holds."""
    hits = frame.filter(mask)
    if hits.is_empty():
        return empty_findings()
    return conform(
        hits.select(
            pl.lit(rule).alias("rule"),
            pl.lit("error").alias("severity"),
            pl.lit(resource.name).alias("resource"),
            pl.lit(resource.path).alias("path"),
            pl.col(ROW).alias("row"),
            pl.col(LINE).alias("line"),
            pl.lit(field, dtype=pl.String).alias("field"),
            key.alias("key"),
            (value if value is not None else pl.lit(None, dtype=pl.String)).alias("value"),
            message.alias("message"),
        )
    )


def missing_values(resource: ResourceSpec, column: Column) -> list[str]:
    """The texts that stand for "no value" in ``column``: the field's own ``missingValues``,
    else the schema's. A column the schema lacks gets frictionless's default, [""]."""
    if column.field is None:
        return [""]
    own = column.field.descriptor.get("missingValues")
    values = own if own is not None else list(resource.missing_values)
    return [str(v["value"]) if isinstance(v, dict) else str(v) for v in values]


# ---------------------------------------------------------------------------------------------
# The entry point
# ---------------------------------------------------------------------------------------------


class _Unreadable(Exception):
    """The file cannot be read at all; carries the one finding that says why."""

    def __init__(self, rule: str, message: str, *, line: int | None = None, value: str = ""):
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.line = line
        self.value = value or None


def read_table(package: PackageSpec, resource: ResourceSpec) -> Table:
    """Read ``resource``'s file as text, the way frictionless reads it."""
    try:
        declared = _declared_dialect(resource)
        body = _decoded_body(package, resource)
        dialect, sample = _head(body, resource, declared)
        if not sample:
            raise _Unreadable("source-error", _source_message(resource, "the source is empty"))
        header_row = _declared_header_row(declared)
        if header_row is None:
            header_row = _header_row([len(record) for record in sample])
        records, parser = _parse(body, dialect, resource, width=max(len(r) for r in sample))
        del body  # the cells hold what is needed: the text need not stay while they are checked
    except _Unreadable as problem:
        return _unreadable(resource, problem)
    labels = _labels(records, header_row)
    data = records.slice(max(header_row, 0))  # records are numbered 1, 2, ... in order
    if not labels and data.is_empty():
        return _unreadable(
            resource, _Unreadable("source-error", _source_message(resource, "the source is empty"))
        )
    header_line = _header_line(records, header_row)
    matching = _match_labels(labels, resource)
    label_findings = findings_frame(
        [{**f, "row": header_row, "line": header_line} for f in matching.findings]
    )
    if matching.columns is None:  # frictionless refuses to read the rows at all
        return Table(
            resource=resource,
            header=labels,
            cells=_empty_cells([f.name for f in resource.fields]),
            findings=label_findings,
            header_row=header_row,
            header_line=header_line,
            parser=parser,
        )
    columns = matching.columns
    cells = _cells(data, columns).with_columns(_blank_mask(resource, columns).alias("__blank"))
    shape = _shape_findings(resource, data, cells, columns)
    return Table(
        resource=resource,
        header=labels,
        cells=cells.drop("__count", "__blank"),
        findings=pl.concat([label_findings, shape], how="vertical"),
        columns=columns,
        header_row=header_row if labels else None,
        header_line=header_line if labels else None,
        parser=parser,
        blank_rows=cells.filter(pl.col("__blank")).get_column(ROW),
    )


def _unreadable(resource: ResourceSpec, problem: _Unreadable) -> Table:
    finding = {
        "rule": problem.rule,
        "severity": "error",
        "resource": resource.name,
        "path": resource.path,
        "line": problem.line,
        "value": problem.value,
        "message": problem.message,
    }
    return Table(
        resource=resource,
        header=None,
        cells=_empty_cells([f.name for f in resource.fields]),
        findings=findings_frame([finding]),
    )


def _empty_cells(names: Iterable[str]) -> pl.DataFrame:
    schema: dict[str, pl.DataType | type[pl.DataType]] = {name: pl.String for name in names}
    schema.update({ROW: pl.Int64, LINE: pl.Int64})
    return pl.DataFrame(schema=schema)


def _source_message(resource: ResourceSpec, note: str) -> str:
    """A source-error message naming the resource's path."""
    return STRUCTURAL_ERRORS["source-error"].message(note=f"{resource.path}: {note}")


# ---------------------------------------------------------------------------------------------
# 1-2. Locate and decode
# ---------------------------------------------------------------------------------------------


def _locate(package: PackageSpec, resource: ResourceSpec) -> Path:
    """The resource's file, refusing anything that is not a plain file inside the package."""
    declared = resource.descriptor.get("path")

    def refuse(note: str) -> _Unreadable:
        return _Unreadable("source-error", _source_message(resource, note))

    if not isinstance(declared, str) or not declared:
        raise refuse("the resource has no single path (inline data and multipart are not read)")
    if resource.name in package.fetched:  # a remote resource fetched with --allow-remote
        return package.fetched[resource.name]
    scheme = str(resource.descriptor.get("scheme", "file"))
    if _URL.match(declared) or scheme != "file":
        raise refuse(
            "remote data is not fetched: only files inside the package are read "
            "(--allow-remote fetches http and https resources)"
        )
    if PurePosixPath(declared).is_absolute() or PureWindowsPath(declared).is_absolute():
        raise refuse("absolute paths are refused: a path must be relative to the package root")
    if "\\" in declared or ".." in PurePosixPath(declared).parts:
        raise refuse("paths with '..' or backslashes are refused")
    suffixes = [x.lower().lstrip(".") for x in PurePosixPath(declared).suffixes]
    fmt = str(resource.descriptor.get("format") or (suffixes[-1] if suffixes else "csv")).lower()
    compressed = resource.descriptor.get("compression") or set(suffixes) & _COMPRESSED
    if fmt != "csv" or compressed:
        raise refuse(
            f"only plain CSV files are read, not {fmt!r}" + " (compressed)" * bool(compressed)
        )
    root = package.root.resolve()
    candidate = root / declared
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError, ValueError):  # ValueError: a NUL in the path
        raise refuse("the file does not exist") from None
    if not real.is_relative_to(root):
        raise refuse("a symbolic link leads outside the package")
    if not real.is_file():
        raise refuse("it is not a file")
    return real


def _decoded_body(package: PackageSpec, resource: ResourceSpec) -> bytes:
    """The file as UTF-8 bytes without a byte-order mark."""
    path = _locate(package, resource)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _Unreadable(
            "source-error", _source_message(resource, f"it cannot be read: {exc.strerror}")
        ) from None
    try:
        codec = codecs.lookup(resource.encoding).name
    except LookupError:
        error = STRUCTURAL_ERRORS["encoding-error"]
        note = "Python knows no such encoding"
        raise _Unreadable(
            "encoding-error", error.message(encoding=resource.encoding, note=note)
        ) from None
    if codec in ("utf-8", "utf-8-sig"):
        # frictionless reads a declared utf-8 that starts with a BOM as utf-8-sig
        return raw[len(codecs.BOM_UTF8) :] if raw.startswith(codecs.BOM_UTF8) else raw
    try:
        return raw.decode(codec).encode("utf-8")
    except UnicodeDecodeError as exc:
        raise _encoding_problem(resource, raw, exc) from None
    except LookupError:  # a codec that is not a text encoding, such as rot13
        error = STRUCTURAL_ERRORS["encoding-error"]
        note = "it is not a text encoding"
        raise _Unreadable(
            "encoding-error", error.message(encoding=resource.encoding, note=note)
        ) from None


def _encoding_problem(resource: ResourceSpec, raw: bytes, exc: UnicodeDecodeError) -> _Unreadable:
    line = raw.count(b"\n", 0, exc.start) + 1
    bad = raw[exc.start : min(exc.end, exc.start + 4)]
    shown = " ".join(f"0x{b:02X}" for b in bad)
    note = f"bytes {shown} at line {line} (byte {exc.start}) are not valid {resource.encoding}"
    guess = guess_encoding(raw)
    if guess:
        note += f"; the file looks like {guess}"
    message = STRUCTURAL_ERRORS["encoding-error"].message(encoding=resource.encoding, note=note)
    return _Unreadable("encoding-error", message, line=line, value=shown)


def guess_encoding(raw: bytes) -> str | None:
    """A simple guess at what a file that is not valid UTF-8 really is."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16 (it starts with a UTF-16 byte-order mark)"
    sample = raw[:1_000_000]
    if sample.count(b"\x00") > len(sample) // 4:
        return "UTF-16 or UTF-32 (every other byte is NUL)"
    high = sample.translate(None, bytes(range(0x80)))  # the non-ASCII bytes
    if not high:
        return None
    arabic = high.decode("windows-1256", errors="replace")
    if sum("\u0600" <= c <= "\u06ff" for c in arabic) >= 0.6 * len(arabic):
        return "windows-1256 (Arabic)"
    latin = high.decode("windows-1252", errors="replace")
    if sum(c.isalpha() for c in latin) >= 0.6 * len(latin):
        return "windows-1252 (Western European)"
    return None


# ---------------------------------------------------------------------------------------------
# 3-4. Sniff the dialect, find the header
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Dialect:
    delimiter: str = ","
    skip_initial_space: bool = False

    def reader(self, lines: Iterable[str]) -> Any:
        return csv.reader(
            lines,
            delimiter=self.delimiter,
            quotechar='"',
            doublequote=True,
            skipinitialspace=self.skip_initial_space,
            quoting=csv.QUOTE_MINIMAL,
            strict=False,
        )


#: Dialect properties read as declared, and those accepted only with their default value.
_DIALECT_READ = ("delimiter", "header", "headerRows", "skipInitialSpace")
_DIALECT_DEFAULTS: Mapping[str, Any] = {
    "quoteChar": '"',
    "doubleQuote": True,
    "skipBlankRows": False,
    "commentRows": [],
    "headerCase": True,
}
_DIALECT_IGNORED = ("$schema", "name", "title", "description", "type", "lineTerminator")


def _declared_dialect(resource: ResourceSpec) -> Mapping[str, Any]:
    """The resource's dialect; a property this reader would not honour is refused rather than
    misread."""
    dialect = resource.descriptor.get("dialect") or {}
    if not isinstance(dialect, Mapping):
        raise _Unreadable("source-error", _source_message(resource, "a dialect must be inline"))
    for key, value in dialect.items():
        honoured = key in _DIALECT_READ or key in _DIALECT_IGNORED
        if not honoured and not (key in _DIALECT_DEFAULTS and value == _DIALECT_DEFAULTS[key]):
            note = f"the dialect property {key}={value!r} is not supported"
            raise _Unreadable("source-error", _source_message(resource, note))
    delimiter = dialect.get("delimiter", ",")
    if not (isinstance(delimiter, str) and len(delimiter) == 1 and delimiter not in '"\r\n'):
        note = (
            f"the delimiter {delimiter!r} is not one character (other than a quote or a line end)"
        )
        raise _Unreadable("source-error", _source_message(resource, note))
    rows = dialect.get("headerRows", [1])
    if not (isinstance(rows, list) and len(rows) == 1 and isinstance(rows[0], int) and rows[0] > 0):
        note = f"headerRows {rows!r} is not supported: one header row only"
        raise _Unreadable("source-error", _source_message(resource, note))
    return dialect


def _declared_header_row(dialect: Mapping[str, Any]) -> int | None:
    """The header's record number when the dialect says (0: no header); None: guess it, as
    frictionless does when the dialect declares neither header nor headerRows."""
    if dialect.get("header") is False:
        return 0
    if "header" in dialect or "headerRows" in dialect:
        return int(dialect.get("headerRows", [1])[0])
    return None


def _sniff(lines: list[str], declared: Mapping[str, Any]) -> _Dialect:
    """What frictionless's CSV parser tells :mod:`csv` about the file: the declared dialect,
    completed by :class:`csv.Sniffer`."""
    delimiter = declared.get("delimiter")
    sniffed: Any = csv.excel
    with contextlib.suppress(csv.Error):
        sniffed = csv.Sniffer().sniff("".join(lines), str(delimiter or SNIFF_DELIMITERS))
    return _Dialect(
        delimiter=str(delimiter or sniffed.delimiter),
        skip_initial_space=bool(declared.get("skipInitialSpace", sniffed.skipinitialspace)),
    )


def _head(
    body: bytes, resource: ResourceSpec, declared: Mapping[str, Any]
) -> tuple[_Dialect, list[list[str]]]:
    """The dialect, and the first records (frictionless's sample)."""
    size = 1 << 16
    while True:
        whole = size >= len(body)
        end = len(body) if whole else body.rfind(b"\n", 0, size) + 1
        if end > 0 or whole:
            try:
                text = body[:end].decode("utf-8")
            except UnicodeDecodeError as exc:
                raise _encoding_problem(resource, body, exc) from None
            lines = list(io.StringIO(text, newline=""))
            dialect = _sniff(lines[:SNIFF_LINES], declared)
            try:
                records = _first_records(dialect, lines, SAMPLE_RECORDS + 1)
            except csv.Error as exc:
                raise _Unreadable("source-error", _source_message(resource, str(exc))) from None
            if whole or (len(lines) > SNIFF_LINES and len(records) > SAMPLE_RECORDS):
                return dialect, records[:SAMPLE_RECORDS]
        size *= 4


def _first_records(dialect: _Dialect, lines: list[str], count: int) -> list[list[str]]:
    records: list[list[str]] = []
    for record in dialect.reader(lines):
        records.append(record)
        if len(records) >= count:
            break
    return records


def _header_row(widths: list[int]) -> int:
    """frictionless's header detection (``Detector.detect_dialect``): the first record whose
    width is within 10% of the sample's average width, else record 1."""
    width = round(sum(widths) / len(widths))
    drift = max(round(width * 0.1), 1)
    for number, w in enumerate(widths, start=1):
        if width - drift <= w <= width + drift:
            return number
    return 1


def _labels(records: pl.DataFrame, header_row: int) -> list[str]:
    """frictionless's labels: the header record's cells, stripped."""
    if not 0 < header_row <= records.height:
        return []
    header = records.row(header_row - 1, named=True)
    return [str(header[f"c{i}"]).strip() for i in range(header["__count"])]


def _header_line(records: pl.DataFrame, header_row: int) -> int | None:
    if not 0 < header_row <= records.height:
        return None
    return int(records.item(header_row - 1, LINE))


# ---------------------------------------------------------------------------------------------
# 5. Parse every record
# ---------------------------------------------------------------------------------------------


def _parse(
    body: bytes, dialect: _Dialect, resource: ResourceSpec, *, width: int
) -> tuple[pl.DataFrame, str]:
    """Every record of the file: text columns c0, c1, ... (null beyond the record's end),
    ``__count`` (its number of cells), ``__row`` (its number) and ``__line``."""
    parsed = _parse_polars(body, dialect, width=max(width, 1))
    if parsed is not None:
        return parsed
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _encoding_problem(resource, body, exc) from None
    try:
        return _parse_python(text, dialect), "python"
    except csv.Error as exc:
        raise _Unreadable("source-error", _source_message(resource, f"not CSV: {exc}")) from None


def _parse_python(text: str, dialect: _Dialect) -> pl.DataFrame:
    """The slow path: :mod:`csv`, as frictionless reads the file."""
    csv.field_size_limit(max(csv.field_size_limit(), FIELD_SIZE_LIMIT))
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


def _pieces(body: bytes, size: int) -> list[tuple[int, int]]:
    """Consecutive (start, end) byte ranges covering ``body``, each of about ``size`` bytes and
    ending right after a line feed before which the quotes are even in number (no quoted
    cell is open there, when the quoting is strict), or at the end of ``body``."""
    pieces: list[tuple[int, int]] = []
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
        pieces.append((start, end))
        start = end
    return pieces


def _parse_polars(body: bytes, dialect: _Dialect, *, width: int) -> tuple[pl.DataFrame, str] | None:
    """The normal path: polars reads the cells, :func:`_record_shapes` says how many cells
    each record has and where it starts, piece by piece (:func:`_pieces`). None when the file
    needs the csv module."""
    if dialect.skip_initial_space or not body or _has_lone_cr(body):
        return None
    pieces = _pieces(body, PIECE_BYTES)

    def piece(start: int, end: int) -> bytes:
        # a copy of the piece, taken again for each pass rather than kept between them
        return body if (start, end) == (0, len(body)) else body[start:end]

    shapes: list[pl.DataFrame] = []
    lines_before = 0
    for start, end in pieces:
        text = piece(start, end)
        found = _record_shapes(text, dialect.delimiter)
        if found is None:
            return None
        shapes.append(found.with_columns(pl.col(LINE) + lines_before))
        if end < len(body):  # every piece but the last ends with a line feed
            lines_before += text.count(b"\n")
    counts = [s.get_column("__count") for s in shapes]
    widest = pl.concat(counts).max() if counts else None
    width = max(width, widest if isinstance(widest, int) else 0, 1)
    parsed = []
    for (start, end), count in zip(pieces, counts, strict=True):
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


def _record_shapes(body: bytes, delimiter: str) -> pl.DataFrame | None:
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


# ---------------------------------------------------------------------------------------------
# 6. Match the header to the schema; row-shape errors
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Matching:
    findings: list[dict[str, Any]]
    columns: tuple[Column, ...] | None  # None: frictionless reads no row


def _label_finding(
    resource: ResourceSpec, rule: str, field_name: str | None, value: str | None, **params: object
) -> dict[str, Any]:
    return {
        "rule": rule,
        "severity": "error",
        "resource": resource.name,
        "path": resource.path,
        "field": field_name,
        "value": value,
        "message": STRUCTURAL_ERRORS[rule].message(**params),
    }


def _match_labels(labels: list[str], resource: ResourceSpec) -> _Matching:
    """frictionless's ``Header``: label errors, and which column each cell belongs to."""
    fields = list(resource.fields)
    if not labels:  # no header at all: every field, by position, and no label error
        return _Matching([], tuple(Column(f.name, f, i) for i, f in enumerate(fields, 1)))
    if resource.fields_match in _NAME_MATCH_MODES:
        return _match_by_name(labels, resource)
    return _match_by_position(labels, resource)


def _match_by_position(labels: list[str], resource: ResourceSpec) -> _Matching:
    fields = list(resource.fields)
    found: list[dict[str, Any]] = []
    for position, label in enumerate(labels[len(fields) :], start=len(fields) + 1):
        found.append(
            _label_finding(resource, "extra-label", None, label, label=label, position=position)
        )
    for position, f in enumerate(fields[len(labels) :], start=len(labels) + 1):
        found.append(
            _label_finding(resource, "missing-label", f.name, None, field=f.name, position=position)
        )
    for position, (f, label) in enumerate(zip(fields, labels, strict=False), start=1):
        if not label:
            found.append(_label_finding(resource, "blank-label", f.name, label, position=position))
        elif label in labels[: position - 1]:
            found.append(
                _label_finding(
                    resource, "duplicate-label", f.name, label, label=label, position=position
                )
            )
        elif label != f.name:
            found.append(
                _label_finding(
                    resource,
                    "incorrect-label",
                    f.name,
                    label,
                    label=label,
                    field=f.name,
                    position=position,
                )
            )
    names = _deduplicate([f.name for f in fields[: len(labels)]] + labels[len(fields) :])
    columns = tuple(
        Column(name, fields[i] if i < len(fields) else None, i + 1) for i, name in enumerate(names)
    )
    return _Matching(found, columns)


def _match_by_name(labels: list[str], resource: ResourceSpec) -> _Matching:
    mode = resource.fields_match
    by_name = {f.name: f for f in resource.fields}
    if len(set(labels)) != len(labels):
        # frictionless stops: "matching fields by name requires unique labels in the header"
        duplicates = [
            _label_finding(
                resource,
                "duplicate-label",
                label if label in by_name else None,
                label,
                label=label,
                position=position,
            )
            for position, label in enumerate(labels, start=1)
            if label in labels[: position - 1]
        ]
        return _Matching(duplicates, None)
    found: list[dict[str, Any]] = []
    if mode not in ("subset", "partial"):
        for position, label in enumerate(labels, start=1):
            if label not in by_name:
                found.append(
                    _label_finding(
                        resource, "extra-label", None, label, label=label, position=position
                    )
                )
    if mode == "partial" and resource.fields and not any(label in by_name for label in labels):
        found.append(
            {
                "rule": "unmatched-header",
                "severity": "error",
                "resource": resource.name,
                "path": resource.path,
                "message": "No label of the header matches a field of the schema",
            }
        )
    missing = [f for f in resource.fields if f.name not in labels]
    if mode in ("superset", "partial"):
        missing = [f for f in missing if f.required or f.name in resource.primary_key]
    for position, f in enumerate(missing, start=len(labels) + 1):
        found.append(
            _label_finding(resource, "missing-label", f.name, None, field=f.name, position=position)
        )
    names = _deduplicate(labels)
    columns = tuple(
        Column(name, by_name.get(label), i)
        for i, (name, label) in enumerate(zip(names, labels, strict=True), 1)
    )
    return _Matching(found, columns)


def _is_pattern(name: str) -> bool:
    """Whether ``pl.col(name)`` selects by pattern rather than by this name."""
    return name == "*" or (len(name) > 1 and name.startswith("^") and name.endswith("$"))


def _deduplicate(names: list[str]) -> list[str]:
    """frictionless's names for the columns (``deduplicate_names``), also kept clear of the
    bookkeeping columns and of what polars reads as a pattern (``*``, ``^...$``): such a
    name gets a suffix, as a repeated one does."""
    used: set[str] = {ROW, LINE}
    result: list[str] = []
    for name in names:
        new, suffix = name, 2
        while new in used or _is_pattern(new):
            new, suffix = f"{name}{suffix}", suffix + 1
        result.append(new)
        used.add(new)
    return result


def _cells(data: pl.DataFrame, columns: tuple[Column, ...]) -> pl.DataFrame:
    available = set(data.columns)
    return data.select(
        *[
            (pl.col(f"c{i}") if f"c{i}" in available else pl.lit(None, dtype=pl.String)).alias(
                c.name
            )
            for i, c in enumerate(columns)
        ],
        pl.col(ROW),
        pl.col(LINE),
        pl.col("__count"),
    )


def _blank_mask(resource: ResourceSpec, columns: tuple[Column, ...]) -> pl.Expr:
    """A row is blank when every expected cell is absent or a missing value."""
    if not columns:
        return pl.lit(True)
    return pl.all_horizontal(
        pl.col(c.name).is_null() | pl.col(c.name).is_in(missing_values(resource, c))
        for c in columns
    )


def _shape_findings(
    resource: ResourceSpec,
    data: pl.DataFrame,
    cells: pl.DataFrame,
    columns: tuple[Column, ...],
) -> pl.DataFrame:
    """blank-row, and missing-cell / extra-cell for rows that are not blank (frictionless
    reports only blank-row for a blank row, whatever its width)."""
    extra = [n for n in data.columns if n.startswith("c")][len(columns) :]
    odd = cells.with_columns(
        data.select(pl.col(n).alias(f"__extra{i}") for i, n in enumerate(extra, len(columns) + 1))
    ).filter(pl.col("__blank") | (pl.col("__count") != len(columns)))
    if odd.is_empty():
        return empty_findings()
    key = key_expr(resource, [c.name for c in columns])
    count, blank = pl.col("__count"), pl.col("__blank")
    row = pl.col(ROW)
    frames = [
        finding_rows(
            odd,
            blank,
            rule="blank-row",
            resource=resource,
            key=key,
            message=message_expr("blank-row", row=row),
        )
    ]
    for c in columns:
        frames.append(
            finding_rows(
                odd,
                (count < c.position) & ~blank,
                rule="missing-cell",
                resource=resource,
                key=key,
                field=c.name,
                message=message_expr("missing-cell", row=row, field=c.name, position=c.position),
            )
        )
    for position in range(len(columns) + 1, len(columns) + len(extra) + 1):
        frames.append(
            finding_rows(
                odd,
                (count >= position) & ~blank,
                rule="extra-cell",
                resource=resource,
                key=key,
                value=pl.col(f"__extra{position}"),
                message=message_expr("extra-cell", row=row, position=position),
            )
        )
    return pl.concat(frames, how="vertical")
