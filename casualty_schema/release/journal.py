"""Surviving a release that is killed outright (SIGKILL, a power cut), which runs no undo.

A journal (:data:`JOURNAL` in the package directory) names the staging directories from the
start, and every move, backup and the commit before the first move; it is marked complete only
when the release has succeeded. The next release (or :func:`recover`) rolls back what an
incomplete journal names and removes the staging directories, before anything else. The
journal is always whole: it is replaced atomically.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casualty_schema.package.source import SourceError, git

__all__ = [
    "JOURNAL",
    "Stage",
    "complete",
    "delete_tag",
    "read_journal",
    "recover",
    "remove",
    "restore",
    "staging",
    "undo_commit",
    "write_journal",
]

JOURNAL = ".release-journal.json"


@dataclass
class Stage:
    """Where a release is put together before it is moved into place."""

    root: Path  # the package directory
    out: Path  # DIR
    package_stage: Path  # a temporary directory in ``root``
    out_stage: Path  # a temporary directory beside DIR (on its file system)
    files: dict[str, bytes] = field(default_factory=dict)  # the archive's content, by entry


def write_journal(root: Path, entries: dict[str, Any]) -> None:
    """Replace the journal atomically: it is always whole, old or new."""
    tmp = root / f"{JOURNAL}.tmp"
    tmp.write_text(json.dumps(entries, indent=2), encoding="utf-8")
    os.replace(tmp, root / JOURNAL)


def read_journal(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / JOURNAL).read_text(encoding="utf-8"))
    return data


def complete(root: Path) -> None:
    """The release has succeeded: recovery must only clean up, never roll back."""
    journal = read_journal(root)
    journal["complete"] = True
    write_journal(root, journal)


def recover(root: Path, released: Sequence[str] = ("datapackage.json", "CHANGELOG.md")) -> bool:
    """Roll back a release that was killed before it completed, as its journal names it;
    remove its staging directories. ``root`` is the package directory (or its descriptor);
    ``released`` the files a release commits. True when there was a journal."""
    root = root if root.is_dir() else root.parent
    (root / f"{JOURNAL}.tmp").unlink(missing_ok=True)
    if not (root / JOURNAL).is_file():
        return False
    try:
        data = read_journal(root)
    except (OSError, ValueError):
        data = {}
    if not data.get("complete"):
        head, tag_name = data.get("head"), data.get("tag")
        if tag_name:
            with suppress(SourceError):
                delete_tag(root, tag_name)
        if head:
            with suppress(SourceError):
                current = git(root, "rev-parse", "HEAD").decode().strip()
                if current != head:
                    undo_commit(root, head, released)
        for move in reversed(data.get("moves", [])):
            dst, backup = Path(move["dst"]), move.get("backup")
            if backup is None:
                dst.unlink(missing_ok=True)
            elif Path(backup).exists():
                os.replace(backup, dst)
        made_out = data.get("made_out")
        if made_out and Path(made_out).is_dir() and not any(Path(made_out).iterdir()):
            Path(made_out).rmdir()
    for stage in data.get("stages", []):
        shutil.rmtree(stage, ignore_errors=True)
    (root / JOURNAL).unlink(missing_ok=True)
    return True


def restore(backup: Path, dst: Path) -> Callable[[], None]:
    """The undo of a move over an existing file: put its backup back."""
    return lambda: os.replace(backup, dst)


def remove(dst: Path) -> Callable[[], None]:
    """The undo of a move to a new place: remove what was moved there."""
    return lambda: dst.unlink(missing_ok=True)


def undo_commit(root: Path, head: str, released: Sequence[str]) -> None:
    """Move the branch back to ``head`` and unstage the released files."""
    git(root, "update-ref", "-m", "casualty-schema: release rolled back", "HEAD", head)
    git(root, "reset", "--quiet", head, "--", *released)


def delete_tag(root: Path, tag: str) -> None:
    git(root, "tag", "-d", tag)


@contextmanager
def staging(root: Path, out: Path) -> Iterator[Stage]:
    """Temporary directories beside the destinations, removed whatever happens."""
    package_stage = Path(tempfile.mkdtemp(prefix=".release-", dir=root))
    stages = [str(package_stage)]
    try:
        write_journal(root, {"stages": stages})
        if out.parent.resolve() == root.resolve():
            out_stage = package_stage
        else:
            out_stage = Path(tempfile.mkdtemp(prefix=".release-", dir=out.parent))
            stages.append(str(out_stage))
            write_journal(root, {"stages": stages})
        try:
            yield Stage(root, out, package_stage, out_stage)
        finally:
            if out_stage != package_stage:
                shutil.rmtree(out_stage, ignore_errors=True)
    finally:
        shutil.rmtree(package_stage, ignore_errors=True)
        (root / JOURNAL).unlink(missing_ok=True)
