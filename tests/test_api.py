"""The library API: validate, load, schema, RULES, PACKAGE_PATH."""

from __future__ import annotations

import json
from pathlib import Path

import pandera.errors
import polars as pl
import pytest

import casualty_schema
from casualty_schema import InvalidPackageError, load, schema, validate
from tests.builder import PackageCopy

ROOT = Path(__file__).resolve().parent.parent


def test_package_path_is_the_bundled_descriptor() -> None:
    assert casualty_schema.PACKAGE_PATH.name == "datapackage.json"
    assert json.loads(casualty_schema.PACKAGE_PATH.read_text(encoding="utf-8"))["name"] == (
        "casualty-claims"
    )


def test_validate_defaults_to_the_bundled_package() -> None:
    report = validate()
    assert report.valid
    assert report.rows["claims"] == 21
    assert report.rules == tuple(casualty_schema.RULES)


def test_load_returns_typed_frames() -> None:
    frames = load()
    assert set(frames) == {"claims", "sources", "actors", "metrics", "places", "relations"}
    claims = frames["claims"]
    assert claims.schema["value"] == pl.Int64
    assert claims.schema["places"] == pl.List(pl.String)
    assert frames["metrics"].schema["additive"] == pl.Boolean
    assert "__row" not in claims.columns
    strikes = claims.filter(pl.col("claim_id") == "oir-2019-05-31-airstrikes-34502")
    assert strikes["value"].item() == 34502


def test_load_refuses_an_invalid_package_listing_findings(tmp_path: Path) -> None:
    pkg = PackageCopy(tmp_path)
    pkg.set("claims", "oir-2017-04-30-civilian-deaths-45", period_start="2017-04")
    with pytest.raises(InvalidPackageError) as info:
        load(pkg.root)
    message = str(info.value)
    assert "dates.order" in message
    assert "data/claims.csv" in message
    assert info.value.report.errors == 1


@pytest.mark.parametrize(
    "resource", ["claims", "sources", "actors", "metrics", "places", "relations"]
)
def test_schema_is_derived_from_the_descriptor(resource: str) -> None:
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    table = next(r for r in descriptor["resources"] if r["name"] == resource)["schema"]
    derived = schema(resource)
    assert list(derived.columns) == [f["name"] for f in table["fields"]]
    for field in table["fields"]:
        column = derived.columns[field["name"]]
        assert column.nullable is not field.get("constraints", {}).get("required", False)
        assert column.unique is field.get("constraints", {}).get("unique", False)


def test_schema_checks_what_the_descriptor_constrains() -> None:
    claims = load()["claims"]
    bad = claims.with_columns(pl.lit("roughly").alias("qualifier"))
    with pytest.raises(pandera.errors.SchemaError, match="qualifier"):
        schema("claims").validate(bad)
    negative = claims.with_columns(pl.lit(-1, pl.Int64).alias("value"))
    with pytest.raises(pandera.errors.SchemaError, match="value"):
        schema("claims").validate(negative)


def test_schema_of_unknown_resource() -> None:
    with pytest.raises(KeyError, match="no resource 'events'"):
        schema("events")
