"""The ``bytes`` and ``hash`` a release records for each resource, checked against the files.

``casualty-schema release`` writes each resource's size and SHA-256 into datapackage.json.
Between releases the data changes with every contribution, so a mismatch is a *warning*
(``byte-count``, ``hash-count``: the frictionless names): the data changed since the
release that recorded them, and the next release records the new ones. frictionless calls
it an error; this deliberate difference is documented in docs/structure.md. In a release
archive the two match, which the release tests check.
"""

from __future__ import annotations

import hashlib
from typing import Any

import polars as pl

from casualty_schema.errors import ErrorType, error
from casualty_schema.findings import findings_frame
from casualty_schema.package.descriptor import PackageSpec

ALGORITHMS = ("md5", "sha1", "sha256", "sha512")


def check_integrity(package: PackageSpec) -> pl.DataFrame:
    """A warning for each resource whose file differs from its recorded bytes or hash."""
    rows: list[dict[str, Any]] = []
    root = package.root.resolve()
    for name, resource in package.resources.items():
        declared_bytes = resource.descriptor.get("bytes")
        declared_hash = resource.descriptor.get("hash")
        if declared_bytes is None and declared_hash is None:
            continue
        path = (root / resource.path).resolve()
        if not path.is_file() or not path.is_relative_to(root):
            continue  # the structural stage reports the file itself
        size = path.stat().st_size
        if isinstance(declared_bytes, int) and declared_bytes != size:
            rows.append(
                _warning(error("byte-count"), name, resource.path, str(declared_bytes), size)
            )
        if isinstance(declared_hash, str):
            algorithm, _, digest = declared_hash.rpartition(":")
            algorithm = algorithm or "md5"  # Table Schema: a bare hash is MD5
            if algorithm in ALGORITHMS:
                actual = hashlib.new(algorithm, path.read_bytes()).hexdigest()
                if actual != digest.lower():
                    rows.append(
                        _warning(error("hash-count"), name, resource.path, declared_hash, actual)
                    )
    return findings_frame(rows)


def _warning(
    kind: ErrorType, resource: str, path: str, declared: str, actual: object
) -> dict[str, Any]:
    field = "hash" if kind.type == "hash-count" else "bytes"
    return kind.finding(
        resource=resource, path=path, field=field, value=declared, declared=declared, actual=actual
    )
