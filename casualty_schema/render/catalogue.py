"""The catalogue of what a run can report: what `casualty-schema rules` prints and docs/rules.md
holds, generated from the declarations of the rule registry (:data:`casualty_schema.rules.RULES`)
and of the error taxonomy (:data:`casualty_schema.errors.ERRORS`), as
:mod:`casualty_schema.catalogue` reads them without importing polars.
"""

from __future__ import annotations

import json
from typing import Any

from casualty_schema import catalogue as declared
from casualty_schema.render import CATALOGUE_FORMATS


def catalogue() -> list[dict[str, Any]]:
    """Every consistency rule, in catalogue order, then every structural error type
    (``casualty-schema rules --format json``); ``kind`` tells them apart."""
    rules = [
        {
            "id": r.id,
            "kind": "rule",
            "severity": r.severity,
            "summary": r.summary,
            "rationale": r.rationale,
            "message": r.template,
            "reads": None if r.reads is None else {k: list(v) for k, v in r.reads.items()},
            "defined_in": r.location,
        }
        for r in declared.rules()
    ]
    structural = [
        {
            "id": e.type,
            "kind": "structural",
            "severity": e.severity,
            "summary": e.title,
            "rationale": e.description,
            "message": e.template,
            "defined_in": "casualty_schema/errors.py",
            "emitted_by": [f"casualty_schema/{m}" for m in e.emitted_by],
        }
        for e in declared.errors()
    ]
    return rules + structural


def render_catalogue(fmt: str) -> str:
    """The catalogue as ``fmt``: text (one line a rule), json or markdown (docs/rules.md)."""
    if fmt == "markdown":
        return rules_markdown()
    if fmt == "json":
        return json.dumps(catalogue(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "text":
        lines = [f"{r.id:<22} {r.severity:<8} {r.summary}" for r in declared.rules()]
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(CATALOGUE_FORMATS)}")


def _reads(r: declared.RuleEntry) -> str:
    """The fields a rule reads: a package that lacks one does not run it."""
    if r.reads is None:
        return "not declared (every canonical field)"
    if not r.reads:
        return "whichever text fields there are"
    return ", ".join(f"`{resource}.{f}`" for resource, fields in r.reads.items() for f in fields)


def _anchor(name: str) -> str:
    return name.replace(".", "")


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
        " `casualty_schema/rules/family.py`; every structural error type is declared in"
        " `casualty_schema/errors.py`.",
        "",
        "Each rule says which fields it reads. A package that lacks one of them (or has it with"
        " another type) does not run that rule, and a `schema-error` names the rule; a field"
        " that no rule reads may be renamed or removed in a major release.",
        "",
        "## Consistency rules",
        "",
        "| id | severity | checks |",
        "|---|---|---|",
    ]
    out += [
        f"| [`{r.id}`](#{_anchor(r.id)}) | {r.severity} | {r.summary} |" for r in declared.rules()
    ]
    for r in declared.rules():
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
            f"Reads: {_reads(r)}.",
            "",
            f"Defined in `{r.location}`.",
        ]
    out += [
        "",
        "## Structural findings",
        "",
        "| type | title | severity | when |",
        "|---|---|---|---|",
    ]
    out += [
        f"| [`{e.type}`](#{_anchor(e.type)}) | {e.title} | {e.severity} | {e.description} |"
        for e in declared.errors()
    ]
    for e in declared.errors():
        emitted = ", ".join(f"`casualty_schema/{m}`" for m in e.emitted_by)
        out += [
            "",
            f"### {e.type}",
            "",
            f"*{e.severity}* — {e.title}. {e.description}",
            "",
            f"Message: `{e.template}`",
            "",
            f"Declared in `casualty_schema/errors.py`; reported by {emitted}.",
        ]
    return "\n".join(out) + "\n"
