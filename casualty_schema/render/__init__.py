"""Rendering, apart from checking: each renderer takes a finished result (a Report, a Diff)
and returns text. The registries below declare every output format of every command — what
it is, the module that renders it (imported only when used), and what ``--limit`` means for
it — and the command line builds its ``--format`` choices from them.

Renderers: text (rich), JSON, GitHub workflow commands, Markdown, SARIF and JUnit XML for a
validation
:class:`~casualty_schema.report.Report`; text, JSON and Markdown for a
:class:`~casualty_schema.compare.diff.Diff` (:mod:`casualty_schema.render.diff`); text, CSV
and JSON for an :class:`~casualty_schema.extract.Extraction`
(:mod:`casualty_schema.render.extract`); the rule
catalogue (:mod:`casualty_schema.render.catalogue`); a release's result
(:mod:`casualty_schema.render.release`); the first findings as plain lines
(:mod:`casualty_schema.render.brief`). Where text goes to a terminal, its colour and width
are decided in :mod:`casualty_schema.render.terminal`.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from casualty_schema.compare.diff import Diff
    from casualty_schema.extract import Extraction
    from casualty_schema.report import Report

__all__ = [
    "CATALOGUE_FORMATS",
    "DEFAULT",
    "DIFF_FORMATS",
    "EXTRACT_FORMATS",
    "REPORT_FORMATS",
    "Limit",
    "Renderer",
    "render",
    "render_diff",
    "render_extraction",
]


class _Default:
    """The limit a format lists when none is asked for (:attr:`Renderer.default_limit`)."""

    def __repr__(self) -> str:
        return "DEFAULT"


DEFAULT = _Default()
Limit = int | None | _Default  # N at most, None everything, DEFAULT the format's default


@dataclass(frozen=True)
class Renderer:
    """One output format: ``module.function(subject, limit=..., **options) -> str``."""

    name: str
    module: str
    function: str
    summary: str  # what the format is, for --help and docs/cli.md
    limit: str  # what --limit N counts in this format
    default_limit: int | None  # when --limit is not given; None: everything

    def __call__(self, subject: Any, *, limit: Limit = DEFAULT, **options: Any) -> str:
        """Render ``subject`` with at most ``limit`` items (in the unit :attr:`limit` says):
        None lists everything, :data:`DEFAULT` this format's default."""
        shown = self.default_limit if isinstance(limit, _Default) else limit
        render = getattr(importlib.import_module(self.module), self.function)
        text: str = render(subject, limit=shown, **options)
        return text


def _registry(*renderers: Renderer) -> Mapping[str, Renderer]:
    return {r.name: r for r in renderers}


#: The formats of ``casualty-schema validate``.
REPORT_FORMATS: Mapping[str, Renderer] = _registry(
    Renderer(
        "text",
        "casualty_schema.render.text",
        "render",
        "findings grouped by file and rule, the worst first, then a verdict line",
        "findings listed per file and rule",
        20,
    ),
    Renderer(
        "json",
        "casualty_schema.render.json",
        "render",
        "the report layout of docs/validation.md",
        "findings listed in all",
        None,
    ),
    Renderer(
        "github",
        "casualty_schema.render.github",
        "render",
        "GitHub Actions workflow commands (annotations)",
        "annotations per severity (GitHub shows 10)",
        10,
    ),
    Renderer(
        "markdown",
        "casualty_schema.render.markdown",
        "render",
        "a summary for a CI job summary or a pull-request comment",
        "findings listed in all",
        100,
    ),
    Renderer(
        "sarif",
        "casualty_schema.render.sarif",
        "render",
        "SARIF 2.1.0, for GitHub code scanning and other static-analysis dashboards",
        "results listed in all",
        None,
    ),
    Renderer(
        "junit",
        "casualty_schema.render.junit",
        "render",
        "JUnit XML: a test case per check and resource, a failure per finding (GitLab, Jenkins)",
        "failures written out in all",
        None,
    ),
)

#: The formats of ``casualty-schema diff``.
DIFF_FORMATS: Mapping[str, Renderer] = _registry(
    Renderer(
        "text",
        "casualty_schema.render.diff",
        "text",
        "schema and data changes, and the required bump",
        "rows listed per resource and kind (added, removed, changed)",
        20,
    ),
    Renderer(
        "json",
        "casualty_schema.render.diff",
        "as_json",
        "everything, in the layout casualty-schema/diff/2",
        "nothing: JSON lists every row",
        None,
    ),
    Renderer(
        "markdown",
        "casualty_schema.render.diff",
        "markdown",
        "for release notes and pull-request comments",
        "rows listed per resource and kind (added, removed, changed)",
        20,
    ),
)

#: The formats of ``casualty-schema extract``.
EXTRACT_FORMATS: Mapping[str, Renderer] = _registry(
    Renderer(
        "text",
        "casualty_schema.render.extract",
        "text",
        "the candidates as a table, why each field is what it is, the numbers skipped",
        "nothing: every figure is listed",
        None,
    ),
    Renderer(
        "csv",
        "casualty_schema.render.extract",
        "as_csv",
        "the candidates as rows with the columns of data/claims.csv, plus curated_as",
        "nothing: every candidate is a row",
        None,
    ),
    Renderer(
        "json",
        "casualty_schema.render.extract",
        "as_json",
        '{"candidates": [...], "skipped": [...]}, and "curation" with --source-id',
        "nothing: JSON lists everything",
        None,
    ),
)


#: The formats of ``casualty-schema rules``
#: (:func:`casualty_schema.render.catalogue.render_catalogue`).
CATALOGUE_FORMATS = ("text", "json", "markdown")


def render(report: Report, fmt: str, *, limit: Limit = DEFAULT, **options: Any) -> str:
    """``report`` in format ``fmt`` of :data:`REPORT_FORMATS`."""
    return REPORT_FORMATS[fmt](report, limit=limit, **options)


def render_diff(diff: Diff, fmt: str, *, limit: Limit = DEFAULT) -> str:
    """``diff`` in format ``fmt`` of :data:`DIFF_FORMATS`."""
    return DIFF_FORMATS[fmt](diff, limit=limit)


def render_extraction(extraction: Extraction, fmt: str, **options: Any) -> str:
    """``extraction`` in format ``fmt`` of :data:`EXTRACT_FORMATS`."""
    return EXTRACT_FORMATS[fmt](extraction, **options)
