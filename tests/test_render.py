"""Rendering a Report: caps are stated, GitHub and Markdown text is escaped, nothing is dropped
silently."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from casualty_schema.cli import app
from casualty_schema.compare.diff import diff_packages
from casualty_schema.findings import findings_frame
from casualty_schema.render import REPORT_FORMATS, github, markdown, render, render_diff, text
from casualty_schema.render.diff import changelog
from casualty_schema.render.escape import code, inline
from casualty_schema.report import LAYOUT, Report
from tests.builder import PackageCopy

runner = CliRunner()


def make_report(n_errors: int, n_warnings: int = 0) -> Report:
    rows = [
        {
            "rule": "dates.order",
            "severity": "error",
            "resource": "claims",
            "path": "data/claims.csv",
            "row": i + 2,
            "line": i + 2,
            "field": "period_end",
            "key": f"c{i}",
            "value": "2017",
            "message": f"problem {i}",
        }
        for i in range(n_errors)
    ] + [
        {
            "rule": "quote.keywords",
            "severity": "warning",
            "resource": "claims",
            "path": "data/claims.csv",
            "row": i + 2,
            "line": i + 2,
            "message": f"hint {i}",
        }
        for i in range(n_warnings)
    ]
    return Report("datapackage.json", findings_frame(rows), rows={"claims": 100})


def test_escaping() -> None:
    assert github.escape_data("50% a\nb\r") == "50%25 a%0Ab%0D"
    assert github.escape_property("a:b,c") == "a%3Ab%2Cc"


def test_github_caps_at_what_github_shows_and_counts_the_rest() -> None:
    out = github.render(make_report(25, 3))
    assert out.count("::error ") == 10
    assert out.count("::warning ") == 3
    assert "15 more errors and 0 more warnings" in out


def test_github_message_is_escaped() -> None:
    report = Report(
        "datapackage.json",
        findings_frame([{"rule": "r", "severity": "error", "path": "a,b.csv", "message": "x\ny%"}]),
    )
    line = github.render(report).splitlines()[0]
    assert line == "::error file=a%2Cb.csv,title=r::x%0Ay%25"


def test_text_groups_worst_first_and_counts_what_it_leaves_out() -> None:
    out = text.render(make_report(30, 2), limit=5)
    assert out.index("dates.order") < out.index("quote.keywords")
    assert "… and 25 more dates.order findings" in out
    assert "30 errors, 2 warnings" in out


def test_markdown_counts_what_it_leaves_out() -> None:
    out = markdown.render(make_report(150), limit=100)
    assert "… and 50 more findings" in out


def test_json_layout_and_limit() -> None:
    data = json.loads(render(make_report(7), "json", limit=3))
    assert data["layout"] == LAYOUT
    assert len(data["findings"]) == 3
    assert data["left_out"] == 4
    assert data["counts"] == {
        "errors": 7,
        "warnings": 0,
        "by_rule": {"dates.order": {"error": 7, "warning": 0}},
    }
    assert data["layout"] == "casualty-schema/report/2"  # 2: each finding has a hint
    assert set(data["findings"][0]) == {
        "rule", "severity", "resource", "path", "row", "line", "field", "key", "value", "message",
        "hint",
    }  # fmt: skip


def test_report_validity() -> None:
    assert make_report(0, 2).valid
    assert not Report("x", make_report(0, 2).findings_frame, strict=True).valid
    assert make_report(1).exit_code == 1
    assert (
        Report(
            "x", pl.DataFrame(schema=make_report(0).findings_frame.schema), usable=False
        ).exit_code
        == 2
    )


def test_every_format_lists_everything_when_asked_and_says_what_its_limit_counts() -> None:
    """limit=None (the command line's --limit 0) lists every finding in every format; the
    default is each format's own, stated in the registry."""
    report = make_report(25, 3)
    for name, renderer in REPORT_FORMATS.items():
        assert renderer.limit, name
        out = renderer(report, limit=None)
        shown = [i for i in range(25) if f"problem {i}" in out]
        assert shown == list(range(25)), name
    assert render(report, "github").count("::error ") == REPORT_FORMATS["github"].default_limit
    assert render(report, "github", limit=None).count("::error ") == 25


# --- Markdown: text from a package adds no structure -----------------------------------------

# A cell that would start three Markdown blocks if its line breaks were kept: a heading, a
# list item and a block quote, after a CR, a CRLF and a Unicode line separator.
PAYLOAD = "about\r# Owned\r\n- listed\u2028> quoted"
INJECTED = ("# Owned", "- listed", "> quoted")


def injected_lines(markdown_text: str) -> list[str]:
    """The lines (split wherever any renderer could split: CR, LF, CRLF, U+2028, ...) that
    start with what the payload carried."""
    return [line for line in markdown_text.splitlines() if line.lstrip().startswith(INJECTED)]


def test_markdown_escaping() -> None:
    assert inline("a\rb\r\nc\nd\x0be\x0cf\x85g\u2028h\u2029i") == "a b c d e f g h i"
    assert inline("a|b <!-- c") == "a\\|b \\<!-- c"
    for start, escaped in [
        ("# h", "\\# h"),
        ("###### h", "\\###### h"),
        ("> q", "\\> q"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("* item", "\\* item"),
        ("1. item", "1\\. item"),
        ("12) item", "12\\) item"),
        ("===", "\\==="),
        ("---", "\\---"),
        ("```py", "\\```py"),
        ("~~~", "\\~~~"),
        ("  # indented", "  \\# indented"),
    ]:
        assert inline(start) == escaped, start
    for plain in ("-5", "+44 20 7946 0000", "1.5 is not", "#hashtag", "2014-08", "a - b"):
        assert inline(plain) == plain
    assert code("a`b\rc") == "`a'b c`"
    assert code("a|b", table=True) == "`a\\|b`"
    assert code("a|b") == "`a|b`"


def with_payload(pkg: PackageCopy) -> PackageCopy:
    """``pkg`` with PAYLOAD as the qualifier of its first ``about`` claim, quoted as CSV
    quotes a cell holding line breaks."""
    text = pkg.path("claims").read_text(encoding="utf-8")
    assert ",about," in text
    quoted = text.replace(",about,", f',"{PAYLOAD}",', 1)
    pkg.path("claims").write_text(quoted, encoding="utf-8", newline="")
    return pkg


def test_a_line_break_in_a_cell_starts_no_markdown_line(tmp_path: Path) -> None:
    pkg = with_payload(PackageCopy(tmp_path))
    summary = tmp_path / "summary.md"
    args = ["validate", str(pkg.root), "--format", "markdown", "--summary", str(summary)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "about # Owned - listed > quoted" in result.output  # the cell, on one line
    assert injected_lines(result.output) == []
    assert injected_lines(summary.read_text(encoding="utf-8")) == []


def test_a_line_break_in_a_changed_cell_starts_no_markdown_line(tmp_path: Path) -> None:
    old = PackageCopy(_mkdir(tmp_path / "old"))
    new = with_payload(PackageCopy(_mkdir(tmp_path / "new")))
    diff = diff_packages(old.root, new.root)
    out = render_diff(diff, "markdown", limit=None)
    assert "`about # Owned - listed > quoted`" in out
    assert injected_lines(out) == []
    assert injected_lines(changelog(diff)) == []  # the CHANGELOG section a release writes
    assert "about # Owned - listed > quoted" in render_diff(diff, "text", limit=None)


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True)
    return path
