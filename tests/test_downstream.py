"""Downstream use: a package of another project on this schema, its conformance, CI gating."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from casualty_schema import __version__, validate
from casualty_schema.cli import app
from casualty_schema.downstream.init import init_package, schema_range
from casualty_schema.report import Report
from tests.builder import copy_bundled

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the environment's scripts: casualty-schema is here
runner = CliRunner()

# A small monitor of another conflict, with its own actors, places and metrics.
ROWS: dict[str, list[dict[str, str]]] = {
    "actors": [
        {
            "actor_id": "monitor",
            "name": "Monitor",
            "name_en": "A monitor",
            "kind": "monitoring_group",
        },
        {
            "actor_id": "air-force",
            "name": "Air force",
            "name_en": "An air force",
            "kind": "armed_forces",
            "country": "XX",
        },
    ],
    "places": [
        {
            "place_id": "land",
            "name": "Land",
            "name_en": "Land",
            "kind": "country",
            "iso_3166": "XX",
        },
        {
            "place_id": "town",
            "name": "Town",
            "name_en": "Town",
            "kind": "town",
            "parent_id": "land",
        },
    ],
    "metrics": [
        {
            "metric_id": "deaths",
            "label_en": "Deaths",
            "unit": "people",
            "kind": "flow",
            "additive": "true",
            "keywords": "killed",
            "description": "People killed.",
        },
    ],
    "sources": [
        {
            "source_id": "report-1",
            "title": "Report 1",
            "publisher": "Monitor",
            "published_date": "2021-03",
            "language": "en",
        },
    ],
    "claims": [
        {
            "claim_id": "monitor-total",
            "source_id": "report-1",
            "claimant_id": "monitor",
            "perpetrator_id": "air-force",
            "claim_date": "2021-03",
            "metric": "deaths",
            "places": "land",
            "period_start": "2020",
            "period_end": "2020",
            "qualifier": "at_least",
            "value": "120",
            "value_text": "120",
            "stance": "alleged",
            "quote": "at least 120 people were killed in 2020",
            "quote_lang": "en",
        },
        {
            "claim_id": "monitor-town",
            "source_id": "report-1",
            "claimant_id": "monitor",
            "perpetrator_id": "air-force",
            "claim_date": "2021-03",
            "metric": "deaths",
            "places": "town",
            "period_start": "2020-06",
            "period_end": "2020-06",
            "qualifier": "exact",
            "value": "12",
            "value_text": "12",
            "stance": "alleged",
            "quote": "12 were killed in the town in June",
            "quote_lang": "en",
        },
    ],
    "relations": [
        {"claim_id": "monitor-town", "relation": "part_of", "related_claim_id": "monitor-total"},
    ],
}


def write_rows(root: Path, resource: str, rows: list[dict[str, str]]) -> None:
    path = root / "data" / f"{resource}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def downstream(tmp_path: Path) -> Path:
    descriptor = init_package(tmp_path / "monitor-x")
    for resource, rows in ROWS.items():
        write_rows(descriptor.parent, resource, rows)
    descriptor_data = json.loads(descriptor.read_text(encoding="utf-8"))
    descriptor_data["temporal"] = {"start": "2020-01-01"}
    descriptor.write_text(json.dumps(descriptor_data, indent=2), encoding="utf-8")
    return descriptor.parent


def edit_schema(root: Path, resource: str, change: Any) -> None:
    path = root / "datapackage.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    res = next(r for r in data["resources"] if r["name"] == resource)
    change(res["schema"])
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def field(schema: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(f for f in schema["fields"] if f["name"] == name)
    return found


def enum(schema: dict[str, Any], name: str) -> list[str]:
    codes: list[str] = field(schema, name)["constraints"]["enum"]
    return codes


def test_init_creates_an_empty_valid_package(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "new")])
    assert result.exit_code == 0, result.output
    report = validate(tmp_path / "new")
    assert report.valid
    assert report.warnings == 0
    data = json.loads((tmp_path / "new/datapackage.json").read_text(encoding="utf-8"))
    assert data["casualtySchema"] == schema_range(__version__)
    assert data["name"] == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["new"]  # nothing written beside it


def test_init_refuses_an_existing_package(tmp_path: Path) -> None:
    init_package(tmp_path / "p")
    result = runner.invoke(app, ["init", str(tmp_path / "p")])
    assert result.exit_code == 2
    assert "already holds a package" in result.output


def test_downstream_package_with_its_own_rows_validates_clean(tmp_path: Path) -> None:
    report = validate(downstream(tmp_path))
    assert report.findings == []
    assert report.rows["claims"] == 2


def test_rules_hold_for_downstream_rows(tmp_path: Path) -> None:
    root = downstream(tmp_path)
    claims = [dict(c) for c in ROWS["claims"]]
    claims[0].update(qualifier="exact", quote="120 people were killed in 2020")
    claims[1].update(value="200", value_text="200", quote="200 were killed in the town in June")
    write_rows(root, "claims", claims)  # a part above its whole, through places.parent_id
    rules = {f.rule for f in validate(root).findings}
    assert {"series.nesting", "relations.part-of"} <= rules


@pytest.mark.parametrize(
    ("change", "resource", "field_name"),
    [
        (lambda s: field(s, "quote_en").update(name="quote_english"), "claims", "quote_english"),
        (lambda s: field(s, "value").update(type="number"), "claims", "value"),
        (lambda s: field(s, "value")["constraints"].pop("minimum"), "claims", "value"),
        (lambda s: enum(s, "qualifier").append("roughly"), "claims", "qualifier"),
        (lambda s: enum(s, "kind").append("militia"), "actors", "kind"),
    ],
    ids=["renamed-field", "changed-type", "loosened-constraint", "unknown-code", "unknown-kind"],
)
def test_nonconforming_schema_is_reported_before_rows(
    tmp_path: Path, change: Any, resource: str, field_name: str
) -> None:
    root = downstream(tmp_path)
    edit_schema(root, resource, change)
    report = validate(root)
    conformance = [f for f in report.findings if f.rule == "conformance-error"]
    assert conformance, report.findings
    assert any(f.resource == resource and f.field == field_name for f in conformance), conformance
    assert not report.valid


def test_stricter_schema_conforms(tmp_path: Path) -> None:
    root = downstream(tmp_path)
    edit_schema(
        root, "claims", lambda s: field(s, "quote_en").update(constraints={"maxLength": 2000})
    )
    edit_schema(
        root, "claims", lambda s: field(s, "qualifier")["constraints"]["enum"].remove("vague")
    )
    assert validate(root).findings == []


def _stating(tmp_path: Path, version_range: str | None) -> Report:
    """The report on a downstream package stating ``version_range`` (None: stating none)."""
    root = downstream(tmp_path)
    data = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    if version_range is None:
        del data["casualtySchema"]
    else:
        data["casualtySchema"] = version_range
    (root / "datapackage.json").write_text(json.dumps(data), encoding="utf-8")
    return validate(root)


def test_no_stated_version_is_a_warning(tmp_path: Path) -> None:
    report = _stating(tmp_path, None)
    assert [(f.rule, f.severity) for f in report.findings] == [("schema-version", "warning")]
    assert report.valid


def test_unsatisfied_version_is_an_error(tmp_path: Path) -> None:
    report = _stating(tmp_path, ">=9.0")
    f = next(f for f in report.findings if f.rule == "schema-version")
    assert f.severity == "error"
    assert "pip install 'casualty-schema>=9.0'" in f.message


def test_a_version_range_pip_cannot_read_is_an_error(tmp_path: Path) -> None:
    report = _stating(tmp_path, "0.1 or later")
    f = next(f for f in report.findings if f.rule == "schema-version")
    assert (f.severity, f.field, f.value) == ("error", "casualtySchema", "0.1 or later")
    assert "is not a version range" in f.message


def test_schema_export(tmp_path: Path) -> None:
    result = runner.invoke(app, ["schema", "export", "claims", "--format", "table-schema"])
    assert result.exit_code == 0
    exported = json.loads(result.output)
    assert [f["name"] for f in exported["fields"]][:2] == ["claim_id", "source_id"]
    every = json.loads(runner.invoke(app, ["schema", "export", "--format", "json-schema"]).output)
    assert set(every) == {"claims", "sources", "actors", "metrics", "places", "relations"}
    assert runner.invoke(app, ["schema", "export", "events"]).exit_code == 2


# --- gating pull requests -------------------------------------------------------------------


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=repo, check=True, capture_output=True,
    )  # fmt: skip


@pytest.fixture
def sample_repo(tmp_path: Path) -> Path:
    """A repository holding the bundled package, with an old warning already committed."""
    repo = tmp_path / "repo"
    repo.mkdir()
    copy_bundled(repo)
    rows = list(csv.DictReader((repo / "data/claims.csv").open(encoding="utf-8")))
    rows[0]["notes"] = "=1+1"  # cells.formula: an old warning
    _write(repo / "data/claims.csv", rows)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    return repo


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def add_bad_claim(repo: Path) -> None:
    rows = list(csv.DictReader((repo / "data/claims.csv").open(encoding="utf-8")))
    bad = dict(rows[-1], claim_id="mp-hussein-2017-new", value="999")  # value_text says 20 ألف
    _write(repo / "data/claims.csv", [*rows, bad])


def test_changed_since_reports_only_new_rows(sample_repo: Path) -> None:
    assert [f.rule for f in validate(sample_repo).findings] == ["cells.formula"]
    add_bad_claim(sample_repo)
    git(sample_repo, "commit", "-qam", "add a claim")
    everything = validate(sample_repo)
    assert {f.rule for f in everything.findings} >= {"cells.formula", "quote.value"}
    changed = validate(sample_repo, changed_since="HEAD~1")
    assert {(f.rule, f.key) for f in changed.findings} == {
        ("quote.value", "mp-hussein-2017-new"),
    } | {(f.rule, f.key) for f in changed.findings if f.key == "mp-hussein-2017-new"}
    assert all(f.key == "mp-hussein-2017-new" for f in changed.findings)
    assert not changed.valid


def test_strict_changed_since_passes_a_data_edit(tmp_path: Path) -> None:
    """The repository's own package, as committed, and one note edited: nothing the release
    manages (bytes, hash) goes stale in the working tree, so --strict has nothing to fail on."""
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy2(ROOT / "datapackage.json", repo / "datapackage.json")
    shutil.copytree(ROOT / "data", repo / "data")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    rows = list(csv.DictReader((repo / "data/claims.csv").open(encoding="utf-8")))
    rows[0]["notes"] = "Checked against the statement again."
    _write(repo / "data/claims.csv", rows)
    result = runner.invoke(app, ["validate", str(repo), "--changed-since", "HEAD", "--strict"])
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output


def test_changed_since_unknown_ref_exits_2(sample_repo: Path) -> None:
    result = runner.invoke(app, ["validate", str(sample_repo), "--changed-since", "nope"])
    assert result.exit_code == 2
    assert "nope" in result.output


def _env(repo: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


@pytest.mark.slow
def test_github_action_validate_step(sample_repo: Path, tmp_path: Path) -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "validate")
    summary = tmp_path / "summary.md"
    inputs = {k: v["default"] for k, v in action["inputs"].items()}

    def run(**overrides: str) -> subprocess.CompletedProcess[str]:
        values = {**inputs, **overrides}
        env = {k: v.replace("${{ inputs.package }}", values["package"])
                   .replace("${{ inputs.changed-since }}", values["changed-since"])
                   .replace("${{ inputs.strict }}", values["strict"])
               for k, v in step["env"].items()}  # fmt: skip
        return subprocess.run(
            ["bash", "-e", "-c", step["run"]], cwd=sample_repo, text=True, capture_output=True,
            env=_env(sample_repo, GITHUB_STEP_SUMMARY=str(summary), **env),
        )  # fmt: skip

    ok = run()
    assert ok.returncode == 0, ok.stderr
    assert "::warning file=data/claims.csv,line=2,title=cells.formula::" in ok.stdout
    assert "casualty-schema" in summary.read_text(encoding="utf-8")
    assert run(strict="true").returncode == 1
    add_bad_claim(sample_repo)
    git(sample_repo, "commit", "-qam", "add a claim")
    bad = run(**{"changed-since": "HEAD~1"})
    assert bad.returncode == 1
    assert "title=quote.value" in bad.stdout
    assert "cells.formula" not in bad.stdout
    assert "❌ invalid" in summary.read_text(encoding="utf-8")


def test_github_action_installs_the_tool_of_its_own_ref(tmp_path: Path) -> None:
    """By default the action installs casualty-schema from its own checkout (the ref in
    ``uses:``), not the newest release; ``version`` asks PyPI for another."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "install")
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "python").write_text('#!/bin/sh\necho "$@"\n', encoding="utf-8")
    (fake / "python").chmod(0o755)

    def install(version: str) -> str:
        env = {"PATH": f"{fake}{os.pathsep}{os.environ['PATH']}", "VERSION": version,
               "GITHUB_ACTION_PATH": "/runner/_actions/casualty-schema/v0.2.0"}  # fmt: skip
        done = subprocess.run(["bash", "-e", "-c", step["run"]], env=env, text=True,
                              capture_output=True, check=True)  # fmt: skip
        return done.stdout.strip()

    assert action["inputs"]["version"]["default"] == ""
    assert install("").endswith("install --disable-pip-version-check "
                                "/runner/_actions/casualty-schema/v0.2.0")  # fmt: skip
    assert install("==0.1.0").endswith("install --disable-pip-version-check casualty-schema==0.1.0")


@pytest.mark.slow
def test_pre_commit_hook(sample_repo: Path) -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["pass_filenames"] is False
    entry = hook["entry"].split()
    ok = subprocess.run(
        entry, cwd=sample_repo, capture_output=True, text=True, env=_env(sample_repo)
    )
    assert ok.returncode == 0, ok.stdout
    add_bad_claim(sample_repo)
    bad = subprocess.run(
        entry, cwd=sample_repo, capture_output=True, text=True, env=_env(sample_repo)
    )
    assert bad.returncode == 1
    assert "quote.value" in bad.stdout


def test_init_leaves_out_the_canonical_release_record(tmp_path: Path) -> None:
    descriptor = json.loads(init_package(tmp_path / "p").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        assert "bytes" not in resource
        assert "hash" not in resource
