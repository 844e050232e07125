"""An article's text as sentences, and a sentence as the pieces its figures are quoted from.

A sentence ends at a full stop, a question or exclamation mark (``.`` ``!`` ``?`` ``؟``, with
the closing quotation marks after it) followed by white space, and at every line break: the
dot inside "1.302" or "34.502" ends nothing. A line that does not end with such a mark is a
**display line** — a headline, a photo caption, a byline, page furniture — and is a sentence
of its own.

A sentence that states several figures is cut between them, at the last clause separator
(``،`` ``,`` ``؛`` ``;``) before the next figure and its hedge words: "…بمقتل 352 مدنياً على
الأقل، افتا إلى أنّ مقاتلاته شنّت … أكثر من 20 ألف غارة" gives each figure its own piece,
the quote a candidate is proposed with. Figures with no separator between them share one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

__all__ = ["Sentence", "pieces", "sentences", "trimmed"]

_STOP = ".!?؟…"
_CLOSING = "\"'”’»)"
_END = re.compile(rf"[{re.escape(_STOP)}]+[{re.escape(_CLOSING)}]*(?=\s|$)")
_LINE = re.compile(r"[^\n\r]+")
#: Clause separators: the Arabic and Latin comma (not between digits: "34,502"), semicolons.
_SEPARATOR = re.compile(r"[،؛;]|(?<![0-9٠-٩۰-۹]),|,(?![0-9٠-٩۰-۹])")
#: What a quote does not begin or end with: white space, quotation marks, punctuation.
_EDGE = " \t\"'“”‘’«»:.،,;؛-–—"


@dataclass(frozen=True)
class Sentence:
    """One sentence of an article."""

    index: int  # its position among the article's sentences, from 0
    start: int  # its span in the article's text
    end: int
    text: str  # as written
    line: int  # the line of the article it is on, from 1
    display: bool  # a line of its own without a final stop (headline, caption, furniture)


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text``, in order."""
    found: list[Sentence] = []
    line_starts = [0] + [m.end() for m in re.finditer(r"\r\n|\n|\r", text)]
    for match in _LINE.finditer(text):
        line_start, body = match.start(), match.group()
        line_no = _line_of(line_starts, line_start)
        display = not body.rstrip().rstrip(_CLOSING).endswith(tuple(_STOP))
        cuts = [] if display else [m.end() for m in _END.finditer(body)]
        at = 0
        for cut in [*cuts, len(body)]:
            start, end = _strip(body, at, cut)
            at = cut
            if start < end:
                found.append(
                    Sentence(
                        len(found),
                        line_start + start,
                        line_start + end,
                        body[start:end],
                        line_no,
                        display,
                    )
                )
    return found


def _line_of(starts: Sequence[int], offset: int) -> int:
    return bisect_right(starts, offset)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def pieces(sentence: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """For each figure of ``sentence`` (its span from where its hedge words begin to its
    end, in order), the span of the piece it is quoted from (module docstring), at most
    :data:`BEFORE` characters before the figure and :data:`AFTER` after it (cut at a word:
    a sentence that runs on for pages is no quote)."""
    cuts: list[tuple[int, int] | None] = []  # (end of one piece, start of the next)
    for (_, before_end), (after_start, _) in pairwise(spans):
        separators = list(_SEPARATOR.finditer(sentence, before_end, max(before_end, after_start)))
        cuts.append((separators[-1].start(), separators[-1].end()) if separators else None)
    ends = [len(sentence)] * len(spans)
    for i in range(len(spans) - 2, -1, -1):  # each piece ends at the next cut after it
        cut = cuts[i]
        ends[i] = cut[0] if cut is not None else ends[i + 1]
    out: list[tuple[int, int]] = []
    start = 0
    for i, (first, last) in enumerate(spans):
        cut = cuts[i - 1] if i > 0 else None
        if cut is not None:
            start = cut[1]
        low, high = max(start, first - BEFORE), min(ends[i], last + AFTER)
        if low > start:
            low = _word_start(sentence, low, first)
        if high < ends[i]:
            high = _word_end(sentence, high, last)
        out.append((low, high))
    return out


#: The most a quote holds before its figure, and after it, in characters (the seed articles'
#: clauses hold at most 229 and 232).
BEFORE, AFTER = 400, 300


def _word_start(text: str, at: int, limit: int) -> int:
    while at < limit and not text[at - 1].isspace():
        at += 1
    return at


def _word_end(text: str, at: int, limit: int) -> int:
    while at > limit and not text[at].isspace():
        at -= 1
    return at


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span ``text[start:end]`` without the white space, quotation marks and punctuation
    at either edge (a quote is the words, not the marks around them)."""
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end
