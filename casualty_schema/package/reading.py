"""A descriptor's JSON text, read within limits of size and depth (docs/security.md).

:func:`read_json` reads at most :data:`MAX_DESCRIPTOR_BYTES`, measures how deep the text nests
before it is parsed (Python's json parser recurses once per level: 5,000 levels are a
RecursionError), and refuses a lone UTF-16 surrogate anywhere (JSON allows its escape, Unicode
does not, and polars cannot hold it). :mod:`casualty_schema.package.descriptor` checks what it
describes.
"""

from __future__ import annotations

import array
import itertools
import json
import re
from pathlib import Path
from typing import Any

__all__ = ["MAX_DESCRIPTOR_BYTES", "MAX_DESCRIPTOR_DEPTH", "read_json"]

#: The largest descriptor read, in bytes: the bundled one is 24 kB, a schema of 100,000
#: fields about 3 MB (docs/security.md).
MAX_DESCRIPTOR_BYTES = 32 * 1024 * 1024
#: The deepest nesting of arrays and objects in a descriptor: the bundled one nests 7 deep
#: (an enum in a field's constraints). Python's json parser, frictionless's copy of the
#: descriptor and its profile check all recurse once or more per level (docs/security.md).
MAX_DESCRIPTOR_DEPTH = 100

# With its escaped backslashes and quotes removed, JSON text is strings between quotes and
# brackets outside them
_JSON_STRINGS = re.compile(rb'"[^"]*"')
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"[]{}')
_SQUARE = bytes.maketrans(b"{}", b"[]")
_STEPS = bytes.maketrans(b"[]", b"\x01\xff")
# the escape of a UTF-16 surrogate code unit, which JSON allows alone and Unicode does not
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def read_json(path: Path) -> Any:
    """The JSON value ``path`` holds, read within :data:`MAX_DESCRIPTOR_BYTES` and
    :data:`MAX_DESCRIPTOR_DEPTH`, holding Unicode text only; raises
    :class:`~casualty_schema.package.descriptor.DescriptorError` saying what is wrong (never a
    RecursionError, a MemoryError or a traceback)."""
    from casualty_schema.package.descriptor import DescriptorError

    try:
        if not path.is_file():
            what = "is not a plain file (a FIFO or a device), which is never read"
            raise DescriptorError(path, [f"{path} {what if path.exists() else 'does not exist'}"])
        with path.open("rb") as fh:
            raw = fh.read(MAX_DESCRIPTOR_BYTES + 1)
    except OSError as exc:
        raise DescriptorError(path, [f"cannot be read: {exc.strerror}"]) from None
    except ValueError:  # a NUL in the path
        raise DescriptorError(path, [f"{path} does not exist"]) from None
    if len(raw) > MAX_DESCRIPTOR_BYTES:
        raise DescriptorError(
            path,
            [
                f"over the size limit of a descriptor, {MAX_DESCRIPTOR_BYTES // 2**20} MiB "
                "(docs/security.md)"
            ],
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DescriptorError(
            path, [f"not UTF-8 text ({exc.reason} at byte {exc.start})"]
        ) from None
    if _too_deep(raw):
        raise DescriptorError(
            path,
            [
                f"arrays and objects nested more than {MAX_DESCRIPTOR_DEPTH} deep, the limit "
                "of a descriptor (docs/security.md)"
            ],
        )
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DescriptorError(
            path,
            [f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"],
            line=exc.lineno,
        ) from None
    except (ValueError, RecursionError) as exc:  # an integer of over 4,300 digits
        raise DescriptorError(path, [f"not valid JSON: {exc}"]) from None
    if _SURROGATE_ESCAPE.search(text):
        where = _lone_surrogate(value)
        if where is not None:
            raise DescriptorError(
                path,
                [
                    f"{where} holds a lone UTF-16 surrogate (a \\uD800-\\uDFFF escape "
                    "that is not half of a pair), which is not Unicode text"
                ],
            )
    return value


def _too_deep(raw: bytes) -> bool:
    """Whether arrays and objects in the JSON ``raw`` nest more than
    :data:`MAX_DESCRIPTOR_DEPTH` deep (brackets in strings do not count): in C loops over the
    bytes (a 3 MB descriptor takes milliseconds), without recursion."""
    unescaped = raw.replace(b"\\\\", b"").replace(b'\\"', b"")  # every " now opens or closes
    # two quotes side by side are a string without brackets, or one string's end and the
    # next one's start: either way, taking them out leaves the brackets outside strings
    quotes_and_brackets = unescaped.translate(None, _NOT_STRUCTURE).replace(b'""', b"")
    strings = _JSON_STRINGS.sub(b"", quotes_and_brackets)
    shape = strings.replace(b'"', b"").translate(_SQUARE)  # a quote left never closes
    if shape.count(b"[") <= MAX_DESCRIPTOR_DEPTH:
        return False  # too few brackets to nest that deep
    # Each pass takes out the innermost pairs, one level: a few passes take out most of a
    # descriptor, which is wide and shallow; what is left is measured bracket by bracket.
    passes = 0
    while passes < MAX_DESCRIPTOR_DEPTH:
        inner = shape.replace(b"[]", b"")
        if len(inner) > 3 * len(shape) // 4:  # narrow and deep: measure it
            break
        shape, passes = inner, passes + 1
    if not shape.strip(b"]"):
        return False
    steps = array.array("b", shape.translate(_STEPS))  # +1 for an opening bracket, -1 else
    return passes + max(itertools.accumulate(steps)) > MAX_DESCRIPTOR_DEPTH


def _lone_surrogate(value: Any) -> str | None:
    """Where in ``value`` a text (a key or a string) holds a lone surrogate, as a path such as
    ``resources[0].schema.fields[3].name``; None if none does. Iterative: no recursion."""
    stack: list[tuple[str, Any]] = [("the descriptor", value)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, str):
            if _SURROGATE.search(node):
                return where
        elif isinstance(node, dict):
            for key, item in node.items():
                inner = f"{where}.{key}" if where != "the descriptor" else str(key)
                if _SURROGATE.search(key):
                    return f"the key {inner!r}"
                stack.append((inner, item))
        elif isinstance(node, list):
            stack.extend((f"{where}[{i}]", item) for i, item in enumerate(node))
    return None
