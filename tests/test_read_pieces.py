"""Reading a file in pieces (records.PIECE_BYTES) gives exactly what reading it whole gives."""

from __future__ import annotations

import itertools
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from casualty_schema.check import records
from casualty_schema.check.csv import read_table
from casualty_schema.check.structure import Structure, check_structure
from casualty_schema.package.descriptor import DescriptorError, load_package
from tests.test_hostile import prepare

CORPUS = Path(__file__).parent / "corpus"
BUNDLED = Path(__file__).parent.parent


def _readable(directory: Path) -> bool:
    try:
        load_package(directory)
    except DescriptorError:
        return False  # refused before any file is read: nothing to compare
    return True


STRUCTURE_CASES = sorted(
    d for d in (CORPUS / "structure").iterdir() if (d / "datapackage.json").is_file()
)
HOSTILE_CASES = sorted(d.name for d in (CORPUS / "hostile").iterdir() if d.is_dir())


def _structure(directory: Path, monkeypatch: pytest.MonkeyPatch, piece: int) -> Structure:
    monkeypatch.setattr(records, "PIECE_BYTES", piece)
    return check_structure(load_package(directory))


def _same_reading(directory: Path, monkeypatch: pytest.MonkeyPatch, piece: int) -> None:
    whole = _structure(directory, monkeypatch, 1 << 40)
    pieces = _structure(directory, monkeypatch, piece)
    assert_frame_equal(pieces.findings, whole.findings)
    assert pieces.rows == whole.rows
    for name, frame in whole.frames.items():
        assert_frame_equal(pieces.frames[name], frame)


@pytest.mark.parametrize("piece", [1, 7, 64])
@pytest.mark.parametrize("case", [*STRUCTURE_CASES, BUNDLED], ids=lambda p: p.name)
def test_pieces_read_as_the_whole(case: Path, piece: int, monkeypatch: pytest.MonkeyPatch) -> None:
    _same_reading(case, monkeypatch, piece)


@pytest.mark.parametrize("piece", [1, 7, 64])
@pytest.mark.parametrize("name", HOSTILE_CASES)
def test_hostile_files_read_as_the_whole(
    name: str, piece: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg, _case = prepare(tmp_path, name)
    if not _readable(pkg.root):
        return  # refused before any file is read (test_hostile checks how)
    _same_reading(pkg.root, monkeypatch, piece)


@pytest.mark.parametrize(
    "body",
    [
        b'a,b\n"x\ny",2\n3,4\n',  # a quoted line break: the piece goes on past it
        b'a,b\n"x\n\ny",2\n\n3\n',  # blank lines inside and outside quotes, a short row
        b'a,b\r\n"1,2",3\r\n4,5\r\n',  # CRLF, a quoted delimiter
        b'a,b\n"unclosed,2\n3,4\n',  # never closed: the whole file is one piece
        b'a,"b""c"\n1,"2"\n',
    ],
)
@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 1000])
def test_pieces_end_at_record_ends(body: bytes, size: int) -> None:
    pieces = records.pieces(body, size)
    assert pieces[0][0] == 0
    assert pieces[-1][1] == len(body)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(pieces))
    for _start, end in pieces:
        assert end == len(body) or body[end - 1 : end] == b"\n"
        assert end == len(body) or body.count(b'"', 0, end) % 2 == 0


def test_pieces_of_an_empty_body() -> None:
    assert records.pieces(b"", 10) == []


def test_bundled_claims_are_read_in_many_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundled claims file spans several 64-byte pieces: the test above is not vacuous."""
    body = (BUNDLED / "data" / "claims.csv").read_bytes()
    assert len(records.pieces(body, 64)) > 10
    monkeypatch.setattr(records, "PIECE_BYTES", 64)
    spec = load_package(BUNDLED)
    table = read_table(spec, spec.resources["claims"])
    assert table.parser == "polars"
    assert table.cells.height == pl.read_csv(BUNDLED / "data" / "claims.csv").height
