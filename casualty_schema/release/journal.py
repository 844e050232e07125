"""Surviving a release that is killed outright (SIGKILL, a power cut), which runs no undo.

A journal names the staging directories from the start, and every move, backup and the
commit before the first move; it is marked complete only when the release has succeeded.
The next release (or :func:`recover`) rolls back what an incomplete journal names and
removes the staging directories, before anything else. The journal is always whole: it is
replaced atomically, and a write that fails (a full disk) leaves no temporary file behind.

Only a journal this tool wrote is acted on. It is kept outside the package, where no commit,
archive or contribution can put one: in the user's state directory
(``$XDG_STATE_HOME/casualty-schema/releases/``, by default ``~/.local/state/...``), one file
per package directory, named by a hash of its resolved path (:func:`journal_path`), and it
records that path. A ``.release-journal.json`` in the package (where earlier versions kept
it) is never read. Even so, recovery checks each path before it touches it: it removes
only directories named ``.release-*`` in the package directory or beside ``DIR``; it puts
back only files of the package (``released``) and of ``DIR`` (the archive, ``SHA256SUMS``)
from backups inside those directories; it deletes a tag and moves the branch back only when
they are one commit past the commit the journal recorded. A dry run never recovers.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casualty_schema.package.source import SourceError, git
from casualty_schema.release.archive import SUMS

__all__ = [
    "STAGE_PREFIX",
    "Stage",
    "complete",
    "delete_tag",
    "journal_path",
    "pending",
    "read_journal",
    "recover",
    "remove",
    "restore",
    "staging",
    "undo_commit",
    "write_journal",
]

STAGE_PREFIX = ".release-"  # the staging directories a release makes
_COMMIT = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")
_TAG = re.compile(r"v[0-9]+\.[0-9]+\.[0-9]+")


@dataclass
class Stage:
    """Where a release is put together before it is moved into place."""

    root: Path  # the package directory
    out: Path  # DIR
    package_stage: Path  # a temporary directory in ``root``
    out_stage: Path  # a temporary directory beside DIR (on its file system)
    files: dict[str, bytes] = field(default_factory=dict)  # the archive's content, by entry


def journal_path(root: Path) -> Path:
    """Where the journal of a release of the package in ``root`` is kept: in the user's
    state directory, never in the package."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    key = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogateescape")).hexdigest()
    return Path(state) / "casualty-schema" / "releases" / f"{key[:32]}.json"


def write_journal(root: Path, entries: dict[str, Any]) -> None:
    """Replace the journal atomically: it is always whole, old or new; a write that fails
    leaves no temporary file."""
    path = journal_path(root)
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(entries, indent=2), encoding="utf-8")
        os.replace(tmp, path)
    except BaseException as error:
        tmp.unlink(missing_ok=True)
        if isinstance(error, OSError):
            reason = f"cannot write the release journal: {error.strerror or error}"
            raise OSError(error.errno, reason, str(path)) from None
        raise


def read_journal(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(journal_path(root).read_text(encoding="utf-8"))
    return data


def pending(root: Path) -> Path | None:
    """The journal an earlier release of ``root`` left behind, if any."""
    path = journal_path(root if root.is_dir() else root.parent)
    return path if path.is_file() else None


def complete(root: Path) -> None:
    """The release has succeeded: recovery must only clean up, never roll back."""
    journal = read_journal(root)
    journal["complete"] = True
    write_journal(root, journal)


def recover(root: Path, released: Sequence[str] = ("datapackage.json", "CHANGELOG.md")) -> bool:
    """Roll back a release that was killed before it completed, as its journal names it;
    remove its staging directories. ``root`` is the package directory (or its descriptor);
    ``released`` the files a release commits. True when there was a journal."""
    root = (root if root.is_dir() else root.parent).resolve()
    path = journal_path(root)
    path.with_name(path.name + ".tmp").unlink(missing_ok=True)
    if not path.is_file():
        return False
    try:
        data = read_journal(root)
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict) or data.get("package") != str(root):
        data = {}  # not a journal of this package: nothing it names is touched
    out = Path(str(data.get("out") or root)).resolve()
    stages = [Path(s) for s in data.get("stages") or [] if _is_stage(Path(str(s)), root, out)]
    if not data.get("complete"):
        _roll_back_git(root, data.get("head"), data.get("tag"), released)
        for move in reversed(data.get("moves") or []):
            dst, backup = _move(move, root, out, released, stages)
            if dst is None:
                continue
            if backup is None:
                dst.unlink(missing_ok=True)
            elif backup.is_file():
                os.replace(backup, dst)
        made_out = data.get("made_out")
        if made_out and Path(str(made_out)).resolve() == out and out.is_dir():
            with suppress(OSError):
                out.rmdir()  # only when empty
    for stage in stages:
        shutil.rmtree(stage, ignore_errors=True)
    path.unlink(missing_ok=True)
    return True


def _is_stage(path: Path, root: Path, out: Path) -> bool:
    """A staging directory a release made: ``.release-*`` in the package or beside DIR."""
    return (
        path.name.startswith(STAGE_PREFIX)
        and path.is_dir()
        and not path.is_symlink()
        and path.parent.resolve() in (root, out.parent)
    )


def _move(
    move: object, root: Path, out: Path, released: Sequence[str], stages: Sequence[Path]
) -> tuple[Path | None, Path | None]:
    """A move's destination and backup, when the destination is a file a release writes
    (a released file of the package, the archive or SHA256SUMS in DIR) and the backup is in
    a staging directory; (None, None) otherwise."""
    if not isinstance(move, dict) or not isinstance(move.get("dst"), str):
        return None, None
    dst = Path(move["dst"])
    where = dst.parent.resolve()
    ours = (where == root and dst.name in released) or (
        where == out and (dst.name == SUMS or dst.suffix == ".zip")
    )
    backup = move.get("backup")
    if not ours:
        return None, None
    if backup is None:
        return dst, None
    kept = Path(str(backup))
    if kept.parent.resolve() not in [s.resolve() for s in stages]:
        return None, None
    return dst, kept


def _roll_back_git(root: Path, head: object, tag: object, released: Sequence[str]) -> None:
    """Delete the tag and move the branch back, each only when it is the release's: one
    commit past ``head``, the commit the journal recorded before the release committed."""
    if not (isinstance(head, str) and _COMMIT.fullmatch(head)):
        return
    with suppress(SourceError):
        if isinstance(tag, str) and _TAG.fullmatch(tag) and _parent(root, tag) == head:
            delete_tag(root, tag)
    with suppress(SourceError):
        if _parent(root, "HEAD") == head:
            undo_commit(root, head, released)


def _parent(root: Path, ref: str) -> str:
    """The first parent of the commit ``ref`` names."""
    return git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}^").decode().strip()


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
    """Temporary directories beside the destinations, removed whatever happens; the
    journal names them from the start."""
    package_stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=root))
    stages = [str(package_stage)]
    journal: dict[str, Any] = {
        "package": str(root.resolve()),
        "out": str(out.resolve()),
        "stages": stages,
    }
    try:
        write_journal(root, journal)
        if out.parent.resolve() == root.resolve():
            out_stage = package_stage
        else:
            out_stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=out.parent))
            stages.append(str(out_stage))
            write_journal(root, journal)
        try:
            yield Stage(root, out, package_stage, out_stage)
        finally:
            if out_stage != package_stage:
                shutil.rmtree(out_stage, ignore_errors=True)
    finally:
        shutil.rmtree(package_stage, ignore_errors=True)
        journal_path(root).unlink(missing_ok=True)
