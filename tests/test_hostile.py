"""Hostile and broken input: a finding or a clear one-line error, never a traceback."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from casualty_schema import RULES, load, validate
from casualty_schema.cli import app
from casualty_schema.errors import ERRORS
from tests.builder import PackageCopy

CORPUS = Path(__file__).resolve().parent / "corpus" / "hostile"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "case.json").is_file())
runner = CliRunner()


def prepare(tmp_path: Path, name: str) -> tuple[PackageCopy, dict[str, Any]]:
    (tmp_path / "package").mkdir(parents=True)
    pkg = PackageCopy(tmp_path / "package")
    case: dict[str, Any] = json.loads((CORPUS / name / "case.json").read_text(encoding="utf-8"))
    for path in case["delete"]:
        (pkg.root / path).unlink()
    files = CORPUS / name / "files"
    if files.is_dir():
        for source in files.rglob("*"):
            if source.is_file():
                target = pkg.root / source.relative_to(files)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
    if case.get("edit"):
        descriptor = json.loads(pkg.descriptor.read_text(encoding="utf-8"))
        for edit in case["edit"]:
            _edit(descriptor, edit)
        # ASCII escapes: a lone surrogate an edit puts in stays an escape, as a file holds it
        pkg.descriptor.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    for cell in case.get("cells", []):
        pkg.set(cell["resource"], cell["key"], **cell["set"])
    for path, encoding in case.get("transcode", {}).items():
        target = pkg.root / path
        target.write_bytes(target.read_text(encoding="utf-8").encode(encoding))
    for link, target in case["symlinks"].items():
        if target == "OUTSIDE":
            outside = tmp_path / "outside.csv"
            outside.write_text("actor_id,name\nsecret,secret\n", encoding="utf-8")
            target = str(outside)
        (pkg.root / link).symlink_to(target)
    return pkg, case


def _edit(descriptor: Any, edit: dict[str, Any]) -> None:
    """``{"at": [...], "set": value}`` sets the value at a path of the descriptor (objects made
    on the way), ``"append"`` appends to the list there, ``"delete"`` removes it; a step into
    a list is an index, or the name of the item (a resource, a field)."""
    *steps, last = edit["at"]
    node = descriptor
    for step in steps:
        node = _step(node, step)
    if "set" in edit:
        node[_key(node, last)] = edit["set"]
    elif "append" in edit:
        _step(node, last).append(edit["append"])
    else:
        del node[_key(node, last)]


def _key(node: Any, step: str | int) -> Any:
    if isinstance(node, list) and isinstance(step, str):
        return next(i for i, item in enumerate(node) if item.get("name") == step)
    return step


def _step(node: Any, step: str | int) -> Any:
    if isinstance(node, dict):
        return node.setdefault(step, {})
    return node[_key(node, step)]


def test_the_corpus_covers_the_issue() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize("name", CASES)
def test_hostile_input(tmp_path: Path, name: str) -> None:
    pkg, case = prepare(tmp_path, name)
    expect = case["expect"]
    result = runner.invoke(app, ["validate", str(pkg.root), "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    if "exit" in expect:
        assert result.exit_code == expect["exit"], result.output
    else:
        assert result.exit_code in expect["exit_in"], result.output
    report = json.loads(result.output)
    found = [(f["rule"], f["resource"], f["row"]) for f in report["findings"]]
    unregistered = {f[0] for f in found} - set(RULES) - set(ERRORS)
    assert not unregistered, f"findings of unregistered types: {unregistered}"
    for rule, resource, row in expect.get("findings", []):
        assert any(
            f[0] == rule and (resource is None or f[1] == resource) and (row is None or f[2] == row)
            for f in found
        ), (rule, resource, row, found)
    if expect.get("findings") == []:
        assert found == []
    if "findings_any" in expect:
        assert any(f[0] in expect["findings_any"] for f in found), found
    if "message" in expect:
        assert any(expect["message"] in f["message"] for f in report["findings"]), report
    if "line" in expect:
        rule, resource, row = expect["findings"][0]
        finding = next(f for f in report["findings"] if f["rule"] == rule and f["row"] == row)
        assert finding["line"] == expect["line"]


def test_text_output_never_shows_a_traceback(tmp_path: Path) -> None:
    for name in CASES:
        pkg, _case = prepare(tmp_path / name, name)
        result = runner.invoke(app, ["validate", str(pkg.root)])
        assert "Traceback" not in result.output, name
        assert result.exit_code in (0, 1, 2), name


@pytest.fixture
def fresh_csv_limit() -> Iterator[None]:
    """The csv module's field size limit as a fresh interpreter has it (131,072), whatever
    an earlier test raised it to: the test then fails alone as it would in the suite."""
    before = csv.field_size_limit()
    csv.field_size_limit(131_072)
    try:
        yield
    finally:
        csv.field_size_limit(before)


@pytest.mark.usefixtures("fresh_csv_limit")
def test_ten_megabyte_cell_is_read_whole(tmp_path: Path) -> None:
    """The cell is in the first records, which are read to sniff the dialect and find the
    header before the whole file is parsed."""
    pkg = PackageCopy(tmp_path)
    big = "ش" * (5 * 1024 * 1024)  # 10 MB of UTF-8
    pkg.set("claims", "oir-2017-04-30-civilian-deaths-45", notes=big)
    report = validate(pkg.root)
    assert report.valid, report.findings[:3]
    claims = load(pkg.root)["claims"]
    notes = claims.filter(pl.col("claim_id") == "oir-2017-04-30-civilian-deaths-45")["notes"]
    assert notes.item() == big  # not truncated


def test_stale_release_hash_and_bytes_are_warnings(tmp_path: Path) -> None:
    """Data changed since the release that recorded its hash: a warning, not an error."""
    pkg = PackageCopy(tmp_path)
    data = json.loads(pkg.descriptor.read_text(encoding="utf-8"))
    claims = next(r for r in data["resources"] if r["name"] == "claims")
    claims["bytes"] = 1
    claims["hash"] = "sha256:" + "0" * 64
    pkg.descriptor.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    report = validate(pkg.root)
    assert {(f.rule, f.severity, f.resource) for f in report.findings} == {
        ("byte-count", "warning", "claims"),
        ("hash-count", "warning", "claims"),
    }
    assert report.valid
    assert not validate(pkg.root, strict=True).valid
