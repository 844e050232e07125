"""Table Schema ``pattern`` constraints, checked as frictionless checks them.

frictionless checks ``re.match("^" + pattern + "$", text)`` with Python's ``re``; polars runs
Rust's ``regex``. :func:`rust_pattern` translates a pattern through Python's own parser into a
Rust regex that matches exactly the same texts, or declines (look-arounds, back-references,
case-insensitive matching, ...); :func:`matches` then checks a column with the translation, or
with Python's ``re`` once per distinct value, in a child process under a limit of CPU time per
value (:mod:`casualty_schema.check.backtracking`). Python's character classes
(what ``str.strip()``, ``int()`` and ``\\d \\s \\w`` accept) are given here as Rust classes
too, for the type readers (:mod:`casualty_schema.check.readers`).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any

import polars as pl

from casualty_schema.check.backtracking import python_matches

__all__ = ["category", "int_space", "matches", "per_value", "python_space", "rust_pattern"]

# Python's own regex parser and its constants (private modules without type stubs)
sre_parse: Any = importlib.import_module("re._parser")
sre: Any = importlib.import_module("re._constants")


def per_value(
    series: pl.Series, check: Callable[[str], Any], dtype: pl.DataType | None = None
) -> pl.Series:
    """``check`` on each distinct text of ``series`` (null stays null): the Python fallback of
    the checks that have no exact vectorised form."""
    distinct = series.drop_nulls().unique()
    results = [check(v) for v in distinct.to_list()]
    return series.replace_strict(
        distinct, results, default=None, return_dtype=dtype or pl.Boolean()
    )


def matches(value: pl.Expr, pattern: str) -> pl.Expr:
    """Whether each text matches the Table Schema ``pattern`` (anchored at both ends), as
    frictionless decides it: in Rust when the pattern translates, else with Python's re under
    a limit of CPU time per text (:mod:`casualty_schema.check.backtracking`), null where that
    could not decide."""
    translated = rust_pattern(pattern)
    if translated is not None:
        return value.str.contains(translated)
    return value.map_batches(lambda s: _python_verdicts(s, pattern), return_dtype=pl.Boolean)


def _python_verdicts(series: pl.Series, pattern: str) -> pl.Series:
    distinct = series.drop_nulls().unique()
    verdicts = python_matches(pattern, distinct.to_list())
    return series.replace_strict(
        distinct, pl.Series(verdicts, dtype=pl.Boolean), default=None, return_dtype=pl.Boolean
    )


# ---------------------------------------------------------------------------------------------
# Python's character classes, for exact emulation of str.strip(), int() and re
# ---------------------------------------------------------------------------------------------


@cache
def _python_chars(kind: str) -> str:
    """Every character for which Python's ``str.<kind>()`` holds."""
    test: Callable[[str], bool] = getattr(str, kind)
    return "".join(c for c in map(chr, range(0x110000)) if test(c))


def python_space() -> str:
    """What ``str.strip()`` strips (``str.isspace``): more than Rust's white space."""
    return _python_chars("isspace")


@cache
def int_space() -> str:
    """What ``int()`` itself strips: ``str.isspace`` without the ASCII separators 0x1C-0x1F."""

    def strips(c: str) -> bool:
        try:
            int(c + "1" + c)
        except ValueError:
            return False
        return True

    return "".join(c for c in python_space() if strips(c))


def _escape(code: int) -> str:
    c = chr(code)
    return c if c.isascii() and (c.isalnum() or c == "_") else f"\\x{{{code:X}}}"


def _class_body(chars: Iterable[int]) -> str:
    """A Rust character-class body for a set of code points, as ranges."""
    codes = sorted(set(chars))
    parts: list[str] = []
    start = prev = None
    for code in [*codes, None]:
        if start is not None and prev is not None and (code is None or code != prev + 1):
            parts.append(_escape(start) if start == prev else f"{_escape(start)}-{_escape(prev)}")
            start = None
        if code is not None and start is None:
            start = code
        prev = code
    return "".join(parts)


@cache
def category(name: str, ascii_only: bool) -> str:
    """Python's \\d, \\s and \\w as a Rust class body (Rust's own differ at the edges)."""
    if ascii_only:
        return {"digit": "0-9", "space": r"\x20\t\n\r\x0C\x0B", "word": "0-9A-Za-z_"}[name]
    kind = {"digit": "isdecimal", "space": "isspace", "word": "isalnum"}[name]
    codes = [ord(c) for c in _python_chars(kind)]
    if name == "word":
        codes.append(ord("_"))
    return _class_body(codes)


# ---------------------------------------------------------------------------------------------
# Patterns: Python's re (what frictionless uses) translated to Rust's regex (what polars uses)
# ---------------------------------------------------------------------------------------------


class _Untranslatable(Exception):
    """A construct with no exact equivalent in Rust's regex syntax."""


_CATEGORIES = {
    sre.CATEGORY_DIGIT: ("digit", False),
    sre.CATEGORY_NOT_DIGIT: ("digit", True),
    sre.CATEGORY_SPACE: ("space", False),
    sre.CATEGORY_NOT_SPACE: ("space", True),
    sre.CATEGORY_WORD: ("word", False),
    sre.CATEGORY_NOT_WORD: ("word", True),
}


@cache
def rust_pattern(pattern: str) -> str | None:
    """A Rust regex that matches a text exactly when ``re.match("^" + pattern + "$", text)``
    does (frictionless's check), or None when there is none.

    The translation goes through Python's own parser, so every construct means what it means to
    Python: ``$`` also matches before a final line feed, ``\\d \\s \\w`` are Python's Unicode
    classes, ``.`` excludes only the line feed. Case-insensitive matching, look-arounds,
    back-references, word boundaries, atomic groups and possessive repeats are not translated.
    """
    wrapped = f"^{pattern}$"
    try:
        parsed = sre_parse.parse(wrapped)
    except (re.error, RecursionError, OverflowError):
        return None
    flags = int(parsed.state.flags)
    if flags & (sre.SRE_FLAG_IGNORECASE | sre.SRE_FLAG_LOCALE):
        return None
    try:
        translated = "^(?:" + _translate(list(parsed.data), flags, tail=True) + ")"
    except _Untranslatable:
        return None
    try:  # the Rust engine has limits of its own (size of the compiled program)
        pl.Series([""], dtype=pl.String).str.contains(translated)
    except pl.exceptions.PolarsError:
        return None
    return translated


def _translate(items: Sequence[tuple[Any, Any]], flags: int, *, tail: bool) -> str:
    """``tail``: nothing but ``$`` follows these items (so ``$`` may consume a final \\n)."""
    out: list[str] = []
    for index, (op, av) in enumerate(items):
        rest = items[index + 1 :]
        at_tail = tail and all(o == sre.AT and a == sre.AT_END for o, a in rest)
        out.append(_node(op, av, flags, tail=at_tail))
    return "".join(out)


def _node(op: Any, av: Any, flags: int, *, tail: bool) -> str:
    if op == sre.LITERAL:
        return _literal(av)
    if op == sre.NOT_LITERAL:
        return f"[^{_literal(av)}]"
    if op == sre.ANY:
        return "(?s:.)" if flags & sre.SRE_FLAG_DOTALL else r"[^\n]"
    if op == sre.IN:
        return _set(av, flags)
    if op == sre.CATEGORY:
        return _set([(op, av)], flags)
    if op == sre.BRANCH:
        return "(?:" + "|".join(_translate(list(b), flags, tail=tail) for b in av[1]) + ")"
    if op == sre.SUBPATTERN:
        _group, add, remove, sub = av
        inner = (flags | add) & ~remove
        if inner & (sre.SRE_FLAG_IGNORECASE | sre.SRE_FLAG_LOCALE):
            raise _Untranslatable("case-insensitive group")
        return "(?:" + _translate(list(sub), inner, tail=tail) + ")"
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, high, sub = av
        inner = _translate(list(sub), flags, tail=tail and high <= 1)
        bound = f"{{{low},}}" if high == sre.MAXREPEAT else f"{{{low},{high}}}"
        return f"(?:{inner}){bound}" + ("?" if op == sre.MIN_REPEAT else "")
    if op == sre.AT:
        return _at(av, flags, tail=tail)
    raise _Untranslatable(str(op))


def _at(av: Any, flags: int, *, tail: bool) -> str:
    multiline = bool(flags & sre.SRE_FLAG_MULTILINE)
    if av == sre.AT_BEGINNING:
        return "(?m:^)" if multiline else "^"
    if av == sre.AT_BEGINNING_STRING:
        return r"\A"
    if av == sre.AT_END_STRING:
        return r"\z"
    if av == sre.AT_END:
        if multiline:
            return "(?m:$)"
        if tail:  # Python's $ also matches right before a final line feed
            return r"(?:\n?\z)"
    raise _Untranslatable(str(av))


def _literal(code: int) -> str:
    if 0xD800 <= code <= 0xDFFF:
        raise _Untranslatable("surrogate")
    return _escape(code)


def _set(items: Sequence[tuple[Any, Any]], flags: int) -> str:
    ascii_only = bool(flags & sre.SRE_FLAG_ASCII)
    negate = False
    parts: list[str] = []
    for op, av in items:
        if op == sre.NEGATE:
            negate = True
        elif op == sre.LITERAL:
            parts.append(_literal(av))
        elif op == sre.RANGE:
            parts.append(f"{_literal(av[0])}-{_literal(av[1])}")
        elif op == sre.CATEGORY:
            name, negated = _CATEGORIES[av]
            parts.append(f"[{'^' if negated else ''}{category(name, ascii_only)}]")
        else:
            raise _Untranslatable(str(op))
    return f"[{'^' if negate else ''}{''.join(parts)}]"
