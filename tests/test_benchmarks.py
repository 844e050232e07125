"""The benchmark's generator and the validator on small packages, so the benchmark cannot rot:
a generated package is clean, every planted fault is reported (and nothing else), and the
benchmark command runs end to end."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from benchmarks import run
from benchmarks.generate import (
    CONSISTENCY_RULES,
    FAULT_RULES,
    STRUCTURAL_RULES,
    GeneratedPackage,
    generate,
    read_faults,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> GeneratedPackage:
    return generate(tmp_path_factory.mktemp("clean"), 2_000, seed=1)


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> GeneratedPackage:
    return generate(tmp_path_factory.mktemp("faulty"), 2_000, seed=2, faults=1)


def test_generated_package_has_every_part(clean: GeneratedPackage) -> None:
    assert clean.rows["claims"] == 2_000
    assert all(clean.rows[name] > 0 for name in ("sources", "actors", "places", "relations"))
    descriptor = json.loads(clean.descriptor.read_text(encoding="utf-8"))
    canonical = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor == canonical  # the canonical schema, its temporal window included
    with (clean.root / "data" / "relations.csv").open(encoding="utf-8", newline="") as fh:
        relations = Counter(row["relation"] for row in csv.DictReader(fh))
    assert {"updates", "part_of", "restates"} <= set(relations)
    assert clean.source_texts > 0  # so that quote.source-text runs
    assert not (clean.root / "faults.json").exists()


def test_generated_package_is_clean(clean: GeneratedPackage) -> None:
    from casualty_schema import validate

    report = validate(clean.descriptor)
    assert [(f.rule, f.key, f.message) for f in report.findings] == []
    assert report.rows["claims"] == 2_000


def test_the_generator_knows_every_rule() -> None:
    from casualty_schema import RULES

    assert sorted(CONSISTENCY_RULES) == sorted(RULES)


def test_every_planted_fault_is_reported_and_nothing_else(faulty: GeneratedPackage) -> None:
    from casualty_schema import validate

    planted = read_faults(faulty.root)
    assert Counter(f.rule for f in planted) == Counter(FAULT_RULES)  # one of each
    assert set(STRUCTURAL_RULES) <= {f.rule for f in planted}
    report = validate(faulty.descriptor)
    found = Counter((f.rule, f.severity, f.resource, f.key) for f in report.findings)
    expected = Counter((f.rule, f.severity, f.resource, f.key) for f in planted)
    assert found == expected


def test_the_series_pairs_searched_group_by_group_are_the_same(
    faulty: GeneratedPackage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """series.nesting searches a large package's pairs a bucket of groups at a time
    (series.BUCKET_CLAIMS): in buckets of a few hundred claims, the findings are those of the
    whole."""
    from casualty_schema import validate
    from casualty_schema.rules import series

    whole = validate(faulty.descriptor, select=["series"]).findings
    monkeypatch.setattr(series, "BUCKET_CLAIMS", 300)
    assert validate(faulty.descriptor, select=["series"]).findings == whole
    assert {"series.nesting", "series.rounding"} <= {f.rule for f in whole}


def test_the_generator_is_deterministic(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", 1_000, seed=3, faults=1)
    second = generate(tmp_path / "b", 1_000, seed=3, faults=1)
    for name in ("claims", "sources", "relations", "places", "actors"):
        path = Path("data") / f"{name}.csv"
        assert (first.root / path).read_bytes() == (second.root / path).read_bytes(), name
    assert read_faults(first.root) == read_faults(second.root)


def test_skew_gives_one_claimant_that_share(tmp_path: Path) -> None:
    package = generate(tmp_path / "skew", 5_000, seed=4, skew=0.2)
    with (package.root / "data" / "claims.csv").open(encoding="utf-8", newline="") as fh:
        claimants = Counter(row["claimant_id"] for row in csv.DictReader(fh))
    assert claimants.most_common(1)[0][1] == 1_000


def test_the_generator_does_not_import_the_validator() -> None:
    """It takes the registries' rule ids and severities, the bounds and the spelling of
    numbers from casualty_schema, and nothing that validates: no pipeline, no structural
    checks, no api, no comparison or release code."""
    code = (
        "import sys, benchmarks.generate; "
        "validator = ('pipeline', 'api', 'check', 'compare', 'release'); "
        "sys.exit(any(m.split('.')[:2][-1] in validator "
        "for m in sys.modules if m.startswith('casualty_schema.')))"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0


@pytest.mark.slow
def test_the_benchmark_runs_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run.main(["--sizes", "bundled,1000", "--repeat", "1", "--frictionless-max", "0",
                     "--no-compile", "--work", str(tmp_path)]) == 0  # fmt: skip
    out = capsys.readouterr().out
    bundled = pl.read_csv(ROOT / "data" / "claims.csv").height  # the bundled claims
    assert f"| bundled | {bundled} |" in out
    assert "| 1,000 zipf | 1,000 |" in out
    assert "`--version`:" in out
    result = json.loads(next((tmp_path / "results").glob("run-*.json")).read_text())
    for case in result["cases"]:
        validate, floor = case["measurements"]["validate"], case["measurements"]["floor"]
        assert validate["exit_codes"] == [0], validate
        assert floor["exit_codes"] == [0], floor
        assert validate["peak_mb"] > 0
        assert 0 < validate["cpu_seconds"] < 10 * validate["seconds"]
    assert result["cases"][0]["measurements"]["version"]["exit_codes"] == [0]
