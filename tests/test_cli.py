"""The CLI, run through typer's CliRunner, checked against the library."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

import casualty_schema
from casualty_schema.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def copy_package(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "datapackage.json", tmp_path / "datapackage.json")
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"casualty-schema {casualty_schema.__version__}"


def test_validate_bundled_package_exits_0() -> None:
    result = runner.invoke(app, ["validate", str(ROOT / "datapackage.json")])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_validate_accepts_a_directory(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(copy_package(tmp_path))])
    assert result.exit_code == 0, result.output


def test_validate_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert "nope.json" in result.output
