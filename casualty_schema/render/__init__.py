"""Rendering a Report: text (rich), JSON, GitHub workflow commands, Markdown. Rendering is
apart from checking: each renderer takes a finished Report and returns text."""

from __future__ import annotations

from collections.abc import Callable

from casualty_schema.render import github, json, markdown, text
from casualty_schema.report import Report

RENDERERS: dict[str, Callable[..., str]] = {
    "text": text.render,
    "json": json.render,
    "github": github.render,
    "markdown": markdown.render,
}

FORMATS = tuple(RENDERERS)


def render(report: Report, fmt: str, **options: object) -> str:
    return RENDERERS[fmt](report, **options)
