"""The changes of one resource's Table Schema, old to new, each classified ``major``, ``minor`` or
``patch`` with the reason: fields added, removed, renamed, reordered or retyped; how a cell is
read; every constraint tightened or loosened; enum codes; primary, foreign and unique keys;
``fieldsMatch`` and ``missingValues``. The policy is the Frictionless "Data Package Version"
recipe, completed by the project's own in ``docs/releasing.md``.

Over 500 lines: it is one policy table, kind by kind; cutting it up would scatter the policy.
"""

from __future__ import annotations

import json
from typing import Any

from casualty_schema.compare.change import Bump, Change
from casualty_schema.package.descriptor import FieldSpec, ResourceSpec

__all__ = ["schema_changes", "show"]


# --- the Table Schema -------------------------------------------------------------------------

# fieldsMatch: each mode and the modes whose every matching file it also matches.
FIELDS_MATCH_ACCEPTS = {
    "exact": {"exact"},
    "equal": {"exact", "equal"},
    "subset": {"exact", "equal", "subset"},
    "superset": {"exact", "equal", "superset"},
    "partial": {"exact", "equal", "subset", "superset", "partial"},
}
# Modes under which a file may lack a field of the schema: only there an optional field can
# be added without breaking files written for the old schema.
FIELDS_MAY_BE_ABSENT = frozenset({"superset", "partial"})
# Field properties that change how a cell is read.
FIELD_PARSING = frozenset(
    {
        "delimiter",
        "itemType",
        "itemFormat",
        "trueValues",
        "falseValues",
        "decimalChar",
        "groupChar",
        "bareNumber",
        "missingValues",
        "categories",
        "categoriesOrdered",
    }
)
TIGHTENED = "data valid under the old schema may be invalid under the new one"
LOOSENED = "everything valid under the old schema stays valid"


def schema_changes(old: ResourceSpec, new: ResourceSpec) -> list[Change]:
    r = new.name
    changes: list[Change] = []
    sa = dict(old.descriptor.get("schema") or {})
    sb = dict(new.descriptor.get("schema") or {})
    if old.fields_match != new.fields_match:
        a, b = old.fields_match, new.fields_match
        if a in FIELDS_MATCH_ACCEPTS.get(b, set()):
            changes.append(
                Change(
                    Bump.MINOR,
                    "fields-match-loosened",
                    f"fieldsMatch {a!r} → {b!r}",
                    "every file that matched the old fields still matches",
                    resource=r,
                    before=a,
                    after=b,
                )
            )
        else:
            changes.append(
                Change(
                    Bump.MAJOR,
                    "fields-match-tightened",
                    f"fieldsMatch {a!r} → {b!r}",
                    "files that matched the old fields may not match the new",
                    resource=r,
                    before=a,
                    after=b,
                )
            )
    changes += _field_set_changes(old, new)
    for f in new.fields:
        if f.name in old.field_names:
            changes += _field_changes(r, old.field(f.name), f)
    if list(old.primary_key) != list(new.primary_key):
        changes.append(
            Change(
                Bump.MAJOR,
                "primary-key",
                f"primary key ({', '.join(old.primary_key)}) → ({', '.join(new.primary_key)})",
                "consumers identify and join rows by the primary key",
                resource=r,
                before=list(old.primary_key),
                after=list(new.primary_key),
            )
        )
    changes += _foreign_key_changes(old, new)
    if list(old.missing_values) != list(new.missing_values):
        changes.append(
            Change(
                Bump.MAJOR,
                "missing-values",
                f"missingValues {list(old.missing_values)} → {list(new.missing_values)}",
                "the same cell may now read as a value where it was missing, or the reverse",
                resource=r,
                before=list(old.missing_values),
                after=list(new.missing_values),
            )
        )
    if _normal_keys(sa.get("uniqueKeys")) != _normal_keys(sb.get("uniqueKeys")):
        before_keys = _normal_keys(sa.get("uniqueKeys"))
        after_keys = _normal_keys(sb.get("uniqueKeys"))
        added = after_keys - before_keys
        changes.append(
            Change(
                Bump.MAJOR if added else Bump.MINOR,
                "unique-keys-tightened" if added else "unique-keys-loosened",
                "uniqueKeys changed",
                TIGHTENED if added else LOOSENED,
                resource=r,
                before=sa.get("uniqueKeys"),
                after=sb.get("uniqueKeys"),
            )
        )
    return changes


def _normal_keys(keys: Any) -> set[tuple[str, ...]]:
    if not isinstance(keys, list):
        return set()
    return {tuple([k] if isinstance(k, str) else k) for k in keys}


def _field_set_changes(old: ResourceSpec, new: ResourceSpec) -> list[Change]:
    r = new.name
    old_names, new_names = old.field_names, new.field_names
    removed = [n for n in old_names if n not in new_names]
    added = [n for n in new_names if n not in old_names]
    changes = []
    for name in list(removed):
        before = old.field(name)
        twin = next(
            (
                n
                for n in added
                if _same_shape(before, new.field(n))
                and (
                    old_names.index(name) == new_names.index(n)
                    or before.descriptor.get("description")
                    == new.field(n).descriptor.get("description")
                )
            ),
            None,
        )
        if twin is None:
            continue
        removed.remove(name)
        added.remove(twin)
        changes.append(
            Change(
                Bump.MAJOR,
                "field-renamed",
                f"field {name} renamed to {twin}",
                "consumers refer to fields by name",
                resource=r,
                field=twin,
                before=name,
                after=twin,
            )
        )
    for name in removed:
        changes.append(
            Change(
                Bump.MAJOR,
                "field-removed",
                f"field {name} removed",
                "consumers that read it break",
                resource=r,
                field=name,
            )
        )
    for name in added:
        changes.append(_added_field(old, new, new.field(name)))
    common_old = [n for n in old_names if n in new_names]
    common_new = [n for n in new_names if n in old_names]
    if common_old != common_new:
        by_position = "exact" in (old.fields_match, new.fields_match)
        changes.append(
            Change(
                Bump.MAJOR if by_position else Bump.PATCH,
                "fields-reordered",
                "fields reordered: " + ", ".join(common_new),
                "fieldsMatch 'exact' maps fields by position: readers by position misread"
                if by_position
                else f"fieldsMatch {new.fields_match!r} maps fields by name: order is cosmetic",
                resource=r,
                before=common_old,
                after=common_new,
            )
        )
    return changes


def _added_field(old: ResourceSpec, new: ResourceSpec, f: FieldSpec) -> Change:
    """The project's policy: fieldsMatch decides whether an added field breaks."""
    modes = {old.fields_match, new.fields_match}
    summary = f"field {f.name} added ({f.type}{', required' if f.required else ''})"
    if f.required:
        bump, reason = Bump.MAJOR, "a required field: rows written for the old schema lack it"
    elif "exact" in modes:
        bump, reason = (
            Bump.MAJOR,
            "fieldsMatch 'exact' maps fields by position and requires every one: readers by "
            "position and files written for the old schema break",
        )
    elif modes <= FIELDS_MAY_BE_ABSENT:
        bump, reason = (
            Bump.MINOR,
            f"fieldsMatch {new.fields_match!r} maps fields by name and lets a file lack an "
            "optional field: old readers and old files still match",
        )
    else:
        mode = next(
            m for m in (old.fields_match, new.fields_match) if m not in FIELDS_MAY_BE_ABSENT
        )
        bump, reason = (
            Bump.MAJOR,
            f"fieldsMatch {mode!r} requires every field in the file: files written for the "
            "old schema lack it",
        )
    return Change(bump, "field-added", summary, reason, resource=new.name, field=f.name)


def _same_shape(a: FieldSpec, b: FieldSpec) -> bool:
    return (a.type, a.format, dict(a.constraints)) == (b.type, b.format, dict(b.constraints))


def _field_changes(r: str, a: FieldSpec, b: FieldSpec) -> list[Change]:
    changes = []
    f = b.name
    if a.type != b.type:
        changes.append(
            Change(
                Bump.MAJOR,
                "field-type",
                f"type {a.type} → {b.type}",
                "consumers read the values as the old type",
                resource=r,
                field=f,
                before=a.type,
                after=b.type,
            )
        )
    if a.format != b.format:
        changes.append(
            Change(
                Bump.MAJOR,
                "field-format",
                f"format {a.format} → {b.format}",
                "consumers parse the values in the old format",
                resource=r,
                field=f,
                before=a.format,
                after=b.format,
            )
        )
    keys = set(a.descriptor) | set(b.descriptor)
    for key in sorted(keys - {"name", "type", "format", "constraints"}):
        before, after = a.descriptor.get(key), b.descriptor.get(key)
        if before == after:
            continue
        if key in FIELD_PARSING:
            changes.append(
                Change(
                    Bump.MAJOR,
                    "field-parsing",
                    f"{key} {show(before)} → {show(after)}",
                    "the same cell reads as a different value",
                    resource=r,
                    field=f,
                    before=before,
                    after=after,
                )
            )
        else:
            changes.append(
                Change(
                    Bump.PATCH,
                    "field-metadata",
                    f"{key} changed",
                    "descriptive metadata: no data or schema changes",
                    resource=r,
                    field=f,
                    before=before,
                    after=after,
                )
            )
    return changes + _constraint_changes(r, a, b)


# Bounds: which direction of a change tightens. "min": raising tightens; "max": lowering.
BOUNDS = {
    "minimum": "min",
    "exclusiveMinimum": "min",
    "minLength": "min",
    "maximum": "max",
    "exclusiveMaximum": "max",
    "maxLength": "max",
}
FLAGS = ("required", "unique")


def _constraint_changes(r: str, a: FieldSpec, b: FieldSpec) -> list[Change]:
    changes = []
    ca, cb = dict(a.constraints), dict(b.constraints)
    for key in sorted(set(ca) | set(cb)):
        before, after = ca.get(key), cb.get(key)
        if before == after:
            continue
        for bump, kind, summary, reason, shown in _constraint_change(key, before, after):
            old_value, new_value = shown
            changes.append(
                Change(
                    bump,
                    kind,
                    summary,
                    reason,
                    resource=r,
                    field=b.name,
                    before=old_value,
                    after=new_value,
                )
            )
    return changes


_Classified = tuple[Bump, str, str, str, tuple[Any, Any]]


def _constraint_change(key: str, before: Any, after: Any) -> list[_Classified]:
    """(bump, kind, summary, reason, (before, after)) for one constraint that differs."""
    shown = (
        {key: before} if before is not None else None,
        {key: after} if after is not None else None,
    )
    tightened, loosened = "constraint-tightened", "constraint-loosened"
    if key in FLAGS:
        if bool(after) and not bool(before):
            return [(Bump.MAJOR, tightened, f"now {key}", TIGHTENED, shown)]
        if bool(before) != bool(after):
            return [(Bump.MINOR, loosened, f"no longer {key}", LOOSENED, shown)]
        return []
    if key in BOUNDS:
        kind = BOUNDS[key]
        direction = _bound_direction(kind, before, after)
        if before is None:
            text = f"{key} added ({show(after)})"
        elif after is None:
            text = f"{key} removed ({show(before)})"
        else:
            moved = {"up": "raised", "down": "lowered"}.get(str(direction), "changed")
            text = f"{key} {moved} from {show(before)} to {show(after)}"
        if direction == "?":
            reason = "values not comparable: treated as tightened"
            return [(Bump.MAJOR, "constraint-changed", text, reason, shown)]
        if direction == ("up" if kind == "min" else "down"):
            return [(Bump.MAJOR, tightened, text, TIGHTENED, shown)]
        return [(Bump.MINOR, loosened, text, LOOSENED, shown)]
    if key == "enum":
        return _enum_changes(before, after, shown)
    if key == "pattern":
        if before is None:
            return [(Bump.MAJOR, tightened, f"pattern added: {after}", TIGHTENED, shown)]
        if after is None:
            return [(Bump.MINOR, loosened, f"pattern removed: {before}", LOOSENED, shown)]
        reason = "a different pattern may reject values the old one accepted"
        return [(Bump.MAJOR, "constraint-changed", f"pattern {before} → {after}", reason, shown)]
    reason = "a constraint this tool cannot order: treated as tightened"
    text = f"constraint {key} {show(before)} → {show(after)}"
    return [(Bump.MAJOR, "constraint-changed", text, reason, shown)]


def _enum_changes(before: Any, after: Any, shown: tuple[Any, Any]) -> list[_Classified]:
    if before is None:
        text = f"enum added: {show(after)}"
        return [(Bump.MAJOR, "constraint-tightened", text, TIGHTENED, shown)]
    if after is None:
        return [(Bump.MINOR, "constraint-loosened", "enum removed", LOOSENED, shown)]
    old_codes = {_code(c): c for c in before}
    new_codes = {_code(c): c for c in after}
    removed = [old_codes[k] for k in old_codes if k not in new_codes]
    added = [new_codes[k] for k in new_codes if k not in old_codes]
    changes: list[_Classified] = []
    if removed:
        changes.append(
            (
                Bump.MAJOR,
                "enum-codes-removed",
                "enum codes removed: " + ", ".join(map(str, removed)),
                "rows and consumers that use the removed codes break",
                (removed, None),
            )
        )
    if added:
        changes.append(
            (
                Bump.MINOR,
                "enum-codes-added",
                "enum codes added: " + ", ".join(map(str, added)),
                "project policy: a new code invalidates no row; consumers that switch over "
                "the codes need a default branch",
                (None, added),
            )
        )
    if not changes:  # the same codes in another order
        changes.append(
            (Bump.PATCH, "enum-reordered", "enum codes reordered", "the same codes", shown)
        )
    return changes


def _code(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _bound_direction(kind: str, before: Any, after: Any) -> str | None:
    """'up', 'down', '?' (not comparable) or None (removed)."""
    if after is None:
        return None
    if before is None:
        return "up" if kind == "min" else "down"
    try:
        a, b = float(before), float(after)
    except (TypeError, ValueError):
        a_text, b_text = str(before), str(after)  # ISO dates and times order as text
        if len(a_text) != len(b_text):
            return "?"
        return "up" if b_text > a_text else "down"
    return "up" if b > a else "down"


def _foreign_key_changes(old: ResourceSpec, new: ResourceSpec) -> list[Change]:
    def keys(r: ResourceSpec) -> dict[tuple[str, ...], tuple[str, tuple[str, ...]]]:
        return {fk.fields: (fk.resource, fk.reference_fields) for fk in r.foreign_keys}

    a, b = keys(old), keys(new)
    changes = []

    def show(fields: tuple[str, ...], target: tuple[str, tuple[str, ...]]) -> str:
        return f"({', '.join(fields)}) → {target[0]}({', '.join(target[1])})"

    for fields in sorted(set(a) | set(b)):
        before, after = a.get(fields), b.get(fields)
        if before == after:
            continue
        if before is None:
            assert after is not None
            bump, kind, text, reason = (
                Bump.MAJOR,
                "foreign-key-added",
                f"foreign key added: {show(fields, after)}",
                TIGHTENED,
            )
        elif after is None:
            bump, kind, text, reason = (
                Bump.MINOR,
                "foreign-key-removed",
                f"foreign key removed: {show(fields, before)}",
                LOOSENED,
            )
        else:
            bump, kind, text, reason = (
                Bump.MAJOR,
                "foreign-key-changed",
                f"foreign key {show(fields, before)} now → {after[0]}({', '.join(after[1])})",
                "values must now exist in another table",
            )
        changes.append(
            Change(
                bump,
                kind,
                text,
                reason,
                resource=new.name,
                field=", ".join(fields),
                before=show(fields, before) if before else None,
                after=show(fields, after) if after else None,
            )
        )
    return changes


def show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, str):
        return repr(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
