"""The JSON layout: ``Report.to_dict()``, every finding (a limit, when given, is stated)."""

from __future__ import annotations

import json

from casualty_schema.report import Report


def render(report: Report, limit: int | None = None, **_: object) -> str:
    return json.dumps(report.to_dict(limit), ensure_ascii=False, indent=2) + "\n"
