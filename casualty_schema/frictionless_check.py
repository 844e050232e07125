"""Structural check of a data package through frictionless (the reference implementation)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import frictionless


@dataclass
class FrictionlessResult:
    exit_code: int
    lines: list[str] = field(default_factory=list)


def check_with_frictionless(package: Path) -> FrictionlessResult:
    """Validate ``package`` with frictionless: 0 valid, 1 invalid, 2 unusable input."""
    path = package / "datapackage.json" if package.is_dir() else package
    if not path.is_file():
        return FrictionlessResult(2, [f"error: {path}: no such file"])
    try:
        report = frictionless.validate(str(path))
    except Exception as exc:  # frictionless raises on some unreadable descriptors
        return FrictionlessResult(2, [f"error: {path}: {exc}"])
    lines: list[str] = []
    for error in report.errors:
        lines.append(f"{path}: {error.type}: {error.message}")
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, "row_number", None)
            fld = getattr(error, "field_name", None)
            where = f"{task.place}" + (f":{row}" if row else "") + (f" [{fld}]" if fld else "")
            lines.append(f"{where}: {error.type}: {error.message}")
    if report.valid:
        rows = sum(task.stats.get("rows", 0) or 0 for task in report.tasks)
        lines.append(f"valid: {path} ({len(report.tasks)} resources, {rows} rows)")
        return FrictionlessResult(0, lines)
    lines.append(f"invalid: {path}")
    return FrictionlessResult(1, lines)
