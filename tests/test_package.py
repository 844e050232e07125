"""The descriptor: valid Table Schema, faithful to the contract, one version everywhere."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import frictionless
import pytest

import casualty_schema
from casualty_schema.package.descriptor import RESOURCE_RELEASE_MANAGED, is_safe_name

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "tests" / "contract"
SPEC = (
    CONTRACT / "claim-model.md"
)  # a copy of ../shared/spec/claim-model.md (tests/contract/README.md)
SHARED = ROOT.parent / "shared"


def test_frictionless_validates_the_bundled_package() -> None:
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    report = frictionless.Package(descriptor, basepath=str(ROOT)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_working_tree_records_no_bytes_or_hash(descriptor: dict[str, Any]) -> None:
    """Only a release archive's descriptor records them (casualty_schema.release.steps): in
    the working tree they would go stale with every contribution."""
    for resource in descriptor["resources"]:
        assert not RESOURCE_RELEASE_MANAGED & set(resource), resource["name"]


def test_every_field_has_a_description_and_an_example(descriptor: dict[str, Any]) -> None:
    for resource in descriptor["resources"]:
        assert resource.get("description"), resource["name"]
        for field in resource["schema"]["fields"]:
            assert field.get("description"), (resource["name"], field["name"])
            assert "example" in field, (resource["name"], field["name"])


def test_package_properties(descriptor: dict[str, Any]) -> None:
    for key in (
        "name",
        "title",
        "version",
        "created",
        "licenses",
        "sources",
        "contributors",
        "temporal",
    ):
        assert descriptor.get(key), key
    assert re.fullmatch(r"\d+\.\d+\.\d+", descriptor["version"])
    assert descriptor["temporal"]["start"] == "2014-08-08"
    titles = " ".join(lic["title"] for lic in descriptor["licenses"])
    assert "data" in titles  # both licences are stated
    assert "code" in titles
    for source in descriptor["sources"]:
        assert (ROOT / source["path"]).is_file()


def _contract_tables() -> dict[str, dict[str, str]]:
    """{resource: {field: required-column}} parsed from the contract's markdown tables."""
    text = SPEC.read_text(encoding="utf-8")
    tables: dict[str, dict[str, str]] = {}
    for match in re.finditer(r"^### (\w+) — `data/\w+\.csv`.*?\n\n(\|.*?)\n\n", text, re.S | re.M):
        rows = [r for r in match.group(2).splitlines()[2:] if r.startswith("|")]
        fields: dict[str, str] = {}
        for row in rows:
            cells = [c.strip() for c in row.strip("|").split("|")]
            names, required = cells[0], cells[2]
            for name in names.split(","):
                fields[name.strip()] = required
        tables[match.group(1)] = fields
    return tables


def test_the_contract_copy_is_current() -> None:
    """The tests read the contract and the seed articles from tests/contract/; where the
    steering repository's shared/ is beside this checkout, the copies must equal it."""
    assert SPEC.is_file()
    copies = {p.name: p.read_bytes() for p in (CONTRACT / "seeds").glob("*.txt")}
    assert len(copies) == 2
    if (SHARED / "spec" / "claim-model.md").is_file():
        assert SPEC.read_bytes() == (SHARED / "spec" / "claim-model.md").read_bytes()
    if (SHARED / "seeds").is_dir():
        assert copies == {p.name: p.read_bytes() for p in (SHARED / "seeds").glob("*.txt")}


def test_descriptor_implements_the_contract(descriptor: dict[str, Any]) -> None:
    contract = _contract_tables()
    assert set(contract) == {"claims", "sources", "actors", "metrics", "places", "relations"}
    resources = {r["name"]: r for r in descriptor["resources"]}
    assert set(resources) == set(contract)
    for name, fields in contract.items():
        schema = resources[name]["schema"]
        declared = {f["name"]: f for f in schema["fields"]}
        assert set(fields) <= set(declared), (name, set(fields) - set(declared))
        assert resources[name]["path"] == f"data/{name}.csv"
        for field_name, required in fields.items():
            is_required = declared[field_name].get("constraints", {}).get("required", False)
            assert is_required == required.startswith("yes"), (name, field_name)
        # fields added beyond the contract must be optional (the contract may only grow)
        for extra in set(declared) - set(fields):
            assert not declared[extra].get("constraints", {}).get("required"), (name, extra)


def test_enum_codes_match_the_contract(descriptor: dict[str, Any]) -> None:
    text = SPEC.read_text(encoding="utf-8")
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            for code in field.get("constraints", {}).get("enum", []):
                assert f"`{code}`" in text or f"| {code} |" in text, (
                    resource["name"],
                    field["name"],
                    code,
                )


def test_one_version_everywhere(descriptor: dict[str, Any]) -> None:
    from importlib.metadata import version

    assert casualty_schema.__version__ == descriptor["version"]
    assert version("casualty-schema") == descriptor["version"]


def test_wheel_carries_schema_and_data(tmp_path: Path, descriptor: dict[str, Any]) -> None:
    from hatchling.builders.wheel import WheelBuilder

    builder = WheelBuilder(str(ROOT))
    (wheel,) = list(builder.build(directory=str(tmp_path), versions=["standard"]))
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        assert "casualty_schema/package/datapackage.json" in names
        for resource in descriptor["resources"]:
            assert f"casualty_schema/package/{resource['path']}" in names
        assert "casualty_schema/py.typed" in names
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = zf.read(metadata).decode()
        assert f"\nVersion: {descriptor['version']}\n" in meta
    assert Path(wheel).name.startswith(f"casualty_schema-{descriptor['version']}-")


def test_installed_layout_is_found_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a wheel, the package copy under casualty_schema/package/ is the bundled package."""
    from casualty_schema.package import bundled

    pkg = tmp_path / "casualty_schema"
    (pkg / "package").mkdir(parents=True)
    (pkg / "package" / "datapackage.json").write_text('{"version": "9.9.9"}', encoding="utf-8")
    monkeypatch.setattr(bundled, "_HERE", pkg / "package")
    assert bundled.bundled_package() == pkg / "package" / "datapackage.json"
    assert bundled.bundled_version() == "9.9.9"


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("claims", True),
        ("casualty-claims", True),
        ("claims_2.v2", True),
        ("../../../../tmp/x", False),
        ("a/b", False),
        ("a\\b", False),
        ("..", False),
        ("", False),
        ("Claims", False),
        ("a b", False),
        ("claims\n", False),
        (5, False),
    ],
)
def test_safe_names(name: object, safe: bool) -> None:
    """Data Package 2.0: a name SHOULD be lowercase alphanumerics, ".", "-" and "_"."""
    assert is_safe_name(name) is safe


def test_every_bundled_name_is_safe(descriptor: dict[str, Any]) -> None:
    """The rule is no stricter than frictionless where the bundled package is concerned."""
    assert is_safe_name(descriptor["name"])
    assert all(is_safe_name(r["name"]) for r in descriptor["resources"])
