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
from tests.builder import ROOT, PackageCopy

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


def _renamed(d: dict[str, Any]) -> None:
    d["name"] = "another-conflict"  # a downstream package


def _bytes_changed(d: dict[str, Any]) -> None:
    d["resources"][0]["bytes"] = 1  # a recorded size, not one left out


def _version_left_out(d: dict[str, Any]) -> None:
    del d["version"]


@pytest.mark.parametrize(
    ("edit", "checked"), [(None, True), (_version_left_out, True), (_renamed, False),
                          (_bytes_changed, False), (_licenses, False)]
)  # fmt: skip
def test_only_the_canonical_descriptor_skips_the_profile_check(
    tmp_path: Path, edit: Edit | None, checked: bool
) -> None:
    """The canonical descriptor, or a copy of it that leaves out what a release records
    (PackageCopy leaves out bytes and hash), is not profile-checked again (tests/test_package.py
    checks it with frictionless); any other descriptor is."""
    pkg = PackageCopy(tmp_path)
    descriptor = json.loads(pkg.descriptor.read_text(encoding="utf-8"))
    if edit is not None:
        canonical = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
        descriptor = canonical if edit is _bytes_changed else descriptor
        edit(descriptor)
    pkg.descriptor.write_text(json.dumps(descriptor), encoding="utf-8")
    spec = load_package(pkg.root, check_profile=False)
    assert pipeline.profile_checked(spec) is checked
    assert pipeline.profile_checked(load_package(ROOT, check_profile=False))
