"""The metric of a figure: the package's metric whose keywords stand nearest it.

The metric whose keywords stand nearest the figure, in words ("34,502 غارة": airstrikes;
"352 مدنياً": civilian deaths), within :data:`NEAR` words; a word after the figure (its
counted noun: "26 قتيلا") wins a tie with one before it ("وشمل التقرير 26"), and where the
counted noun is none of the metrics' words, the words before decide nothing ("أسفرت الغارة
عن 5 جرحى": the wounded are no strikes, and no metric of the package). Metrics that
still tie (their keywords are shared, as civilian deaths and civilian deaths first reported
share theirs) are told apart by what only one of them has — a keyword, or every content word
of its label ("تقارير قيد التقييم": التقييم) — in the piece, then in its sentence, then in
the statement it belongs to (the sentences that carry on one speaker's words: "وأضافت أن…",
"وذكرت أن…"); failing that, the first of them in the package is proposed and the others are
named.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from casualty_schema.domain.hedges import qualifier_of
from casualty_schema.domain.numerals import is_number_word, key
from casualty_schema.extract.words import Words
from casualty_schema.extract.words import words as words_of

__all__ = ["NEAR", "Choice", "Metric", "Metrics"]

#: How many words from a figure a metric's keyword may stand.
NEAR = 12
_STOPWORDS = frozenset(
    key(w)
    for w in (
        "عنهم", "عنها", "عنه", "التي", "الذي", "هذه", "ذلك", "وهي", "غير",
        "of", "the", "a", "an", "in", "on", "by", "for", "to", "and", "or", "not", "non",
        "under", "as", "per",
    )
)  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@dataclass(frozen=True)
class Metric:
    metric_id: str
    label_en: str
    label_ar: str
    keywords: tuple[str, ...]


class Choice(NamedTuple):
    """What the words chose (an id, or None) and which words decided it."""

    value: str | None
    reason: str


def _content_words(label: str) -> frozenset[str]:
    words = set()
    for word in _WORD.findall(label):
        k = key(word)
        k = k[2:] if k.startswith("ال") and len(k) > 4 else k
        if len(k) >= 4 and k not in _STOPWORDS:
            words.add(k)
    return frozenset(words)


class Metrics:
    """The package's metrics, in its order, as :func:`choose` reads them."""

    def __init__(self, metrics: Iterable[Metric]) -> None:
        self.metrics = list(metrics)
        self.keywords = {m.metric_id: [key(k) for k in m.keywords if key(k)] for m in self.metrics}
        self.shown = {m.metric_id: {key(k): k for k in m.keywords} for m in self.metrics}
        self._memo: dict[tuple[tuple[str, ...], str, str], dict[str, str]] = {}
        self.labels = {
            m.metric_id: (_content_words(m.label_ar), _content_words(m.label_en))
            for m in self.metrics
        }

    def any_keyword(self, text: str) -> bool:
        """Does ``text`` hold a keyword of any metric?"""
        words = words_of(text)
        return any(words.find(k) for ks in self.keywords.values() for k in ks)

    def choose(
        self, quote: str, span: tuple[int, int], wider: Sequence[tuple[str, str]], lang: str
    ) -> Choice:
        """The metric of the figure at ``span`` of ``quote``; ``wider`` are the (name, text)
        scopes that may tell tied metrics apart: its sentence, its statement."""
        words = words_of(quote)
        first, last = words.index(span[0]), max(words.index(span[1] - 1), words.index(span[0]))
        # (distance in words, 0 after the figure / 1 before it, the keyword): the counted
        # noun follows a figure ("26 قتيلا"), so a word after it wins a tie with one before
        nearest: dict[str, tuple[int, int, str]] = {}
        far = (NEAR + 1, 1, "")
        counted = _counted_noun(words, last + 1)
        for m in self.metrics:
            for k in self.keywords[m.metric_id]:
                for i in words.find(k):
                    if i < first and counted is not None:
                        continue  # "أسفرت الغارة عن 5 جرحى": the wounded are no strikes
                    rank = (first - i, 1) if i < first else (max(0, i - last), 0)
                    if rank[0] <= NEAR and rank < nearest.get(m.metric_id, far)[:2]:
                        nearest[m.metric_id] = (*rank, self.shown[m.metric_id][k])
        if not nearest and counted is not None:
            return Choice(None, f"metric: what is counted, '{counted}', is no metric's word")
        if not nearest:
            return Choice(None, "metric: no metric's keywords near the figure")
        best = min(r[:2] for r in nearest.values())
        tied = [m.metric_id for m in self.metrics if nearest.get(m.metric_id, far)[:2] == best]
        word = nearest[tied[0]][2]
        where = _distance(*best)
        if len(tied) == 1:
            return Choice(tied[0], f"metric: '{word}' {where}")
        scopes = [("the piece", quote), *wider]
        for scope, text in scopes:
            evidence = self._evidence(tuple(tied), text, lang)
            if len(evidence) == 1:
                ((metric, shown),) = evidence.items()
                return Choice(metric, f"metric: '{word}' {where}, and '{shown}' in {scope}")
            if len(evidence) > 1:
                tied = [m for m in tied if m in evidence]
                break
        others = ", ".join(tied[1:])
        return Choice(
            tied[0],
            f"metric: '{word}' {where} (so are the words of {others}: the first is proposed)",
        )

    def _evidence(self, tied: tuple[str, ...], text: str, lang: str) -> dict[str, str]:
        """The tied metrics whose own words (a keyword no other tied metric has, or all the
        content words of its label that no other has) ``text`` holds, with those words
        (once per text: the figures of a sentence, or of a statement, share it)."""
        memo = (tied, text, lang)
        if memo in self._memo:
            return self._memo[memo]
        words = words_of(text)
        found: dict[str, str] = {}
        for m in tied:
            others = [o for o in tied if o != m]
            shared = {k for o in others for k in self.keywords[o]}
            own = [k for k in self.keywords[m] if k not in shared]
            hit = next((k for k in own if words.find(k)), None)
            if hit is not None:
                found[m] = self.shown[m][hit]
                continue
            label = self.labels[m][0 if lang == "ar" else 1]
            other_words = {w for o in others for w in (*self.labels[o][0], *self.labels[o][1])}
            label = label - other_words - shared
            if label and all(words.find(w) for w in label):
                found[m] = " … ".join(sorted(label))
        if len(self._memo) > 256:
            self._memo.clear()
        self._memo[memo] = found
        return found


#: Words after a figure that are not what it counts: prepositions, conjunctions, particles.
_NOT_COUNTED = frozenset(
    key(w)
    for w in (
        "من", "في", "على", "عن", "إلى", "الى", "مع", "بين", "حتى", "منذ", "خلال", "أو", "و",
        "فقط", "ما", "بعد", "قبل", "نحو", "حوالي",
        "of", "in", "on", "at", "to", "from", "and", "or", "by", "since", "during",
    )
)  # fmt: skip


def _counted_noun(words: Words, i: int) -> str | None:
    """The word right after a figure when it is the noun the figure counts (no preposition,
    particle, hedge or number word): then what it counts is said there, and the words
    before the figure do not decide."""
    if i >= len(words.toks) or words.toks[i].kind != "word":
        return None
    k = words.keys[i]
    if k in _NOT_COUNTED or qualifier_of(words.toks[i].text) is not None:
        return None
    if is_number_word(words.toks[i].text):
        return None
    return words.toks[i].text


def _distance(words: int, side: int) -> str:
    where = "before" if side else "after"
    if words <= 1:
        return f"right {where} the figure"
    return f"{words} words {where} the figure"
