"""Rules tying a claim's number to its quote, and its quote to the archived source.

quote.value, quote.qualifier, quote.source-text and quote.keywords; the first two share where
a value_text stands in its quote (:func:`placed`, computed once per run), which is why the
four live together at some 500 lines. The reading itself is in :mod:`casualty_schema.domain`.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl

from casualty_schema.domain import hedges, numerals, occurrence
from casualty_schema.domain.fold import fold
from casualty_schema.domain.nearest import nearest_passage
from casualty_schema.findings import Severity
from casualty_schema.frames import Frames
from casualty_schema.rules.registry import rule

# value_text that polars can read without the numeral reader: 352, 34,502 — and the same in
# Eastern Arabic or Persian digits (٣٥٢، ۳۴٬۵۰۲), mapped to ASCII first
PLAIN_NUMBER = r"^(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)$"
_DIGITS = [chr(0x0660 + d) for d in range(10)] + [chr(0x06F0 + d) for d in range(10)] + ["٬"]
_ASCII = [str(d) for d in range(10)] * 2 + [","]


def _not_denoted(claims: pl.DataFrame) -> pl.DataFrame:
    """The claims whose value_text does not denote their value (and, for a range or a vague
    quantity, value_max: elsewhere a value_max is counts.bounds' to report): a value_text
    that is the value in Western digits is settled at once, other plain digits in polars,
    every other form through the numeral reader, once per distinct form."""
    value, text = pl.col("value"), pl.col("value_text")
    upper = (
        pl.when(pl.col("qualifier").is_in(["range", "vague"]))
        .then(pl.col("value_max"))
        .otherwise(pl.lit(None, pl.Int64))
    )
    keys = ["value_text", "value", "upper"]
    # most value_texts are their value in Western digits: settled by one comparison
    checked = claims.select(
        "__row", "__line", "claim_id", "value_text", "value", "value_max", upper.alias("upper")
    ).filter(pl.col("upper").is_not_null() | (text != value.cast(pl.String)))
    ascii_text = text.str.replace_many(_DIGITS, _ASCII)
    plain = ascii_text.str.contains(PLAIN_NUMBER) & pl.col("upper").is_null()
    plain_value = ascii_text.str.replace_all(",", "").cast(pl.Int64, strict=False)
    checked = checked.with_columns(
        pl.when(plain).then(plain_value == value).otherwise(None).alias("denotes")
    )
    wrong = checked.filter(~pl.col("denotes"))
    todo = checked.filter(pl.col("denotes").is_null())
    if not todo.is_empty():
        slow = todo.select(keys).unique()
        verdicts = [numerals.denotes(t, v, m) for t, v, m in slow.iter_rows()]
        slow = slow.filter(~pl.Series(verdicts, dtype=pl.Boolean))
        if not slow.is_empty():
            wrong = pl.concat([wrong, todo.join(slow, on=keys, nulls_equal=True)])
    return wrong.drop("denotes")


#: From this many claims on, quote.value reads the value_texts on a second thread.
APART_ROWS = 50_000


def _reading_note(text: str) -> str:
    """What value_text reads instead ("it reads 13,000"), or why it is no number."""
    found = numerals.readings(text)
    if not found:
        why = numerals.why_not(text)
        return f": {why.split(': ', 1)[-1]}" if why else ""
    shown = []
    for r in found:
        if r.value_max is None:
            shown.append(f"{r.value:,}")
        else:
            shown.append(f"{r.value:,} to {r.value_max:,}" + (" (vague)" if r.vague else ""))
    return f" (it reads {' or '.join(shown)})"


# ---------------------------------------------------------------------------------------------
# Where value_text stands in its quote: shared by quote.value and quote.qualifier
# ---------------------------------------------------------------------------------------------

_PLACEMENT = pl.Struct(
    {
        "kind": pl.String,
        "reads": pl.String,
        "hedge_before": pl.String,
        "hedge_after": pl.String,
    }
)


def _placed(frames: Frames) -> pl.DataFrame:
    """Where each claim's value_text stands in its quote, for the claims either quote rule
    may report: ``kind`` is "absent" where value_text does not occur in the quote (as
    written, nor both folded), else the kind of its occurrence (count, part, day, year,
    ordinal; casualty_schema.domain.occurrence), with what the quote ``reads`` there and the
    hedge words before and after it and the qualifiers they imply
    (casualty_schema.domain.hedges). A claim whose number is a count with no hedge word
    beside it is left out unless its qualifier needs one. Computed once per run.

    The first occurrence is looked at in polars, through the text just before and after it.
    Most claims have nothing there that could matter: one pattern on each side finds the few
    that may (a hedge word, a digit or letter glued to the number, a word that continues it,
    a month or a year word); only those are looked at closer, and those whose surroundings
    may make the number other than a count (occurrence.SUSPECT_BEFORE / SUSPECT_AFTER) are
    analysed in Python, once per distinct (quote, value_text)."""
    columns = ["__row", "__line", "claim_id", "qualifier", "value_text"]
    claims = frames.claims.select(
        *columns,
        pl.col("quote").alias("text"),
        pl.col("value_text").alias("vt"),
        pl.col("quote").str.splitn(pl.col("value_text"), 2).alias("split"),
    )
    written = pl.col("split").struct.field("field_1").is_not_null() & (pl.col("vt") != "")
    unfound = claims.filter(~written)
    absent = unfound.clear()
    if not unfound.is_empty():
        unfound = unfound.with_columns(
            fold(pl.col("text")).alias("text"), fold(pl.col("vt")).alias("vt")
        ).with_columns(pl.col("text").str.splitn(pl.col("vt"), 2).alias("split"))
        absent = unfound.filter(~written)
        claims = pl.concat([claims.filter(written), unfound.filter(written)])
    # the patterns are anchored at the number: on the whole text before and after it, they
    # look no further than on the windows the closer look takes
    before, after = pl.col("split").struct.field("field_0"), pl.col("split").struct.field("field_1")
    year_like = pl.col("vt").str.contains(occurrence.YEAR_LIKE)
    found = claims.with_columns(  # one column each: polars computes them side by side
        before.str.contains(_ANY_BEFORE).alias("busy_before"),
        after.str.contains(_ANY_AFTER).alias("busy_after"),
        year_like.alias("year_like"),
    )
    busy = pl.col("busy_before") | pl.col("busy_after") | pl.col("year_like")
    empty = {
        "kind": pl.lit("count"),
        "reads": pl.lit(None, pl.String),
        "hedge_before": pl.lit(None, pl.String),
        "hedge_after": pl.lit(None, pl.String),
        "implies_before": pl.lit(None, pl.String),
        "implies_after": pl.lit(None, pl.String),
    }
    # a bare count: only a qualifier that needs a hedge word makes it matter
    out = [
        found.filter(~busy & ~pl.col("qualifier").is_in(list(hedges.BARE))).select(
            *columns, *(v.alias(k) for k, v in empty.items())
        ),
        absent.select(*columns, *(v.alias(k) for k, v in empty.items())).with_columns(
            pl.lit("absent").alias("kind")
        ),
    ]
    busy_rows = found.filter(busy).with_columns(
        before.str.tail(hedges.WINDOW).alias("before"),
        after.str.head(hedges.WINDOW).alias("after"),
    )
    if not busy_rows.is_empty():
        window = pl.col("before")
        busy_rows = busy_rows.with_columns(  # side by side, then together
            window.str.contains(occurrence.SUSPECT_BEFORE).alias("s1"),
            pl.col("after").str.contains(occurrence.SUSPECT_AFTER).alias("s2"),
            window.str.contains(occurrence.GLUED_BEFORE).alias("s3"),
            window.str.contains(occurrence.PROCLITIC_BEFORE).alias("s4"),
            window.str.contains(occurrence.SUSPECT_BEFORE_YEAR).alias("s5"),
        ).with_columns(
            (
                pl.col("s1")
                | pl.col("s2")
                | (pl.col("s3") & ~pl.col("s4"))
                | (pl.col("year_like") & pl.col("s5"))
            ).alias("suspect")
        )
        hedged = busy_rows.filter(~pl.col("suspect")).select(
            *columns,
            empty["kind"].alias("kind"),
            empty["reads"].alias("reads"),
            pl.col("before").str.extract(hedges.BEFORE, 0).alias("hedge_before"),
            pl.col("after").str.extract(hedges.AFTER, 0).alias("hedge_after"),
        )
        odd = busy_rows.filter(pl.col("suspect"))
        if not odd.is_empty():
            pairs = odd.select("text", "vt").unique()
            placements = [_place(text, vt) for text, vt in pairs.iter_rows()]
            pairs = pairs.with_columns(pl.Series("p", placements, dtype=_PLACEMENT)).unnest("p")
            hedged = pl.concat(
                [hedged, odd.join(pairs, on=["text", "vt"], how="left").select(hedged.columns)]
            )
        # the matches (a few distinct ones) to the hedge word and the qualifier it implies
        for side in ("before", "after"):
            column = f"hedge_{side}"
            distinct = hedged.select(pl.col(column).drop_nulls().unique())
            found = distinct.select(pl.col(column), hedges.phrases(pl.col(column), side).alias("w"))
            words = dict(found.iter_rows())
            implies = {m: hedges.qualifier_of(w) if w else None for m, w in words.items()}
            hedged = hedged.with_columns(
                pl.col(column).replace_strict(words, default=None, return_dtype=pl.String),
                pl.col(column)
                .replace_strict(implies, default=None, return_dtype=pl.String)
                .alias(f"implies_{side}"),
            )
        out.append(hedged)
    return pl.concat(out, how="diagonal_relaxed")


# Either side of a number: anything that could matter (a hedge word, or a reason to look
# closer), as one pattern per side.
_ANY_BEFORE = f"(?:{occurrence.SUSPECT_BEFORE})|(?:{occurrence.GLUED_BEFORE})|(?:{hedges.BEFORE})"
_ANY_AFTER = f"(?:{occurrence.SUSPECT_AFTER})|(?:{hedges.AFTER})"


def _place(text: str, value_text: str) -> dict[str, str | None]:
    """The placement of value_text in one quote, in Python (the rows polars flags)."""
    found = occurrence.placement(text, value_text)
    if found is None:  # not reached: the rule looks only at quotes holding value_text
        return {"kind": "count", "reads": None, "hedge_before": None, "hedge_after": None}
    around = hedges.hedges_around(text, found.start, found.end)
    return {
        "kind": found.kind,
        "reads": found.reads,
        "hedge_before": next((h.phrase for h in around if h.side == "before"), None),
        "hedge_after": next((h.phrase for h in around if h.side == "after"), None),
    }


def placed(frames: Frames) -> pl.DataFrame:
    return frames.memo("quote.placement", lambda: _placed(frames))


@rule(
    "quote.value",
    Severity.ERROR,
    "claims",
    "value_text occurs in quote (after Unicode and white-space folding) as a whole numeral "
    "expression — not inside a longer number, not cut off before its scale word, not a date, "
    "year or ordinal — and denotes value",
    "{problem}",
    reads={"claims": ("claim_id", "quote", "value_text", "value", "value_max", "qualifier")},
)
def value(frames: Frames) -> pl.DataFrame:
    """The number is the reason the row exists: it must be stated in the quote as written,
    as a whole count, and read as the value recorded. "712" occurs in "3712" and "20" in
    "أكثر من 20 ألف" but neither is what the quote states; "11" in "بين 11 و24 أذار" is a day
    and "2014" in "منذ العام 2014" a year. Digits in any script, thousands separators, number
    words, fractions, vague words and ranges ("20 ألف" = 20,000, "34 ألفاً و502" = 34,502,
    "بضعة آلاف" = 3,000-9,999) are read by casualty_schema.domain.numerals, as documented in
    docs/data-model.md."""
    if not frames.has("claims"):
        return pl.DataFrame()
    claims = frames.claims
    base = ["__row", "__line", pl.col("claim_id").alias("key")]
    # a claim whose value, value_max or qualifier an earlier rule found wrong (counts.bounds:
    # a range without value_max) cannot be read against its value_text: one finding is enough
    known = frames.reported("claims", ("value", "value_max", "qualifier"))
    readable = claims.filter(~pl.col("claim_id").is_in(known.implode()))
    # the numeral reader (Python) reads the value_texts on a second thread while polars (which
    # releases the interpreter) places them in their quotes: in a large package, they overlap
    with ThreadPoolExecutor(1, thread_name_prefix="numerals") as pool:
        reading = pool.submit(_not_denoted, readable) if claims.height >= APART_ROWS else None
        where = placed(frames)
        wrong = reading.result() if reading is not None else _not_denoted(readable)
    absent = where.filter(pl.col("kind") == "absent").select(
        *base,
        pl.lit("value_text").alias("field"),
        pl.col("value_text").alias("value"),
        pl.format("value_text {} does not occur in quote", "value_text").alias("problem"),
    )
    misplaced = where.filter(~pl.col("kind").is_in(["count", "absent"]))
    if not misplaced.is_empty():
        problems = [
            occurrence.message(k, r, v)
            for k, r, v in misplaced.select("kind", "reads", "value_text").iter_rows()
        ]
        misplaced = misplaced.select(
            *base,
            pl.lit("value_text").alias("field"),
            pl.col("value_text").alias("value"),
            pl.Series("problem", problems, dtype=pl.String),
        )
    else:
        misplaced = absent.clear()
    if not wrong.is_empty():
        notes = {t: _reading_note(t) for t in wrong.get_column("value_text").unique()}
        wrong = wrong.with_columns(
            pl.col("value_text").replace_strict(notes, return_dtype=pl.String).alias("note")
        )
    else:
        wrong = wrong.with_columns(pl.lit("", pl.String).alias("note"))
    wrong = wrong.select(
        *base,
        pl.lit("value").alias("field"),
        pl.col("value").cast(pl.String).alias("value"),
        pl.when(pl.col("upper").is_null())
        .then(pl.format("value_text {} does not denote value {}{}", "value_text", "value", "note"))
        .otherwise(
            pl.format(
                "value_text {} does not denote value {} to value_max {}{}",
                "value_text",
                "value",
                "upper",
                "note",
            )
        )
        .alias("problem"),
    )
    return pl.concat([absent, misplaced, wrong])


def _source_texts(frames: Frames) -> pl.DataFrame:
    """(source_id, text, folded text, problem) for every source with a text_path."""
    root = frames.package.root.resolve()
    rows = []
    for source_id, text_path in (
        frames.sources.filter(pl.col("text_path").is_not_null())
        .select("source_id", "text_path")
        .iter_rows()
    ):
        path = (root / text_path).resolve()
        raw, problem = None, None
        if Path(text_path).is_absolute() or not path.is_relative_to(root):
            problem = f"text_path {text_path} lies outside the package"
        elif not path.is_file():
            problem = f"text_path {text_path} does not exist"
        else:
            try:
                raw = path.read_text(encoding="utf-8-sig")
            except UnicodeDecodeError:
                problem = f"text_path {text_path} is not UTF-8 text"
        rows.append({"source_id": source_id, "raw_text": raw, "problem": problem})
    texts = pl.DataFrame(
        rows, schema={"source_id": pl.String, "raw_text": pl.String, "problem": pl.String}
    )
    # folded all at once (the same expression fold_text runs on one string)
    return texts.select(
        "source_id", "raw_text", fold(pl.col("raw_text")).alias("source_text"), "problem"
    )


@rule(
    "quote.source-text",
    Severity.ERROR,
    "claims",
    "where the source has text_path, the quote occurs in that text (same folding)",
    "{problem}",
    reads={"claims": ("claim_id", "source_id", "quote"), "sources": ("source_id", "text_path")},
)
def source_text(frames: Frames) -> pl.DataFrame:
    """A quote is evidence only if it can be found in the archived document; a paraphrase or
    a quote from another article breaks the chain from the figure to its source."""
    if not frames.has("claims", "sources"):
        return pl.DataFrame()
    texts = _source_texts(frames)
    unreadable = frames.sources.join(
        texts.filter(pl.col("problem").is_not_null()), on="source_id"
    ).select(
        pl.lit("sources").alias("resource"),
        "__row",
        "__line",
        pl.col("source_id").alias("key"),
        pl.lit("text_path").alias("field"),
        pl.col("text_path").alias("value"),
        "problem",
    )
    claims = frames.claims.select("__row", "__line", "claim_id", "source_id", "quote").join(
        texts.filter(pl.col("source_text").is_not_null()).drop("problem"), on="source_id"
    )
    # as written first; only quotes not found so are folded
    unfound = claims.filter(~pl.col("raw_text").str.contains(pl.col("quote"), literal=True))
    missing = unfound.filter(
        ~pl.col("source_text").str.contains(fold(pl.col("quote")), literal=True)
    ).select(
        pl.lit("claims").alias("resource"),
        "__row",
        "__line",
        pl.col("claim_id").alias("key"),
        pl.lit("quote").alias("field"),
        pl.col("quote").alias("value"),
        pl.format("quote does not occur in the text of source {}", "source_id").alias("problem"),
        fold(pl.col("quote")).alias("_folded"),
        "source_text",
    )
    # the nearest passage of each missing quote's text: Python, but once per missing quote
    hints = [nearest_passage(q, t) for q, t in missing.select("_folded", "source_text").iter_rows()]
    missing = missing.drop("_folded", "source_text").with_columns(
        pl.Series("hint", hints, dtype=pl.String)
    )
    unreadable = unreadable.with_columns(hint=pl.lit(None, pl.String))
    return pl.concat([unreadable, missing])


@rule(
    "quote.qualifier",
    Severity.ERROR,
    "claims",
    "the hedge words around value_text in the quote agree with qualifier: exact beside a hedge "
    "word (ما لا يقل عن, أكثر من, نحو, at least, between) is an error; at_least against "
    "'more than' words, or the reverse, is a warning",
    "{problem}",
    reads={"claims": ("claim_id", "quote", "value_text", "value", "value_max", "qualifier")},
)
def qualifier(frames: Frames) -> pl.DataFrame:
    """The qualifier is how the claimant hedged the number, and the quote says how: "ما لا
    يقل عن 1302" is at least 1,302, not exactly 1,302, and the bounds every series and
    relation rule compares come from the qualifier. Hedge words before the number (ما لا يقل
    عن, أكثر من, نحو, between …) and after it or its counted noun (على الأقل, أو أكثر,
    تقريباً, or more …) are those of casualty_schema.domain.hedges. Two hedges ("نحو 352
    مدنياً على الأقل") accept either qualifier. A bare figure may be exact, about (a
    headline's round figure, the documented convention) or a range written with both ends;
    at least, more than, at most and less than need their words. A vague quantity is its own
    hedge. At least and more than differ by one, which a relay or headline may blur ("more
    than 1,300" for "at least 1,302"): coded the one for the other is a warning, as are at
    most and less than. A value_text that is not a count in its quote is quote.value's to
    report."""
    if not frames.has("claims"):
        return pl.DataFrame()
    where = placed(frames).filter(
        (pl.col("kind") == "count") & pl.col("qualifier").is_in(list(hedges.AGREES))
    )
    combos = where.select("qualifier", "implies_before", "implies_after").unique()
    verdicts = [
        hedges.agreement(q, frozenset(x for x in (b, a) if x is not None))
        for q, b, a in combos.iter_rows()
    ]
    combos = combos.with_columns(
        pl.Series("severity", [v.severity for v in verdicts], dtype=pl.String),
        pl.Series("reason", [v.reason for v in verdicts], dtype=pl.String),
    ).filter(pl.col("severity").is_not_null())
    if combos.is_empty():
        return pl.DataFrame()
    bad = where.join(combos, on=["qualifier", "implies_before", "implies_after"], nulls_equal=True)
    hedge = pl.concat_str(
        [
            pl.format("'{}' ({})", "hedge_before", "implies_before"),
            pl.format("'{}' ({})", "hedge_after", "implies_after"),
        ],
        separator=" and ",
        ignore_nulls=True,
    )
    problem = (
        pl.when(pl.col("reason") == "no hedge word")
        .then(
            pl.format(
                "qualifier is {} but the quote states {} with no hedge word", "qualifier",
                "value_text",
            )
        )
        .when(pl.col("severity") == "warning")
        .then(
            pl.format(
                "qualifier is {} but the quote hedges {} with {}: the two differ by one",
                "qualifier", "value_text", hedge,
            )
        )
        .otherwise(
            pl.format("qualifier is {} but the quote hedges {} with {}", "qualifier",
                      "value_text", hedge)
        )
    )  # fmt: skip
    return bad.select(
        "__row",
        "__line",
        pl.col("claim_id").alias("key"),
        pl.lit("qualifier").alias("field"),
        pl.col("qualifier").alias("value"),
        "severity",
        problem.alias("problem"),
    )


@rule(
    "quote.keywords",
    Severity.WARNING,
    "claims",
    "the quote contains one of the metric's keywords",
    "quote contains none of the keywords of metric {metric}: {keywords}",
    reads={"claims": ("claim_id", "metric", "quote"), "metrics": ("metric_id", "keywords")},
)
def keywords(frames: Frames) -> pl.DataFrame:
    """Relays mistranslate ("102 credible reports" became "102 injured"): a quote whose words
    do not fit its metric is often a figure attached to the wrong metric."""
    if not frames.has("claims", "metrics"):
        return pl.DataFrame()
    # each metric's keywords as one literal alternation, as written and folded; a claim meets
    # its metric's pattern in one pass over all claims (polars compiles each pattern once)
    patterns = []
    for metric, words, folded_words in (
        frames.metrics.filter(pl.col("keywords").list.len() > 0)
        .select(
            "metric_id",
            "keywords",
            pl.col("keywords").list.eval(fold(pl.element())).alias("folded"),  # all at once
        )
        .iter_rows()
    ):
        folded = [f for f in folded_words if f]
        if folded:
            patterns.append(
                {
                    "metric": metric,
                    "as_written": "|".join(re.escape(w) for w in words if w),
                    "folded": "|".join(re.escape(w) for w in folded),
                    "keywords": ", ".join(words),
                }
            )
    if not patterns:
        return pl.DataFrame()
    claims = frames.claims.select("__row", "__line", "claim_id", "metric", "quote").join(
        pl.DataFrame(patterns, schema=dict.fromkeys(patterns[0], pl.String)), on="metric"
    )
    # as written first; only the quotes that miss are folded
    unfound = claims.filter(~pl.col("quote").str.contains(pl.col("as_written")))
    return unfound.filter(~fold(pl.col("quote")).str.contains(pl.col("folded"))).select(
        "__row",
        "__line",
        pl.col("claim_id").alias("key"),
        pl.lit("quote").alias("field"),
        pl.lit(None, pl.String).alias("value"),
        "metric",
        "keywords",
    )
