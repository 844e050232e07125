"""Where OLD and NEW of ``diff`` (and a release's baseline) come from.

A package location is, in this order:

- a directory holding ``datapackage.json``, or a ``datapackage.json`` itself: read in place;
- a zip archive (a release built by ``casualty-schema release``): extracted into a temporary
  directory, refusing entries that would land outside it (absolute paths, ``..``, links)
  and archives that hold more than :data:`MAX_ARCHIVE_BYTES` uncompressed or more than
  :data:`MAX_ARCHIVE_ENTRIES` entries (zip bombs);
- a git ref of the repository (``v0.1.0``, ``HEAD``, a commit): ``git archive`` of that
  commit, at the same place in the repository as the directory we were asked from.

An existing path always wins over a ref of the same name. Whatever cannot be read raises
:class:`SourceError`, whose message is one line fit for a terminal (the CLI exits 2).
Temporary directories live as long as the ``with`` block of :func:`open_package`.
"""

from __future__ import annotations

import io
import stat
import subprocess
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from casualty_schema.package.descriptor import DescriptorError, PackageSpec, load_package
from casualty_schema.paths import PathError, check_input

MAX_ARCHIVE_BYTES = 1 << 30  # 1 GiB uncompressed, in all
MAX_ARCHIVE_ENTRIES = 100_000
_CHUNK = 1 << 16
_ENCRYPTED = 0x1  # general purpose flag bit 0 of a zip entry: the entry is encrypted


class SourceError(Exception):
    """A package location that cannot be read; the message is one line."""


@dataclass(frozen=True)
class PackageSource:
    """A package read from a location: what it was called, what it was, and its spec."""

    label: str  # the location as given
    kind: str  # "directory", "descriptor", "archive" or "git"
    spec: PackageSpec
    commit: str | None = None  # for a git ref: the commit it resolved to


@contextmanager
def open_package(
    location: str | Path,
    *,
    repo: Path | None = None,
    max_bytes: int = MAX_ARCHIVE_BYTES,
    max_entries: int = MAX_ARCHIVE_ENTRIES,
) -> Iterator[PackageSource]:
    """Read the package at ``location``; ``repo`` (default: the current directory) is where
    git refs are looked up, and the place in the repository the package is read from."""
    label = str(location)
    try:
        check_input(location)
    except PathError as error:
        raise SourceError(str(error)) from None
    path = Path(location)
    if path.is_dir() or path.name == "datapackage.json" or path.suffix == ".json":
        if not path.exists():
            raise SourceError(f"{label}: no such file or directory")
        kind = "directory" if path.is_dir() else "descriptor"
        yield PackageSource(label, kind, _load(path, label))
        return
    if path.is_file():
        if not zipfile.is_zipfile(path):
            raise SourceError(
                f"{label}: not a directory, a datapackage.json or a zip archive of a package"
            )
        with tempfile.TemporaryDirectory(prefix="casualty-schema-") as tmp:
            root = Path(tmp)
            extract_zip(path, root, label=label, max_bytes=max_bytes, max_entries=max_entries)
            yield PackageSource(label, "archive", _load(_find_descriptor(root, label), label))
        return
    base = (repo or Path.cwd()).resolve()
    commit = resolve_ref(label, base)
    with tempfile.TemporaryDirectory(prefix="casualty-schema-") as tmp:
        root = Path(tmp)
        prefix = extract_ref(commit, base, root, label=label, max_bytes=max_bytes)
        descriptor = root / prefix / "datapackage.json"
        if not descriptor.is_file():
            where = f"{prefix}/datapackage.json" if prefix else "datapackage.json"
            raise SourceError(f"{label}: the commit has no {where}")
        yield PackageSource(label, "git", _load(descriptor, label), commit)


def _load(path: Path, label: str) -> PackageSpec:
    try:
        return load_package(path)
    except DescriptorError as error:
        raise SourceError(
            f"{label}: unusable datapackage.json: " + "; ".join(error.notes)
        ) from None


def _find_descriptor(root: Path, label: str) -> Path:
    """``datapackage.json`` at the archive's root, or in its only top-level directory."""
    if (root / "datapackage.json").is_file():
        return root / "datapackage.json"
    candidates = sorted(root.glob("*/datapackage.json"))
    if len(candidates) == 1:
        return candidates[0]
    raise SourceError(f"{label}: the archive holds no datapackage.json at its root")


# --- zip archives ---------------------------------------------------------------------------


def _safe_member(name: str) -> PurePosixPath | None:
    """The relative path an archive entry may be extracted to, or None when it may not."""
    if not name or "\x00" in name or "\\" in name:
        return None
    path = PurePosixPath(name)
    if path.is_absolute() or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    if any(part in ("..", "") for part in path.parts):
        return None
    return path


def extract_zip(
    archive: Path,
    dest: Path,
    *,
    label: str | None = None,
    max_bytes: int = MAX_ARCHIVE_BYTES,
    max_entries: int = MAX_ARCHIVE_ENTRIES,
) -> None:
    """Extract ``archive`` into ``dest`` (zip-slip and zip-bomb safe, no encrypted entry);
    raise SourceError."""
    label = label or str(archive)
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            if len(infos) > max_entries:
                raise SourceError(f"{label}: the archive has more than {max_entries} entries")
            declared = sum(i.file_size for i in infos)
            if declared > max_bytes:
                raise SourceError(
                    f"{label}: the archive would unpack to {declared} bytes, "
                    f"more than the limit of {max_bytes}"
                )
            seen: set[str] = set()
            for info in infos:
                member = _safe_member(info.filename)
                if member is None:
                    raise SourceError(
                        f"{label}: refusing entry {info.filename!r}: it escapes the archive"
                    )
                mode = info.external_attr >> 16
                if stat.S_ISLNK(mode):
                    raise SourceError(f"{label}: refusing entry {info.filename!r}: a link")
                if str(member) in seen:
                    raise SourceError(f"{label}: entry {info.filename!r} occurs twice")
                if info.flag_bits & _ENCRYPTED:
                    raise SourceError(
                        f"{label}: refusing entry {info.filename!r}: it is encrypted "
                        "(a release archive never is)"
                    )
                seen.add(str(member))
            written = 0
            for info in infos:
                target = dest.joinpath(*PurePosixPath(info.filename).parts)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, target.open("wb") as out:
                    while chunk := src.read(_CHUNK):
                        written += len(chunk)
                        if written > max_bytes:  # the declared sizes lied
                            raise SourceError(
                                f"{label}: the archive unpacks to more than {max_bytes} bytes"
                            )
                        out.write(chunk)
    except SourceError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError) as error:
        raise SourceError(f"{label}: broken zip archive: {error}") from None
    except NotImplementedError as error:  # unsupported compression
        raise SourceError(f"{label}: unreadable zip archive: {error}") from None
    except OSError as error:
        raise SourceError(f"{label}: cannot extract: {error.strerror or error}") from None


# --- git -----------------------------------------------------------------------------------


def git(repo: Path, *args: str, input: bytes | None = None) -> bytes:
    """Run git in ``repo`` and return its standard output; raise SourceError on failure."""
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args],
            input=input,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise SourceError("git is not installed") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SourceError(f"git {args[0]}: {message[-1] if message else 'failed'}")
    return done.stdout


def repo_root(path: Path) -> Path | None:
    """The top of the git work tree holding ``path``, or None outside one."""
    try:
        out = git(path, "rev-parse", "--show-toplevel")
    except SourceError:
        return None
    return Path(out.decode().strip()).resolve()


def resolve_ref(ref: str, repo: Path) -> str:
    """The commit ``ref`` names in the repository holding ``repo``."""
    if repo_root(repo) is None:
        raise SourceError(
            f"{ref}: no such file or directory (and {repo} is not in a git repository)"
        )
    if ref.startswith("-"):
        raise SourceError(f"{ref}: not a file, directory or git ref")
    try:
        out = git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except SourceError:
        raise SourceError(f"{ref}: no such file, directory or git ref") from None
    return out.decode().strip()


def extract_ref(
    commit: str, repo: Path, dest: Path, *, label: str, max_bytes: int = MAX_ARCHIVE_BYTES
) -> str:
    """``git archive`` the commit's tree under ``repo``'s place in the repository into
    ``dest``; return that place (a relative POSIX path, "" at the top)."""
    top = repo_root(repo)
    assert top is not None  # resolve_ref checked
    prefix = repo.resolve().relative_to(top).as_posix()
    prefix = "" if prefix == "." else prefix
    args = ["archive", "--format=tar", commit]
    if prefix:
        args += ["--", prefix]
    try:
        data = git(top, *args)
    except SourceError as error:
        raise SourceError(f"{label}: {error}") from None
    if len(data) > max_bytes:
        raise SourceError(f"{label}: the tree is larger than {max_bytes} bytes")
    try:
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            for member in tar.getmembers():
                if _safe_member(member.name) is None and member.name not in (".", ""):
                    raise SourceError(f"{label}: refusing tree entry {member.name!r}")
            tar.extractall(dest, filter="data")
    except tarfile.TarError as error:
        raise SourceError(f"{label}: cannot unpack the tree: {error}") from None
    return prefix
