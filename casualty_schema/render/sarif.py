"""SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format), as GitHub code scanning
reads it and ruff writes it: one run of the tool ``casualty-schema``, its rules the whole
catalogue (consistency rules and structural error types, from their registries), and one
result per finding.

A result's location is the file (relative to the working directory, the repository root in
CI, as the github format gives it) and, when the finding has one, its line; a CSV cell's
character column is not known, so no column is given. What SARIF has no place for — the row,
field, key, value and hint — is in the result's ``properties``; the hint also ends the
message text. ``fingerprints`` identify a finding by rule, file, key and field, so that a code
scanning alert follows a row that moves.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from casualty_schema import __version__
from casualty_schema.findings import Finding
from casualty_schema.render import REPORT_FORMATS
from casualty_schema.render.catalogue import catalogue
from casualty_schema.render.github import file_of
from casualty_schema.report import Report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/casualty-schema/"
DEFAULT_LIMIT = REPORT_FORMATS["sarif"].default_limit


def _rule(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": entry["id"],
        "shortDescription": {"text": entry["summary"]},
        "fullDescription": {"text": entry["rationale"] or entry["summary"]},
        "help": {"text": f"Message: {entry['message']}. Defined in {entry['defined_in']}."},
        "defaultConfiguration": {"level": entry["severity"]},
        "properties": {"kind": entry["kind"]},
    }


def _uri(path: str) -> str:
    return quote(PurePath(path).as_posix())


def _fingerprint(report: Report, f: Finding) -> str:
    parts = (f.rule, file_of(report, f), f.key or "", f.field or "", f.value if not f.key else "")
    return hashlib.sha256("\x1f".join(p or "" for p in parts).encode()).hexdigest()


def _result(report: Report, f: Finding, index: dict[str, int]) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": _uri(file_of(report, f))}}
    if f.line is not None and f.line >= 1:
        location["region"] = {"startLine": f.line}
    properties = {
        name: value
        for name, value in (("row", f.row), ("field", f.field), ("key", f.key),
                            ("value", f.value), ("hint", f.hint), ("resource", f.resource))
        if value is not None
    }  # fmt: skip
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "level": "error" if f.severity == "error" else "warning",
        "message": {"text": f.message + (f" ({f.hint})" if f.hint else "")},
        "locations": [{"physicalLocation": location}],
        "fingerprints": {"casualty-schema/v1": _fingerprint(report, f)},
        "properties": properties,
    }
    if f.rule in index:
        result["ruleIndex"] = index[f.rule]
    return result


def sarif(report: Report, limit: int | None = DEFAULT_LIMIT) -> dict[str, Any]:
    """The SARIF log of ``report`` as a JSON object; at most ``limit`` results (None: all)."""
    rules = [_rule(entry) for entry in catalogue()]
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = [_result(report, f, index) for f in report.iter_findings(limit)]
    left_out = report.findings_frame.height - len(results)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "casualty-schema",
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "invocations": [{"executionSuccessful": report.usable, "exitCode": report.exit_code}],
        "results": results,
        "properties": {"package": report.package, "valid": report.valid, "left_out": left_out},
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(report: Report, limit: int | None = DEFAULT_LIMIT, **_: object) -> str:
    return json.dumps(sarif(report, limit), ensure_ascii=False, indent=2) + "\n"
