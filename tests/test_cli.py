"""The CLI, run through typer's CliRunner, checked against the library."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import casualty_schema
from casualty_schema import validate
from casualty_schema.cli import app
from casualty_schema.errors import ERRORS
from tests.builder import PackageCopy

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


@pytest.fixture
def broken(tmp_path: Path) -> PackageCopy:
    """The bundled package with the 2019 strike total's quote stripped of its figure."""
    pkg = PackageCopy(tmp_path)
    pkg.set("claims", "oir-2019-05-31-airstrikes-34502", quote="وأشار التحالف الدولي في بيان")
    return pkg


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"casualty-schema {casualty_schema.__version__}"


def test_validate_bundled_package_exits_0() -> None:
    result = runner.invoke(app, ["validate", str(ROOT / "datapackage.json")])
    assert result.exit_code == 0, result.output
    assert "valid — 0 errors, 0 warnings" in result.output
    assert "rows in 6 resources" in result.output


def test_validate_accepts_a_directory(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(PackageCopy(tmp_path).root)])
    assert result.exit_code == 0, result.output


def test_validate_broken_copy_names_file_row_field_rule(broken: PackageCopy) -> None:
    result = runner.invoke(app, ["validate", str(broken.root)])
    assert result.exit_code == 1
    row = broken.row_number("claims", "oir-2019-05-31-airstrikes-34502")
    assert "data/claims.csv" in result.output
    assert "quote.value" in result.output
    assert f"\n{row} " in result.output or f" {row} " in result.output
    assert "value_text" in result.output
    assert "invalid" in result.output


def test_json_output_equals_the_library_report(broken: PackageCopy) -> None:
    result = runner.invoke(app, ["validate", str(broken.root), "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.output) == validate(broken.root).to_dict()


def test_github_output(broken: PackageCopy) -> None:
    result = runner.invoke(app, ["validate", str(broken.root), "--format", "github"])
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if x.startswith("::error"))
    row = broken.row_number("claims", "oir-2019-05-31-airstrikes-34502")
    assert f"line={row}," in line
    assert "title=quote.value::" in line
    assert "data/claims.csv" in line


def test_markdown_output(broken: PackageCopy) -> None:
    result = runner.invoke(app, ["validate", str(broken.root), "--format", "markdown"])
    assert result.exit_code == 1
    assert "| `quote.value` | 1 | 0 |" in result.output


def test_strict_makes_warnings_fail(tmp_path: Path) -> None:
    pkg = PackageCopy(tmp_path)
    pkg.set("metrics", "reports-open", keywords="xyz")  # quote.keywords warnings only
    assert runner.invoke(app, ["validate", str(pkg.root)]).exit_code == 0
    assert runner.invoke(app, ["validate", str(pkg.root), "--strict"]).exit_code == 1


def test_select_and_ignore(broken: PackageCopy) -> None:
    ignored = runner.invoke(app, ["validate", str(broken.root), "--ignore", "quote.value"])
    assert ignored.exit_code == 0, ignored.output
    selected = runner.invoke(app, ["validate", str(broken.root), "--select", "dates,refs"])
    assert selected.exit_code == 0
    family = runner.invoke(app, ["validate", str(broken.root), "--select", "quote"])
    assert family.exit_code == 1


def test_unknown_rule_is_a_usage_error(broken: PackageCopy) -> None:
    result = runner.invoke(app, ["validate", str(broken.root), "--select", "dates.nope"])
    assert result.exit_code == 2
    assert "unknown rule 'dates.nope'" in result.output


def test_validate_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert "nope.json" in result.output
    assert "Traceback" not in result.output


def test_validate_broken_descriptor_exits_2(tmp_path: Path) -> None:
    (tmp_path / "datapackage.json").write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "package-error" in result.output
    assert "not valid JSON" in result.output


def test_rules_lists_the_registry() -> None:
    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.output.splitlines()]
    assert listed == list(casualty_schema.RULES)


def test_rules_json() -> None:
    result = runner.invoke(app, ["rules", "--format", "json"])
    entries = json.loads(result.output)
    rules = [e["id"] for e in entries if e["kind"] == "rule"]
    structural = [e["id"] for e in entries if e["kind"] == "structural"]
    assert rules == list(casualty_schema.RULES)
    assert structural == list(ERRORS)
    assert [e["kind"] for e in entries] == ["rule"] * len(rules) + ["structural"] * len(structural)
    assert all(e["rationale"] for e in entries)


def test_every_registered_format_is_a_choice() -> None:
    """--format takes exactly the formats the renderers' registries declare."""
    from casualty_schema.render import DIFF_FORMATS, REPORT_FORMATS

    for name in REPORT_FORMATS:
        assert runner.invoke(app, ["validate", "--format", name]).exit_code == 0, name
    bundled = str(casualty_schema.PACKAGE_PATH)
    for name in DIFF_FORMATS:
        result = runner.invoke(app, ["diff", bundled, bundled, "--format", name])
        assert result.exit_code == 0, name
    assert runner.invoke(app, ["validate", "--format", "yaml"]).exit_code == 2


def test_github_limit_0_lists_every_annotation(tmp_path: Path) -> None:
    """More errors than GitHub shows: --limit 0 lists them all, as docs/cli.md says."""
    pkg = PackageCopy(tmp_path)
    for row in pkg.rows("claims")[:12]:
        pkg.set("claims", row["claim_id"], quote="لا رقم هنا")
    report = validate(pkg.root)
    assert report.errors > 10
    default = runner.invoke(app, ["validate", str(pkg.root), "--format", "github"])
    assert default.output.count("::error ") == 10
    every = runner.invoke(app, ["validate", str(pkg.root), "--format", "github", "--limit", "0"])
    assert every.output.count("::error ") == report.errors
    assert "more errors" not in every.output


_START_UP = """
import json, sys
from pathlib import Path
HEAVY = ("polars", "pandera", "frictionless")
loaded = lambda: [m for m in HEAVY if m in sys.modules]
import casualty_schema
seen = {"import casualty_schema": [0, loaded()]}
from casualty_schema.cli import app
seen["import casualty_schema.cli"] = [0, loaded()]
for argv in json.loads(sys.argv[2]):
    try:
        app(argv, prog_name="casualty-schema")
    except SystemExit as exit:
        seen[" ".join(argv)] = [exit.code, loaded()]
Path(sys.argv[1]).write_text(json.dumps(seen))
"""


def test_start_up_imports(tmp_path: Path) -> None:
    """--version, --help, rules and usage errors import neither polars, pandera nor
    frictionless; validate of the canonical descriptor (here a copy of it) imports polars
    only: frictionless is imported for a descriptor whose profile must be checked
    (tests/test_pipeline.py), pandera by load() alone. The commands run in turn in one fresh
    interpreter."""
    import subprocess
    import sys

    canonical = PackageCopy(tmp_path).root  # without the bytes and hash of the release
    light = [
        ["--version"],
        ["--help"],
        ["validate", "--help"],
        ["rules"],
        ["rules", "--format", "markdown"],
        ["validate", "--format", "bogus"],
        ["validate", "--limit", "many"],
        ["diff"],
    ]
    heavy = [["validate", str(canonical)]]
    out = tmp_path / "seen.json"
    argv = [sys.executable, "-c", _START_UP, str(out), json.dumps(light + heavy)]
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = json.loads(out.read_text())
    usage = {"validate --format bogus", "validate --limit many", "diff"}
    assert seen.pop("import casualty_schema") == [0, []]
    assert seen.pop("import casualty_schema.cli") == [0, []]
    for command in light:
        assert seen[" ".join(command)] == [2 if " ".join(command) in usage else 0, []]
    assert seen[f"validate {canonical}"] == [0, ["polars"]]
