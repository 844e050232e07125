"""The paths a command is given, checked before it does any work.

A path that the file system cannot take (a name too long, a NUL), an output that is a
directory, lies in a folder that does not exist or cannot be written, or a directory for a new
package that is a file: each is a :class:`PathError` naming the path and what is wrong, which
the command line prints as one ``error:`` line (exit 2) before anything is read or written.
Every command that writes a file checks its paths here: ``validate --output-file`` and
``--summary``, ``extract --output-file``, ``init``, ``release --out``; a file a command
reads whole (``extract``'s TEXT) is read here, within a limit (docs/security.md).
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

__all__ = [
    "MAX_TEXT_BYTES",
    "PathError",
    "check_input",
    "check_new_directory",
    "check_output",
    "read_whole",
]

#: What the atomic write of an output adds to its name for the file beside it
#: (".NAME.XXXXXXXX.tmp": casualty_schema.cli).
TEMPORARY_EXTRA = len("..XXXXXXXX.tmp")
#: The most a text read whole (``extract``'s TEXT, or standard input) may hold: an article
#: archived under data/sources/ is a few kilobytes.
MAX_TEXT_BYTES = 32 * 2**20


class PathError(ValueError):
    """A path given to a command cannot be used; the message names it and says why."""


def _named(what: str, path: Path | str) -> str:
    return f"{what} {str(path)!r}" if what else repr(str(path))


def _stat(path: Path | str, what: str, *, write: bool = False) -> os.stat_result | None:
    """``os.stat`` of ``path``, None when nothing is there; a PathError for a path the file
    system cannot look up (a name too long, a NUL, a loop of symbolic links)."""

    def refused(reason: str) -> PathError:
        return (
            _unwritable(what, path, reason)
            if write
            else PathError(f"{_named(what, path)}: {reason}")
        )

    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise refused("a part of it is a file, not a folder") from None
    except ValueError:  # a NUL
        raise refused("a path cannot hold a NUL character") from None
    except OSError as error:
        if error.errno == errno.ENAMETOOLONG:
            raise refused("the name is too long for the file system") from None
        raise refused(str(error.strerror)) from None


def check_input(path: Path | str, what: str = "") -> None:
    """A path to read from, or a name that may be one (a git ref): whether anything is there
    is for the command to say, but the file system must be able to look it up (a name not
    too long, no NUL)."""
    try:
        _stat(path, what)
    except PathError as error:
        if "too long" in str(error) or "NUL" in str(error):
            raise


def read_whole(path: Path | str, what: str, *, limit: int = MAX_TEXT_BYTES) -> bytes:
    """The bytes of a plain file of at most ``limit`` bytes, ``-`` being standard input. A
    FIFO (whose writer may never come) or a device (``/dev/zero`` never ends) is refused
    unread; a PathError names the path and what is wrong."""
    if str(path) == "-":
        raw = sys.stdin.buffer.read(limit + 1)
    else:
        found = _stat(path, what)
        if found is None:
            raise PathError(f"{_named(what, path)}: no such file")
        if stat.S_ISDIR(found.st_mode):
            raise PathError(f"{_named(what, path)}: it is a directory, not a file")
        if not stat.S_ISREG(found.st_mode):
            raise PathError(
                f"{_named(what, path)}: it is not a plain file (a FIFO or a device), "
                "which is never read; '-' reads standard input"
            )
        try:
            with open(path, "rb") as fh:
                raw = fh.read(limit + 1)
        except OSError as error:
            raise PathError(f"{_named(what, path)}: cannot be read: {error.strerror}") from None
    if len(raw) > limit:
        raise PathError(
            f"{_named(what, path)}: over the limit of {limit // 2**20} MiB (docs/security.md)"
        )
    return raw


def _writable_folder(folder: Path, path: Path | str, what: str) -> None:
    found = _stat(folder, what, write=True)
    if found is None:
        raise _unwritable(what, path, f"the folder {str(folder)!r} does not exist")
    if not stat.S_ISDIR(found.st_mode):
        raise _unwritable(what, path, f"{str(folder)!r} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _unwritable(what, path, f"the folder {str(folder)!r} cannot be written (read-only)")


def _unwritable(what: str, path: Path | str, reason: str) -> PathError:
    return PathError(f"cannot write {_named(what, path)}: {reason}")


def check_output(path: Path, what: str, *, append: bool = False) -> None:
    """A file a command will write: replaced whole (written beside it, then renamed over
    it), or with ``append`` added to. It must not be a directory; a file replaced must be a
    plain file (a device or a FIFO is never renamed over); its folder must exist and be
    writable, and its name leave room for the temporary file beside it."""
    found = _stat(path, what, write=True)
    if found is not None and stat.S_ISDIR(found.st_mode):
        raise _unwritable(what, path, "it is a directory")
    if found is not None and not append and not stat.S_ISREG(found.st_mode):
        raise _unwritable(what, path, "it is not a plain file, which is never replaced")
    if append and found is not None:
        if not os.access(path, os.W_OK):
            raise _unwritable(what, path, "the file cannot be written (read-only)")
        if stat.S_ISFIFO(found.st_mode) and not _read_by_a_process(path):
            raise _unwritable(what, path, "it is a FIFO that no process reads (it would hang)")
        return
    folder = Path(os.path.abspath(path)).parent
    _writable_folder(folder, path, what)
    if not append:
        extra = len(os.fsencode(Path(path).name)) + TEMPORARY_EXTRA
        if extra > os.pathconf(folder, "PC_NAME_MAX"):
            raise _unwritable(what, path, "the name is too long for the file system")


def _read_by_a_process(fifo: Path | str) -> bool:
    """Whether a process holds ``fifo`` open for reading: opened without blocking, a FIFO
    that none reads refuses a writer (ENXIO) where a plain open would wait for ever."""
    try:
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        return False
    os.close(fd)
    return True


def check_new_directory(directory: Path, what: str = "") -> None:
    """A directory a command will create (with the folders above it) or fill: it must be a
    directory if it exists, and the nearest folder that does exist must be writable."""
    found = _stat(directory, what, write=True)
    if found is not None:
        if not stat.S_ISDIR(found.st_mode):
            raise _unwritable(what, directory, "it is a file, not a directory")
        if not os.access(directory, os.W_OK | os.X_OK):
            raise _unwritable(what, directory, "the directory cannot be written (read-only)")
        return
    nearest = Path(os.path.abspath(directory)).parent
    while _stat(nearest, what, write=True) is None and nearest != nearest.parent:
        nearest = nearest.parent
    _writable_folder(nearest, directory, what)
