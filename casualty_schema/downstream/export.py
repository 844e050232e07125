"""A resource's schema as a standalone file: Table Schema, or JSON Schema for one row.

``export_schema(resource, "table-schema")`` is the resource's Table Schema as declared in
``datapackage.json``, with its profile as ``$schema``: a file other tools (frictionless,
csvw converters) read on their own.

``export_schema(resource, "json-schema")`` is a JSON Schema (draft 2020-12) for one row of
the resource as a JSON object whose values are typed (an ``integer`` field holds a JSON
number, a ``list`` field an array, a missing value ``null``):

- ``string`` → ``string``; ``format`` email, uri, uuid kept; binary → ``contentEncoding``;
- ``integer``, ``year`` → ``integer``; ``number`` → ``number``; ``boolean`` → ``boolean``;
- ``date``, ``datetime``, ``time``, ``duration`` → ``string`` with ``format`` date,
  date-time, time, duration; ``yearmonth`` → ``string`` with a ``YYYY-MM`` pattern;
- ``list`` → ``array`` of its ``itemType``; ``array`` → ``array``; ``object``, ``geojson``
  → ``object``; ``geopoint`` → by its format (``string``, 2 numbers, or lon/lat object);
  ``any`` → ``{}``;
- ``required`` → listed in ``required``, not nullable; every other field also takes ``null``;
- ``enum``, ``pattern`` (anchored: Table Schema patterns match the whole value),
  ``minimum``, ``maximum``, ``exclusiveMinimum``, ``exclusiveMaximum`` → the same keywords;
  ``minLength`` / ``maxLength`` → the same on strings, ``minItems`` / ``maxItems`` on lists;
- ``fieldsMatch`` ``exact``, ``equal``, ``superset`` → ``additionalProperties: false``;
  ``subset``, ``partial`` → ``true``;
- ``title``, ``description``, ``example`` → ``title``, ``description``, ``examples`` (typed).

What one row cannot express — ``unique``, primary and foreign keys, and bounds on dates —
is stated in ``$comment``. Another engineer's ``schema export`` command reuses this module.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from casualty_schema.package.descriptor import FieldSpec, ResourceSpec

TABLE_SCHEMA = "table-schema"
JSON_SCHEMA = "json-schema"
EXPORT_FORMATS = (TABLE_SCHEMA, JSON_SCHEMA)
# File name suffix of each export: claims.tableschema.json, claims.schema.json
SUFFIX = {TABLE_SCHEMA: ".tableschema.json", JSON_SCHEMA: ".schema.json"}

TABLE_SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_STRING_FORMATS = {"email": "email", "uri": "uri", "uuid": "uuid"}
_TEMPORAL_FORMATS = {"date": "date", "datetime": "date-time", "time": "time"}
_NUMERIC = ("integer", "number", "year")
_SEQUENCES = ("list", "array")
_OPEN_FIELDS_MATCH = ("subset", "partial")  # the file may have fields the schema lacks


def export_schema(resource: ResourceSpec, fmt: str) -> dict[str, Any]:
    """The schema of ``resource`` as a standalone document: ``fmt`` is ``"table-schema"``
    or ``"json-schema"``. Raises ValueError for another format."""
    if fmt == TABLE_SCHEMA:
        return table_schema(resource)
    if fmt == JSON_SCHEMA:
        return json_schema(resource)
    raise ValueError(f"unknown schema format {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}")


def export_filename(resource: ResourceSpec, fmt: str) -> str:
    return f"{resource.name}{SUFFIX[fmt]}"


def dumps(document: dict[str, Any]) -> str:
    """How exports are written: indented, UTF-8 text, a final newline."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def table_schema(resource: ResourceSpec) -> dict[str, Any]:
    declared = copy.deepcopy(dict(resource.descriptor.get("schema") or {}))
    declared.pop("$schema", None)
    return {"$schema": TABLE_SCHEMA_PROFILE, **declared}


def json_schema(resource: ResourceSpec) -> dict[str, Any]:
    properties = {f.name: field_json_schema(f) for f in resource.fields}
    notes = []
    if resource.primary_key:
        notes.append(f"primary key ({', '.join(resource.primary_key)}): unique across rows")
    for f in resource.fields:
        if f.unique:
            notes.append(f"{f.name}: unique across rows")
    for fk in resource.foreign_keys:
        notes.append(
            f"foreign key ({', '.join(fk.fields)}) → "
            f"{fk.resource}({', '.join(fk.reference_fields)})"
        )
    document: dict[str, Any] = {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": str(resource.descriptor.get("title") or resource.name),
    }
    if resource.descriptor.get("description"):
        document["description"] = str(resource.descriptor["description"])
    document["$comment"] = (
        f"One row of resource {resource.name!r} as a JSON object, generated from its Table "
        "Schema by casualty-schema."
        + (" Not expressible for one row: " + "; ".join(notes) + "." if notes else "")
    )
    document.update(
        {
            "type": "object",
            "properties": properties,
            "required": [f.name for f in resource.fields if f.required],
            "additionalProperties": resource.fields_match in _OPEN_FIELDS_MATCH,
        }
    )
    return document


def _base_type(type_: str, fmt: str) -> dict[str, Any]:
    if type_ == "string":
        if fmt in _STRING_FORMATS:
            return {"type": "string", "format": _STRING_FORMATS[fmt]}
        if fmt == "binary":
            return {"type": "string", "contentEncoding": "base64"}
        return {"type": "string"}
    if type_ in ("integer", "year"):
        return {"type": "integer"}
    if type_ == "number":
        return {"type": "number"}
    if type_ == "boolean":
        return {"type": "boolean"}
    if type_ in _TEMPORAL_FORMATS:
        return {"type": "string", "format": _TEMPORAL_FORMATS[type_]}
    if type_ == "duration":
        return {"type": "string", "format": "duration"}
    if type_ == "yearmonth":
        return {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"}
    if type_ in ("object", "geojson"):
        return {"type": "object"}
    if type_ == "array":
        return {"type": "array"}
    if type_ == "geopoint":
        if fmt == "array":
            return {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}
        if fmt == "object":
            return {
                "type": "object",
                "properties": {"lon": {"type": "number"}, "lat": {"type": "number"}},
                "required": ["lon", "lat"],
            }
        return {"type": "string"}
    return {}  # any, and types this version does not know


def _anchored(pattern: str) -> str:
    """Table Schema patterns match the whole value; JSON Schema patterns search."""
    if pattern.startswith("^") and pattern.endswith("$"):
        return pattern
    return f"^(?:{pattern})$"


def field_json_schema(field: FieldSpec) -> dict[str, Any]:
    """The JSON Schema of one field's typed value."""
    schema: dict[str, Any]
    if field.type == "list":
        schema = {"type": "array", "items": _base_type(field.item_type, "default")}
    else:
        schema = _base_type(field.type, field.format)
    annotations: dict[str, Any] = {}
    for key in ("title", "description"):
        if field.descriptor.get(key):
            annotations[key] = str(field.descriptor[key])
    if "example" in field.descriptor:
        annotations["examples"] = [json_value(field, field.descriptor["example"])]
    c = field.constraints
    nullable = not field.required
    comments = []
    if "enum" in c:
        codes = [json_value(field, v) for v in c["enum"]]
        schema["enum"] = [*codes, None] if nullable else codes
    if "pattern" in c and field.type in ("string", "list"):
        pattern = {"pattern": _anchored(str(c["pattern"]))}
        if field.type == "list":
            schema["items"] = {**schema["items"], **pattern}
        else:
            schema.update(pattern)
    for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        if key in c:
            if field.type in _NUMERIC:
                schema[key] = json_value(field, c[key])
            else:
                comments.append(f"{key} {c[key]}")
    for key, sequence_key in (("minLength", "minItems"), ("maxLength", "maxItems")):
        if key in c:
            if field.type in _SEQUENCES:
                schema[sequence_key] = int(c[key])
            elif field.type == "object":
                schema[key.replace("Length", "Properties")] = int(c[key])
            else:
                schema[key] = int(c[key])
    if comments:
        annotations["$comment"] = "Not checked here: " + "; ".join(comments) + "."
    if nullable and "type" in schema:
        schema["type"] = [schema["type"], "null"]
    return {**annotations, **schema}


def json_value(field: FieldSpec, value: Any) -> Any:
    """A CSV cell (or a descriptor value such as an example) as the field's JSON value.

    None and the resource's missing value "" become None; text that does not parse as the
    field's type stays text (a JSON Schema check then reports it)."""
    if value is None:
        return None
    if not isinstance(value, str):
        return value
    if value == "":
        return None
    if field.type == "list":
        item = FieldSpec(field.name, field.item_type, "default", {}, {})
        return [json_value(item, v) for v in value.split(field.delimiter)]
    try:
        if field.type in ("integer", "year"):
            return int(value)
        if field.type == "number":
            return float(value)
    except ValueError:
        return value
    if field.type == "boolean":
        if value in field.true_values:
            return True
        if value in field.false_values:
            return False
    if field.type in ("object", "array", "geojson"):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value
