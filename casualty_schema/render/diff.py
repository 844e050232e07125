"""Rendering a :class:`~casualty_schema.compare.diff.Diff`: text, JSON, Markdown, and the CHANGELOG
summary a release writes. Rendering is apart from computing: each function takes a finished
Diff and returns text.

Text and Markdown list at most ``limit`` rows per resource and kind (added, removed,
changed; None: all) and say how many they left out; JSON lists everything
(``Diff.to_dict()``). The formats are declared in :data:`casualty_schema.render.DIFF_FORMATS`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from casualty_schema.compare.diff import Bump, Change, Diff, Side, TableDiff
from casualty_schema.render import DIFF_FORMATS
from casualty_schema.render.escape import code, inline, one_line

DEFAULT_LIMIT = DIFF_FORMATS["text"].default_limit
VALUE_WIDTH = 60

MEANING = {
    Bump.MAJOR: "breaking: downstream users must read the major changes below before upgrading",
    Bump.MINOR: "additive: existing consumers keep working; new resources, fields, codes or "
    "rows may appear",
    Bump.PATCH: "corrections only: no structure changed, some values did",
    Bump.NONE: "nothing changed",
}


def as_json(diff: Diff, limit: int | None = None) -> str:
    """Everything: JSON lists every row whatever ``limit`` says."""
    return json.dumps(diff.to_dict(), ensure_ascii=False, indent=2) + "\n"


# --- helpers ----------------------------------------------------------------------------------


def _value(value: Any, width: int = VALUE_WIDTH) -> str:
    if value is None:
        return "(missing)"
    text = one_line(value)
    return text if len(text) <= width else text[: width - 1] + "…"


#: Characters kept before the first difference when a long value is cut to show it.
CONTEXT = 20


def _excerpts(before: Any, after: Any, width: int = VALUE_WIDTH) -> tuple[Any, Any]:
    """``before`` and ``after`` cut to ``width`` around where they first differ, so that two
    long values that share a beginning do not print as the same truncated prefix; a value
    that fits, or a missing one, is kept as it is."""
    if before is None or after is None:
        return before, after
    a, b = (one_line(v) for v in (before, after))
    if len(a) <= width and len(b) <= width:
        return a, b
    same = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    start = max(0, same - CONTEXT)

    def window(text: str) -> str:
        head = "…" if start else ""
        room = width - len(head)
        piece = text[start : start + room]
        return head + (piece if start + room >= len(text) else piece[:-1] + "…")

    return window(a), window(b)


def _key(t: TableDiff, row: Mapping[str, Any]) -> str:
    if not t.key:
        return ", ".join(_value(row.get(c), 24) for c in t.columns[:3])
    return " / ".join(_value(row.get(k), 80) for k in t.key)


def _side(label: str, side: Side, *, code: bool = False) -> str:
    """A side's label, its version, and the commit a git ref resolved to (and how)."""
    parts = [side.version] if side.version else []
    if side.commit is not None:
        commit = f"`{side.commit[:12]}`" if code else side.commit[:12]
        parts.append(side.found or f"commit {commit}")
    return f"{label} ({'; '.join(parts)})" if parts else label


def _shown(limit: int | None, n: int) -> int:
    return n if limit is None else min(limit, n)


def _counts(t: TableDiff) -> str:
    parts = [
        f"{n} {word}"
        for n, word in (
            (t.added.height, "added"),
            (t.removed.height - t.replaced.height, "removed"),
            (t.replaced.height, "replaced by corrections"),
            (t.changed_rows, "changed"),
        )
        if n
    ]
    return ", ".join(parts) or "no changes"


# --- text -------------------------------------------------------------------------------------


def text(diff: Diff, limit: int | None = DEFAULT_LIMIT) -> str:
    out = [
        f"{diff.new.name or 'package'}: {_side(diff.old.label, diff.old)} → "
        f"{_side(diff.new.label, diff.new)}"
        + (" (first release: nothing before)" if diff.first_release else ""),
        f"required bump: {diff.required_bump.label} — {MEANING[diff.required_bump]}",
        "",
    ]
    width = max((len(c.where) for c in diff.schema_changes), default=0)
    out.append(f"schema changes: {len(diff.schema_changes)}")
    for c in diff.schema_changes:
        out.append(f"  {c.bump.label:<5}  {c.where:<{width}}  {c.summary}")
        out.append(f"  {'':<5}  {'':<{width}}  ({c.reason})")
    out.append("")
    out.append("data changes:")
    for t in diff.tables:
        out.append(f"  {t.resource}: {t.old_rows} → {t.new_rows} rows: {_counts(t)}")
        if t.note:
            out.append(f"    note: {t.note}")
        for c in diff.data_changes:
            if c.resource == t.resource:
                out.append(f"    {c.bump.label:<5}  {c.summary} ({c.reason})")
        out += _text_rows(t, limit)
    return "\n".join(out) + "\n"


def _more(n_left: int, what: str) -> list[str]:
    return [f"    … and {n_left} more {what} (--limit 0 lists all)"] if n_left > 0 else []


def _text_rows(t: TableDiff, limit: int | None) -> list[str]:
    out = []
    replaced = {_key(t, r): r["replaced_by"] for r in t.replaced.to_dicts()}
    for sign, frame, what in (("+", t.added, "added rows"), ("-", t.removed, "removed rows")):
        n = _shown(limit, frame.height)
        for row in frame.head(n).to_dicts():
            key = _key(t, row)
            by = f"  (replaced by {replaced[key]})" if key in replaced else ""
            out.append(f"    {sign} {key}{by}")
        out += _more(frame.height - n, what)
    rows = t.changed_by_row()
    n = _shown(limit, len(rows))
    for row in rows[:n]:
        changes = "; ".join(
            f"{c['field']}: {_value(before)!r} → {_value(after)!r}"
            for c in row["changes"]
            for before, after in [_excerpts(c["before"], c["after"])]
        )
        out.append(f"    ~ {_key(t, row['key'])}: {changes}")
    out += _more(len(rows) - n, "changed rows")
    return out


# --- markdown ---------------------------------------------------------------------------------


def _cell(value: Any, width: int = VALUE_WIDTH) -> str:
    return inline(_value(value, width))


def _code(value: Any) -> str:
    return code(_value(value))


def markdown(diff: Diff, limit: int | None = DEFAULT_LIMIT) -> str:
    old = _side(code(diff.old.label), diff.old, code=True)
    new = _side(code(diff.new.label), diff.new, code=True)
    out = [
        f"## {inline(diff.new.name or 'package')}: changes from {old} to {new}",
        "",
        f"**Required bump: {diff.required_bump.label}** — {MEANING[diff.required_bump]}.",
        "",
        "### Schema changes",
        "",
    ]
    if diff.schema_changes:
        out += ["| bump | where | change | reason |", "|---|---|---|---|"]
        out += [
            f"| {c.bump.label} | {code(c.where, table=True)} | {_cell(c.summary, 300)} | "
            f"{_cell(c.reason, 300)} |"
            for c in diff.schema_changes
        ]
    else:
        out.append("None.")
    out += ["", "### Data changes", ""]
    out += [
        "| resource | rows before | rows after | added | removed | replaced | changed |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for t in diff.tables:
        out.append(
            f"| {code(t.resource, table=True)} | {t.old_rows} | {t.new_rows} | {t.added.height} | "
            f"{t.removed.height - t.replaced.height} | {t.replaced.height} | {t.changed_rows} |"
        )
    for t in diff.tables:
        if t.empty and not t.note:
            continue
        out += ["", f"#### {code(t.resource)}", ""]
        if t.note:
            out += [f"Note: {inline(t.note)}.", ""]
        for c in diff.data_changes:
            if c.resource == t.resource:
                out.append(f"- **{c.bump.label}**: {inline(c.summary)} — {inline(c.reason)}")
        out += _markdown_rows(t, limit)
    return "\n".join(out) + "\n"


def _markdown_rows(t: TableDiff, limit: int | None) -> list[str]:
    out = []
    replaced = {_key(t, r): r["replaced_by"] for r in t.replaced.to_dicts()}
    for title, frame in (("Added", t.added), ("Removed", t.removed)):
        if frame.is_empty():
            continue
        n = _shown(limit, frame.height)
        keys = []
        for row in frame.head(n).to_dicts():
            key = _key(t, row)
            by = f" (replaced by {_code(replaced[key])})" if key in replaced else ""
            keys.append(_code(key) + by)
        more = f", … and {frame.height - n} more" if frame.height > n else ""
        out.append(f"- {title}: " + ", ".join(keys) + more)
    rows = t.changed_by_row()
    if rows:
        n = _shown(limit, len(rows))
        out.append("- Changed:")
        for row in rows[:n]:
            changes = "; ".join(
                f"{code(c['field'])} {_code(before)} → {_code(after)}"
                for c in row["changes"]
                for before, after in [_excerpts(c["before"], c["after"])]
            )
            out.append(f"  - {_code(_key(t, row['key']))}: {changes}")
        if len(rows) > n:
            out.append(f"  - … and {len(rows) - n} more changed rows")
    return out


# --- the CHANGELOG summary --------------------------------------------------------------------


# What a release means for those who pin the package: said in every CHANGELOG section.
ACTION = {
    Bump.MAJOR: "**Downstream users must act**: a change below breaks packages or code "
    "written for the previous version; read the schema changes before upgrading.",
    Bump.MINOR: "**Downstream users need not act**: existing packages and code keep "
    "working; new resources, fields, codes or rows may appear.",
    Bump.PATCH: "**Downstream users need not act**: corrections only; the schema is unchanged.",
    Bump.NONE: "**Downstream users need not act**: nothing changed.",
}


def changelog(diff: Diff, *, baseline: str | None = None, limit: int | None = 10) -> str:
    """The generated summary at the top of a release's CHANGELOG section (Markdown)."""
    if diff.first_release:
        out = [
            "**Downstream users**: nothing to act on; this is the first version to pin "
            "(see docs/downstream.md).",
            "",
            f"First release of {code(diff.new.name)}: no earlier version to compare with. "
            f"{len(diff.tables)} resources:",
            "",
        ]
        for t in diff.tables:
            key = f", key {', '.join(code(k) for k in t.key)}" if t.key else ""
            out.append(f"- {code(t.resource)}: {t.new_rows} rows, {len(t.columns)} fields{key}")
        return "\n".join(out) + "\n"
    since = inline(diff.old.version) + (f" ({code(baseline)})" if baseline else "")
    bump = diff.required_bump
    out = [
        ACTION[bump],
        "",
        f"Changes since {since} need a **{bump.label}** release: {MEANING[bump]}.",
        "",
    ]
    if diff.schema_changes:
        out += ["Schema changes:", ""]
        out += [_bullet(c) for c in sorted(diff.schema_changes, key=lambda c: -c.bump)]
        out.append("")
    data = [t for t in diff.tables if not t.empty]
    if data:
        out += ["Data changes:", ""]
        for t in data:
            out.append(f"- {code(t.resource)}: {_counts(t)} ({t.old_rows} → {t.new_rows} rows).")
            out += ["  " + line for line in _markdown_rows(t, limit)]
        out.append("")
    if not diff.schema_changes and not data:
        out += ["No schema or data changes.", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _bullet(c: Change) -> str:
    return f"- **{c.bump.label}** {code(c.where)}: {inline(c.summary)} — {inline(c.reason)}."
