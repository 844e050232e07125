"""Who and where: the package's places and actors a text names, and who speaks in a sentence.

**Places.** Every place whose ``name`` or ``name_en`` a piece writes ("في سوريا",
"والعراق", "بالرقة"; "سورياوالعراق", two names run together, is both), except inside an
actor's name ("تجمع ثوار سوريا" names no place).

**Speaker.** The actor named with the verb of saying nearest before the figure (قال، أعلن،
أقر، وثق، أشار، أوضح، أكد، ذكر، أضاف، كشف، بيّن …; "according to", "said"): after the verb
("وأشار التحالف الدولي"), or right before it in a headline ("تجمع ثوار سوريا وثق"). An
actor is named by its ``name`` or ``name_en``, a part of it ("قوة المهام المشتركة" of "قوة
المهام المشتركة – عملية العزم الصلب"), the first or last two words of one ("المهام
المشتركة"), or — once named in full earlier in the text — by its first word with the article
("التجمع", "التحالف") or, for a person, the family name ("الحسين"). Of an actor and a part
of it named together ("عضو مجلس الشعب السوري النائب محمد حسين راغب الحسين") the part is the
speaker, and "عضو X" (a member of X) is the member of X the text has named. A sentence that
opens with a verb of saying and names no speaker ("وأضافت أن 45…", "وتابع القول", "وشمل
التقرير") carries on the statement of the sentence before it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from casualty_schema.domain.numerals import key
from casualty_schema.extract.metrics import Choice
from casualty_schema.extract.words import Names, Words, name_parts, phrase, unglued
from casualty_schema.extract.words import words as words_of

__all__ = [
    "Actor",
    "Mention",
    "Place",
    "Places",
    "Speakers",
    "Speech",
    "nearest_speaker",
    "publisher_actor",
]


@dataclass(frozen=True)
class Place:
    place_id: str
    name: str
    name_en: str


@dataclass(frozen=True)
class Actor:
    actor_id: str
    name: str
    name_en: str
    kind: str
    parent_id: str | None


class Places:
    """The package's places, by their names."""

    def __init__(self, places: Iterable[Place]) -> None:
        self.names = Names()
        for place in places:
            for name in (place.name, place.name_en):
                for part in name_parts(name):
                    self.names.add(phrase(part), place.place_id)

    def named(self, text: str, actors: Iterable[Mention] = ()) -> Choice:
        """The places ``text`` names (ids joined by commas), but in the names of ``actors``
        (the actors :meth:`Speakers.named` finds in ``text``)."""
        words = words_of(text)
        masked = frozenset(i for m in actors for i in range(m.first, m.after))
        found: dict[str, str] = {}
        for a, b, ident in self.names.mentions(words.keys, masked):
            found.setdefault(ident, text[words.toks[a].start : words.toks[b - 1].end])
        if not found:
            return Choice(None, "places: none named")
        shown = ", ".join(f"'{w}'" for w in dict.fromkeys(found.values()))
        return Choice(",".join(found), f"places: {shown}")


# ---------------------------------------------------------------------------------------------
# Speakers
# ---------------------------------------------------------------------------------------------

_SPEECH = frozenset(
    key(w)
    for w in (
        "قال", "قالت", "يقول", "تقول", "أعلن", "أعلنت", "يعلن", "تعلن", "أقر", "أقرت", "يقر",
        "تقر", "وثق", "وثقت", "يوثق", "توثق", "أشار", "أشارت", "يشير", "تشير", "أوضح",
        "أوضحت", "يوضح", "توضح", "أكد", "أكدت", "يؤكد", "تؤكد", "ذكر", "ذكرت", "يذكر", "تذكر",
        "أضاف", "أضافت", "يضيف", "تضيف", "كشف", "كشفت", "يكشف", "تكشف", "بيّن", "بيّنت",
        "يبيّن", "تبيّن", "صرح", "صرحت", "يصرح", "تصرح", "اعترف", "اعترفت", "يعترف", "تعترف",
        "أفاد", "أفادت", "يفيد", "تفيد", "تابع", "تابعت", "وصف", "وصفت", "رصد", "رصدت",
        "يرصد", "ترصد", "سجل", "سجلت", "يسجل", "تسجل", "قدر", "قدرت", "يقدر", "تقدر", "نقل",
        "نقلت", "أحصى", "أحصت", "اتهم", "اتهمت", "نفى", "نفت",
        "said", "says", "say", "announced", "reported", "reports", "documented", "stated",
        "acknowledged", "admitted", "confirmed", "added", "estimated", "recorded", "told",
        "noted", "denied", "claimed",
    )
)  # fmt: skip
#: Written with its shadda only is بيّن "made clear" a verb: bare بين is "between".
_NEEDS_SHADDA = frozenset(key(w) for w in ("بين", "وبين", "فبين"))
#: Words that attribute what follows: "بحسب X", "وفقاً لـ X" (and "according to X", "بيان
#: صادر عن X": :meth:`Speakers._is_verb`).
_ATTRIBUTION = frozenset(key(w) for w in ("بحسب", "حسب", "وفق", "وفقا", "طبقا"))
_ABOUT = key("عن")
#: Verbs that carry a statement on without naming its speaker ("وشمل التقرير 26 قتيلا").
_CARRY_ON = frozenset(key(w) for w in ("شمل", "شملت", "تضمن", "تضمنت"))
#: Where the words naming a speaker end: a clause break or the "that" of what is said.
_STOP = frozenset(
    key(w) for w in ("،", ",", ":", ".", "؛", ";", "أن", "أنه", "أنها", "إن", "بأن", "بأنه", "that")
)
_MEMBER = frozenset(key(w) for w in ("عضو", "أعضاء", "النائب", "نائب", "member"))
_SPEAKER_WINDOW = 10


class Mention(NamedTuple):
    """An actor named in a text: its tokens ``[first, after)``, its id, the words."""

    first: int
    after: int
    actor_id: str
    text: str


class Speech(NamedTuple):
    """Who speaks in a sentence."""

    said: list[tuple[int, str, str]]  # (offset of the verb, actor id, the words naming it)
    carries_on: bool  # opens with a verb of saying and names no speaker for it
    named: frozenset[str]  # every actor the sentence names


class Speakers:
    """The package's actors, and who speaks in a sentence."""

    def __init__(self, actors: Iterable[Actor]) -> None:
        self.actors = {a.actor_id: a for a in actors}
        self.names = Names()
        self.short: dict[str, list[str]] = {}
        for actor in self.actors.values():
            for name in (actor.name, actor.name_en):
                for part in name_parts(name):
                    words = phrase(part)
                    self.names.add(words, actor.actor_id)
                    if len(words) >= 3:  # "قوة المهام", "المهام المشتركة"
                        self.names.add(words[:2], actor.actor_id)
                        self.names.add(words[-2:], actor.actor_id)
            ar = phrase(actor.name)
            forms = []
            if len(ar) >= 2:
                forms.append(ar[0] if ar[0].startswith("ال") else "ال" + ar[0])
            if actor.kind == "legislator" and len(ar) >= 3:
                forms.append(ar[-1])
            self.short[actor.actor_id] = forms

    def named(self, text: str, known: Iterable[str] = ()) -> list[Mention]:
        """Every actor ``text`` names: by a name, or by a short form of an actor named in
        full before (``known``) or in ``text``."""
        return self._mentions(words_of(text), frozenset(known))

    def _mentions(self, words: Words, known: frozenset[str]) -> list[Mention]:
        full = self.names.mentions(words.keys)
        taken = {i for a, b, _ in full for i in range(a, b)}
        found = list(full)
        for ident in sorted(known | {m[2] for m in full}):
            for form in self.short.get(ident, []):
                for i, k in enumerate(words.keys):
                    if i not in taken and form in unglued(k):
                        found.append((i, i + 1, ident))
                        taken.add(i)
        return [
            Mention(a, b, ident, " ".join(t.text for t in words.toks[a:b]))
            for a, b, ident in sorted(found)
        ]

    def read(self, sentence: str, known: Iterable[str] = ()) -> Speech:
        """Who speaks in ``sentence`` (module docstring); ``known``: the actors named
        before it."""
        words = words_of(sentence)
        known = frozenset(known)
        named = self._mentions(words, known)
        everyone = known | {m.actor_id for m in named}
        firsts = [m.first for m in named]
        said: list[tuple[int, str, str]] = []
        carries_on = False
        opening = 1 if words.keys[:1] in (["و"], ["ف"]) else 0
        for i, tok in enumerate(words.toks):
            if not self._is_verb(words, i):
                continue
            subject = self._subject(words, i, named, firsts, everyone)
            if subject is not None:
                said.append((tok.start, *subject))
            elif i == opening:
                # no speaker named: "وأضافت أن", "وتابع القول", "وشمل التقرير" (the report
                # of the sentence before) carry a statement on; "وقال مسؤول" (an official)
                # or "وكشف بيان" (a statement) is someone else's
                after = words.keys[i + 1] if i + 1 < len(words.keys) else ""
                carries_on = not after or after in _STOP or after.startswith("ال")
        return Speech(said, carries_on, frozenset(m.actor_id for m in named))

    def _is_verb(self, words: Words, i: int) -> bool:
        tok, k = words.toks[i], words.keys[i]
        if tok.kind != "word":
            return False
        if k in _NEEDS_SHADDA:
            return "\u0651" in tok.text
        if k == _ABOUT:  # "بيان صادر عن X": a statement issued by X
            return i > 0 and words.keys[i - 1] == key("صادر")
        if k == "according":
            return words.keys[i + 1 : i + 2] == ["to"]
        return k in _ATTRIBUTION or _verb(k) in _SPEECH or _verb(k) in _CARRY_ON

    def _subject(
        self,
        words: Words,
        verb: int,
        named: list[Mention],
        firsts: list[int],
        known: frozenset[str],
    ) -> tuple[str, str] | None:
        """The actor who speaks with the verb at token ``verb``, and the words naming it."""
        at = bisect_left(firsts, verb)  # named is sorted by its first tokens
        before = named[at - 1] if at > 0 and named[at - 1].after == verb else None
        attributes = words.keys[verb] in _ATTRIBUTION or words.keys[verb] in (_ABOUT, "according")
        if before is not None and not attributes:
            return before.actor_id, before.text  # a headline: "تجمع ثوار سوريا وثق"
        window: list[Mention] = []
        for m in named[at:]:
            if m.first <= verb:
                continue
            between = words.keys[verb + 1 : m.first]
            if m.first > verb + _SPEAKER_WINDOW or any(k in _STOP for k in between):
                break
            window.append(m)
        if not window:
            return None
        first = window[0]
        part = next((m for m in window[1:] if self._within(m.actor_id, first.actor_id)), None)
        if part is not None:
            return part.actor_id, part.text
        if first.first > 0 and words.keys[first.first - 1] in _MEMBER:
            members = sorted(a for a in known if self._within(a, first.actor_id))
            if len(members) == 1:
                return members[0], f"{words.toks[first.first - 1].text} {first.text}"
        return first.actor_id, first.text

    def _within(self, ident: str, of: str) -> bool:
        """Is actor ``ident`` a part of actor ``of`` (through parent_id)?"""
        seen: set[str] = set()
        parent = self.actors[ident].parent_id if ident in self.actors else None
        while parent is not None and parent not in seen:
            if parent == of:
                return True
            seen.add(parent)
            parent = self.actors[parent].parent_id if parent in self.actors else None
        return False


def _verb(k: str) -> str:
    """A verb without the و / ف glued before it ("وأضافت"); وثق keeps its و."""
    if k in _SPEECH or k in _CARRY_ON:
        return k
    if k[:1] in ("و", "ف") and (k[1:] in _SPEECH or k[1:] in _CARRY_ON):
        return k[1:]
    return k


def nearest_speaker(speech: Speech, offset: int) -> tuple[str, str] | None:
    """The speaker of the nearest verb of saying before character ``offset``."""
    before = [s for s in speech.said if s[0] < offset]
    return (before[-1][1], before[-1][2]) if before else None


def publisher_actor(publisher: str | None, actors: Iterable[Actor]) -> str | None:
    """The actor whose name the source's ``publisher`` holds ("حرية برس (Horrya Press)")."""
    if not publisher:
        return None
    folded = key(publisher)
    for actor in actors:
        if any(name and key(name) in folded for name in (actor.name, actor.name_en)):
            return actor.actor_id
    return None
