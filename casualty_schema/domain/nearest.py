"""What was probably meant: the nearest existing id to an unknown one, and the nearest passage
of a text to a quote it does not contain. Both feed a finding's hint ("did you mean
sanaa-gov?"), so both are bounded: they run once per distinct unknown value, on the few
values a check has already found wrong, and give up (no hint) past :data:`MAX_VALUES` values
or :data:`MAX_CANDIDATES` candidates rather than slow a run down.
"""

from __future__ import annotations

from collections.abc import Iterable
from difflib import SequenceMatcher, get_close_matches

import polars as pl

#: At most this many distinct unknown values get a "did you mean" (the rest get no hint).
MAX_VALUES = 200
#: Ids are looked for among at most this many candidates.
MAX_CANDIDATES = 20_000
#: How alike an id must be to be suggested (difflib's ratio: sanna-gov ~ sanaa-gov is 0.89).
CUTOFF = 0.75


def nearest_ids(unknown: Iterable[str], known: Iterable[str]) -> dict[str, str]:
    """For each unknown value, the most alike known one, where one is alike enough."""
    candidates = sorted(set(known))
    values = sorted(set(unknown))
    if not candidates or len(candidates) > MAX_CANDIDATES:
        return {}
    found = {}
    for value in values[:MAX_VALUES]:
        close = get_close_matches(value, candidates, n=1, cutoff=CUTOFF)
        if close and close[0] != value:
            found[value] = close[0]
    return found


def did_you_mean(value: pl.Expr, near: dict[str, str]) -> pl.Expr:
    """The hint "did you mean X?" for each value :func:`nearest_ids` found a near id for;
    null for the others."""
    return pl.format("did you mean {}?", value.replace_strict(near, default=None))


#: A passage is shown with at most this many characters of context around what differs.
CONTEXT = 30


def nearest_passage(quote: str, text: str) -> str | None:
    """Where ``text`` comes nearest to containing ``quote``, and the first place they differ:
    the stretch of ``text`` that would hold the quote, aligned on their longest common run,
    compared with the quote. None when they share too little to tell (or nothing differs)."""
    if not quote or not text:
        return None
    block = SequenceMatcher(None, text, quote, autojunk=False).find_longest_match(
        0, len(text), 0, len(quote)
    )
    if block.size < max(4, len(quote) // 5):
        return None
    slack = len(quote) // 4 + 1  # room for what the quote adds or drops
    start = max(0, block.a - block.b - slack)
    window = text[start : block.a - block.b + len(quote) + slack]
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, window, quote, autojunk=False).get_opcodes():
        if tag == "equal" or (tag == "delete" and j1 in (0, len(quote))):  # outside the quote
            continue
        theirs, ours = window[i1:i2], quote[j1:j2]
        shown = f"«…{window[max(0, i1 - CONTEXT) : i1]}{theirs}{window[i2 : i2 + CONTEXT]}…»"
        if not theirs:
            differs = f"the quote has «{ours}» that the text lacks"
        elif not ours:
            differs = f"the text has «{theirs}» that the quote lacks"
        else:
            differs = f"the quote has «{ours}» where the text has «{theirs}»"
        return f"nearest passage of the text: {shown}; {differs}"
    return None
