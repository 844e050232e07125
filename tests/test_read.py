"""Reading a resource's file into text cells (casualty_schema.check.csv)."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casualty_schema.check import records
from casualty_schema.check.csv import LINE, ROW, Table, read_table
from casualty_schema.package.descriptor import PackageSpec, ResourceSpec, load_package


def _package(
    directory: Path,
    data: bytes | None,
    fields: list[str] | None = None,
    *,
    encoding: str = "utf-8",
    schema: dict[str, Any] | None = None,
) -> tuple[PackageSpec, ResourceSpec]:
    names = fields or ["id", "n", "note"]
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "data").mkdir(exist_ok=True)
    if data is not None:
        (directory / "data" / "t.csv").write_bytes(data)
    descriptor = {
        "name": "p",
        "resources": [
            {
                "name": "t",
                "path": "data/t.csv",
                "encoding": encoding,
                "schema": {
                    "fields": [{"name": n, "type": "string"} for n in names],
                    **(schema or {}),
                },
            }
        ],
    }
    (directory / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    package = load_package(directory)
    return package, package.resources["t"]


def _read(tmp_path: Path, data: bytes, fields: list[str] | None = None, **options: Any) -> Table:
    package, resource = _package(tmp_path, data, fields, **options)
    return read_table(package, resource)


def _rules(table: Table) -> list[tuple[str, int | None, str | None]]:
    return [(f["rule"], f["row"], f["field"]) for f in table.findings.iter_rows(named=True)]


def _with_path(package: PackageSpec, resource: ResourceSpec, path: str) -> ResourceSpec:
    """The resource pointing elsewhere, as load_package (which refuses unsafe paths) would
    never give it."""
    return dataclasses.replace(
        resource, path=path, descriptor={**resource.descriptor, "path": path}
    )


def test_bundled_claims_are_read_as_text(root: Path) -> None:
    package = load_package(root)
    table = read_table(package, package.resources["claims"])
    fields = package.resources["claims"].field_names
    assert table.header == fields
    assert table.cells.columns == [*fields, ROW, LINE]
    assert all(table.cells.schema[f] == pl.String for f in fields)
    assert table.cells.height == 21
    assert table.cells.get_column(ROW).to_list() == list(range(2, 23))
    assert table.findings.is_empty()
    assert table.parser == "polars"
    # every cell as written: no type is inferred
    assert table.cells.get_column("value").dtype == pl.String


def test_quoted_line_breaks_push_line_numbers(tmp_path: Path) -> None:
    table = _read(tmp_path, b'id,n,note\na,1,"two\nlines"\nb,2,"three\r\nlines\nhere"\nc,3,x\n')
    assert table.cells.get_column(ROW).to_list() == [2, 3, 4]
    assert table.cells.get_column(LINE).to_list() == [2, 4, 7]
    assert table.cells.get_column("note").to_list() == ["two\nlines", "three\r\nlines\nhere", "x"]


def test_a_byte_order_mark_is_not_part_of_the_first_label(tmp_path: Path) -> None:
    table = _read(tmp_path, "\ufeffid,n,note\nعربي,1,x\n".encode())
    assert table.header == ["id", "n", "note"]
    assert table.findings.is_empty()
    assert table.cells.get_column("id").to_list() == ["عربي"]


def test_crlf_line_endings_leave_no_carriage_return(tmp_path: Path) -> None:
    table = _read(tmp_path, b"id,n,note\r\na,1,x\r\nb,2,\r\n")
    assert table.cells.get_column("note").to_list() == ["x", ""]
    assert table.cells.get_column(LINE).to_list() == [2, 3]


def test_short_and_long_rows(tmp_path: Path) -> None:
    table = _read(tmp_path, b"id,n,note\na,1\nb\nc,3,x,extra,more\nd,4,\n")
    assert table.cells.get_column("n").to_list() == ["1", None, "3", "4"]
    assert table.cells.get_column("note").to_list() == [None, None, "x", ""]
    assert sorted(_rules(table), key=repr) == [
        ("extra-cell", 4, None),
        ("extra-cell", 4, None),
        ("missing-cell", 2, "note"),
        ("missing-cell", 3, "n"),
        ("missing-cell", 3, "note"),
    ]
    extra = table.findings.filter(pl.col("rule") == "extra-cell")
    assert extra.get_column("value").to_list() == ["extra", "more"]
    assert 'position "5"' in extra.get_column("message")[1]


def test_blank_rows(tmp_path: Path) -> None:
    table = _read(tmp_path, b"id,n,note\na,1,x\n\n,,\n,,,\nb,2,y\n\n")
    assert _rules(table) == [("blank-row", r, None) for r in (3, 4, 5, 7)]
    assert table.blank_rows.to_list() == [3, 4, 5, 7]
    assert table.cells.height == 6


def test_header_only(tmp_path: Path) -> None:
    table = _read(tmp_path, b"id,n,note\n")
    assert table.header == ["id", "n", "note"]
    assert table.cells.is_empty()
    assert table.cells.columns == ["id", "n", "note", ROW, LINE]
    assert table.findings.is_empty()


def test_an_empty_file_is_a_source_error(tmp_path: Path) -> None:
    table = _read(tmp_path, b"")
    assert _rules(table) == [("source-error", None, None)]
    assert "empty" in table.findings.get_column("message")[0]
    assert table.header is None


def test_label_errors(tmp_path: Path) -> None:
    table = _read(tmp_path, b"id,id,,extra\n1,2,3,4\n", ["id", "n", "note"])
    assert _rules(table) == [
        ("extra-label", 1, None),
        ("duplicate-label", 1, "n"),
        ("blank-label", 1, "note"),
    ]
    assert [c.name for c in table.columns] == ["id", "n", "note", "extra"]
    assert table.columns[3].field is None


def test_missing_labels_shorten_the_rows(tmp_path: Path) -> None:
    table = _read(tmp_path, b"id\na\nb,2\n")
    assert sorted(_rules(table), key=repr) == [
        ("extra-cell", 3, None),
        ("missing-label", 1, "n"),
        ("missing-label", 1, "note"),
    ]
    assert table.cells.columns == ["id", ROW, LINE]


def test_fields_matched_by_name(tmp_path: Path) -> None:
    table = _read(tmp_path, b"note,id\nx,a\n", schema={"fieldsMatch": "subset"})
    assert table.cells.select("id", "note").row(0) == ("a", "x")
    assert _rules(table) == [("missing-label", 1, "n")]


def test_the_delimiter_is_sniffed(tmp_path: Path) -> None:
    table = _read(tmp_path, b"id;n;note\na;1;x\n")
    assert table.findings.is_empty()
    assert table.cells.row(0) == ("a", "1", "x", 2, 2)


def test_a_title_line_before_the_header_is_skipped(tmp_path: Path) -> None:
    """frictionless's header is the first of the first 100 records whose width is within 10%
    (at least 1) of their average width: here the title's width, 1, is too far from 3."""
    table = _read(tmp_path, b"Claims\nid,n,note\na,1,x\nb,2,y\nc,3,z\n")
    assert table.findings.is_empty()
    assert table.header_row == 2
    assert table.cells.get_column(ROW).to_list() == [3, 4, 5]
    short = _read(tmp_path / "short", b"Claims\nid,n,note\na,1,x\n")
    assert short.header == ["Claims"]


def test_nul_bytes_are_text(tmp_path: Path) -> None:
    table = _read(tmp_path, b'id,n,note\na\x00b,1,\x00\nc,"2,\x00",x\n')
    assert table.cells.row(0)[:3] == ("a\x00b", "1", "\x00")
    assert table.cells.row(1)[:3] == ("c", "2,\x00", "x")
    assert table.findings.is_empty()
    assert table.parser == "polars"


def test_malformed_quoting_and_lone_carriage_returns_are_read_by_the_csv_module(
    tmp_path: Path,
) -> None:
    table = _read(tmp_path, b'id,n,note\n"a"b,1,x\nc\rd,2,y\n')
    assert table.parser == "python"
    assert table.cells.get_column("id").to_list() == ["ab", "c", "d"]
    assert _rules(table) == [("missing-cell", 3, "n"), ("missing-cell", 3, "note")]


# Files that cannot be read ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "parser"),
    [
        (b'id,n,note\na,1,x\nb,2,"y,z"\n', "polars"),  # every record as wide: no line pass
        (b"id,n,note\na,1\nb,2,x\n", "polars"),  # a short record: the pass over the lines
        (b"id,n,note\na,1,x\rb,2,y\r", "python"),  # carriage returns: the csv module
    ],
)
@pytest.mark.parametrize("control", ["", "\x07", "\x00", "\x7f", "\x1b"])
def test_the_reader_says_whether_the_text_holds_a_control_character(
    tmp_path: Path, data: bytes, parser: str, control: str
) -> None:
    """cells.control searches no cell of a file the reader found free of them."""
    table = _read(tmp_path, data.replace(b"b,2", b"b" + control.encode() + b",2"))
    assert table.parser == parser
    assert table.controls is bool(control)


def test_the_control_bytes_are_the_characters_cells_control_finds() -> None:
    from casualty_schema.rules.cells import CONTROL

    every = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x110000)))
    assert re.findall(CONTROL, every) == [chr(b) for b in records.CONTROL_BYTES]
    assert not records.holds_control(every.encode("utf-8").translate(None, records.CONTROL_BYTES))
    assert all(records.holds_control(chr(b).encode()) for b in records.CONTROL_BYTES)


@settings(max_examples=300, deadline=None)
@given(
    text=st.binary(max_size=80)
    | st.text(alphabet='ab,;\t\x1f"\n\r\x00\x07\x7f\u202eع', max_size=60).map(str.encode),
    delimiter=st.sampled_from([b",", b";", b"\t", b"|", b"\x1f", b"\x00", b"\n", b"ab"]),
)
def test_the_bytes_are_counted_in_one_pass_as_in_three(text: bytes, delimiter: bytes) -> None:
    """count_bytes (one translate) against the passes it replaces (its oracle)."""
    expected = (text.count(b"\n"), text.count(delimiter), records.holds_control(text))
    assert records.count_bytes(text, delimiter) == expected


def test_a_missing_file_is_a_source_error_naming_it(tmp_path: Path) -> None:
    package, resource = _package(tmp_path, None)
    table = read_table(package, resource)
    assert _rules(table) == [("source-error", None, None)]
    assert "data/t.csv" in table.findings.get_column("message")[0]
    assert table.findings.get_column("path")[0] == "data/t.csv"
    assert table.cells.columns == ["id", "n", "note", ROW, LINE]


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/etc/hostname", "absolute"),
        ("../outside.csv", ".."),
        ("data/../../outside.csv", ".."),
        ("data\\..\\..\\outside.csv", "backslash"),
        ("https://example.org/t.csv", "not fetched"),
        ("data", "not a file"),
    ],
)
def test_paths_outside_the_package_are_refused(tmp_path: Path, path: str, says: str) -> None:
    (tmp_path / "outside.csv").write_text("id,n,note\n", encoding="utf-8")
    package, resource = _package(tmp_path / "p", b"id,n,note\n")
    table = read_table(package, _with_path(package, resource, path))
    assert _rules(table) == [("source-error", None, None)]
    assert says in table.findings.get_column("message")[0]


def test_symbolic_links_must_stay_inside_the_package(tmp_path: Path) -> None:
    (tmp_path / "outside.csv").write_text("id,n,note\n", encoding="utf-8")
    package, resource = _package(tmp_path / "p", b"id,n,note\na,1,x\n")
    (package.root / "data" / "out.csv").symlink_to(tmp_path / "outside.csv")
    (package.root / "data" / "in.csv").symlink_to(package.root / "data" / "t.csv")
    refused = read_table(package, _with_path(package, resource, "data/out.csv"))
    assert "outside the package" in refused.findings.get_column("message")[0]
    allowed = read_table(package, _with_path(package, resource, "data/in.csv"))
    assert allowed.findings.is_empty()
    assert allowed.cells.height == 1


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"encoding": "rot13"}, "encoding-error"),
        ({"encoding": "no-such-encoding"}, "encoding-error"),
        ({"path": "data/\x00t.csv"}, "source-error"),
        ({"dialect": {"delimiter": ";;"}}, "source-error"),
        ({"dialect": {"delimiter": '"'}}, "source-error"),
        ({"dialect": {"commentChar": "#"}}, "source-error"),
        ({"dialect": {"headerRows": [1, 2]}}, "source-error"),
        ({"dialect": "dialect.json"}, "source-error"),
        ({"format": "xlsx"}, "source-error"),
        ({"compression": "gz"}, "source-error"),
        ({"path": ["data/t.csv", "data/t.csv"]}, "source-error"),
    ],
)
def test_odd_declarations_are_findings(tmp_path: Path, change: dict[str, Any], rule: str) -> None:
    package, resource = _package(tmp_path, b"id,n,note\na,1,x\n")
    descriptor = {**resource.descriptor, **change}
    resource = dataclasses.replace(
        resource,
        encoding=str(descriptor.get("encoding", "utf-8")),
        path=str(descriptor.get("path")),
        descriptor=descriptor,
    )
    table = read_table(package, resource)
    assert _rules(table) == [(rule, None, None)]


def test_arabic_in_windows_1256_is_an_encoding_error_that_says_so(tmp_path: Path) -> None:
    table = _read(tmp_path, "id,n,note\na,1,x\nb,2,دير الزور\n".encode("windows-1256"))
    assert _rules(table) == [("encoding-error", None, None)]
    finding = table.findings.row(0, named=True)
    assert finding["line"] == 3
    assert "windows-1256" in finding["message"]
    assert table.header is None


def test_utf_16_is_recognised(tmp_path: Path) -> None:
    table = _read(tmp_path, "id,n,note\na,1,x\n".encode("utf-16"))
    assert "UTF-16" in table.findings.get_column("message")[0]


def test_a_declared_encoding_is_honoured(tmp_path: Path) -> None:
    data = "id,n,note\nدير,1,x\n".encode("windows-1256")
    table = _read(tmp_path, data, encoding="windows-1256")
    assert table.findings.is_empty()
    assert table.cells.get_column("id").to_list() == ["دير"]


def test_an_unknown_encoding_is_an_encoding_error(tmp_path: Path) -> None:
    package, resource = _package(tmp_path, b"id,n,note\n")
    resource = dataclasses.replace(resource, encoding="no-such-encoding")
    assert _rules(read_table(package, resource)) == [("encoding-error", None, None)]


def test_an_encoding_error_far_into_the_file(tmp_path: Path) -> None:
    data = b"id,n,note\n" + b"a,1,x\n" * 20000 + b"b,2,\xff\n"
    table = _read(tmp_path, data)
    assert _rules(table) == [("encoding-error", None, None)]
    assert table.findings.get_column("line")[0] == 20002


# The two parsers agree -------------------------------------------------------------------


def _records(frame: pl.DataFrame) -> list[tuple[tuple[str, ...], int, int]]:
    return [
        (tuple(r[f"c{i}"] for i in range(r["__count"])), r[ROW], r[LINE])
        for r in frame.iter_rows(named=True)
    ]


WELL_FORMED_CELL = st.text(alphabet='ab ,"\n\r1ع', max_size=4).map(lambda c: c.replace("\r", ""))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(WELL_FORMED_CELL, max_size=4), max_size=6),
    crlf=st.booleans(),
    trailing=st.booleans(),
)
def test_polars_reads_what_the_csv_module_reads(
    rows: list[list[str]], crlf: bool, trailing: bool
) -> None:
    import csv

    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n" if crlf else "\n")
    for row in rows:
        writer.writerow(row) if row else text.write("\n")
    body = text.getvalue() if trailing else text.getvalue().rstrip("\r\n")
    dialect = records.Dialect()
    fast = records.parse_polars(body.encode(), dialect, width=1)
    if body:
        assert fast is not None  # csv.writer's output never needs the slow path
    if fast is not None:
        assert _records(fast[0]) == _records(records.parse_python(body, dialect))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.text(alphabet='ab ,;"\n\r1ع\x00', max_size=30))
def test_polars_never_reads_anything_else(body: str) -> None:
    """On any text at all, the fast path either declines or agrees with the csv module."""
    dialect = records.Dialect()
    fast = records.parse_polars(body.encode(), dialect, width=2)
    if fast is not None:
        assert _records(fast[0]) == _records(records.parse_python(body, dialect))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    width=st.integers(2, 4),
    cells=st.lists(WELL_FORMED_CELL, max_size=24),
    crlf=st.booleans(),
    trailing=st.booleans(),
    piece=st.sampled_from([1, 5, 1 << 20]),
    apart=st.sampled_from([0, 1 << 40]),
)
def test_uniform_files_are_read_without_a_pass_over_the_lines(
    width: int, cells: list[str], crlf: bool, trailing: bool, piece: int, apart: int
) -> None:
    """A file that csv.writer wrote, every row as wide as the first: the fast path takes it
    (in pieces, and counting its bytes on a second thread, too) and reads what the csv
    module reads."""
    import csv

    rows = [cells[i : i + width] for i in range(0, len(cells) - len(cells) % width, width)]
    rows = rows or [["a"] * width]
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n" if crlf else "\n").writerows(rows)
    body = text.getvalue() if trailing else text.getvalue()[: -2 if crlf else -1]
    dialect = records.Dialect()
    original = records.PIECE_BYTES, records.COUNT_APART_BYTES, records.COUNT_PIECE_BYTES
    # the bytes counted apart a few at a time, too
    records.PIECE_BYTES, records.COUNT_APART_BYTES, records.COUNT_PIECE_BYTES = piece, apart, 5
    try:
        uniform = records.parse_uniform(body.encode(), dialect, width=width)
    finally:
        records.PIECE_BYTES, records.COUNT_APART_BYTES, records.COUNT_PIECE_BYTES = original
    assert uniform is not None
    assert _records(uniform.records) == _records(records.parse_python(body, dialect))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.text(alphabet='ab ,;"\n\r1ع\x00', max_size=30), width=st.integers(1, 3))
def test_the_uniform_path_never_reads_anything_else(body: str, width: int) -> None:
    """On any text at all, the path for uniform files declines or agrees with the csv module."""
    if "\r" in body.replace("\r\n", ""):
        return  # a lone carriage return goes to the csv module before (records.parse_polars)
    dialect = records.Dialect()
    uniform = records.parse_uniform(body.encode(), dialect, width=width)
    if uniform is not None:
        assert _records(uniform.records) == _records(records.parse_python(body, dialect))


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.binary(max_size=60) | st.text(max_size=40).map(str.encode))
def test_read_table_never_raises(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    package, resource = _package(tmp_path_factory.mktemp("p"), data)
    table = read_table(package, resource)
    assert set(table.findings.columns) >= {"rule", "row", "line", "message"}
    assert table.cells.columns[-2:] == [ROW, LINE]
