"""Findings on rows added or changed since a git ref, for judging a pull request on what it adds.

Every check still runs on the whole package (a new claim can break a rule together with an
old one); only the findings are filtered: a finding is kept when its row's primary key is
one added or changed since the ref, or when it is not about a row (the descriptor, a
header). A resource that did not exist at the ref, has no primary key, or whose file cannot
be read at the ref or now (the structural stage reports that), keeps all its findings. A
finding that a pair of claims produces is reported on one of them (see each rule): when
that one is old, the finding is left out with it.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from casualty_schema.compare.rows import diff_table
from casualty_schema.package.descriptor import PackageSpec
from casualty_schema.package.source import Location, SourceError, locate, open_package

ARGUMENT = "--changed-since"


def since(ref: str | Location, package: Path) -> Location:
    """Where ``ref`` (a git ref, a version ``vX.Y.Z`` whose tag may be absent, a directory or
    an archive) is, looked up from the package at ``package``: resolved before any check runs,
    so that an empty or unknown ref fails at once (SourceError, naming the option)."""
    repo = package if package.is_dir() else package.parent
    return locate(ref, repo=repo, argument=ARGUMENT)


def changed_keys(spec: PackageSpec, ref: str | Location) -> pl.DataFrame:
    """(resource, key) of every row added or changed since ``ref``; key = the primary-key
    cells joined with ", ", as findings give it. key null: every row of the resource."""
    parts = []
    with open_package(ref, repo=spec.root, argument=ARGUMENT) as old:
        for name, resource in spec.resources.items():
            before = old.spec.resources.get(name)
            if before is None or not resource.primary_key:
                parts.append(pl.DataFrame({"resource": [name], "key": [None]}, schema=_SCHEMA))
                continue
            try:
                table = diff_table(old.spec, before, spec, resource)
            except SourceError:  # a file unreadable now is a finding; unreadable then, new
                parts.append(pl.DataFrame({"resource": [name], "key": [None]}, schema=_SCHEMA))
                continue
            if tuple(table.key) != tuple(resource.primary_key):
                parts.append(pl.DataFrame({"resource": [name], "key": [None]}, schema=_SCHEMA))
                continue
            key = pl.concat_str([pl.col(k) for k in table.key], separator=", ")
            added = table.added.select(key.alias("key"))
            changed = table.changed.select(key.alias("key"))
            parts.append(
                pl.concat([added, changed])
                .unique()
                .with_columns(resource=pl.lit(name))
                .select("resource", "key")
            )
    return pl.concat(parts) if parts else pl.DataFrame(schema=_SCHEMA)


_SCHEMA = {"resource": pl.String, "key": pl.String}


def only_changed(findings: pl.DataFrame, keys: pl.DataFrame) -> pl.DataFrame:
    """The findings about rows in ``keys``, and those about no row at all."""
    whole = keys.filter(pl.col("key").is_null()).get_column("resource")
    rows = keys.filter(pl.col("key").is_not_null())
    about_no_row = pl.col("row").is_null() | pl.col("key").is_null()
    kept = findings.filter(about_no_row | pl.col("resource").is_in(whole.implode()))
    on_changed = findings.filter(~about_no_row & ~pl.col("resource").is_in(whole.implode())).join(
        rows, on=["resource", "key"], how="semi"
    )
    return pl.concat([kept, on_changed])
