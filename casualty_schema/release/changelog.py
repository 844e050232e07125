"""Editing ``CHANGELOG.md`` (Keep a Changelog): the "Unreleased" notes move under the new
version, after the generated summary of the changes; and the versions it records as released
(:func:`~casualty_schema.package.source.released_versions`, where refs are resolved).
"""

from __future__ import annotations

import re

from casualty_schema.package.source import released_versions

__all__ = ["released_versions", "update_changelog"]

_UNRELEASED = re.compile(r"^## \[?Unreleased\]?[^\n]*\n?", re.M | re.I)
_SECTION = re.compile(r"^## ", re.M)
_LINK = re.compile(r"^\[[^\]]+\]: \S+.*$", re.M)


def update_changelog(text: str, version: str, date: str, summary: str) -> tuple[str, str]:
    """Keep a Changelog: the Unreleased notes move under ``## [version] - date``, after the
    generated ``summary``; an empty Unreleased section stays on top. Returns the new text
    and the new section."""
    match = _UNRELEASED.search(text)
    if match:
        head, body_start = text[: match.start()], match.end()
        following = _SECTION.search(text, body_start)
        body_end = following.start() if following else len(text)
        notes, rest = text[body_start:body_end], text[body_end:]
    else:
        following = _SECTION.search(text)
        cut = following.start() if following else len(text)
        head, notes, rest = text[:cut], "", text[cut:]
    links = ""
    if not rest:  # link definitions at the end of the last section stay at the end
        found = list(_LINK.finditer(notes))
        tail = notes[found[0].start() :] if found else ""
        if found and all(_LINK.fullmatch(line) or not line.strip() for line in tail.splitlines()):
            notes, links = notes[: found[0].start()], tail.strip() + "\n"
    notes = notes.strip("\n")
    section = f"## [{version}] - {date}\n\n{summary.strip()}\n" + (f"\n{notes}\n" if notes else "")
    if not head.endswith("\n\n") and head:
        head = head.rstrip("\n") + "\n\n"
    updated = f"{head}## [Unreleased]\n\n{section}" + (f"\n{rest}" if rest else "")
    if links:
        updated = updated.rstrip("\n") + "\n\n" + links
    return updated, section
