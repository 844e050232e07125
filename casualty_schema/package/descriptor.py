"""Stage 1 of the pipeline: the descriptor.

Reads ``datapackage.json``, checks it against the Data Package profile through frictionless,
and turns it into a :class:`PackageSpec`: plain, typed views of each resource's Table Schema
that every later stage derives from. Nothing about fields is typed anywhere else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from casualty_schema.errors import error
from casualty_schema.findings import findings_frame

#: Properties a release writes (casualty_schema.release): never a change between versions.
RELEASE_MANAGED = frozenset({"version", "created"})
RESOURCE_RELEASE_MANAGED = frozenset({"bytes", "hash"})

# The text form of a partial date (casualty_schema.domain.partial_date reads it).
PARTIAL_DATE = r"[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?"


class DescriptorError(Exception):
    """The descriptor cannot be used; ``findings`` say why (rule ``package-error``)."""

    def __init__(self, path: Path, notes: Sequence[str], line: int | None = None) -> None:
        self.path = path
        self.notes = list(notes)
        self.line = line  # where in the descriptor, when known (JSON that does not parse)
        super().__init__(f"{path}: " + "; ".join(self.notes))

    @property
    def findings(self) -> pl.DataFrame:
        kind = error("package-error")
        return findings_frame(
            [kind.finding(path=self.path.name, line=self.line, note=note) for note in self.notes]
        )


@dataclass(frozen=True)
class FieldSpec:
    """One field of a Table Schema, as declared."""

    name: str
    type: str
    format: str
    constraints: Mapping[str, Any]
    descriptor: Mapping[str, Any]

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required", False))

    @property
    def unique(self) -> bool:
        return bool(self.constraints.get("unique", False))

    @property
    def delimiter(self) -> str:
        return str(self.descriptor.get("delimiter", ","))

    @property
    def item_type(self) -> str:
        return str(self.descriptor.get("itemType", "string"))

    @property
    def true_values(self) -> list[str]:
        return list(self.descriptor.get("trueValues", ["true", "True", "TRUE", "1"]))

    @property
    def false_values(self) -> list[str]:
        return list(self.descriptor.get("falseValues", ["false", "False", "FALSE", "0"]))


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str  # the referenced resource (the resource itself for a self-reference)
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class ResourceSpec:
    name: str
    path: str  # as declared, relative to the package root
    encoding: str
    fields: tuple[FieldSpec, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    missing_values: tuple[str, ...]
    fields_match: str
    descriptor: Mapping[str, Any]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"resource {self.name} has no field {name}")


@dataclass(frozen=True)
class PackageSpec:
    root: Path  # the directory holding datapackage.json
    descriptor_path: Path
    descriptor: Mapping[str, Any]
    resources: Mapping[str, ResourceSpec] = field(default_factory=dict)
    # resource name -> the local copy of a remote resource (casualty_schema.package.remote)
    fetched: Mapping[str, Path] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.descriptor.get("name", ""))

    @property
    def version(self) -> str | None:
        version = self.descriptor.get("version")
        return str(version) if version is not None else None

    @property
    def temporal(self) -> tuple[str | None, str | None]:
        temporal = self.descriptor.get("temporal") or {}
        if not isinstance(temporal, Mapping):
            return None, None
        start, end = temporal.get("start"), temporal.get("end")
        return (str(start) if start else None, str(end) if end else None)


def descriptor_path(package: Path) -> Path:
    """``package`` may be a datapackage.json or the directory holding one."""
    return package / "datapackage.json" if package.is_dir() else package


def load_package(package: Path, *, check_profile: bool = True) -> PackageSpec:
    """Read and check the descriptor; raise :class:`DescriptorError` when it is unusable.
    ``check_profile=False`` skips the Data Package profile check through frictionless (for
    the installed canonical descriptor, which the test suite checks)."""
    path = descriptor_path(package)
    if not path.is_file():
        raise DescriptorError(path, [f"{path} does not exist"])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DescriptorError(
            path, [f"not UTF-8 text ({exc.reason} at byte {exc.start})"]
        ) from None
    except OSError as exc:
        raise DescriptorError(path, [f"cannot be read: {exc.strerror}"]) from None
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DescriptorError(
            path,
            [f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"],
            line=exc.lineno,
        ) from None
    if not isinstance(descriptor, dict):
        raise DescriptorError(path, [f"must be a JSON object, not {type(descriptor).__name__}"])
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        raise DescriptorError(path, ["it has no resources: 'resources' must be a non-empty list"])
    _check_inline(path, descriptor)
    if check_profile:
        _check_profile(path, descriptor)
    _check_shapes(path, descriptor)
    specs = {}
    for resource in resources:
        spec = _resource_spec(resource)
        specs[spec.name] = spec
    _check_schemas(path, specs)
    return PackageSpec(
        root=path.parent, descriptor_path=path, descriptor=descriptor, resources=specs
    )


def _check_inline(path: Path, descriptor: dict[str, Any]) -> None:
    """Everything must be in the descriptor: a schema given by path or URL is not read
    (nothing outside the package, nothing from the network), and ``temporal`` is an object
    whose dates are partial dates."""
    notes = []
    for i, resource in enumerate(descriptor["resources"]):
        if not isinstance(resource, dict):
            notes.append(f"resource {i + 1} must be an object")
            continue
        schema = resource.get("schema")
        if schema is not None and not isinstance(schema, dict):
            notes.append(
                f"resource {resource.get('name', i + 1)}: the schema must be given inline as an "
                f"object; {schema!r} is not read (no schema is fetched or read from a path)"
            )
    temporal = descriptor.get("temporal")
    if temporal is not None:
        dates = temporal.values() if isinstance(temporal, dict) else []
        if (
            not isinstance(temporal, dict)
            or "start" not in temporal
            or not all(isinstance(d, str) and re.fullmatch(PARTIAL_DATE, d) for d in dates)
        ):
            notes.append(
                f"temporal must be an object with a start (and an optional end) given as "
                f"partial dates, not {temporal!r}"
            )
    if notes:
        raise DescriptorError(path, notes)


# The JSON types each constraint must have (what the profile lets through, the readers need).
NUMBER = (int, float)
CONSTRAINT_TYPES: dict[str, tuple[type, ...]] = {
    "required": (bool,),
    "unique": (bool,),
    "minLength": (int,),
    "maxLength": (int,),
    "minimum": (*NUMBER, str),
    "maximum": (*NUMBER, str),
    "exclusiveMinimum": (*NUMBER, str),
    "exclusiveMaximum": (*NUMBER, str),
    "pattern": (str,),
    "enum": (list,),
}


def _check_shapes(path: Path, descriptor: dict[str, Any]) -> None:
    """The shapes every later stage relies on, which the profile does not fully enforce."""
    notes = []
    for resource in descriptor["resources"]:
        name = resource.get("name")
        schema = resource.get("schema") or {}
        fields = schema.get("fields", [])
        if not isinstance(fields, list) or not all(isinstance(f, dict) for f in fields):
            notes.append(f"resource {name}: schema.fields must be a list of objects")
            continue
        for f in fields:
            constraints = f.get("constraints", {})
            if not isinstance(constraints, dict):
                notes.append(
                    f"resource {name}: field {f.get('name')}: constraints must be an object"
                )
                continue
            for key, value in constraints.items():
                wanted = CONSTRAINT_TYPES.get(key)
                if wanted and (
                    not isinstance(value, wanted)
                    or isinstance(value, bool) is not (wanted == (bool,))
                ):
                    notes.append(
                        f"resource {name}: field {f.get('name')}: constraint {key} "
                        f"cannot be {value!r}"
                    )
        for fk in schema.get("foreignKeys") or []:
            reference = fk.get("reference") if isinstance(fk, dict) else None
            if (
                not isinstance(fk, dict)
                or not isinstance(fk.get("fields"), (str, list))
                or not isinstance(reference, dict)
                or not isinstance(reference.get("fields"), (str, list))
            ):
                notes.append(
                    f"resource {name}: a foreign key needs fields and a reference with fields: "
                    f"{fk!r}"
                )
        primary_key = schema.get("primaryKey", [])
        if not isinstance(primary_key, (str, list)):
            notes.append(f"resource {name}: primaryKey must be a field name or a list of them")
    if notes:
        raise DescriptorError(path, notes)


def check_profile(spec: PackageSpec) -> None:
    """The Data Package and Table Schema profiles of a package loaded with
    ``check_profile=False``; raises :class:`DescriptorError` as :func:`load_package` would."""
    _check_profile(spec.descriptor_path, dict(spec.descriptor))


def _check_profile(path: Path, descriptor: dict[str, Any]) -> None:
    """The Data Package and Table Schema profiles, through frictionless (no data is read).
    frictionless is imported here, not with this module: it takes a third of a second, which
    the pipeline spends while the files are read (casualty_schema.pipeline)."""
    import frictionless

    try:
        report = frictionless.Package.validate_descriptor(descriptor)
    except Exception as exc:  # frictionless raises on some malformed descriptors
        raise DescriptorError(path, [f"frictionless cannot read it: {exc}"]) from None
    if not report.valid:
        raise DescriptorError(path, [f"{e.type}: {e.note}" for e in report.errors])


def _resource_spec(resource: Mapping[str, Any]) -> ResourceSpec:
    schema = resource.get("schema") or {}
    name = str(resource["name"])
    fields = tuple(
        FieldSpec(
            name=str(f["name"]),
            type=str(f.get("type", "string")),
            format=str(f.get("format", "default")),
            constraints=dict(f.get("constraints") or {}),
            descriptor=dict(f),
        )
        for f in schema.get("fields", [])
    )
    primary_key = schema.get("primaryKey") or []
    if isinstance(primary_key, str):
        primary_key = [primary_key]
    foreign_keys = []
    for fk in schema.get("foreignKeys") or []:
        fk_fields = fk["fields"]
        ref = fk["reference"]
        ref_fields = ref["fields"]
        foreign_keys.append(
            ForeignKey(
                fields=tuple([fk_fields] if isinstance(fk_fields, str) else fk_fields),
                resource=str(ref.get("resource") or name),
                reference_fields=tuple([ref_fields] if isinstance(ref_fields, str) else ref_fields),
            )
        )
    return ResourceSpec(
        name=name,
        path=str(resource.get("path", "")),
        encoding=str(resource.get("encoding", "utf-8")),
        fields=fields,
        primary_key=tuple(primary_key),
        foreign_keys=tuple(foreign_keys),
        missing_values=tuple(schema.get("missingValues", [""])),
        fields_match=str(schema.get("fieldsMatch", "exact")),
        descriptor=resource,
    )


def _check_schemas(path: Path, specs: Mapping[str, ResourceSpec]) -> None:
    """What the profile lets through but no reader could honour."""
    notes = []
    for spec in specs.values():
        names = spec.field_names
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            notes.append(f"resource {spec.name}: duplicate field names {duplicated}")
        for key in spec.primary_key:
            if key not in names:
                notes.append(f"resource {spec.name}: primary key field {key!r} is not a field")
        for fk in spec.foreign_keys:
            for f in fk.fields:
                if f not in names:
                    notes.append(f"resource {spec.name}: foreign key field {f!r} is not a field")
            target = specs.get(fk.resource)
            if target is None:
                notes.append(
                    f"resource {spec.name}: foreign key refers to unknown resource {fk.resource!r}"
                )
            else:
                for f in fk.reference_fields:
                    if f not in target.field_names:
                        notes.append(
                            f"resource {spec.name}: foreign key refers to "
                            f"{fk.resource}.{f}, which is not a field"
                        )
            if len(fk.fields) != len(fk.reference_fields):
                notes.append(f"resource {spec.name}: foreign key field counts differ")
        for fs in spec.fields:
            c = fs.constraints
            low, high = c.get("minimum"), c.get("maximum")
            if low is not None and high is not None and _num(low) > _num(high):
                notes.append(
                    f"resource {spec.name}: field {fs.name}: minimum {low} > maximum {high}"
                )
            low, high = c.get("minLength"), c.get("maxLength")
            if low is not None and high is not None and _num(low) > _num(high):
                notes.append(
                    f"resource {spec.name}: field {fs.name}: minLength {low} > maxLength {high}"
                )
            if "enum" in c and isinstance(c["enum"], list) and not c["enum"]:
                notes.append(f"resource {spec.name}: field {fs.name}: enum is empty")
            if "pattern" in c:
                try:
                    re.compile(str(c["pattern"]))
                except re.error as exc:
                    notes.append(
                        f"resource {spec.name}: field {fs.name}: pattern does not compile: {exc}"
                    )
    if notes:
        raise DescriptorError(path, notes)


def _num(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")
