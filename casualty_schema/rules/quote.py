"""Rules tying a claim's number to its quote, and its quote to the archived source."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from casualty_schema.domain import numerals
from casualty_schema.domain.fold import fold, fold_text
from casualty_schema.domain.nearest import nearest_passage
from casualty_schema.findings import Severity
from casualty_schema.frames import Frames
from casualty_schema.rules.registry import rule

# value_text that polars can read without the numeral reader: 352, 34,502 — and the same in
# Eastern Arabic or Persian digits (٣٥٢، ۳۴٬۵۰۲), mapped to ASCII first
PLAIN_NUMBER = r"^(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)$"
_DIGITS = [chr(0x0660 + d) for d in range(10)] + [chr(0x06F0 + d) for d in range(10)] + ["٬"]
_ASCII = [str(d) for d in range(10)] * 2 + [","]


def _denoted(claims: pl.DataFrame) -> pl.Series:
    """Whether each claim's value_text denotes its value (and value_max): plain digits in
    polars; every other form through the numeral reader, once per distinct form."""
    value, value_max = pl.col("value"), pl.col("value_max")
    text = pl.col("value_text").str.replace_many(_DIGITS, _ASCII)
    plain = text.str.contains(PLAIN_NUMBER)
    plain_value = text.str.replace_all(",", "").cast(pl.Int64, strict=False)
    fast = (
        pl.when(plain & ~pl.col("qualifier").is_in(["range", "vague"]))
        .then(plain_value == value)
        .otherwise(pl.lit(None, pl.Boolean))
    )
    checked = claims.select("value_text", value, value_max, fast.alias("denotes"))
    slow = checked.filter(pl.col("denotes").is_null()).unique(["value_text", "value", "value_max"])
    if not slow.is_empty():
        verdicts = [
            _denotes(t, v, m)
            for t, v, m in slow.select("value_text", "value", "value_max").iter_rows()
        ]
        slow = slow.with_columns(pl.Series("slow", verdicts, dtype=pl.Boolean))
        checked = checked.join(
            slow.select("value_text", "value", "value_max", "slow"),
            on=["value_text", "value", "value_max"],
            how="left",
            nulls_equal=True,
        ).with_columns(pl.coalesce("denotes", "slow").alias("denotes"))
    return checked.get_column("denotes")


# Words that join the two ends of a range as written: "بين 10 و20", "10-20", "10 to 20"
RANGE_SEPARATORS = (" و", "-", "–", " إلى ", " الى ", " to ", " and ")


def _denotes(text: str, value: int, value_max: int | None) -> bool:
    if numerals.denotes(text, value, value_max):
        return True
    if value_max is None:
        return False
    for separator in RANGE_SEPARATORS:  # a range written with both ends
        low, sep, high = text.partition(separator)
        if (
            sep
            and numerals.denotes(low.strip(), value)
            and numerals.denotes(high.strip(), value_max)
        ):
            return True
    return False


@rule(
    "quote.value",
    Severity.ERROR,
    "claims",
    "value_text occurs in quote (after Unicode and white-space folding) and denotes value",
    "{problem}",
    reads={"claims": ("claim_id", "quote", "value_text", "value", "value_max", "qualifier")},
)
def value(frames: Frames) -> pl.DataFrame:
    """The number is the reason the row exists: it must be stated in the quote as written,
    and read as the value recorded. Digits in any script, thousands separators and number
    words ("20 ألف" = 20,000, "34 ألفا و502" = 34,502) are read by
    casualty_schema.domain.numerals."""
    if not frames.has("claims"):
        return pl.DataFrame()
    claims = frames.claims
    base = ["__row", "__line", pl.col("claim_id").alias("key")]
    # as written first; only what is not found so is folded (most quotes never are)
    unfound = claims.filter(~pl.col("quote").str.contains(pl.col("value_text"), literal=True))
    absent = unfound.filter(
        ~fold(pl.col("quote")).str.contains(fold(pl.col("value_text")), literal=True)
    ).select(
        *base,
        pl.lit("value_text").alias("field"),
        pl.col("value_text").alias("value"),
        pl.format("value_text {} does not occur in quote", "value_text").alias("problem"),
    )
    # a claim whose value, value_max or qualifier an earlier rule found wrong (counts.bounds:
    # a range without value_max) cannot be read against its value_text: one finding is enough
    known = frames.reported("claims", ("value", "value_max", "qualifier"))
    readable = claims.filter(~pl.col("claim_id").is_in(known.implode()))
    wrong = readable.filter(~_denoted(readable)).select(
        *base,
        pl.lit("value").alias("field"),
        pl.col("value").cast(pl.String).alias("value"),
        pl.when(pl.col("value_max").is_null())
        .then(pl.format("value_text {} does not denote value {}", "value_text", "value"))
        .otherwise(
            pl.format(
                "value_text {} does not denote value {} to value_max {}",
                "value_text",
                "value",
                "value_max",
            )
        )
        .alias("problem"),
    )
    return pl.concat([absent, wrong])


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
    for metric, words in (
        frames.metrics.filter(pl.col("keywords").list.len() > 0)
        .select("metric_id", "keywords")
        .iter_rows()
    ):
        folded = [f for f in map(fold_text, words) if f]
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
