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
5. **Parse** every record (:mod:`casualty_schema.check.records`): polars, or the csv module
   where polars could read it otherwise than csv does.
6. **Match the header** to the schema (``fieldsMatch``) and find the row-shape errors
   (:mod:`casualty_schema.check.labels`).

This is the one reader of package files: ``validate``, ``diff`` and ``--changed-since`` all
read through :func:`read_table`. Nothing here raises for bad input: every problem with the
file is a finding.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import polars as pl

from casualty_schema.check import labels
from casualty_schema.check import records as parsing
from casualty_schema.check.labels import Column
from casualty_schema.check.records import Dialect
from casualty_schema.errors import ErrorType, error
from casualty_schema.findings import LINE, ROW, findings_frame
from casualty_schema.package.descriptor import MAX_FIELDS, PackageSpec, ResourceSpec

__all__ = ["LINE", "ROW", "Column", "Table", "guess_encoding", "read_table"]

#: frictionless reads this many records to find the header (``Detector.sample_size``) ...
SAMPLE_RECORDS = 100
#: ... and gives this many lines of text to :class:`csv.Sniffer` (CSV parser ``SAMPLE_SIZE``).
SNIFF_LINES = 100
#: The widest file read (in its first records): as many as a schema may have fields
#: (casualty_schema.package.descriptor.MAX_FIELDS).
MAX_COLUMNS = MAX_FIELDS
#: The delimiters :class:`csv.Sniffer` may choose from when the resource declares none.
SNIFF_DELIMITERS = ",\t;|"

#: What a resource without a schema gets (frictionless infers one from the data and checks
#: the file against it: docs/structure.md, the differences).
NO_SCHEMA = (
    "it has no schema, and its file is not read: a file is checked against the Table Schema "
    "its resource declares, never against one inferred from the data (write it inline in the "
    "descriptor: 'frictionless describe' writes one)"
)

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_COMPRESSED = {"gz", "zip", "bz2", "xz"}


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
    # Whether the text may hold a control character (records.CONTROL_BYTES): False when the
    # reader found none in the whole file.
    controls: bool = True
    # The __row of every completely blank data row: frictionless reports blank-row (and
    # primary-key) for such a row and nothing else, so the cell checks skip them.
    blank_rows: pl.Series = field(default_factory=lambda: pl.Series(ROW, [], dtype=pl.Int64))
    # One row per row of ``cells``: ``__p{i}``, the cell of column i is there and is not a
    # missing value, and ``__blank`` (no cell is). Empty when no record could be checked.
    presence: pl.DataFrame = field(default_factory=pl.DataFrame)


class _Unreadable(Exception):
    """The file cannot be read at all; carries the one finding that says why."""

    def __init__(
        self, kind: ErrorType, *, line: int | None = None, value: str = "", **params: Any
    ) -> None:
        super().__init__(kind.message(**params))
        self.kind = kind
        self.line = line
        self.value = value or None
        self.params = params


def _refused(resource: ResourceSpec, note: str) -> _Unreadable:
    """A source-error naming the resource's path."""
    return _Unreadable(error("source-error"), note=f"{resource.path}: {note}")


def read_table(package: PackageSpec, resource: ResourceSpec) -> Table:
    """Read ``resource``'s file as text, the way frictionless reads it."""
    if resource.descriptor.get("schema") is None:
        kind = error("schema-error")
        found = kind.finding(resource=resource.name, path=resource.path, note=NO_SCHEMA)
        return Table(resource, None, _empty_cells([]), findings_frame([found]))
    try:
        declared = _declared_dialect(resource)
        body = _decoded_body(package, resource)
        dialect, sample = _head(body, resource, declared)
        if not sample:
            raise _refused(resource, "the source is empty")
        if max(len(r) for r in sample) > MAX_COLUMNS:
            note = f"it has over {MAX_COLUMNS:,} columns, the limit (docs/security.md)"
            raise _refused(resource, note)
        header_row = _declared_header_row(declared)
        if header_row is None:
            header_row = _header_row([len(record) for record in sample])
        width = max(len(r) for r in sample)
        records, parser, controls = _parse(body, dialect, resource, width=width)
        del body  # the cells hold what is needed: the text need not stay while they are checked
    except _Unreadable as problem:
        return _unreadable(resource, problem)
    header = _labels(records, header_row)
    data = records.slice(max(header_row, 0))  # records are numbered 1, 2, ... in order
    if not header and data.is_empty():
        return _unreadable(resource, _refused(resource, "the source is empty"))
    header_line = _header_line(records, header_row)
    matching = labels.match_labels(header, resource)
    label_findings = findings_frame(
        [{**f, "row": header_row, "line": header_line} for f in matching.findings]
    )
    if matching.columns is None:  # frictionless refuses to read the rows at all
        return Table(
            resource=resource,
            header=header,
            cells=_empty_cells([f.name for f in resource.fields]),
            findings=label_findings,
            header_row=header_row,
            header_line=header_line,
            parser=parser,
            controls=controls,
        )
    columns = matching.columns
    cells = labels.cells(data, columns).with_columns(labels.presence(resource, columns))
    cells = cells.with_columns(labels.blank_mask(columns).alias("__blank"))
    shape = labels.shape_findings(resource, data, cells, columns)
    marks = [f"__p{i}" for i in range(len(columns))] + ["__blank"]
    return Table(
        resource=resource,
        header=header,
        cells=cells.drop("__count", *marks),
        findings=pl.concat([label_findings, shape], how="vertical"),
        columns=columns,
        header_row=header_row if header else None,
        header_line=header_line if header else None,
        parser=parser,
        controls=controls,
        blank_rows=cells.filter(pl.col("__blank")).get_column(ROW),
        presence=cells.select(marks),
    )


def _unreadable(resource: ResourceSpec, problem: _Unreadable) -> Table:
    finding = problem.kind.finding(
        resource=resource.name,
        path=resource.path,
        line=problem.line,
        value=problem.value,
        **problem.params,
    )
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


# ---------------------------------------------------------------------------------------------
# 1-2. Locate and decode
# ---------------------------------------------------------------------------------------------


def _locate(package: PackageSpec, resource: ResourceSpec) -> Path:
    """The resource's file, refusing anything that is not a plain file inside the package."""
    declared = resource.descriptor.get("path")

    if not isinstance(declared, str) or not declared:
        raise _refused(
            resource, "the resource has no single path (inline data and multipart are not read)"
        )
    if resource.name in package.fetched:  # a remote resource fetched with --allow-remote
        return package.fetched[resource.name]
    scheme = str(resource.descriptor.get("scheme", "file"))
    if _URL.match(declared) or scheme != "file":
        raise _refused(
            resource,
            "remote data is not fetched: only files inside the package are read "
            "(--allow-remote fetches http and https resources)",
        )
    if PurePosixPath(declared).is_absolute() or PureWindowsPath(declared).is_absolute():
        raise _refused(
            resource, "absolute paths are refused: a path must be relative to the package root"
        )
    if "\\" in declared or ".." in PurePosixPath(declared).parts:
        raise _refused(resource, "paths with '..' or backslashes are refused")
    suffixes = [x.lower().lstrip(".") for x in PurePosixPath(declared).suffixes]
    fmt = str(resource.descriptor.get("format") or (suffixes[-1] if suffixes else "csv")).lower()
    compressed = resource.descriptor.get("compression") or set(suffixes) & _COMPRESSED
    if fmt != "csv" or compressed:
        raise _refused(
            resource,
            f"only plain CSV files are read, not {fmt!r}" + " (compressed)" * bool(compressed),
        )
    root = package.root.resolve()
    candidate = root / declared
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError, ValueError):  # ValueError: a NUL in the path
        raise _refused(resource, "the file does not exist") from None
    if not real.is_relative_to(root):
        raise _refused(resource, "a symbolic link leads outside the package")
    if not real.is_file():
        raise _refused(resource, "it is not a file")
    return real


def _decoded_body(package: PackageSpec, resource: ResourceSpec) -> bytes:
    """The file as UTF-8 bytes without a byte-order mark."""
    path = _locate(package, resource)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _refused(resource, f"it cannot be read: {exc.strerror}") from None
    except MemoryError:  # a file of gigabytes (a sparse one costs no disk)
        size = path.stat().st_size
        raise _refused(resource, f"it is too large to be read into memory ({size} bytes)") from None
    try:
        codec = codecs.lookup(resource.encoding).name
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        raise _undecodable(resource, "Python knows no such encoding") from None
    if codec in ("utf-8", "utf-8-sig"):
        # UTF-16 without a byte-order mark is often valid UTF-8 too (Arabic and ASCII in
        # UTF-16 have no byte over 0x7F), read as text with a NUL in every other character
        order = _utf16_order(raw[:65_536]) if b"\x00" in raw[:65_536] else None
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            note = (
                "the file is UTF-16 (it starts with a UTF-16 byte-order mark): save it as "
                "UTF-8, or declare the encoding utf-16"
            )
            raise _undecodable(resource, note)
        if order is not None:
            note = (
                f"the file looks like UTF-16 ({order}, without a byte-order mark): save it "
                f"as UTF-8, or declare the encoding utf-16-{order[0]}e"
            )
            raise _undecodable(resource, note)
        # frictionless reads a declared utf-8 that starts with a BOM as utf-8-sig
        return raw[len(codecs.BOM_UTF8) :] if raw.startswith(codecs.BOM_UTF8) else raw
    try:
        return raw.decode(codec).encode("utf-8")
    except UnicodeDecodeError as exc:
        raise _encoding_problem(resource, raw, exc) from None
    except LookupError:  # a codec that is not a text encoding, such as rot13
        raise _undecodable(resource, "it is not a text encoding") from None


def _encoding_problem(resource: ResourceSpec, raw: bytes, exc: UnicodeDecodeError) -> _Unreadable:
    line = raw.count(b"\n", 0, exc.start) + 1
    bad = raw[exc.start : min(exc.end, exc.start + 4)]
    shown = " ".join(f"0x{b:02X}" for b in bad)
    note = f"bytes {shown} at line {line} (byte {exc.start}) are not valid {resource.encoding}"
    guess = guess_encoding(raw)
    if guess:
        note += f"; the file looks like {guess}"
    return _undecodable(resource, note, line=line, value=shown)


def _undecodable(
    resource: ResourceSpec, note: str, *, line: int | None = None, value: str = ""
) -> _Unreadable:
    """An encoding-error on the file."""
    kind = error("encoding-error")
    return _Unreadable(kind, line=line, value=value, encoding=resource.encoding, note=note)


def guess_encoding(raw: bytes) -> str | None:
    """A simple guess at what a file that is not valid UTF-8 really is."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16 (it starts with a UTF-16 byte-order mark)"
    sample = raw[:1_000_000]
    order = _utf16_order(sample)
    if order is not None:
        return f"UTF-16 ({order}, without a byte-order mark)"
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


#: What text in this package's languages is made of: ASCII, tab and line ends, Latin letters,
#: general punctuation, Arabic (and its presentation forms).
_PLAUSIBLE = re.compile(
    "[\t\n\r\x20-\x7e\u00a0-\u024f\u0600-\u06ff\u0750-\u077f\u2000-\u206f"
    "\ufb50-\ufdff\ufe70-\ufeff]"
)


def _utf16_order(sample: bytes) -> str | None:
    """The byte order in which ``sample`` reads as text (at least 95% of its characters
    those of :data:`_PLAUSIBLE`), when one of them does: Arabic in UTF-16 has no NUL bytes,
    so every other byte being NUL does not tell it."""
    even = sample[: min(len(sample), 65_536) & ~1]
    if not even:
        return None
    for codec, order in (("utf-16-le", "little-endian"), ("utf-16-be", "big-endian")):
        try:
            text = even.decode(codec)
        except UnicodeDecodeError:  # a lone surrogate, or cut in a pair: not this order
            text = even[:-2].decode(codec, errors="replace")
        if len(_PLAUSIBLE.findall(text)) >= 0.95 * len(text) and text.count("\n"):
            return order
    return None


# ---------------------------------------------------------------------------------------------
# 3-4. Sniff the dialect, find the header
# ---------------------------------------------------------------------------------------------


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
        raise _refused(resource, "a dialect must be inline (none is fetched or read from a path)")
    controls = dialect.get("csv")
    if isinstance(controls, Mapping):
        # frictionless 5 (its own describe) keeps the CSV properties under "csv"; a property
        # also given at the top level, the Data Package 1 form, wins, as in frictionless
        dialect = {**controls, **{k: v for k, v in dialect.items() if k != "csv"}}
    for key, value in dialect.items():
        honoured = key in _DIALECT_READ or key in _DIALECT_IGNORED
        if not honoured and not (key in _DIALECT_DEFAULTS and value == _DIALECT_DEFAULTS[key]):
            note = f"the dialect property {key}={value!r} is not supported"
            raise _refused(resource, note)
    delimiter = dialect.get("delimiter", ",")
    if not (isinstance(delimiter, str) and len(delimiter) == 1 and delimiter not in '"\r\n'):
        note = (
            f"the delimiter {delimiter!r} is not one character (other than a quote or a line end)"
        )
        raise _refused(resource, note)
    rows = dialect.get("headerRows", [1])
    if not (isinstance(rows, list) and len(rows) == 1 and isinstance(rows[0], int) and rows[0] > 0):
        note = f"headerRows {rows!r} is not supported: one header row only"
        raise _refused(resource, note)
    return dialect


def _declared_header_row(dialect: Mapping[str, Any]) -> int | None:
    """The header's record number when the dialect says (0: no header); None: guess it, as
    frictionless does when the dialect declares neither header nor headerRows."""
    if dialect.get("header") is False:
        return 0
    if "header" in dialect or "headerRows" in dialect:
        return int(dialect.get("headerRows", [1])[0])
    return None


def _sniff(lines: list[str], declared: Mapping[str, Any]) -> Dialect:
    """What frictionless's CSV parser tells :mod:`csv` about the file: the declared dialect,
    completed by :class:`csv.Sniffer`."""
    delimiter = declared.get("delimiter")
    sniffed: Any = csv.excel
    with contextlib.suppress(csv.Error):
        sniffed = csv.Sniffer().sniff("".join(lines), str(delimiter or SNIFF_DELIMITERS))
    return Dialect(
        delimiter=str(delimiter or sniffed.delimiter),
        skip_initial_space=bool(declared.get("skipInitialSpace", sniffed.skipinitialspace)),
    )


def _head(
    body: bytes, resource: ResourceSpec, declared: Mapping[str, Any]
) -> tuple[Dialect, list[list[str]]]:
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
                raise _refused(resource, str(exc)) from None
            if whole or (len(lines) > SNIFF_LINES and len(records) > SAMPLE_RECORDS):
                return dialect, records[:SAMPLE_RECORDS]
        size *= 4


def _first_records(dialect: Dialect, lines: list[str], count: int) -> list[list[str]]:
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


def _parse(body: bytes, dialect: Dialect, resource: ResourceSpec, *, width: int) -> parsing.Parsed:
    """Every record of the file (:func:`casualty_schema.check.records.parse`), or the finding
    that says why it cannot be read."""
    try:
        return parsing.parse(body, dialect, width=width)
    except UnicodeDecodeError as exc:
        raise _encoding_problem(resource, body, exc) from None
    except csv.Error as exc:
        raise _refused(resource, f"not CSV: {exc}") from None
