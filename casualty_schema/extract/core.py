"""The claims an article states, proposed one per figure, and what the package already records.

:func:`extract` reads an article's text sentence by sentence (:mod:`.sentences`), finds
every number (:mod:`.figures`), and for each count proposes a claim: ``value``,
``value_max`` and ``value_text`` from the numeral reader, ``qualifier`` from the hedge words
of rule ``quote.qualifier`` (:mod:`casualty_schema.domain.hedges`), ``quote`` (its piece of
the sentence, verbatim), ``quote_lang``, ``metric`` (:mod:`.metrics`), ``places`` and
``claimant_id`` (:mod:`.names`), ``period_start`` and ``period_end`` (:mod:`.periods`), each
with the words that decided it. What is no count — a year, a date, an ordinal, a percentage, page
furniture — is listed apart, with why.

Two conventions of docs/data-model.md are applied as a curator applies them: of two hedge
words ("نحو 352 مدنياً على الأقل") the one the figure ends on is proposed; a bare round
figure in a headline that rounds a figure of the body ("1300" over "ما لا يقل عن 1302") is
``about``. A figure on a display line (a line of its own without a final stop) whose line
holds no metric's keyword is page furniture ("200 - حرية برس"). Unattributed words are the
publisher's, where the source's ``publisher`` is an actor of the package.

A candidate is **curated** (``curated_as``) when a claim of the same source records the same
figure (:mod:`.curated`); the package is read as :mod:`.catalogue` reads it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casualty_schema.domain import hedges, occurrence
from casualty_schema.domain.numerals import NumberReading
from casualty_schema.extract.catalogue import Catalogue
from casualty_schema.extract.curated import curated_as
from casualty_schema.extract.figures import Figure, figures
from casualty_schema.extract.names import Speech, nearest_speaker, publisher_actor
from casualty_schema.extract.periods import Period, PublishedDate, period, published
from casualty_schema.extract.sentences import Sentence, pieces, sentences, trimmed

__all__ = ["Candidate", "ExtractError", "Extraction", "Skipped", "extract"]


class ExtractError(ValueError):
    """The extraction cannot be made as asked (an unknown source, a date that is none)."""


@dataclass(frozen=True)
class Candidate:
    """A claim proposed for one figure of the article."""

    fields: Mapping[str, Any]  # claims field -> value (None: empty)
    curated_as: str | None
    reason: Mapping[str, str]  # field -> the words that decided it
    line: int  # where it is in the article
    offset: int

    def to_dict(self) -> dict[str, Any]:
        return {**self.fields, "curated_as": self.curated_as, "reason": dict(self.reason)}


@dataclass(frozen=True)
class Skipped:
    """A number of the article that is not a count, and why."""

    text: str
    kind: str
    reason: str
    line: int
    offset: int
    sentence: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "kind": self.kind,
            "reason": self.reason,
            "line": self.line,
            "sentence": self.sentence,
        }


@dataclass(frozen=True)
class Extraction:
    """What :func:`extract` found in one article."""

    candidates: tuple[Candidate, ...]
    skipped: tuple[Skipped, ...]
    columns: tuple[str, ...]  # the claims resource's fields, in order
    delimiter: str  # of a list field (places) in CSV
    source_id: str | None = None
    published_date: str | None = None
    not_proposed: tuple[str, ...] = ()  # claims of the source no candidate is curated as
    # the source's archived text (its text_path) when the text extracted is another one
    other_text: str | None = None

    @property
    def curated(self) -> int:
        return sum(c.curated_as is not None for c in self.candidates)

    @property
    def summary(self) -> str:
        """One line: how many figures, candidates, skipped; with a source, how many curated."""
        n = len(self.candidates)
        line = f"{n} figure{'s' * (n != 1)} proposed, {len(self.skipped)} numbers skipped"
        if self.source_id is not None:
            line += f"; {self.curated} of {n} curated in {self.source_id}"
            if self.not_proposed:
                line += f"; {len(self.not_proposed)} of its claims not proposed"
            if self.other_text is not None:
                line += (
                    f" (but this is not its archived text, {self.other_text}: curated_as "
                    "compares with the claims of that source)"
                )
        return line

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "candidates": [c.to_dict() for c in self.candidates],
            "skipped": [s.to_dict() for s in self.skipped],
        }
        if self.source_id is not None:
            out["curation"] = {
                "source_id": self.source_id,
                "figures": len(self.candidates),
                "curated": self.curated,
                "not_curated": [i for i, c in enumerate(self.candidates) if c.curated_as is None],
                "claims_not_proposed": list(self.not_proposed),
                "other_text": self.other_text,
            }
        return out


# ---------------------------------------------------------------------------------------------
# Extraction
# ---------------------------------------------------------------------------------------------


def extract(
    text: str,
    catalogue: Catalogue | None = None,
    *,
    package: Path | str | None = None,
    published_date: str | None = None,
    source_id: str | None = None,
) -> Extraction:
    """The candidate claims of the article ``text`` (module docstring), against
    ``catalogue`` or the package at ``package`` (default: the bundled one). The publication
    date relative dates are resolved against is ``published_date``, else the source's when
    ``source_id`` names one. Raises ExtractError for an unknown source or a date that is
    none, DescriptorError for a package that cannot be used."""
    if catalogue is None:
        from casualty_schema.package.bundled import bundled_package

        catalogue = Catalogue.read(Path(package) if package is not None else bundled_package())
    source: Mapping[str, Any] | None = None
    if source_id is not None:
        source = catalogue.sources.get(source_id)
        if source is None:
            raise ExtractError(_unknown_source(source_id, catalogue.sources))
        if published_date is None and source.get("published_date"):
            published_date = str(source["published_date"])
    try:
        pub = published(published_date)
    except ValueError as error:
        raise ExtractError(f"--published-date {error}") from None
    publisher = publisher_actor(
        str(source.get("publisher") or "") if source else None, catalogue.speakers.actors.values()
    )
    reader = _Reader(catalogue, pub, source_id, publisher)
    found = reader.read(text)
    _about_in_headlines(found)
    claims = [
        c for c in catalogue.claims if source_id is not None and c.get("source_id") == source_id
    ]
    spans = [(f.sentence.start + f.figure.start, f.sentence.start + f.figure.end) for f in found]
    recorded = curated_as(
        text, [(*span, f.fields) for span, f in zip(spans, found, strict=True)], claims
    )
    candidates = []
    for f, (at, _), (claim, why) in zip(found, spans, recorded, strict=True):
        if why is not None:
            f.reason["curated_as"] = why
        candidates.append(Candidate(f.fields, claim, f.reason, f.sentence.line, at))
    used = {c.curated_as for c in candidates}
    other_text = None
    if source is not None and source.get("text_path") and catalogue.root is not None:
        archived = catalogue.root / str(source["text_path"])
        try:
            same = archived.read_text(encoding="utf-8").strip() == text.strip()
        except (OSError, UnicodeDecodeError):
            same = False
        other_text = None if same else str(source["text_path"])
    return Extraction(
        candidates=tuple(candidates),
        skipped=tuple(reader.skipped),
        columns=catalogue.columns,
        delimiter=catalogue.delimiter,
        source_id=source_id,
        published_date=published_date,
        not_proposed=tuple(str(c["claim_id"]) for c in claims if c["claim_id"] not in used),
        other_text=other_text,
    )


def _unknown_source(source_id: str, sources: Mapping[str, Any]) -> str:
    from casualty_schema.domain.nearest import nearest_ids

    near = nearest_ids([source_id], sources).get(source_id)
    hint = f" (did you mean {near}?)" if near else ""
    return f"no source {source_id!r} in the package's sources{hint}"


@dataclass
class _Found:
    """A candidate being built."""

    sentence: Sentence
    figure: Figure
    fields: dict[str, Any]
    reason: dict[str, str]
    bare: bool  # no hedge word beside it


class _Reader:
    """One pass over an article, sentence by sentence, keeping what the next sentence needs:
    the actors named so far, the statement being carried on, the period said before."""

    def __init__(
        self,
        catalogue: Catalogue,
        pub: PublishedDate | None,
        source_id: str | None,
        publisher: str | None,
    ) -> None:
        self.catalogue, self.pub, self.source_id, self.publisher = (
            catalogue,
            pub,
            source_id,
            publisher,
        )
        self.skipped: list[Skipped] = []
        self.known: set[str] = set()
        self.last_period: Period | None = None

    def read(self, text: str) -> list[_Found]:
        found: list[_Found] = []
        all_sentences = sentences(text)
        speeches: list[Speech] = []
        for s in all_sentences:
            speeches.append(self.catalogue.speakers.read(s.text, self.known))
            self.known |= speeches[-1].named
        statements = _statements(all_sentences, speeches)
        self.known = set()
        for s, speech, (statement, speaker) in zip(
            all_sentences, speeches, statements, strict=True
        ):
            found += self._sentence(s, speech, statement, speaker)
            self.known |= speech.named
        return found

    def _sentence(
        self, s: Sentence, speech: Speech, statement: str, speaker: tuple[str, str] | None
    ) -> list[_Found]:
        numbers = figures(s.text)
        furniture = s.display and not self.catalogue.metrics.any_keyword(s.text)
        counts = []
        for f in numbers:
            if f.kind == "count" and furniture:
                self._skip(
                    s, f, "furniture", "page furniture: a line of its own with no metric's words"
                )
            elif f.kind == "count":
                counts.append(f)
            else:
                self._skip(s, f, f.kind, f.why)
        spans = [(_hedge_start(s.text, f), f.end) for f in counts]
        out = []
        for f, (start, end) in zip(counts, pieces(s.text, spans), strict=True):
            out.append(self._candidate(s, f, start, end, speech, statement, speaker))
        return out

    def _skip(self, s: Sentence, f: Figure, kind: str, why: str) -> None:
        self.skipped.append(Skipped(f.text, kind, why, s.line, s.start + f.start, s.text))

    def _candidate(
        self,
        s: Sentence,
        f: Figure,
        start: int,
        end: int,
        speech: Speech,
        statement: str,
        speaker: tuple[str, str] | None,
    ) -> _Found:
        start, end = trimmed(s.text, start, end)
        start = _first_occurrence(s.text, f, start)
        quote = s.text[start:end]
        at, until = f.start - start, f.end - start
        assert f.reading is not None
        reading = f.reading
        lang = _language(quote)
        reason: dict[str, str] = {}
        around = hedges.hedges_around(quote, at, until)
        qualifier, reason["qualifier"] = _qualifier(reading, around)
        metric = self.catalogue.metrics.choose(
            quote, (at, until), [("its sentence", s.text), ("its statement", statement)], lang
        )
        reason["metric"] = metric.reason
        named = self.catalogue.speakers.named(quote, self.known)
        places = self.catalogue.places.named(quote, named)
        reason["places"] = places.reason
        claimant, reason["claimant_id"] = self._claimant(speech, f.start, speaker)
        when = period(quote, self.pub, self.catalogue.campaign_start)
        if when.said and self.last_period is not None:
            when = Period(self.last_period.start, self.last_period.end, when.reason)
        elif when.found:
            self.last_period = when
        reason["period"] = when.reason
        fields: dict[str, Any] = dict.fromkeys(self.catalogue.columns)
        fields.update(
            source_id=self.source_id,
            claimant_id=claimant,
            metric=metric.value,
            places=places.value.split(",") if places.value else None,
            period_start=when.start,
            period_end=when.end,
            qualifier=qualifier,
            value=reading.value,
            value_max=reading.value_max if qualifier in ("range", "vague") else None,
            value_text=f.text,
            quote=quote,
            quote_lang=lang,
        )
        return _Found(s, f, fields, reason, bare=not around)

    def _claimant(
        self, speech: Speech, offset: int, speaker: tuple[str, str] | None
    ) -> tuple[str | None, str]:
        said = nearest_speaker(speech, offset)
        if said is not None:
            return said[0], f"claimant: '{said[1]}', with a verb of saying before the figure"
        if speaker is not None:
            return speaker[0], f"claimant: '{speaker[1]}', whose statement the sentence carries on"
        if self.publisher is not None:
            return self.publisher, "claimant: no speaker named: the publisher's own words"
        return None, "claimant: no speaker named"


def _statements(
    all_sentences: Sequence[Sentence], speeches: Sequence[Speech]
) -> list[tuple[str, tuple[str, str] | None]]:
    """For each sentence, the text of the statement it belongs to (it and the sentences that
    carry it on, or that it carries on) and the speaker it carries on (None when it carries
    none on)."""
    groups: list[list[int]] = []
    speakers: list[tuple[str, str] | None] = []
    current: tuple[str, str] | None = None
    for i, speech in enumerate(speeches):
        if speech.carries_on and groups and not all_sentences[i].display:
            groups[-1].append(i)
            speakers.append(current)
        else:
            groups.append([i])
            speakers.append(None)
        if speech.said:
            current = (speech.said[-1][1], speech.said[-1][2])
        elif not speech.carries_on:
            current = None
    text_of = {}
    for group in groups:
        joined = " ".join(all_sentences[i].text for i in group)
        text_of.update(dict.fromkeys(group, joined))
    return [(text_of[i], speakers[i]) for i in range(len(speeches))]


def _hedge_start(sentence: str, f: Figure) -> int:
    """Where the figure's hedge words before it begin (its own start when there are none)."""
    before = [h for h in hedges.hedges_around(sentence, f.start, f.end) if h.side == "before"]
    return min([f.start, *(h.start for h in before)])


def _first_occurrence(sentence: str, f: Figure, start: int) -> int:
    """A quote's start such that the figure is the first count of its value_text in it, as
    rule quote.value reads a quote ("352 … 352": the second needs a quote of its own)."""
    while True:
        found = occurrence.placement(sentence[start : f.end], f.text)
        if found is None or start + found.start >= f.start:
            return start
        start = start + found.end
        while start < f.start and not sentence[start].isspace():
            start += 1
        start, _ = trimmed(sentence, start, f.start)


def _qualifier(reading: NumberReading, around: Sequence[hedges.Hedge]) -> tuple[str, str]:
    if reading.vague:
        return "vague", "qualifier: a vague quantity (the convention table of docs/data-model.md)"
    if reading.is_range:
        return "range", "qualifier: a range with both ends"
    if not around:
        return "exact", "qualifier: no hedge word"
    chosen = around[-1]
    if len(around) > 1 and around[0].qualifier != chosen.qualifier:
        return chosen.qualifier, (
            f"qualifier: '{around[0].phrase}' ({around[0].qualifier}) and '{chosen.phrase}' "
            f"({chosen.qualifier}): the one the figure ends on"
        )
    return chosen.qualifier, f"qualifier: '{chosen.phrase}' {chosen.side} the figure"


def _language(text: str) -> str:
    arabic = sum("\u0600" <= c <= "\u06ff" for c in text)
    latin = sum(c.isascii() and c.isalpha() for c in text)
    return "ar" if arabic >= latin else "en"


def _about_in_headlines(found: list[_Found]) -> None:
    """A bare round figure in a headline that rounds a figure of the body is ``about``."""
    import polars as pl

    from casualty_schema.domain.bounds import about_band

    body = [c for c in found if not c.sentence.display]
    for c in found:
        value = c.fields["value"]
        if not (c.sentence.display and c.bare and c.fields["qualifier"] == "exact"):
            continue
        if value < 100 or value % 100:
            continue
        band = int(pl.select(about_band(pl.lit(value, pl.Int64))).item())
        rounded = next(
            (
                b
                for b in body
                if b.fields["metric"] == c.fields["metric"]
                and b.fields["value"] != value
                and abs(b.fields["value"] - value) <= band
                and b.fields["qualifier"] in ("exact", "at_least", "more_than", "about")
            ),
            None,
        )
        if rounded is not None:
            c.fields["qualifier"] = "about"
            c.reason["qualifier"] = (
                f"qualifier: a bare round figure in a headline, rounding the body's "
                f"{rounded.fields['value_text']} (the headline convention of docs/data-model.md)"
            )
