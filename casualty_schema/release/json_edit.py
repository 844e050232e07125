"""Editing ``datapackage.json`` in place: a release sets ``version`` and ``created`` (in the
working tree and in the archive) and each resource's ``bytes`` and ``hash`` (in the archive
only: the working tree's descriptor never records them, and loses any it still has) while
keeping the file's layout (indentation, key order, everything else byte for byte), so that
the release commit shows only what it changed.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["update_descriptor"]


def update_descriptor(
    text: str,
    version: str,
    created: str,
    stats: Mapping[int, tuple[int, str]],
    drop: Collection[str] = (),
) -> str:
    """The descriptor's text with ``version``, ``created`` and, for resource ``i`` of
    ``stats``, ``bytes`` and ``hash`` set; the resource properties named in ``drop``
    removed from every resource (``stats`` wins over ``drop``). Edits in place, keeping the
    file's layout; if that fails, the descriptor is written anew (indented)."""
    expected = json.loads(text)
    expected["version"] = version
    expected["created"] = created
    for i, resource in enumerate(expected.get("resources") or []):
        if isinstance(resource, dict) and i not in stats:
            for key in drop:
                resource.pop(key, None)
    for i, (size, digest) in stats.items():
        expected["resources"][i]["bytes"] = size
        expected["resources"][i]["hash"] = digest
    try:
        edited = _edit_in_place(text, version, created, stats, drop)
        if json.loads(edited) == expected:
            return edited
    except (ValueError, KeyError, IndexError):
        pass
    return json.dumps(expected, ensure_ascii=False, indent=2) + "\n"


@dataclass
class _Node:
    start: int
    end: int
    members: dict[str, tuple[int, _Node]] = field(default_factory=dict)  # key → (key start, value)
    items: list[_Node] = field(default_factory=list)


_DECODER = json.JSONDecoder()


def _skip(text: str, i: int) -> int:
    """The position of the first non-blank character from ``i``."""
    while i < len(text) and text[i] in " \t\n\r":
        i += 1
    return i


def _parse(text: str, i: int) -> _Node:
    """A JSON value with the positions of its members (the descriptor's layout is kept)."""
    i = _skip(text, i)
    if text[i] == "{":
        node = _Node(i, i)
        j = _skip(text, i + 1)
        if text[j] == "}":
            node.end = j + 1
            return node
        while True:
            key, after_key = _DECODER.raw_decode(text, j)
            colon = _skip(text, after_key)
            if text[colon] != ":":
                raise ValueError("expected ':'")
            value = _parse(text, colon + 1)
            node.members[key] = (j, value)
            j = _skip(text, value.end)
            if text[j] == "}":
                node.end = j + 1
                return node
            if text[j] != ",":
                raise ValueError("expected ',' or '}'")
            j = _skip(text, j + 1)
    if text[i] == "[":
        node = _Node(i, i)
        j = _skip(text, i + 1)
        if text[j] == "]":
            node.end = j + 1
            return node
        while True:
            item = _parse(text, j)
            node.items.append(item)
            j = _skip(text, item.end)
            if text[j] == "]":
                node.end = j + 1
                return node
            if text[j] != ",":
                raise ValueError("expected ',' or ']'")
            j += 1
    _value, end = _DECODER.raw_decode(text, i)
    return _Node(i, end)


def _edit_in_place(
    text: str,
    version: str,
    created: str,
    stats: Mapping[int, tuple[int, str]],
    drop: Collection[str],
) -> str:
    top = _parse(text, 0)
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement)

    def remove_member(obj: _Node, key: str) -> None:
        """The member and the separator before it (after it, for the first member) go; a
        line it had to itself goes with it."""
        members = list(obj.members.items())
        at = next(i for i, (k, _) in enumerate(members) if k == key)
        key_start, value = members[at][1]
        if at > 0:  # from the end of the previous value: its comma, the line break, the member
            edits.append((members[at - 1][1][1].end, value.end, ""))
        elif len(members) > 1:  # the first of several: up to the next member's key
            edits.append((key_start, members[1][1][0], ""))
        else:
            edits.append((key_start, value.end, ""))

    def set_member(obj: _Node, key: str, value: Any, after: list[str]) -> None:
        encoded = json.dumps(value, ensure_ascii=False)
        if key in obj.members:
            node = obj.members[key][1]
            edits.append((node.start, node.end, encoded))
            return
        anchor = next((obj.members[a] for a in after if a in obj.members), None)
        if anchor is None:
            raise KeyError(key)
        key_start, value_node = anchor
        line_start = text.rfind("\n", 0, key_start) + 1
        indent = text[line_start:key_start]
        separator = f",\n{indent}" if indent.strip() == "" and line_start > 0 else ", "
        edits.append((value_node.end, value_node.end, f'{separator}"{key}": {encoded}'))

    set_member(top, "version", version, ["title", "name"])
    set_member(top, "created", created, ["version", "title", "name"])
    resources = top.members["resources"][1]
    for i, resource in enumerate(resources.items):
        if i not in stats:
            for key in [k for k in resource.members if k in drop]:
                remove_member(resource, key)
    for i, (size, digest) in stats.items():
        resource = resources.items[i]
        set_member(resource, "bytes", size, ["encoding", "mediatype", "format", "path"])
        anchor = ["bytes", "encoding", "mediatype", "format", "path"]
        set_member(resource, "hash", digest, anchor)
    # from the end, so that positions hold; of two insertions at one place the later-made
    # goes in first, so that "bytes" ends up before "hash"
    ordered = sorted(enumerate(edits), key=lambda e: (e[1][0], e[1][1], e[0]), reverse=True)
    for _, (start, end, replacement) in ordered:
        text = text[:start] + replacement + text[end:]
    return text
