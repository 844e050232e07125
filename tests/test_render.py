"""Rendering a Report: caps are stated, GitHub text is escaped, nothing is dropped silently."""

from __future__ import annotations

import json

import polars as pl

from casualty_schema.findings import findings_frame
from casualty_schema.render import REPORT_FORMATS, github, markdown, render, text
from casualty_schema.report import LAYOUT, Report


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
