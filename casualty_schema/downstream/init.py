"""For downstream projects: start a package on this schema, export the schema for others.

``init_package`` writes an empty, valid package on the installed schema version, pinned to
it by the ``casualtySchema`` range; ``export_schemas`` gives the canonical schema as
standalone Table Schema or JSON Schema documents for consumers that do not use Python.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from casualty_schema.check.conformance import PROPERTY, canonical_package, schema_range
from casualty_schema.downstream.export import export_schema
from casualty_schema.package.bundled import bundled_version
from casualty_schema.package.descriptor import RESOURCE_RELEASE_MANAGED
from casualty_schema.paths import PathError, check_new_directory


class InitError(Exception):
    """The directory cannot receive a new package; the message says why."""


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "claims"


def init_package(directory: Path, name: str | None = None) -> Path:
    """Create an empty, valid package in ``directory`` (created if absent; refused if it
    already holds a datapackage.json or data/). Returns the descriptor's path. Atomic: the
    package is written beside the directory and moved into place at the end."""
    try:
        check_new_directory(directory)
    except PathError as error:
        raise InitError(str(error)) from None
    directory = directory.resolve()
    if (directory / "datapackage.json").exists() or (directory / "data").exists():
        raise InitError(f"{directory} already holds a package (datapackage.json or data/)")
    canonical = canonical_package()
    version = bundled_version()
    package_name = _slug(name or directory.name)
    if package_name == canonical.name:
        raise InitError(f"the name {package_name!r} is the canonical package's: choose another")
    descriptor: dict[str, Any] = {
        "$schema": canonical.descriptor.get("$schema"),
        "name": package_name,
        "title": name or directory.name,
        "version": "0.1.0",
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        PROPERTY: schema_range(version),
        "temporal": dict(canonical.descriptor.get("temporal") or {}),
        # the canonical resources, less the bytes and hash of the canonical release's files
        "resources": [
            {k: v for k, v in r.descriptor.items() if k not in RESOURCE_RELEASE_MANAGED}
            for r in canonical.resources.values()
        ],
    }
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".casualty-schema-init-", dir=directory.parent))
    try:
        (staging / "data" / "sources").mkdir(parents=True)
        for resource in canonical.resources.values():
            header = ",".join(resource.field_names) + "\n"
            (staging / resource.path).write_text(header, encoding="utf-8")
        (staging / "datapackage.json").write_text(
            json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        directory.mkdir(exist_ok=True)
        for item in sorted(staging.iterdir()):
            os.replace(item, directory / item.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return directory / "datapackage.json"


def export_schemas(resource: str | None, fmt: str) -> dict[str, Any]:
    """The canonical schema of ``resource`` (or of every resource, keyed by name) as
    ``fmt`` ("table-schema" or "json-schema")."""
    canonical = canonical_package()
    if resource is not None:
        if resource not in canonical.resources:
            raise KeyError(
                f"no resource {resource!r}; resources are {', '.join(canonical.resources)}"
            )
        return export_schema(canonical.resources[resource], fmt)
    return {name: export_schema(r, fmt) for name, r in canonical.resources.items()}
