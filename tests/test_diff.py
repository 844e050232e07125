"""casualty-schema diff: each class of schema change with its bump, the data diff, the
correction policy, reading OLD/NEW from directories, archives and git refs, the CLI."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from casualty_schema.api import validate
from casualty_schema.cli import app
from casualty_schema.compare.diff import Bump, Diff, diff_packages, diff_specs
from casualty_schema.package.descriptor import load_package
from casualty_schema.package.source import SourceError, extract_zip, open_package
from casualty_schema.render import render_diff
from tests.builder import GIT_ENV, PackageCopy

runner = CliRunner()
HEADLINE = "oir-2019-05-31-civilian-deaths-1300-headline"
STATEMENT = "oir-2019-05-31-civilian-deaths-1302"


class Pkg(PackageCopy):
    """A copy of the bundled package whose descriptor tests also change."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        super().__init__(directory)

    def edit(self, change: Callable[[dict[str, Any], Path], None]) -> Pkg:
        descriptor = json.loads(self.descriptor.read_text(encoding="utf-8"))
        change(descriptor, self.root)
        self.descriptor.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2))
        return self

    def remove(self, resource: str, key: str) -> Pkg:
        column = {"relations": "claim_id"}.get(resource, f"{resource[:-1]}_id")
        self.write(resource, [r for r in self.rows(resource) if r[column] != key])
        return self


def res(d: dict[str, Any], name: str) -> dict[str, Any]:
    resource: dict[str, Any] = next(r for r in d["resources"] if r["name"] == name)
    return resource


def fld(d: dict[str, Any], resource: str, name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        f for f in res(d, resource)["schema"]["fields"] if f["name"] == name
    )
    return found


def compare(old: PackageCopy, new: PackageCopy) -> Diff:
    return diff_specs(load_package(old.descriptor), load_package(new.descriptor))


def kinds(diff: Diff) -> list[tuple[str, Bump]]:
    return [(c.kind, c.bump) for c in diff.changes]


@pytest.fixture
def old(tmp_path: Path) -> Pkg:
    return Pkg(tmp_path / "old")


@pytest.fixture
def new(tmp_path: Path) -> Pkg:
    return Pkg(tmp_path / "new")


# --- schema changes, one class at a time ----------------------------------------------------

Change = Callable[[dict[str, Any], Path], None]


def _set(resource: str, field: str, **props: Any) -> Change:
    def change(d: dict[str, Any], _root: Path) -> None:
        f = fld(d, resource, field)
        for key, value in props.items():
            if value is None:
                f.pop(key, None)
            else:
                f[key] = value

    return change


def _constraint(resource: str, name: str, key: str, value: Any) -> Change:
    def change(d: dict[str, Any], _root: Path) -> None:
        constraints = fld(d, resource, name).setdefault("constraints", {})
        if value is None:
            constraints.pop(key, None)
        else:
            constraints[key] = value

    return change


def _schema(resource: str, key: str, value: Any) -> Change:
    def change(d: dict[str, Any], _root: Path) -> None:
        schema = res(d, resource)["schema"]
        if value is None:
            schema.pop(key, None)
        else:
            schema[key] = value

    return change


def _enum(resource: str, name: str, add: str | None = None, drop: str | None = None) -> Change:
    def change(d: dict[str, Any], _root: Path) -> None:
        codes = fld(d, resource, name)["constraints"]["enum"]
        if add:
            codes.append(add)
        if drop:
            codes.remove(drop)

    return change


def _remove_field(d: dict[str, Any], _root: Path) -> None:
    schema = res(d, "claims")["schema"]
    schema["fields"] = [f for f in schema["fields"] if f["name"] != "notes"]


def _swap_fields(d: dict[str, Any], _root: Path) -> None:
    fields = res(d, "claims")["schema"]["fields"]
    fields[-1], fields[-2] = fields[-2], fields[-1]


def _drop_source_fk(d: dict[str, Any], _root: Path) -> None:
    schema = res(d, "claims")["schema"]
    schema["foreignKeys"] = [fk for fk in schema["foreignKeys"] if fk["fields"] != ["source_id"]]


def _retarget_fk(d: dict[str, Any], _root: Path) -> None:
    for fk in res(d, "claims")["schema"]["foreignKeys"]:
        if fk["fields"] == ["perpetrator_id"]:
            fk["reference"] = {"resource": "sources", "fields": ["source_id"]}


def _add_resource(d: dict[str, Any], _root: Path) -> None:
    copy = json.loads(json.dumps(res(d, "metrics")))
    copy["name"] = "metrics-copy"
    d["resources"].append(copy)


def _remove_resource(d: dict[str, Any], _root: Path) -> None:
    d["resources"] = [r for r in d["resources"] if r["name"] != "relations"]


def _rename_resource(d: dict[str, Any], _root: Path) -> None:
    res(d, "relations")["name"] = "links"


def _move_resource(d: dict[str, Any], root: Path) -> None:
    shutil.copy(root / "data" / "relations.csv", root / "data" / "links.csv")
    res(d, "relations")["path"] = "data/links.csv"


def _top(key: str, value: Any) -> Change:
    def change(d: dict[str, Any], _root: Path) -> None:
        d[key] = value

    return change


def _resource_prop(resource: str, key: str, value: Any) -> Change:
    def change(d: dict[str, Any], _root: Path) -> None:
        res(d, resource)[key] = value

    return change


def _release_managed(d: dict[str, Any], _root: Path) -> None:
    d["version"] = "9.9.9"
    d["created"] = "2030-01-01T00:00:00Z"
    res(d, "claims")["bytes"] = 1
    res(d, "claims")["hash"] = "sha256:" + "0" * 64


M, m, p, N = Bump.MAJOR, Bump.MINOR, Bump.PATCH, Bump.NONE

SCHEMA_CASES: list[tuple[str, Change | None, Change, list[tuple[str, Bump]]]] = [
    # (id, change to both versions first, change to NEW, expected changes)
    ("field removed", None, _remove_field, [("field-removed", M)]),
    ("field renamed", None, _set("claims", "notes", name="comments"), [("field-renamed", M)]),
    ("fields reordered, exact", None, _swap_fields, [("fields-reordered", M)]),
    (
        "fields reordered, equal",
        _schema("claims", "fieldsMatch", "equal"),
        _swap_fields,
        [("fields-reordered", p)],
    ),
    ("type changed", None, _set("claims", "value", type="number"), [("field-type", M)]),
    ("format changed", None, _set("sources", "url", format=None), [("field-format", M)]),
    (
        "list delimiter changed",
        None,
        _set("claims", "places", delimiter=";"),
        [("field-parsing", M)],
    ),
    (
        "description changed",
        None,
        _set("claims", "value", description="Changed."),
        [("field-metadata", p)],
    ),
    (
        "minimum raised",
        None,
        _constraint("claims", "value", "minimum", 1),
        [("constraint-tightened", M)],
    ),
    (
        "minimum lowered",
        None,
        _constraint("claims", "value", "minimum", -1),
        [("constraint-loosened", m)],
    ),
    (
        "minimum removed",
        None,
        _constraint("claims", "value", "minimum", None),
        [("constraint-loosened", m)],
    ),
    (
        "maximum added",
        None,
        _constraint("claims", "value", "maximum", 10**9),
        [("constraint-tightened", M)],
    ),
    (
        "maximum lowered",
        None,
        _constraint("places", "latitude", "maximum", 80),
        [("constraint-tightened", M)],
    ),
    (
        "maximum raised",
        None,
        _constraint("places", "latitude", "maximum", 100),
        [("constraint-loosened", m)],
    ),
    (
        "required added",
        None,
        _constraint("claims", "notes", "required", True),
        [("constraint-tightened", M)],
    ),
    (
        "required removed",
        None,
        _constraint("claims", "quote_lang", "required", False),
        [("constraint-loosened", m)],
    ),
    (
        "unique added",
        None,
        _constraint("sources", "title", "unique", True),
        [("constraint-tightened", M)],
    ),
    (
        "pattern added",
        None,
        _constraint("claims", "value_text", "pattern", ".+"),
        [("constraint-tightened", M)],
    ),
    (
        "pattern removed",
        None,
        _constraint("claims", "source_id", "pattern", None),
        [("constraint-loosened", m)],
    ),
    (
        "pattern changed",
        None,
        _constraint("claims", "source_id", "pattern", "^[a-z0-9-]+$"),
        [("constraint-changed", M)],
    ),
    (
        "maxLength added",
        None,
        _constraint("claims", "quote", "maxLength", 500),
        [("constraint-tightened", M)],
    ),
    (
        "enum code added",
        None,
        _enum("claims", "stance", add="retracted"),
        [("enum-codes-added", m)],
    ),
    (
        "enum code removed",
        None,
        _enum("actors", "kind", drop="other"),
        [("enum-codes-removed", M)],
    ),
    (
        "enum codes added and removed",
        None,
        _enum("actors", "kind", add="court", drop="other"),
        [("enum-codes-removed", M), ("enum-codes-added", m)],
    ),
    (
        "enum added",
        None,
        _constraint("claims", "quote_lang", "enum", ["ar", "en"]),
        [("constraint-tightened", M)],
    ),
    (
        "enum removed",
        None,
        _constraint("claims", "stance", "enum", None),
        [("constraint-loosened", m)],
    ),
    (
        "primary key changed",
        None,
        _schema("sources", "primaryKey", ["source_id", "title"]),
        [("primary-key", M)],
    ),
    ("foreign key removed", None, _drop_source_fk, [("foreign-key-removed", m)]),
    ("foreign key changed", None, _retarget_fk, [("foreign-key-changed", M)]),
    (
        "fieldsMatch loosened",
        None,
        _schema("claims", "fieldsMatch", "equal"),
        [("fields-match-loosened", m)],
    ),
    (
        "fieldsMatch tightened",
        _schema("claims", "fieldsMatch", "superset"),
        _schema("claims", "fieldsMatch", "subset"),
        [("fields-match-tightened", M)],
    ),
    (
        "missingValues changed",
        None,
        _schema("claims", "missingValues", ["", "NA"]),
        [("missing-values", M)],
    ),
    ("resource added", None, _add_resource, [("resource-added", m)]),
    ("resource removed", None, _remove_resource, [("resource-removed", M)]),
    ("resource renamed", None, _rename_resource, [("resource-renamed", M)]),
    ("resource moved", None, _move_resource, [("resource-moved", p)]),
    (
        "resource dialect added",
        None,
        _resource_prop("claims", "dialect", {"delimiter": ","}),
        [("resource-reading", M)],
    ),
    (
        "resource title changed",
        None,
        _resource_prop("claims", "title", "Figures"),
        [("resource-metadata", p)],
    ),
    ("package title changed", None, _top("title", "Another"), [("package-metadata", p)]),
    ("package renamed", None, _top("name", "casualty-figures"), [("package-identity", M)]),
    (
        "coverage narrowed",
        None,
        _top("temporal", {"start": "2015-01-01"}),
        [("temporal-narrowed", M)],
    ),
    (
        "coverage widened",
        None,
        _top("temporal", {"start": "2014-01-01"}),
        [("temporal-widened", m)],
    ),
    ("release-managed properties", None, _release_managed, []),
]


@pytest.mark.parametrize(
    ("both", "change", "expected"),
    [case[1:] for case in SCHEMA_CASES],
    ids=[case[0] for case in SCHEMA_CASES],
)
def test_schema_change_classes(
    old: Pkg,
    new: Pkg,
    both: Change | None,
    change: Change,
    expected: list[tuple[str, Bump]],
) -> None:
    if both is not None:
        old.edit(both)
        new.edit(both)
    new.edit(change)
    diff = compare(old, new)
    assert kinds(diff) == expected
    assert diff.required_bump == max((b for _, b in expected), default=N)
    for c in diff.schema_changes:
        assert c.reason
        assert c.summary


def test_foreign_key_added_is_major(old: Pkg, new: Pkg) -> None:
    old.edit(_drop_source_fk)
    assert kinds(compare(old, new)) == [("foreign-key-added", M)]


def test_constraint_changes_carry_before_and_after(old: Pkg, new: Pkg) -> None:
    new.edit(_constraint("claims", "value", "minimum", 1))
    (change,) = compare(old, new).schema_changes
    assert (change.resource, change.field) == ("claims", "value")
    assert (change.before, change.after) == ({"minimum": 0}, {"minimum": 1})
    assert change.summary == "minimum raised from 0 to 1"


# The project's policy: fieldsMatch decides whether an added field breaks.
@pytest.mark.parametrize(
    ("old_match", "new_match", "required", "bump"),
    [
        ("exact", "exact", False, M),  # read by position: every column moves or is extra
        ("equal", "equal", False, M),  # every field must be in the file: old files lack it
        ("subset", "subset", False, M),  # the same
        ("superset", "superset", False, m),  # by name, and a file may lack a field
        ("partial", "partial", False, m),
        ("superset", "superset", True, M),  # a required field is never optional for old rows
        ("exact", "superset", False, M),  # the old version promised positions
    ],
)
def test_added_field_follows_fields_match(
    old: Pkg, new: Pkg, old_match: str, new_match: str, required: bool, bump: Bump
) -> None:
    old.edit(_schema("claims", "fieldsMatch", old_match))
    new.edit(_schema("claims", "fieldsMatch", new_match))

    def add(d: dict[str, Any], _root: Path) -> None:
        res(d, "claims")["schema"]["fields"].append(
            {"name": "confidence", "type": "string", "constraints": {"required": required}}
        )

    new.edit(add)
    diff = compare(old, new)
    (added,) = [c for c in diff.schema_changes if c.kind == "field-added"]
    assert added.bump == bump
    assert added.field == "confidence"
    assert (new_match if bump == m else "") in added.reason


# --- data changes -----------------------------------------------------------------------------


def test_row_changes_with_fields_before_and_after(old: Pkg, new: Pkg) -> None:
    new.set("claims", STATEMENT, value=1303, notes="")
    diff = compare(old, new)
    assert kinds(diff) == [("rows-changed", p)]
    claims = diff.table("claims")
    assert claims is not None
    assert claims.changed_rows == 1
    assert claims.changed.to_dicts()[0] == {
        "claim_id": STATEMENT,
        "field": "value",
        "before": "1302",
        "after": "1303",
    }
    (row,) = claims.changed_by_row()
    assert row["key"] == {"claim_id": STATEMENT}
    assert [c["field"] for c in row["changes"]] == ["value", "notes"]
    assert row["changes"][1]["after"] is None  # an empty cell is a missing value


def test_rows_added_and_removed(old: Pkg, new: Pkg) -> None:
    new.add("claims", base=STATEMENT, claim_id="oir-2019-05-31-civilian-deaths-1302-copy")
    new.remove("claims", HEADLINE)
    new.remove("relations", HEADLINE)
    diff = compare(old, new)
    assert set(kinds(diff)) == {("rows-added", m), ("rows-removed", M)}
    claims = diff.table("claims")
    relations = diff.table("relations")
    assert claims is not None
    assert relations is not None
    assert claims.added["claim_id"].to_list() == ["oir-2019-05-31-civilian-deaths-1302-copy"]
    assert claims.removed["claim_id"].to_list() == [HEADLINE]
    assert claims.added.columns == list(claims.columns)  # the whole row
    assert relations.removed.select(relations.key).to_dicts() == [
        {"claim_id": HEADLINE, "relation": "restates", "related_claim_id": STATEMENT}
    ]
    assert diff.required_bump == M


def test_composite_key(old: Pkg, new: Pkg) -> None:
    rows = new.rows("relations")
    rows[0]["note"] = "Reworded."
    new.write("relations", rows)
    relations = compare(old, new).table("relations")
    assert relations is not None
    assert relations.key == ("claim_id", "relation", "related_claim_id")
    (row,) = relations.changed_by_row()
    assert row["key"] == {
        "claim_id": HEADLINE,
        "relation": "restates",
        "related_claim_id": STATEMENT,
    }
    assert row["changes"][0]["field"] == "note"


def test_no_primary_key_compares_whole_rows(old: Pkg, new: Pkg) -> None:
    for pkg in (old, new):
        pkg.edit(_schema("places", "primaryKey", None))
    new.set("places", "syria", name_en="Syrian Arab Republic")
    places = compare(old, new).table("places")
    assert places is not None
    assert places.key == ()
    assert (places.added.height, places.removed.height, places.changed_rows) == (1, 1, 0)
    assert "whole rows" in str(places.note)


def test_an_unchanged_package_needs_no_bump(old: Pkg, new: Pkg) -> None:
    diff = compare(old, new)
    assert diff.changes == ()
    assert diff.required_bump == N
    assert all(t.empty for t in diff.tables)


def test_large_tables_are_compared_with_joins(tmp_path: Path) -> None:
    n = 200_000

    def package(directory: Path, frame: pl.DataFrame) -> Path:
        (directory / "data").mkdir(parents=True)
        frame.write_csv(directory / "data" / "t.csv")
        fields = [{"name": c, "type": "string"} for c in frame.columns]
        descriptor = {
            "name": "big",
            "resources": [
                {
                    "name": "t",
                    "path": "data/t.csv",
                    "schema": {"fields": fields, "primaryKey": ["id"]},
                }
            ],
        }
        (directory / "datapackage.json").write_text(json.dumps(descriptor))
        return directory

    ids = pl.int_range(n, eager=True).cast(pl.String)
    before = pl.DataFrame({"id": ids, "a": ids, "b": pl.repeat("x", n, eager=True)})
    after = (
        before.filter(pl.col("id") != "7")
        .with_columns(pl.when(pl.col("id") == "9").then(pl.lit("y")).otherwise("b").alias("b"))
        .vstack(pl.DataFrame({"id": ["new"], "a": ["1"], "b": ["z"]}))
    )
    start = time.perf_counter()
    diff = diff_packages(package(tmp_path / "a", before), package(tmp_path / "b", after))
    elapsed = time.perf_counter() - start
    t = diff.table("t")
    assert t is not None
    assert (t.added.height, t.removed.height, t.changed_rows) == (1, 1, 1)
    assert t.changed.to_dicts() == [{"id": "9", "field": "b", "before": "x", "after": "y"}]
    assert elapsed < 5, elapsed


# --- the correction policy ------------------------------------------------------------------


def test_a_removed_claim_replaced_by_a_correction_is_a_patch(old: Pkg, new: Pkg) -> None:
    """OLD already says the headline claim is corrected by another; NEW drops it (and, as
    its foreign keys require, the relations that name it): a correction, not a loss."""
    corrected = "oir-2019-05-31-civilian-deaths-1300-headline-corrected"
    for pkg in (old, new):
        pkg.add("claims", base=HEADLINE, claim_id=corrected)
        pkg.relate(corrected, "corrects", HEADLINE, "The headline's figure, corrected.")
    new.remove("claims", HEADLINE)
    new.write(
        "relations",
        [
            r
            for r in new.rows("relations")
            if HEADLINE not in (r["claim_id"], r["related_claim_id"])
        ],
    )
    diff = compare(old, new)
    assert set(kinds(diff)) == {("rows-replaced", p)}
    assert diff.required_bump == p
    claims = diff.table("claims")
    assert claims is not None
    assert claims.replaced.to_dicts() == [{"claim_id": HEADLINE, "replaced_by": corrected}]
    relations = diff.table("relations")
    assert relations is not None
    assert relations.replaced.height == 2  # restates and corrects


def test_a_removed_claim_without_a_correction_is_major(old: Pkg, new: Pkg) -> None:
    new.remove("claims", HEADLINE)
    new.remove("relations", HEADLINE)
    diff = compare(old, new)
    assert ("rows-removed", M) in kinds(diff)
    assert ("rows-replaced", p) not in kinds(diff)


# --- rendering --------------------------------------------------------------------------------


def _many_changes(old: Pkg, new: Pkg) -> Diff:
    rows = new.rows("claims")
    for r in rows:
        r["notes"] = "Checked again."
    new.write("claims", rows)
    new.edit(_constraint("claims", "value", "minimum", 1))
    return compare(old, new)


def test_text_and_markdown_cap_what_they_list(old: Pkg, new: Pkg) -> None:
    diff = _many_changes(old, new)
    text = render_diff(diff, "text", limit=3)
    assert text.count("    ~ ") == 3
    assert "… and 18 more changed rows (--limit 0 lists all)" in text
    assert "required bump: major" in text
    assert "minimum raised from 0 to 1" in text
    md = render_diff(diff, "markdown", limit=3)
    assert "… and 18 more changed rows" in md
    assert "**Required bump: major**" in md
    assert render_diff(diff, "text", limit=None).count("    ~ ") == 21


def test_json_lists_everything_and_equals_to_dict(old: Pkg, new: Pkg) -> None:
    diff = _many_changes(old, new)
    data = json.loads(render_diff(diff, "json", limit=1))
    assert data == json.loads(json.dumps(diff.to_dict()))
    assert data["layout"] == "casualty-schema/diff/2"
    assert data["required_bump"] == "major"
    (claims,) = [t for t in data["tables"] if t["resource"] == "claims"]
    assert len(claims["changed"]) == claims["counts"]["changed"] == 21


# --- reading OLD and NEW ------------------------------------------------------------------------


def _zip(directory: Path, archive: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                zf.write(path, prefix + path.relative_to(directory).as_posix())
    return archive


def test_archives_and_descriptors_are_read(old: Pkg, new: Pkg, tmp_path: Path) -> None:
    new.set("claims", STATEMENT, value=1303)
    archive = _zip(old.root, tmp_path / "old.zip")
    nested = _zip(old.root, tmp_path / "nested.zip", prefix="casualty-claims-0.1.0/")
    for location in (archive, nested, old.descriptor, old.root):
        diff = diff_packages(location, new.root)
        assert kinds(diff) == [("rows-changed", p)], location


@pytest.mark.parametrize(
    ("entry", "message"),
    [("../evil.txt", "escapes"), ("/etc/evil", "escapes"), ("a/../../evil", "escapes")],
)
def test_zip_slip_is_refused(tmp_path: Path, entry: str, message: str) -> None:
    archive = tmp_path / "slip.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("datapackage.json", "{}")
        zf.writestr(zipfile.ZipInfo(entry), "x")
    with pytest.raises(SourceError, match=message), open_package(archive):
        pass
    assert not (tmp_path.parent / "evil.txt").exists()


def test_links_in_archives_are_refused(tmp_path: Path) -> None:
    archive = tmp_path / "link.zip"
    info = zipfile.ZipInfo("data")
    info.external_attr = 0o120777 << 16  # a symbolic link
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(info, "/etc")
    with pytest.raises(SourceError, match="a link"), open_package(archive):
        pass


def encrypted(archive: Path) -> Path:
    """``archive`` with every entry marked encrypted (general purpose flag bit 0, in the
    local header at offset 6 and the central directory at offset 8), as an archive made
    with a password is: zipfile then asks for the password to read it."""
    data = bytearray(archive.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            data[at + offset] |= 0x1
            at = data.find(signature, at + 4)
    archive.write_bytes(bytes(data))
    return archive


def test_encrypted_entries_are_refused(old: Pkg, new: Pkg, tmp_path: Path) -> None:
    """In a diff's OLD or NEW, and in a release's baseline: a one-line error, exit 2."""
    archive = encrypted(_zip(old.root, tmp_path / "old.zip"))
    with pytest.raises(SourceError, match=r"refusing entry 'data/.*': it is encrypted"):
        extract_zip(archive, tmp_path / "out")
    result = runner.invoke(app, ["diff", str(archive), str(new.root)])
    assert result.exit_code == 2, result.output
    assert "it is encrypted" in result.output
    assert "Traceback" not in result.output


def test_duplicate_entries_are_refused(tmp_path: Path) -> None:
    archive = tmp_path / "twice.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("datapackage.json", "{}")
        with pytest.warns(UserWarning, match="Duplicate name"):
            zf.writestr("datapackage.json", '{"resources": []}')
    with pytest.raises(SourceError, match="occurs twice"), open_package(archive):
        pass


def test_zip_bombs_are_refused(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.bin", b"\0" * 20_000_000)  # compresses to ~20 kB
    assert archive.stat().st_size < 100_000
    with pytest.raises(SourceError, match="more than the limit"):
        extract_zip(archive, tmp_path / "out", max_bytes=10_000_000)
    with pytest.raises(SourceError, match="more than 0 entries"):
        extract_zip(archive, tmp_path / "out", max_entries=0)


def test_sizes_that_lie_are_caught_while_extracting(tmp_path: Path) -> None:
    archive = tmp_path / "liar.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.bin", b"\0" * 5_000_000)
    data = bytearray(archive.read_bytes())
    # claim 1 kB in the central directory (uncompressed size at offset 24 of the entry)
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (1000).to_bytes(4, "little")
    archive.write_bytes(bytes(data))
    # zipfile stops at the declared size, and the checksum then gives the lie away
    with pytest.raises(SourceError, match="broken zip archive"):
        extract_zip(archive, tmp_path / "out", max_bytes=1_000_000)
    assert (tmp_path / "out" / "zeros.bin").stat().st_size <= 1000


def test_broken_and_missing_inputs_are_one_line_errors(old: Pkg, tmp_path: Path) -> None:
    archive = _zip(old.root, tmp_path / "good.zip")
    corrupt = bytearray(archive.read_bytes())
    middle = len(corrupt) // 3
    corrupt[middle : middle + 200] = b"\xff" * 200
    (tmp_path / "corrupt.zip").write_bytes(bytes(corrupt))
    (tmp_path / "notes.txt").write_text("not a package")
    (tmp_path / "bad" / "x").mkdir(parents=True)
    (tmp_path / "bad" / "datapackage.json").write_text("{not json")
    cases = [
        tmp_path / "corrupt.zip",
        tmp_path / "notes.txt",
        tmp_path / "missing" / "datapackage.json",
        tmp_path / "bad",
        "no-such-ref",
    ]
    for location in cases:
        with pytest.raises(SourceError) as error, open_package(location, repo=tmp_path):
            pass
        assert "\n" not in str(error.value), location


@contextmanager
def unblocked(fifo: Path, after: float = 10) -> Iterator[None]:
    """If a reader is still blocked on ``fifo`` after ``after`` seconds, open its other end
    and close it, so that the reader gets an empty file instead of hanging the test."""
    stop = threading.Event()

    def rescue() -> None:
        if not stop.wait(after):
            with suppress(OSError):  # no reader: nothing to unblock
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    thread = threading.Thread(target=rescue, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@pytest.mark.parametrize("kind", ["link out", "fifo", "/dev/zero"])
def test_diff_reads_files_as_validate_does(old: Pkg, new: Pkg, tmp_path: Path, kind: str) -> None:
    """diff applies validate's path rules: a link out of the package is not followed (its
    target is never printed), a FIFO does not hang it, /dev/zero is not read until memory
    runs out. The file is a one-line error naming the side, with the reason (exit 2 in the
    CLI), never "no changes"."""
    actors = new.path("actors")
    actors.unlink()
    if kind == "link out":
        secret = tmp_path / "secret.csv"
        secret.write_text("actor_id,name\nSECRET-ROW,SECRET\n", encoding="utf-8")
        actors.symlink_to(secret)
        reason = "a symbolic link leads outside the package"
    elif kind == "fifo":
        os.mkfifo(actors)
        reason = "it is not a file"
    else:
        actors.symlink_to("/dev/zero")
        reason = "a symbolic link leads outside the package"
    with unblocked(actors), pytest.raises(SourceError) as refused:
        diff_packages(old.root, new.root)
    message = str(refused.value)
    assert reason in message
    assert message.startswith("NEW data/actors.csv")
    assert "SECRET" not in message
    assert "\n" not in message


# --- git refs ---------------------------------------------------------------------------------


@pytest.fixture
def git_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_git_refs_are_read(git_env: None, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    pkg = Pkg(repo / "package")  # the package in a subdirectory of the repository
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "first")
    git(repo, "tag", "v0.1.0")
    pkg.set("claims", STATEMENT, value=1303)
    git(repo, "commit", "-q", "-am", "second")
    pkg.set("claims", STATEMENT, value=1304)  # uncommitted
    assert kinds(diff_packages("v0.1.0", "HEAD", repo=pkg.root)) == [("rows-changed", p)]
    assert diff_packages("HEAD~1", "v0.1.0", repo=pkg.root).changes == ()
    diff = diff_packages("HEAD", pkg.root, repo=pkg.root)
    claims = diff.table("claims")
    assert claims is not None
    assert claims.changed.select("before", "after").row(0) == ("1303", "1304")
    with pytest.raises(SourceError, match=r"v9\.9\.9: no such tag, and no commit"):
        diff_packages("v9.9.9", pkg.root, repo=pkg.root)
    with pytest.raises(SourceError, match="no-such-ref: no such file, directory or git ref"):
        diff_packages("no-such-ref", pkg.root, repo=pkg.root)


RELEASED = "# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-11-22\n\nFirst release.\n"


def test_a_version_without_its_tag_is_its_release_commit(git_env: None, tmp_path: Path) -> None:
    """No tag v0.1.0: the commit at which the package's version became a released one (not a
    later commit that carries it on, nor an earlier one with the version but no release)."""
    repo = tmp_path / "repo"
    pkg = Pkg(repo / "package")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "0.1.0 in the descriptor, not yet released")
    pkg.set("claims", STATEMENT, value=1303)
    (pkg.root / "CHANGELOG.md").write_text(RELEASED, encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Release 0.1.0")
    release = git(repo, "rev-parse", "HEAD")
    pkg.set("claims", STATEMENT, value=1304)
    git(repo, "commit", "-q", "-am", "a contribution")
    diff = diff_packages("v0.1.0", "HEAD", repo=pkg.root)
    claims = diff.table("claims")
    assert claims is not None
    assert claims.changed.select("before", "after").row(0) == ("1303", "1304")
    assert diff.old.commit == release
    assert diff.old.found == f"no tag v0.1.0: commit {release[:12]}, which recorded release 0.1.0"
    assert diff.to_dict()["old"]["commit"] == release
    assert f"v0.1.0 (0.1.0; no tag v0.1.0: commit {release[:12]}" in render_diff(diff, "text")
    git(repo, "tag", "v0.1.0", "HEAD~2")  # a tag, when there is one, is what git says it is
    assert diff_packages("v0.1.0", "HEAD", repo=pkg.root).old.found is None


def test_refs_git_cannot_resolve_get_a_hint(git_env: None, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    pkg = Pkg(repo)
    (pkg.root / "CHANGELOG.md").write_text(RELEASED, encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Release 0.1.0")
    git(repo, "commit", "-q", "--allow-empty", "-m", "later")
    head = git(repo, "rev-parse", "HEAD~1")[:12]
    with pytest.raises(SourceError) as unknown:
        diff_packages("release-1", "HEAD", repo=repo)
    assert "git fetch --tags" in str(unknown.value)
    assert f"give its version, vX.Y.Z (this history records v0.1.0 at {head})" in str(unknown.value)
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    with pytest.raises(SourceError) as cut:
        diff_packages("v0.1.0", "HEAD", repo=shallow)
    assert "shallow" in str(cut.value)
    assert "git fetch --unshallow" in str(cut.value)


@pytest.mark.parametrize("ref", ["", "  "])
def test_an_empty_ref_is_a_usage_error_never_the_working_tree(
    git_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ref: str
) -> None:
    """What `git describe` prints in a clone without tags: nothing. Not "nothing changed"."""
    pkg = Pkg(tmp_path / "repo")
    git(pkg.root, "init", "-q", "-b", "main")
    git(pkg.root, "add", ".")
    git(pkg.root, "commit", "-q", "-m", "first")
    monkeypatch.chdir(pkg.root)
    for args, argument in (([ref, "HEAD"], "OLD"), (["HEAD", ref], "NEW")):
        result = runner.invoke(app, ["diff", *args, "--fail-on", "major"])
        assert result.exit_code == 2, result.output
        assert f"error: {argument}: empty" in result.output
        assert "nothing changed" not in result.output
    result = runner.invoke(app, ["validate", "--changed-since", ref])
    assert result.exit_code == 2, result.output
    assert "error: --changed-since: empty" in result.output
    result = runner.invoke(app, ["release", "--bump", "minor", "--baseline", ref, "--dry-run"])
    assert result.exit_code == 2, result.output
    assert "error: --baseline: empty" in result.output


def test_a_git_tree_over_the_cap_is_refused(git_env: None, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    Pkg(repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "first")
    with (
        pytest.raises(SourceError, match="larger than 10000 bytes"),
        open_package("HEAD", repo=repo, max_bytes=10_000),
    ):
        pass


# --- the command --------------------------------------------------------------------------------


def test_cli_exit_codes_and_formats(old: Pkg, new: Pkg) -> None:
    new.edit(_enum("claims", "stance", add="retracted"))
    args = ["diff", str(old.root), str(new.root)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "required bump: minor" in result.output
    assert runner.invoke(app, [*args, "--fail-on", "major"]).exit_code == 0
    assert runner.invoke(app, [*args, "--fail-on", "minor"]).exit_code == 1
    assert runner.invoke(app, [*args, "--fail-on", "patch"]).exit_code == 1
    result = runner.invoke(app, [*args, "--format", "json"])
    assert json.loads(result.output) == json.loads(
        json.dumps(diff_packages(old.root, new.root).to_dict())
    )
    result = runner.invoke(app, [*args, "--format", "markdown", "--limit", "0"])
    assert "| minor | `claims.stance` | enum codes added: retracted |" in result.output


def test_cli_bad_input_exits_2_without_a_traceback(old: Pkg, tmp_path: Path) -> None:
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    for bad in ("no-such-thing", str(tmp_path / "broken.zip")):
        result = runner.invoke(app, ["diff", bad, str(old.root)])
        assert result.exit_code == 2
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)


def test_reading_csv_keeps_text(old: Pkg, new: Pkg) -> None:
    """Values are compared as written: 1302 and 1302.0 differ, "" and a missing value don't."""
    rows = new.rows("claims")
    rows[3]["value"] = "1302.0"
    new.write("claims", rows)
    with new.path("claims").open(encoding="utf-8", newline="") as fh:
        assert any(r["value"] == "1302.0" for r in csv.DictReader(fh))
    claims = compare(old, new).table("claims")
    assert claims is not None
    assert claims.changed.select("before", "after").row(0) == ("1302", "1302.0")


def test_every_changelog_section_says_whether_users_must_act() -> None:
    from casualty_schema.render.diff import ACTION

    assert "must act" in ACTION[Bump.MAJOR]
    for bump in (Bump.MINOR, Bump.PATCH, Bump.NONE):
        assert "need not act" in ACTION[bump]


# --- any dialect validate reads, diff and --changed-since read -----------------------------

DIALECTS = {
    "semicolon": {"delimiter": ";"},
    "bom-crlf": {"bom": True, "newline": "\r\n"},
    "windows-1256": {"encoding": "windows-1256"},
}


def in_dialect(
    pkg: PackageCopy,
    *,
    delimiter: str = ",",
    bom: bool = False,
    newline: str = "\n",
    encoding: str = "utf-8",
) -> PackageCopy:
    """``pkg``'s claims rewritten in a dialect ``validate`` sniffs (or, for the encoding, that
    the descriptor declares). Only claims: a semicolon in sources.csv, whose texts hold more
    commas than semicolons, is sniffed as frictionless sniffs it, wrongly."""
    for path in [pkg.path("claims")]:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
        text = out.getvalue().replace("ی", "ي")  # Persian yeh: not in windows-1256
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
    if encoding != "utf-8":
        descriptor = json.loads(pkg.descriptor.read_text(encoding="utf-8"))
        res(descriptor, "claims")["encoding"] = encoding
        pkg.descriptor.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2))
    return pkg


def _claims_set(pkg: PackageCopy, key: str, **changes: str) -> None:
    """PackageCopy.set for a file in any dialect: rewrite the one cell in place."""
    encoding = "windows-1256" if "1256" in pkg.descriptor.read_text(encoding="utf-8") else "utf-8"
    path = pkg.path("claims")
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode(encoding) if bom else raw.decode(encoding)
    dialect = csv.Sniffer().sniff(text[:2000], delimiters=",;")
    newline = "\r\n" if "\r\n" in text else "\n"
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=dialect.delimiter))
    header = rows[0]
    for row in rows[1:]:
        if row[0] == key:
            for name, value in changes.items():
                row[header.index(name)] = value
    out = io.StringIO()
    csv.writer(out, delimiter=dialect.delimiter, lineterminator=newline).writerows(rows)
    path.write_bytes((raw[:3] if bom else b"") + out.getvalue().encode(encoding))


@pytest.mark.parametrize("dialect", list(DIALECTS))
def test_diff_reads_any_dialect_validate_reads(old: Pkg, new: Pkg, dialect: str) -> None:
    in_dialect(old, **DIALECTS[dialect])
    in_dialect(new, **DIALECTS[dialect])
    _claims_set(new, STATEMENT, value="1303")
    assert validate(old.root).findings == []  # validate reads it: so must diff
    diff = diff_packages(old.root, new.root)
    assert kinds(diff) == [("rows-changed", p)]
    claims = diff.table("claims")
    assert claims is not None
    assert claims.changed.select("field", "before", "after").row(0) == ("value", "1302", "1303")


@pytest.mark.parametrize("dialect", list(DIALECTS))
def test_changed_since_reads_any_dialect_validate_reads(
    git_env: None, tmp_path: Path, dialect: str
) -> None:
    pkg = in_dialect(Pkg(tmp_path / "repo"), **DIALECTS[dialect])
    git(pkg.root, "init", "-q", "-b", "main")
    git(pkg.root, "add", ".")
    git(pkg.root, "commit", "-q", "-m", "first")
    _claims_set(pkg, STATEMENT, value="1303")  # value_text 1,302 no longer denotes it
    report = validate(pkg.root, changed_since="HEAD")
    assert {(f.rule, f.key) for f in report.findings} == {("quote.value", STATEMENT)}


def test_a_file_diff_cannot_read_is_one_line_exit_2(old: Pkg, new: Pkg) -> None:
    new.path("claims").write_bytes(new.path("claims").read_bytes() + b"\xff\xfe broken\n")
    result = runner.invoke(app, ["diff", str(old.root), str(new.root)])
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1
    assert "data/claims.csv" in result.output
    assert "Traceback" not in result.output


def test_a_long_value_shows_the_part_that_changed(old: Pkg, new: Pkg) -> None:
    """Two notes alike for their first 150 characters: cut at 60, both sides printed the same."""
    from casualty_schema.render.diff import changelog

    common = "Checked against the coalition's statement of 31 May 2019, " * 3
    old.set("claims", STATEMENT, notes=common + "page 2.")
    new.set("claims", STATEMENT, notes=common + "page 3.")
    diff = compare(old, new)
    text = render_diff(diff, "text")
    line = next(x for x in text.splitlines() if x.strip().startswith("~"))
    assert line.endswith("notes: '…f 31 May 2019, page 2.' → '…f 31 May 2019, page 3.'"), line
    markdown = render_diff(diff, "markdown")
    assert "page 2.` → `…" in markdown
    assert "page 3.`" in markdown
    summary = changelog(diff)
    assert "page 2.` → `…" in summary
    assert "page 3.`" in summary
