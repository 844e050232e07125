"""The rule catalogue as text: what `casualty-schema rules` prints and docs/rules.md holds.

Both are generated from the registry (:data:`casualty_schema.rules.RULES`) and the
structural error types (:data:`casualty_schema.findings.STRUCTURAL_ERRORS`).
"""

from __future__ import annotations

from typing import Any

from casualty_schema.findings import STRUCTURAL_ERRORS
from casualty_schema.rules import RULES


def catalogue() -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "severity": str(r.severity),
            "summary": r.summary,
            "rationale": r.rationale,
            "message": r.template,
            "defined_in": r.location,
        }
        for r in RULES.values()
    ]


def rules_markdown() -> str:
    out = [
        "# Rules",
        "",
        "<!-- Generated from the rule registry by `casualty-schema rules --format markdown`."
        " Do not edit: a test fails when this file and the registry differ. -->",
        "",
        "A validation run reports **findings**. Structural findings come from the Table Schema"
        " in `datapackage.json` and carry Frictionless error type names; consistency findings"
        " come from the rules below. Errors make a package invalid; warnings do not, unless"
        " `--strict` is given.",
        "",
        "Rule `family.name` is the function `name` (hyphens as underscores) in"
        " `casualty_schema/rules/family.py`.",
        "",
        "## Consistency rules",
        "",
        "| id | severity | checks |",
        "|---|---|---|",
    ]
    out += [
        f"| [`{r.id}`](#{r.id.replace('.', '')}) | {r.severity} | {r.summary} |"
        for r in RULES.values()
    ]
    for r in RULES.values():
        out += [
            "",
            f"### {r.id}",
            "",
            f"*{r.severity}* — {r.summary}.",
            "",
            r.rationale,
            "",
            f"Message: `{r.template}`",
            "",
            f"Defined in `{r.location}`.",
        ]
    out += [
        "",
        "## Structural findings",
        "",
        "| type | title | when |",
        "|---|---|---|",
    ]
    out += [f"| `{e.type}` | {e.title} | {e.description} |" for e in STRUCTURAL_ERRORS.values()]
    return "\n".join(out) + "\n"
