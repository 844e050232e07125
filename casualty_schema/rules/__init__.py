"""The consistency rules. Rule ``family.name`` is function ``name`` (hyphens as underscores)
in module ``casualty_schema/rules/family.py``; all are registered in :data:`RULES`, in the
order of the contract's catalogue."""

# Imported for their registrations, in catalogue order.
from casualty_schema.rules import dates, counts, refs, quote, series, relations, duplicates  # noqa: I001
from casualty_schema.rules import cells  # added beyond the contract's catalogue
from casualty_schema.rules.registry import RULES, Rule, rule

__all__ = [
    "RULES",
    "Rule",
    "cells",
    "counts",
    "dates",
    "duplicates",
    "quote",
    "refs",
    "relations",
    "rule",
    "series",
]
