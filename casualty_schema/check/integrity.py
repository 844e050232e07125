"""The ``bytes`` and ``hash`` a descriptor records for each resource, checked against the files.

``casualty-schema release`` records each resource's size and SHA-256 in the descriptor of the
release archive only: the working tree's ``datapackage.json`` never carries them (the release
removes any it finds), so that no contribution makes them stale. Where a descriptor does
record them — a release archive, or a package that keeps them itself — a file that does not
match is an *error* (``byte-count``, ``hash-count``), as frictionless reports it: the file is
not the one released. ``validate dist/<name>-<version>.zip`` checks an archive this way.
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
    """An error for each resource whose file differs from its recorded bytes or hash."""
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
                _mismatch(error("byte-count"), name, resource.path, str(declared_bytes), size)
            )
        if isinstance(declared_hash, str):
            algorithm, _, digest = declared_hash.rpartition(":")
            algorithm = algorithm or "md5"  # Table Schema: a bare hash is MD5
            if algorithm in ALGORITHMS:
                actual = hashlib.new(algorithm, path.read_bytes()).hexdigest()
                if actual != digest.lower():
                    rows.append(
                        _mismatch(error("hash-count"), name, resource.path, declared_hash, actual)
                    )
    return findings_frame(rows)


def _mismatch(
    kind: ErrorType, resource: str, path: str, declared: str, actual: object
) -> dict[str, Any]:
    field = "hash" if kind.type == "hash-count" else "bytes"
    return kind.finding(
        resource=resource,
        path=path,
        field=field,
        value=declared,
        declared=declared,
        actual=actual,
        hint=HINT,
    )


HINT = (
    "in a working tree, delete bytes and hash from this resource in datapackage.json (a release "
    "records them in its archive); in a release archive, the file was changed after the release"
)
