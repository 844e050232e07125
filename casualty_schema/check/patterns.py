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

import array
import importlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any

import polars as pl

from casualty_schema.check.backtracking import python_matches

__all__ = [
    "category",
    "int_space",
    "matches",
    "may_start_with",
    "per_value",
    "python_space",
    "rust_pattern",
]

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


#: Python's ``re`` classes that hold exactly where these ``str`` methods do (for a ``str``
#: pattern, ``\s`` is ``Py_UNICODE_ISSPACE``, ``\d`` ``Py_UNICODE_ISDECIMAL`` and ``\w``
#: ``Py_UNICODE_ISALNUM`` or "_"; ``tests/test_read.py`` checks each against the method).
_RE_CLASS = {"isspace": r"\s", "isdecimal": r"\d", "isalnum": r"[^\W_]"}

#: ``str.isspace()``'s characters, by the Unicode version of :mod:`unicodedata`, so that the
#: type readers need no scan of every code point at start-up (other versions are scanned).
_SPACE = {
    "14.0.0": "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000",
}


@cache
def _python_chars(kind: str) -> str:
    """Every character for which Python's ``str.<kind>()`` holds, in code point order: one
    scan of every code point by ``re`` (a few hundredths of a second; testing each character
    with the method in Python takes ten times as long)."""
    if kind == "isspace" and unicodedata.unidata_version in _SPACE:
        return _SPACE[unicodedata.unidata_version]
    every = "".join(
        array.array("I", codes).tobytes().decode("utf-32-le")
        for codes in (range(0xD800), range(0xE000, 0x110000))  # surrogates are none of them
    )
    return "".join(re.findall(_RE_CLASS[kind], every))


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


# ---------------------------------------------------------------------------------------------
# What a text that matches a pattern can start with
# ---------------------------------------------------------------------------------------------

#: Parsed nodes that consume one character; a compiled one-node pattern says which.
_ONE_CHARACTER = ("LITERAL", "NOT_LITERAL", "IN", "ANY", "CATEGORY")
#: Parsed nodes that consume nothing.
_ZERO_WIDTH = ("AT", "ASSERT", "ASSERT_NOT")
#: Parsed nodes whose sub-pattern is their first item (repeats: at least ``low`` times).
_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")


@cache
def may_start_with(pattern: str, characters: str) -> frozenset[str]:
    """Which of ``characters`` a text that matches the Table Schema ``pattern`` (anchored,
    as frictionless matches it) may start with: every one it can, and perhaps more (a
    back-reference, say, is taken to start with anything). An empty set says no text that
    matches starts with any of them."""
    try:
        parsed = sre_parse.parse(f"^{pattern}$")
    except (re.error, RecursionError, OverflowError):
        return frozenset(characters)
    first, _empty = _first(list(parsed.data), int(parsed.state.flags), set(characters))
    return frozenset(first)


def _first(items: Sequence[tuple[Any, Any]], flags: int, chars: set[str]) -> tuple[set[str], bool]:
    """The characters of ``chars`` a match of ``items`` may start with, and whether it may be
    empty."""
    found: set[str] = set()
    for op, av in items:
        name = str(op)
        if name == "AT" and str(av) in ("AT_END", "AT_END_LINE"):
            found |= {"\n"} & chars  # Python's $ matches before a final line feed too
        if name in _ZERO_WIDTH:
            continue
        if name in _ONE_CHARACTER:
            matcher = importlib.import_module("re._compiler").compile(
                sre_parse.SubPattern(_state(flags), [(op, av)]), flags
            )
            return found | {c for c in chars if matcher.match(c)}, False
        if name == "SUBPATTERN":
            _group, add, remove, sub = av
            part, empty = _first(list(sub), (flags | add) & ~remove, chars)
        elif name == "BRANCH":
            options = [_first(list(b), flags, chars) for b in av[1]]
            part = set().union(*(f for f, _e in options))
            empty = any(e for _f, e in options)
        elif name in _REPEATS:
            low, _high, sub = av
            part, empty = _first(list(sub), flags, chars)
            empty = empty or low == 0
        else:  # a back-reference, a conditional, an atomic group: anything
            return set(chars), True
        found |= part
        if not empty:
            return found, False
    return found, True


def _state(flags: int) -> Any:
    state = sre_parse.State()
    state.flags = flags
    return state


def may_contain(pattern: str, characters: str) -> frozenset[str]:
    """Which of ``characters`` may occur anywhere in a text that matches the Table Schema
    ``pattern`` (every one it can, and perhaps more: a construct not understood here admits
    all of them). An empty set says no text that matches holds any of them."""
    try:
        parsed = sre_parse.parse(f"^{pattern}$")
    except (re.error, RecursionError, OverflowError):
        return frozenset(characters)
    return frozenset(_anywhere(list(parsed.data), int(parsed.state.flags), set(characters)))


def _anywhere(items: Sequence[tuple[Any, Any]], flags: int, chars: set[str]) -> set[str]:
    """The characters of ``chars`` any one-character node of ``items`` may match."""
    found: set[str] = set()
    for op, av in items:
        name = str(op)
        if name in _ZERO_WIDTH:
            continue
        if name in _ONE_CHARACTER:
            matcher = importlib.import_module("re._compiler").compile(
                sre_parse.SubPattern(_state(flags), [(op, av)]), flags
            )
            found |= {c for c in chars if matcher.match(c)}
        elif name == "SUBPATTERN":
            _group, add, remove, sub = av
            found |= _anywhere(list(sub), (flags | add) & ~remove, chars)
        elif name == "BRANCH":
            for branch in av[1]:
                found |= _anywhere(list(branch), flags, chars)
        elif name in _REPEATS:
            found |= _anywhere(list(av[2]), flags, chars)
        else:  # a back-reference, a conditional, an atomic group: anything
            return set(chars)
    return found
