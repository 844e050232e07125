"""The command line and its messages as users of ruff, mypy and frictionless expect them: colour
and width as rich and NO_COLOR/FORCE_COLOR decide, help that reads right at 80 columns,
--quiet and -o, a hint in every format, one finding per mistake, messages that say the right
thing. Each test states what was printed before the change and what is printed now."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import shlex
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from casualty_schema import __version__, validate
from casualty_schema.cli import app
from casualty_schema.downstream.init import init_package, schema_range
from casualty_schema.findings import findings_frame
from casualty_schema.render import REPORT_FORMATS, render
from casualty_schema.report import Report
from tests.builder import PackageCopy

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
COLOUR = re.compile(r"\x1b\[[0-9;]*(?:3[0-7]|9[0-7]|38;[0-9;]+)m")  # a foreground colour
ESCAPE = "\x1b["
MP = "mp-hussein-2017-civilian-deaths-tens-of-thousands"
PART = "oir-2017-04-30-civilian-deaths-45"  # part_of oir-2017-04-30-civilian-deaths-352
LONG_QUOTE_CLAIM = "oir-2019-05-31-airstrikes-34502"


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> PackageCopy:
    """Findings with long messages and one of each hint."""
    pkg = PackageCopy(tmp_path_factory.mktemp("faulty"))
    pkg.set("claims", MP, value="1,302", claim_date="2017-4-12", claimant_id="cjtf-ior")
    quote = pkg.row("claims", LONG_QUOTE_CLAIM)["quote"]
    pkg.set("claims", LONG_QUOTE_CLAIM, quote=quote.replace("التحالف", "التحالوف", 1))
    return pkg


def invoke(args: list[str], **env: str) -> tuple[int, str]:
    clean = {"NO_COLOR": None, "FORCE_COLOR": None, "COLUMNS": None, "TTY_COMPATIBLE": None}
    result = runner.invoke(app, args, env={**clean, **env})  # type: ignore[dict-item]
    return result.exit_code, result.output


# --- colour and width --------------------------------------------------------------------------


def test_force_color_colours_the_findings(faulty: PackageCopy) -> None:
    """Before: FORCE_COLOR coloured the spinner only (findings followed isatty())."""
    _, plain = invoke(["validate", str(faulty.root)])
    assert ESCAPE not in plain
    _, forced = invoke(["validate", str(faulty.root)], FORCE_COLOR="1")
    assert COLOUR.search(forced)


def test_no_color_wins_over_force_color_and_the_flag_wins_over_both(faulty: PackageCopy) -> None:
    _, output = invoke(["validate", str(faulty.root)], FORCE_COLOR="1", NO_COLOR="1")
    assert not COLOUR.search(output)
    _, always = invoke(["validate", str(faulty.root), "--color", "always"], NO_COLOR="1")
    assert COLOUR.search(always)
    _, never = invoke(["validate", str(faulty.root), "--color", "never"], FORCE_COLOR="1")
    assert ESCAPE not in never


def test_output_that_is_not_a_terminal_is_not_wrapped(faulty: PackageCopy) -> None:
    """Before: always 120 columns, a finding over several lines in a CI log."""
    _, output = invoke(["validate", str(faulty.root)])
    line = next(x for x in output.splitlines() if "is not a valid integer" in x)
    assert "with an optional sign" in line  # the whole message on the finding's line
    assert max(map(len, output.splitlines())) > 120
    assert all(x == x.rstrip() for x in output.splitlines())  # no padding


def test_columns_sets_the_width(faulty: PackageCopy) -> None:
    _, output = invoke(["validate", str(faulty.root)], COLUMNS="60")
    assert max(map(len, output.splitlines())) <= 60


def _on_a_terminal(args: list[str], columns: int = 80, **env: str) -> str:
    """What the command prints on standard output, a pseudo-terminal of ``columns`` columns
    (standard error, where the spinner goes, is not kept)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE")
    }
    environ |= {"TERM": "xterm-256color", **env}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "casualty_schema", *args],
        stdin=slave, stdout=slave, stderr=subprocess.DEVNULL, env=environ, cwd=ROOT,
    )  # fmt: skip
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    process.wait(timeout=60)
    return b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


def test_on_an_80_column_terminal_no_line_is_wider_than_80_and_no_color_holds(
    faulty: PackageCopy,
) -> None:
    """One pseudo-terminal run (a subprocess costs seconds): before, lines were 120 columns
    wide whatever the terminal, and NO_COLOR=1 on a terminal still printed colour codes."""
    output = _on_a_terminal(["validate", str(faulty.root)], NO_COLOR="1")
    assert "is not a valid" in output
    assert not COLOUR.search(output)
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", output)
    assert max(len(line) for line in plain.splitlines()) <= 80, plain


# --- help ---------------------------------------------------------------------------------------


def _helps() -> list[list[str]]:
    group = typer.main.get_command(app)
    found = [["--help"]]
    for name, command in getattr(group, "commands", {}).items():
        found.append([name, "--help"])
        for sub in getattr(command, "commands", {}):
            found.append([name, sub, "--help"])
    return found


@pytest.mark.parametrize("args", _helps(), ids=" ".join)
def test_help_reads_right_at_80_columns(args: list[str]) -> None:
    """Before: --strict <bool>, --select <list[str]>, <text|json|github|markdo / wn>."""
    code, output = invoke(args, COLUMNS="80")
    assert code == 0, output
    assert "<bool>" not in output
    assert "<list" not in output
    assert max(map(len, output.splitlines())) <= 80
    if args[0] == "validate":
        for name in REPORT_FORMATS:  # the choices, each whole on a line
            assert re.search(rf"\b{name}\b", output), name
        assert re.search(r"--strict\s+Warnings", output)


def test_a_value_given_to_a_flag_is_a_usage_error() -> None:
    """Before: "The data package descriptor is not usable: true does not exist"."""
    code, output = invoke(["validate", "--strict", "true"])
    assert code == 2
    assert "--strict takes no value" in output
    assert "Traceback" not in output


# --- --quiet, -o, the verdict -------------------------------------------------------------------


def test_quiet_prints_the_verdict_line_only(faulty: PackageCopy) -> None:
    code, output = invoke(["validate", str(faulty.root), "--quiet"])
    assert code == 1
    assert output.splitlines() == [output.strip()]
    assert output.startswith(f"{faulty.descriptor}: invalid — ")


@pytest.mark.parametrize("fmt", list(REPORT_FORMATS))
def test_output_file_gets_the_report_whole(faulty: PackageCopy, tmp_path: Path, fmt: str) -> None:
    target, summary = tmp_path / f"report.{fmt}", tmp_path / "summary.md"
    code, output = invoke(
        ["validate", str(faulty.root), "-f", fmt, "-o", str(target), "--summary", str(summary)]
    )
    assert code == 1
    report = validate(faulty.root)
    assert target.read_text(encoding="utf-8") == render(report, fmt)
    assert summary.read_text(encoding="utf-8") == render(report, "markdown")  # kept
    assert output.strip().startswith(f"{faulty.descriptor}: invalid")  # the verdict only
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, summary.name])


def test_an_output_file_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    code, output = invoke(["validate", "-o", str(tmp_path / "no" / "such" / "dir.json")])
    assert code == 2
    assert output.startswith("error: cannot write") or "cannot write" in output
    assert len(output.strip().splitlines()) == 1
    assert not (tmp_path / "no").exists()


def test_counts_are_singular_for_one() -> None:
    """Before: "1 errors"."""
    one = Report("x", findings_frame([{"rule": "r", "severity": "error", "message": "m"}]))
    assert one.tally == "1 error, 0 warnings"
    assert Report("x").tally == "0 errors, 0 warnings"
    for fmt in ("text", "github", "markdown"):
        assert "1 error, 0 warnings" in render(one, fmt)


# --- hints --------------------------------------------------------------------------------------


HINTS = {
    "type-error": "remove the thousands separator: 1302",
    "constraint-error": "write 2017-04-12",
    "foreign-key": "did you mean cjtf-oir?",
}


def test_each_kind_of_hint(faulty: PackageCopy) -> None:
    """Before: the partial-date regular expression, "an integer is ASCII digits 0-9", no "did
    you mean", and "does not occur in the text" alone."""
    by_rule = {f.rule: f for f in validate(faulty.root).findings}
    for rule, hint in HINTS.items():
        assert by_rule[rule].hint == hint, rule
    source = by_rule["quote.source-text"].hint or ""
    assert source.startswith("nearest passage of the text: «…")
    assert "the quote has «و» that the text lacks" in source


def test_refs_places_says_which_place_was_meant(tmp_path: Path) -> None:
    pkg = PackageCopy(tmp_path)
    pkg.set("claims", MP, places="syria,iraqq")
    (f,) = validate(pkg.root).findings
    assert (f.rule, f.hint) == ("refs.places", "did you mean iraq?")


@pytest.mark.parametrize("fmt", list(REPORT_FORMATS))
def test_every_format_shows_the_hints(faulty: PackageCopy, fmt: str) -> None:
    out = render(validate(faulty.root), fmt, limit=None)
    if fmt == "json":
        assert {f["hint"] for f in json.loads(out)["findings"]} >= set(HINTS.values())
    for hint in HINTS.values():
        assert hint in out, (fmt, hint)


# --- cascades: one finding per mistake ----------------------------------------------------------


def rules_found(pkg: PackageCopy) -> list[str]:
    return [f.rule for f in validate(pkg.root).findings]


def test_a_range_without_value_max_is_one_finding(tmp_path: Path) -> None:
    """Before: counts.bounds and quote.value ("does not denote value 20000")."""
    pkg = PackageCopy(tmp_path)
    pkg.set("claims", MP, value_max="")
    assert rules_found(pkg) == ["counts.bounds"]


def test_an_unknown_place_is_one_finding(tmp_path: Path) -> None:
    """Before: refs.places and relations.part-of ("places of part … are not within")."""
    pkg = PackageCopy(tmp_path)
    pkg.set("claims", PART, places="raqa")
    assert rules_found(pkg) == ["refs.places"]


@pytest.mark.parametrize("resource", ["places", "metrics", "sources"])
def test_an_unreadable_file_is_one_finding(tmp_path: Path, resource: str) -> None:
    """Before, for places.csv: its encoding-error, a refs.places error for every place of
    every claim and relations.part-of errors. (The rules that read the claims' metric or
    source run without them, and crash on nothing.)"""
    pkg = PackageCopy(tmp_path)
    text = pkg.path(resource).read_text(encoding="utf-8")
    pkg.path(resource).write_bytes(text.encode("utf-16"))
    assert rules_found(pkg) == ["encoding-error"]


def test_a_renamed_field_is_one_finding(tmp_path: Path) -> None:
    """Before: a conformance-error (renamed) and a schema-error (the field is missing)."""
    root = init_package(tmp_path / "p").parent
    data = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    actors = next(r for r in data["resources"] if r["name"] == "actors")
    next(f for f in actors["schema"]["fields"] if f["name"] == "name_en")["name"] = "name_english"
    (root / "datapackage.json").write_text(json.dumps(data), encoding="utf-8")
    header = (root / "data/actors.csv").read_text(encoding="utf-8")
    (root / "data/actors.csv").write_text(header.replace("name_en", "name_english", 1))
    found = [(f.rule, f.resource) for f in validate(root).findings]
    assert found == [("conformance-error", "actors")]


# --- messages -----------------------------------------------------------------------------------


def test_an_added_enum_code_says_why_it_does_not_conform(tmp_path: Path) -> None:
    """Before: "(project policy: a new code invalidates no row…)", a reason it is harmless."""
    root = init_package(tmp_path / "p").parent
    data = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    claims = next(r for r in data["resources"] if r["name"] == "claims")
    qualifier = next(f for f in claims["schema"]["fields"] if f["name"] == "qualifier")
    qualifier["constraints"]["enum"].append("roughly")
    (root / "datapackage.json").write_text(json.dumps(data), encoding="utf-8")
    (f,) = validate(root).findings
    assert f.rule == "conformance-error"
    assert "policy" not in f.message
    assert "a consumer of it refuses the rows that use one" in f.message


def test_no_range_is_told_the_range_init_writes(tmp_path: Path) -> None:
    """Before: add "~=0.1.0", which excludes 0.2.0, where init writes ">=0.1.0,<1.0.0"."""
    root = init_package(tmp_path / "p").parent
    data = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    written = data.pop("casualtySchema")
    (root / "datapackage.json").write_text(json.dumps(data), encoding="utf-8")
    (f,) = validate(root).findings
    assert f.rule == "schema-version"
    assert f'"casualtySchema": "{written}"' in f.message
    assert written == schema_range(__version__)
    assert "~=" not in f.message


def test_github_says_unusable_and_gives_broken_json_its_line(tmp_path: Path) -> None:
    """Before: "is invalid" for exit 2, and no line= though the message knew it."""
    (tmp_path / "datapackage.json").write_text('{\n  "name": "x",\n  oops\n}', encoding="utf-8")
    code, output = invoke(["validate", str(tmp_path), "--format", "github"])
    assert code == 2
    annotation = next(x for x in output.splitlines() if x.startswith("::error"))
    assert ",line=3," in annotation
    assert "is unusable" in output
    assert "is invalid" not in output


def test_init_suggests_a_quoted_path(tmp_path: Path) -> None:
    """Before: "validate it with 'casualty-schema validate /tmp/…/My Claims'" (unquoted)."""
    code, output = invoke(["init", str(tmp_path / "My Claims")])
    assert code == 0, output
    command = output.split("validate it with: ", 1)[1].strip()
    assert shlex.split(command) == ["casualty-schema", "validate", str(tmp_path / "My Claims")]
