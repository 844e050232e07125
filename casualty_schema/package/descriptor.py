"""Stage 1 of the pipeline: the descriptor.

Reads ``datapackage.json``, checks it against the Data Package profile through frictionless,
and turns it into a :class:`PackageSpec`: plain, typed views of each resource's Table Schema
that every later stage derives from. Nothing about fields is typed anywhere else. Its JSON is
read within limits by :mod:`casualty_schema.package.reading`; everything checked of what it
describes before a file is read is here, which makes this module some 500 lines long.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from casualty_schema.errors import error
from casualty_schema.findings import findings_frame
from casualty_schema.package.reading import read_json

#: Properties a release writes (casualty_schema.release): never a change between versions.
RELEASE_MANAGED = frozenset({"version", "created"})
RESOURCE_RELEASE_MANAGED = frozenset({"bytes", "hash"})

# The text form of a partial date (casualty_schema.domain.partial_date reads it).
PARTIAL_DATE = r"[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?"

#: A safe name (Data Package: a name SHOULD be lowercase English alphanumerics plus ".", "-"
#: and "_"): a resource's name becomes a file name in a release (schema/<name>.*.json) and
#: the package's names its archive, so it must not hold a "/" or anything else a path reads.
NAME = re.compile(r"[a-z0-9._-]+")


def is_safe_name(name: object) -> bool:
    """``name`` is a Data Package name that can name a file: :data:`NAME`, and not a
    relative directory ("." or "..")."""
    return isinstance(name, str) and bool(NAME.fullmatch(name)) and name not in (".", "..")


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
    try:
        directory = package.is_dir()
    except (OSError, ValueError):  # a name too long, a NUL: read_json says so
        directory = False
    return package / "datapackage.json" if directory else package


def load_package(package: Path, *, check_profile: bool = True) -> PackageSpec:
    """Read and check the descriptor; raise :class:`DescriptorError` when it is unusable.
    ``check_profile=False`` skips the Data Package profile check through frictionless (for
    the installed canonical descriptor, which the test suite checks)."""
    path = descriptor_path(package)
    descriptor = read_json(path)
    if not isinstance(descriptor, dict):
        raise DescriptorError(path, [f"must be a JSON object, not {type(descriptor).__name__}"])
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        raise DescriptorError(path, ["it has no resources: 'resources' must be a non-empty list"])
    _check_size(path, descriptor)
    _check_inline(path, descriptor)
    if check_profile:
        _check_profile(path, descriptor)
    _check_shapes(path, descriptor)
    _check_names(path, descriptor)
    specs = {}
    for resource in resources:
        spec = _resource_spec(resource)
        specs[spec.name] = spec
    _check_schemas(path, specs)
    return PackageSpec(
        root=path.parent, descriptor_path=path, descriptor=descriptor, resources=specs
    )


#: The most resources a package, and fields a schema, may have: each costs the structural
#: stage a few milliseconds of work on its own (docs/performance.md), so that a descriptor of
#: the largest size would take an hour; the bundled package has 6 resources and at most 18
#: fields, frictionless's widest fixture (wide.csv) 9,074 columns (docs/security.md).
MAX_RESOURCES = 1_000
MAX_FIELDS = 20_000


def _check_size(path: Path, descriptor: dict[str, Any]) -> None:
    resources = descriptor["resources"]
    notes = []
    if len(resources) > MAX_RESOURCES:
        notes.append(
            f"it has {len(resources):,} resources, over the limit of {MAX_RESOURCES:,} "
            "(docs/security.md)"
        )
    for i, resource in enumerate(resources[:MAX_RESOURCES]):
        schema = resource.get("schema") if isinstance(resource, dict) else None
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if isinstance(fields, list) and len(fields) > MAX_FIELDS:
            name = resource.get("name", i + 1)
            notes.append(
                f"resource {name}: its schema has {len(fields):,} fields, over the limit of "
                f"{MAX_FIELDS:,} (docs/security.md)"
            )
    if notes:
        raise DescriptorError(path, notes)


def _check_inline(path: Path, descriptor: dict[str, Any]) -> None:
    """Everything must be in the descriptor, and safe to hand to frictionless: a schema or a
    profile given by path or URL is not read (nothing outside the package, nothing from the
    network), a pattern nests groups at most :data:`MAX_PATTERN_DEPTH` deep, and
    ``temporal`` is an object whose dates are partial dates."""
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
        notes.extend(
            _remote_profiles(resource, RESOURCE_PROFILES, f"resource {resource.get('name', i + 1)}")
        )
        notes.extend(_deep_patterns(resource))
    notes.extend(_remote_profiles(descriptor, PACKAGE_PROFILES, "the package"))
    temporal = descriptor.get("temporal")
    if temporal is not None:
        # its start and end; other properties (a name) are allowed, as a descriptor allows them
        dates = (
            [temporal[k] for k in ("start", "end") if k in temporal]
            if isinstance(temporal, dict)
            else []
        )
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


#: The profiles frictionless checks with the copies it ships: any other ``profile`` (a URL, a
#: path, an inline JSON Schema with its ``$ref``s) it would fetch or read from the working
#: directory while it checks the descriptor, so it is refused before (docs/security.md).
PACKAGE_PROFILES = ("data-package", "tabular-data-package")
RESOURCE_PROFILES = ("data-resource", "tabular-data-resource")


def _remote_profiles(descriptor: Mapping[str, Any], known: Sequence[str], where: str) -> list[str]:
    """A ``profile`` (or frictionless 5's ``profiles``) that is not one of ``known``."""
    given = [descriptor["profile"]] if "profile" in descriptor else []
    profiles = descriptor.get("profiles")
    given += profiles if isinstance(profiles, list) else [profiles] if profiles else []
    return [
        f"{where}: the profile {profile!r} is not read: a profile other than "
        f"{' or '.join(known)} is never fetched or read from a path (not even with "
        "--allow-remote); a $schema names the standard's version"
        for profile in given
        if not (isinstance(profile, str) and profile in known)
    ]


#: The deepest nesting of groups in a ``pattern``: Python's regex parser recurses once or
#: more per group, and stops with a RecursionError some 450 groups deep (docs/security.md).
MAX_PATTERN_DEPTH = 100
# an escape, a class (to its end, or to the end of an unterminated one: in one pass), a paren
_PATTERN_TOKEN = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*(?:\]|\Z)|[()]", re.DOTALL)


def pattern_depth(pattern: str) -> int:
    """How deep the groups of a regular expression nest (an escaped or bracketed parenthesis
    is not a group): an upper bound when the pattern does not parse."""
    if pattern.count("(") <= MAX_PATTERN_DEPTH:
        return pattern.count("(")
    level = deepest = 0
    for token in _PATTERN_TOKEN.findall(pattern):
        if token == "(":
            level += 1
            deepest = max(deepest, level)
        elif token == ")":
            level = max(level - 1, 0)
    return deepest


def _deep_patterns(resource: Mapping[str, Any]) -> list[str]:
    schema = resource.get("schema")
    fields = schema.get("fields") if isinstance(schema, dict) else None
    notes = []
    for f in fields if isinstance(fields, list) else []:
        constraints = f.get("constraints") if isinstance(f, dict) else None
        pattern = constraints.get("pattern") if isinstance(constraints, dict) else None
        if isinstance(pattern, str) and pattern_depth(pattern) > MAX_PATTERN_DEPTH:
            notes.append(
                f"resource {resource.get('name')}: field {f.get('name')}: the pattern nests "
                f"groups more than {MAX_PATTERN_DEPTH} deep, the limit (docs/security.md)"
            )
    return notes


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


def _check_names(path: Path, descriptor: dict[str, Any]) -> None:
    """Every resource name is a safe name (:func:`is_safe_name`). frictionless accepts any
    string under the Data Package 2.0 profile, and ``[-a-z0-9._/]+`` under 1.0; this is the
    2.0 rule that a name SHOULD follow, made a MUST, so "/" is not allowed."""
    notes = [
        f"resource {resource.get('name')!r}: a resource name must be lowercase letters, "
        "digits, '.', '-' and '_' (it names files in a release)"
        for resource in descriptor["resources"]
        if not is_safe_name(resource.get("name"))
    ]
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
        duplicated = sorted(n for n, count in Counter(names).items() if count > 1)
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
                except (re.error, RecursionError, OverflowError) as exc:
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
