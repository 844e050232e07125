"""The pipeline checks the descriptor's profile while it reads the files: what it reports
for a broken descriptor is what loading the descriptor alone reports."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from casualty_schema import pipeline
from casualty_schema.package.descriptor import DescriptorError, load_package
from tests.builder import PackageCopy

Edit = Callable[[dict[str, Any]], None]


def _licenses(d: dict[str, Any]) -> None:
    d["licenses"] = "CC-BY-4.0"  # the profile wants a list; nothing else looks at it


def _resource_name(d: dict[str, Any]) -> None:
    d["resources"][3]["name"] = "Metrics Table"  # the profile's name pattern


def _field_type(d: dict[str, Any]) -> None:
    d["resources"][0]["schema"]["fields"][0]["type"] = "text"  # not a Table Schema type


def _nameless_field(d: dict[str, Any]) -> None:
    del d["resources"][0]["schema"]["fields"][2]["name"]  # breaks our reading of the schema


def _two_problems(d: dict[str, Any]) -> None:
    _licenses(d)
    d["resources"][0]["schema"]["primaryKey"] = ["no_such_field"]  # our own check's


def _ragged_claims_too(d: dict[str, Any]) -> None:
    _licenses(d)
    d["resources"][0]["dialect"] = {"delimiter": 7}  # and a dialect the reader cannot use


@pytest.mark.parametrize(
    "edit",
    [_licenses, _resource_name, _field_type, _nameless_field, _two_problems, _ragged_claims_too],
)
def test_a_broken_descriptor_is_reported_as_loading_it_reports(tmp_path: Path, edit: Edit) -> None:
    (tmp_path / "package").mkdir()
    pkg = PackageCopy(tmp_path / "package")
    descriptor = json.loads(pkg.descriptor.read_text(encoding="utf-8"))
    edit(descriptor)
    pkg.descriptor.write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(DescriptorError) as refused:
        load_package(pkg.root)
    report, spec, structure = pipeline.run(pkg.root)
    assert (spec, structure) == (None, None)
    assert not report.usable
    expected = refused.value.findings.get_column("message").to_list()
    assert [f.message for f in report.findings] == expected
    assert all(f.rule == "package-error" for f in report.findings)


def test_the_profile_is_not_checked_before_the_files_are_read() -> None:
    """frictionless is imported by the profile check, not with the pipeline."""
    import subprocess
    import sys

    code = "import sys, casualty_schema.cli; print('frictionless' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
