"""What the package already records of an article: the claim each figure is curated as.

A figure is **curated** when a claim of the same source records it: the claim's quote spans
this occurrence of ``value_text`` in the text (as written, or both folded as rule
``quote.source-text`` folds them), with the same ``value``; or it is the same figure said
again in the same words — the same ``value_text``, ``value``, ``qualifier`` and ``metric``
(one claim, docs/data-model.md: the headline's "3712" is the body's).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from casualty_schema.domain.fold import PERSIAN_TO_ARABIC, fold_text

__all__ = ["curated_as"]


def _folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """``text`` folded as :func:`casualty_schema.domain.fold.fold_text` folds it, character by
    character, with the offset in ``text`` of each folded character."""
    out: list[str] = []
    offsets: list[int] = []
    space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            space = bool(out)
            continue
        if space:
            out.append(" ")
            offsets.append(i)
            space = False
        for c in unicodedata.normalize("NFKC", ch):
            out.append(PERSIAN_TO_ARABIC.get(c, c))
            offsets.append(i)
    return "".join(out), offsets


def _quote_span(text: str, quote: str) -> tuple[int, int] | None:
    """Where a claim's quote stands in the article (as written, or both folded)."""
    at = text.find(quote) if quote else -1
    if at >= 0:
        return at, at + len(quote)
    folded, offsets = _folded_with_offsets(text)
    wanted = fold_text(quote)
    at = folded.find(wanted) if wanted else -1
    if at < 0:
        return None
    return offsets[at], offsets[at + len(wanted) - 1] + 1


def _same(claim: Mapping[str, Any], fields: Mapping[str, Any], *names: str) -> bool:
    return all(_cell(claim.get(n)) == _cell(fields.get(n)) for n in names)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ",".join(map(str, value))
    return str(value)


def curated_as(
    text: str,
    figures: Sequence[tuple[int, int, Mapping[str, Any]]],
    claims: Sequence[Mapping[str, Any]],
) -> list[tuple[str | None, str | None]]:
    """For each figure of ``text`` (its span in the text and its proposed fields), the
    claim of ``claims`` (those of the article's source) it is curated as and why; (None,
    None) for a figure no claim records."""
    spans = {str(c["claim_id"]): _quote_span(text, str(c.get("quote") or "")) for c in claims}
    out: list[tuple[str | None, str | None]] = []
    for at, until, fields in figures:
        spanned = next(
            (
                str(claim["claim_id"])
                for claim in claims
                if (span := spans[str(claim["claim_id"])]) is not None
                and span[0] <= at
                and until <= span[1]
                and _same(claim, fields, "value_text", "value")
            ),
            None,
        )
        if spanned is not None:
            out.append((spanned, f"curated_as: the quote of {spanned} states this figure"))
            continue
        again = next(
            (
                str(claim["claim_id"])
                for claim in claims
                if _same(claim, fields, "value_text", "value", "qualifier", "metric")
            ),
            None,
        )
        if again is not None:
            why = f"curated_as: {again} states the same figure in the same words (one claim)"
            out.append((again, why))
        else:
            out.append((None, None))
    return out
