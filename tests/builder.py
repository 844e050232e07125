"""Small named packages for tests: a copy of the bundled package, changed row by row."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: A git identity of its own and no user or system configuration, for tests that commit.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
KEYS = {
    "claims": "claim_id",
    "sources": "source_id",
    "actors": "actor_id",
    "metrics": "metric_id",
    "places": "place_id",
}


def copy_bundled(directory: Path) -> None:
    """The bundled package into ``directory``, as it is in the working tree (which records no
    ``bytes`` or ``hash``: only a release archive does)."""
    shutil.copy2(ROOT / "datapackage.json", directory / "datapackage.json")
    shutil.copytree(ROOT / "data", directory / "data")


def rename_field(pkg: PackageCopy, resource: str, old: str, new: str) -> None:
    """Rename a field in the schema and in its file's header (the data stays as it is)."""
    descriptor = json.loads(pkg.descriptor.read_text(encoding="utf-8"))
    fields = next(r for r in descriptor["resources"] if r["name"] == resource)["schema"]["fields"]
    next(f for f in fields if f["name"] == old)["name"] = new
    pkg.descriptor.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n")
    header, rest = pkg.path(resource).read_text(encoding="utf-8").split("\n", 1)
    labels = header.split(",")
    labels[labels.index(old)] = new
    pkg.path(resource).write_text(",".join(labels) + "\n" + rest, encoding="utf-8")


class PackageCopy:
    """A copy of the bundled package in ``directory`` that tests change in place."""

    def __init__(self, directory: Path) -> None:
        self.root = directory
        copy_bundled(directory)

    @property
    def descriptor(self) -> Path:
        return self.root / "datapackage.json"

    def path(self, resource: str) -> Path:
        return self.root / "data" / f"{resource}.csv"

    def rows(self, resource: str) -> list[dict[str, str]]:
        with self.path(resource).open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    def write(self, resource: str, rows: list[dict[str, str]]) -> None:
        with self.path(resource).open(encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh))
        # csv quotes a cell holding the line terminator, not one holding a lone CR, which a
        # reader takes for a line end: a file with such a cell is quoted throughout
        lone_cr = any("\r" in str(v) for row in rows for v in row.values())
        quoting = csv.QUOTE_ALL if lone_cr else csv.QUOTE_MINIMAL
        with self.path(resource).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n", quoting=quoting)
            writer.writeheader()
            writer.writerows(rows)

    def row(self, resource: str, key: str) -> dict[str, str]:
        return next(r for r in self.rows(resource) if r[KEYS[resource]] == key)

    def set(self, resource: str, key: str, **changes: Any) -> PackageCopy:
        rows = self.rows(resource)
        hits = [r for r in rows if r[KEYS[resource]] == key]
        assert hits, f"no {resource} row {key}"
        for r in hits:
            r.update({k: str(v) for k, v in changes.items()})
        self.write(resource, rows)
        return self

    def add(self, resource: str, base: str | None = None, **values: Any) -> PackageCopy:
        """Append a row: a copy of row ``base`` (or empty) with ``values``."""
        rows = self.rows(resource)
        row = dict(self.row(resource, base)) if base else dict.fromkeys(rows[0], "")
        row.update({k: str(v) for k, v in values.items()})
        rows.append(row)
        self.write(resource, rows)
        return self

    def relate(self, claim: str, relation: str, related: str, note: str = "") -> PackageCopy:
        rows = self.rows("relations")
        rows.append(
            {"claim_id": claim, "relation": relation, "related_claim_id": related, "note": note}
        )
        self.write("relations", rows)
        return self

    def row_number(self, resource: str, key: str) -> int:
        """The Frictionless row number of a record (header = 1)."""
        keys = [r[KEYS[resource]] for r in self.rows(resource)]
        return keys.index(key) + 2
