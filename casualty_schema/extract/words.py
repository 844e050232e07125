"""Words of a text matched however they are spelled, and names found among them.

A word is matched by its lookup key (:func:`casualty_schema.domain.numerals.key`: hamza,
ta marbuta, alef maqsura, diacritics, tatweel and case folded), with the letters news glues
before it (و، ب، ل، ف، ك, the article: "والعراق", "بالرقة", "للعراق" is ل + العراق). A
keyword stands in a word as the word it is, not as the stem of another: "دول" (countries) is
not in "الدولي" (international), nor "report" in "reported".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from casualty_schema.domain.numerals import key
from casualty_schema.domain.occurrence import Tok, tokens
from casualty_schema.domain.tokens import PROCLITICS

__all__ = ["Names", "Words", "holds", "name_parts", "phrase", "unglued", "words"]


class Words:
    """The tokens of a text with their lookup keys, and a phrase finder over them (made
    once per text: :func:`words`)."""

    def __init__(self, text: str) -> None:
        self.toks: list[Tok] = tokens(text)
        self.keys = [_key(t.text) for t in self.toks]
        self.joined = " ".join(self.keys)
        self.starts: list[int] = []
        at = 0
        for k in self.keys:
            self.starts.append(at)
            at += len(k) + 1

    def find(self, phrase: str) -> list[int]:
        """The token indices where ``phrase`` (a key) occurs: a phrase of several words
        anywhere in the text; one word inside a word, but not as the stem of another
        word: "دول" (countries) is not in "الدولي" (international), nor "report" in
        "reported"."""
        if " " in phrase:
            found, at = [], self.joined.find(phrase)
            while at >= 0:
                found.append(_index(self.starts, at))
                at = self.joined.find(phrase, at + 1)
            return found
        return [i for i, k in enumerate(self.keys) if holds(k, phrase)]

    def index(self, offset: int) -> int:
        """The token at character ``offset`` of the text (or the next one)."""
        for i, tok in enumerate(self.toks):
            if tok.end > offset:
                return i
        return len(self.toks)


_key = lru_cache(maxsize=1 << 15)(key)


@lru_cache(maxsize=256)
def words(text: str) -> Words:
    """The :class:`Words` of ``text`` (a sentence, or a statement of several, is looked at
    for each of its figures)."""
    return Words(text)


def holds(word: str, stem: str) -> bool:
    """Does ``word`` hold ``stem`` as the word it is, not as the stem of an adjective in -ي
    ("الدولي" of "دول") or an English verb ("reported" of "report")?"""
    at = word.find(stem)
    while at >= 0:
        rest = word[at + len(stem) :]
        if not (
            (rest.startswith("ي") and not stem.endswith("ي"))
            or (stem.isascii() and rest in ("ed", "ing"))
        ):
            return True
        at = word.find(stem, at + 1)
    return False


def _index(starts: Sequence[int], at: int) -> int:
    lo, hi = 0, len(starts)
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if starts[mid] <= at:
            lo = mid
        else:
            hi = mid
    return lo


def name_parts(name: str) -> list[str]:
    """A name and its parts: "قوة المهام المشتركة – عملية العزم الصلب" is also each side of
    its dash; "Deir ez-Zor (governorate)" is "Deir ez-Zor"."""
    plain = re.sub(r"\s*\([^)]*\)", "", name).strip()
    parts = [plain, *(p.strip() for p in re.split(r"\s+[–—-]\s+|\s*/\s*", plain))]
    return list(dict.fromkeys(p for p in parts if p))


def phrase(text: str) -> tuple[str, ...]:
    return tuple(t.key for t in tokens(text) if t.kind == "word")


class Names:
    """Phrases (tuples of keys) naming ids, found in token lists with glued letters."""

    def __init__(self) -> None:
        self.phrases: dict[tuple[str, ...], str] = {}

    def add(self, phrase: tuple[str, ...], ident: str) -> None:
        if phrase:
            self.phrases.setdefault(phrase, ident)

    def single(self, word: str) -> list[str]:
        """The ids one word names: itself, after glued letters, or two names run together
        with و ("سورياوالعراق")."""
        for candidate in unglued(word):
            ident = self.phrases.get((candidate,))
            if ident is not None:
                return [ident]
        for cut in range(2, len(word) - 2):
            if word[cut - 1] == "و":
                left, right = self.phrases.get((word[: cut - 1],)), self.single(word[cut:])
                if left is not None and right:
                    return [left, *right]
        return []

    def mentions(
        self, keys: Sequence[str], skip: frozenset[int] = frozenset()
    ) -> list[tuple[int, int, str]]:
        """(first token, token after, id) of every mention in ``keys``, longest first at a
        place."""
        out: list[tuple[int, int, str]] = []
        longest = max((len(p) for p in self.phrases), default=0)
        i = 0
        while i < len(keys):
            if i in skip:
                i += 1
                continue
            hit = None
            for size in range(min(longest, len(keys) - i), 1, -1):
                head = keys[i : i + size]
                for first in unglued(head[0]):
                    ident = self.phrases.get((first, *head[1:]))
                    if ident is not None:
                        hit = (i, i + size, ident)
                        break
                if hit:
                    break
            if hit is not None:
                out.append(hit)
                i = hit[1]
                continue
            out.extend((i, i + 1, ident) for ident in self.single(keys[i]))
            i += 1
        return out


@lru_cache(maxsize=1 << 14)
def unglued(word: str) -> tuple[str, ...]:
    """``word`` and ``word`` without each run of glued letters it may start with (للعراق is
    ل + العراق)."""
    found = [word]
    for prefix in _PROCLITICS_BY_LETTER.get(word[:1], ()):
        if word.startswith(prefix) and len(word) > len(prefix) + 1:
            found.append(word[len(prefix) :])
    if word.startswith("لل") and len(word) > 4:
        found.append("ال" + word[2:])
    return tuple(found)


_PROCLITICS_BY_LETTER = {
    c: tuple(p for p in PROCLITICS if p[0] == c) for c in {p[0] for p in PROCLITICS}
}
