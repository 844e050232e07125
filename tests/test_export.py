"""Schema export: each resource as a standalone Table Schema and as a JSON Schema for a row."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import frictionless
import pytest
from jsonschema import Draft202012Validator

from casualty_schema.downstream.export import (
    EXPORT_FORMATS,
    JSON_SCHEMA_DIALECT,
    TABLE_SCHEMA_PROFILE,
    export_filename,
    export_schema,
    field_json_schema,
    json_value,
)
from casualty_schema.package.descriptor import FieldSpec, PackageSpec, ResourceSpec, load_package

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def spec() -> PackageSpec:
    return load_package(ROOT / "datapackage.json")


def rows(spec: PackageSpec, resource: ResourceSpec) -> list[dict[str, Any]]:
    """The resource's CSV rows as typed JSON objects (missing cells omitted, as in JSON)."""
    with (spec.root / resource.path).open(encoding="utf-8", newline="") as fh:
        records = list(csv.DictReader(fh))
    typed = []
    for record in records:
        row = {f.name: json_value(f, record[f.name]) for f in resource.fields}
        typed.append({k: v for k, v in row.items() if v is not None})
    return typed


def field(type_: str, **descriptor: Any) -> FieldSpec:
    constraints = descriptor.pop("constraints", {})
    return FieldSpec(
        "f",
        type_,
        str(descriptor.get("format", "default")),
        constraints,
        {"name": "f", "type": type_, "constraints": constraints, **descriptor},
    )


def test_table_schema_is_the_declared_schema_with_its_profile(spec: PackageSpec) -> None:
    for resource in spec.resources.values():
        exported = export_schema(resource, "table-schema")
        assert exported["$schema"] == TABLE_SCHEMA_PROFILE
        declared = dict(resource.descriptor["schema"])
        assert {k: v for k, v in exported.items() if k != "$schema"} == declared
        assert frictionless.Schema.validate_descriptor(exported).valid, resource.name


def test_export_is_a_copy(spec: PackageSpec) -> None:
    resource = spec.resources["claims"]
    exported = export_schema(resource, "table-schema")
    exported["fields"][0]["name"] = "changed"
    assert resource.descriptor["schema"]["fields"][0]["name"] == "claim_id"


@pytest.mark.parametrize("name", ["claims", "sources", "actors", "metrics", "places", "relations"])
def test_every_bundled_row_validates_against_its_json_schema(spec: PackageSpec, name: str) -> None:
    resource = spec.resources[name]
    schema = export_schema(resource, "json-schema")
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == JSON_SCHEMA_DIALECT
    assert schema["type"] == "object"
    assert list(schema["properties"]) == resource.field_names
    assert schema["required"] == [f.name for f in resource.fields if f.required]
    assert schema["additionalProperties"] is False  # fieldsMatch exact
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    data = rows(spec, resource)
    assert data
    for row in data:
        errors = [e.message for e in validator.iter_errors(row)]
        assert not errors, (row, errors)


@pytest.mark.parametrize(
    ("change", "keyword"),
    [
        ({"value": -1}, "minimum"),
        ({"value": "many"}, "type"),
        ({"stance": "retracted"}, "enum"),
        ({"claim_id": "Not An Id"}, "pattern"),
        ({"places": "syria"}, "type"),  # a list field holds an array
        ({"unknown_field": "x"}, "additionalProperties"),
        ({"quote": None}, "type"),  # required: not nullable
    ],
)
def test_json_schema_rejects_what_the_table_schema_rejects(
    spec: PackageSpec, change: dict[str, Any], keyword: str
) -> None:
    resource = spec.resources["claims"]
    validator = Draft202012Validator(export_schema(resource, "json-schema"))
    row = {**rows(spec, resource)[0], **change}
    assert keyword in {e.validator for e in validator.iter_errors(row)}


def test_a_missing_required_field_is_rejected(spec: PackageSpec) -> None:
    resource = spec.resources["claims"]
    validator = Draft202012Validator(export_schema(resource, "json-schema"))
    row = rows(spec, resource)[0]
    del row["quote"]
    assert "required" in {e.validator for e in validator.iter_errors(row)}
    row = rows(spec, resource)[0]
    row["notes"] = None  # optional: null is a missing value
    assert not list(validator.iter_errors(row))


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (field("integer", constraints={"required": True}), {"type": "integer"}),
        (field("number"), {"type": ["number", "null"]}),
        (field("boolean", constraints={"required": True}), {"type": "boolean"}),
        (field("date", constraints={"required": True}), {"type": "string", "format": "date"}),
        (field("datetime"), {"type": ["string", "null"], "format": "date-time"}),
        (field("string", format="uri"), {"type": ["string", "null"], "format": "uri"}),
        (field("any"), {}),
        (
            field("list", itemType="integer", constraints={"required": True, "minLength": 1}),
            {"type": "array", "items": {"type": "integer"}, "minItems": 1},
        ),
        (
            field("string", constraints={"required": True, "pattern": "[a-z]+"}),
            {"type": "string", "pattern": "^(?:[a-z]+)$"},
        ),
        (
            field("string", constraints={"enum": ["a", "b"]}),
            {"type": ["string", "null"], "enum": ["a", "b", None]},
        ),
        (
            field("integer", constraints={"required": True, "minimum": 0, "maximum": 9}),
            {"type": "integer", "minimum": 0, "maximum": 9},
        ),
    ],
)
def test_type_and_constraint_mapping(f: FieldSpec, expected: dict[str, Any]) -> None:
    assert field_json_schema(f) == expected


def test_bounds_json_schema_cannot_check_are_said_in_a_comment() -> None:
    schema = field_json_schema(field("date", constraints={"minimum": "2014-08-08"}))
    assert "minimum" not in schema
    assert "minimum 2014-08-08" in schema["$comment"]


def test_examples_are_typed(spec: PackageSpec) -> None:
    properties = export_schema(spec.resources["claims"], "json-schema")["properties"]
    assert properties["value"]["examples"] == [1302]
    assert properties["places"]["examples"] == [["syria", "iraq"]]
    metrics = export_schema(spec.resources["metrics"], "json-schema")["properties"]
    assert metrics["additive"]["examples"] == [True]


def test_keys_are_stated_where_one_row_cannot_check_them(spec: PackageSpec) -> None:
    comment = export_schema(spec.resources["relations"], "json-schema")["$comment"]
    assert "primary key (claim_id, relation, related_claim_id)" in comment
    assert "foreign key (related_claim_id) → claims(claim_id)" in comment


def test_file_names_and_unknown_format(spec: PackageSpec) -> None:
    claims = spec.resources["claims"]
    assert [export_filename(claims, f) for f in EXPORT_FORMATS] == [
        "claims.tableschema.json",
        "claims.schema.json",
    ]
    with pytest.raises(ValueError, match="unknown schema format"):
        export_schema(claims, "xsd")


def test_exports_are_json_serialisable(spec: PackageSpec) -> None:
    for resource in spec.resources.values():
        for fmt in EXPORT_FORMATS:
            json.dumps(export_schema(resource, fmt), ensure_ascii=False)
