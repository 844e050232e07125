"""pandera schemas of the typed frames, derived from the Table Schema at run time.

No field is listed here: each resource's :class:`pandera.polars.DataFrameSchema` is built
from ``datapackage.json`` (types → polars dtypes, ``required`` → not nullable, ``unique``,
``enum`` → isin, ``pattern`` → str_matches, ``minimum``/``maximum`` → ge/le,
``minLength``/``maxLength`` → str_length). pandera's own ``from_frictionless_schema`` exists
only for pandas and drops foreign keys, hence this. Validate eager frames: pandera skips
data checks on LazyFrames.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandera.polars as pa

from casualty_schema.package.bundled import bundled_package
from casualty_schema.package.descriptor import FieldSpec, ResourceSpec, load_package
from casualty_schema.types import polars_dtype


def _checks(field: FieldSpec) -> list[pa.Check]:
    c = field.constraints
    checks: list[pa.Check] = []
    if "enum" in c:
        checks.append(pa.Check.isin(list(c["enum"])))
    if "pattern" in c and field.type == "string":
        checks.append(pa.Check.str_matches(str(c["pattern"])))
    if "minimum" in c:
        checks.append(pa.Check.ge(c["minimum"]))
    if "maximum" in c:
        checks.append(pa.Check.le(c["maximum"]))
    if ("minLength" in c or "maxLength" in c) and field.type == "string":
        checks.append(pa.Check.str_length(c.get("minLength"), c.get("maxLength")))
    return checks


def resource_schema(resource: ResourceSpec) -> pa.DataFrameSchema:
    """The pandera schema of one resource's typed frame (extra columns allowed: the typed
    frames carry ``__row``, ``__line`` and derived columns)."""
    columns: dict[str, Any] = {
        f.name: pa.Column(
            polars_dtype(f),
            checks=_checks(f),
            nullable=not f.required,
            unique=f.unique,
            description=str(f.descriptor.get("description", "")) or None,
        )
        for f in resource.fields
    }
    return pa.DataFrameSchema(
        columns,
        name=resource.name,
        strict=False,
        unique=list(resource.primary_key) if len(resource.primary_key) > 1 else None,
    )


def schema(resource: str, package: Path | None = None) -> pa.DataFrameSchema:
    """The derived pandera schema of ``resource`` in ``package`` (default: the bundled one)."""
    spec = load_package(package or bundled_package())
    if resource not in spec.resources:
        raise KeyError(f"no resource {resource!r}; resources are {sorted(spec.resources)}")
    return resource_schema(spec.resources[resource])
