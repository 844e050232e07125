"""Where OLD and NEW of ``diff`` (and a release's baseline) come from.

A package location is, in this order:

- a directory holding ``datapackage.json``, or a ``datapackage.json`` itself: read in place;
- a zip archive (a release built by ``casualty-schema release``): extracted into a temporary
  directory, refusing entries that would land outside it (absolute paths, ``..``, links)
  and archives that hold more than :data:`MAX_ARCHIVE_BYTES` uncompressed or more than
  :data:`MAX_ARCHIVE_ENTRIES` entries (zip bombs);
- a git ref of the repository (``v0.1.0``, ``HEAD``, a commit): ``git archive`` of that
  commit, at the same place in the repository as the directory we were asked from;
- a released version ``vX.Y.Z`` whose tag this clone lacks (tags do not travel with every
  clone, and ``actions/checkout`` fetches none): the commit that recorded that release, found
  in the history itself (:func:`release_commits`) — the commit at which ``datapackage.json``'s
  ``version`` became X.Y.Z while ``CHANGELOG.md`` records ``## [X.Y.Z]`` as released. The
  :class:`Location` says which commit it used, and how it was found.

An existing path always wins over a ref of the same name. An empty or blank location is never
the working tree: it is an error naming the argument it was given for (``git describe``
printing nothing must not turn a gate into a pass). Whatever cannot be read raises
:class:`SourceError`, whose message is one line fit for a terminal (the CLI exits 2); a ref
git cannot resolve gets a hint (fetch the tags; give a release as ``vX.Y.Z``).
Temporary directories live as long as the ``with`` block of :func:`open_package`.

This module is also where the releases a history records are found
(:func:`released_versions`, :func:`release_commits`, :func:`last_release`): ``release`` takes
its default baseline from them when no ``v*`` tag exists, and resolves refs here like every
other command. (It runs past 500 lines for that reason: resolving a ref needs the release
history, and the history needs the same git plumbing, so they stay in the one place refs are
resolved rather than in two modules that import each other.)
"""

from __future__ import annotations

import io
import json
import re
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
class Location:
    """Where a package is to be read from, resolved but not yet read (:func:`locate`)."""

    label: str  # the location as given
    kind: str  # "directory", "descriptor", "archive" or "git"
    path: Path | None = None  # a directory, descriptor or archive
    commit: str | None = None  # for a git ref: the commit it resolved to
    repo: Path | None = None  # for a git ref: where in the repository the package is read
    found: str | None = None  # how a version without its tag was found (for the user)

    @property
    def described(self) -> str:
        """The label, and for a git ref the commit it resolved to (and how, when not by git)."""
        if self.commit is None:
            return self.label
        return f"{self.label} ({self.found or 'commit ' + self.commit[:12]})"


@dataclass(frozen=True)
class PackageSource:
    """A package read from a location: what it was called, what it was, and its spec."""

    label: str  # the location as given
    kind: str  # "directory", "descriptor", "archive" or "git"
    spec: PackageSpec
    commit: str | None = None  # for a git ref: the commit it resolved to
    found: str | None = None  # how a version without its tag was found (Location.found)


def locate(
    location: str | Path | Location, *, repo: Path | None = None, argument: str | None = None
) -> Location:
    """Resolve ``location`` without reading it: a directory, a descriptor, an archive or a
    git ref of the repository holding ``repo`` (default: the current directory). Raises
    SourceError, its message prefixed with ``argument`` (the option or argument the location
    was given for) when one is named."""
    if isinstance(location, Location):
        return location
    try:
        return _locate(str(location), repo)
    except SourceError as error:
        raise _named(error, argument) from None


def _locate(label: str, repo: Path | None) -> Location:
    if not label.strip():
        raise SourceError(
            "empty: give a git ref (HEAD~1, v0.1.0), a package directory or a release "
            "archive (a command that was to print a ref, such as git describe, printed nothing)"
        )
    try:  # a name the file system cannot take (too long, a NUL) is said so, not raised
        check_input(label)
    except PathError as error:
        raise SourceError(str(error)) from None
    path = Path(label)
    if path.is_dir() or path.name == "datapackage.json" or path.suffix == ".json":
        if not path.exists():
            raise SourceError(f"{label}: no such file or directory")
        return Location(label, "directory" if path.is_dir() else "descriptor", path=path)
    if path.is_file():
        if not is_archive(path):
            raise SourceError(
                f"{label}: not a directory, a datapackage.json or a zip archive of a package"
            )
        return Location(label, "archive", path=path)
    if path.exists():  # a FIFO or a device: never read, and never taken for a git ref
        raise SourceError(f"{label}: not a plain file (a FIFO or a device), which is never read")
    base = (repo or Path.cwd()).resolve()
    commit, found = resolve_ref(label, base)
    return Location(label, "git", commit=commit, repo=base, found=found)


@contextmanager
def open_package(
    location: str | Path | Location,
    *,
    repo: Path | None = None,
    argument: str | None = None,
    max_bytes: int = MAX_ARCHIVE_BYTES,
    max_entries: int = MAX_ARCHIVE_ENTRIES,
) -> Iterator[PackageSource]:
    """Read the package at ``location`` (as :func:`locate` resolves it); ``repo`` (default:
    the current directory) is where git refs are looked up, and the place in the repository
    the package is read from; ``argument`` names what the location was given for in errors."""
    where = locate(location, repo=repo, argument=argument)
    if where.kind in ("directory", "descriptor"):
        assert where.path is not None
        with _naming(argument):
            spec = _load(where.path, where.label)
        yield PackageSource(where.label, where.kind, spec)
        return
    with tempfile.TemporaryDirectory(prefix="casualty-schema-") as tmp:
        with _naming(argument):
            spec = _unpack(where, Path(tmp), max_bytes=max_bytes, max_entries=max_entries)
        yield PackageSource(where.label, where.kind, spec, where.commit, where.found)


@contextmanager
def _naming(argument: str | None) -> Iterator[None]:
    """A SourceError raised inside, its message prefixed with ``argument``."""
    try:
        yield
    except SourceError as error:
        raise _named(error, argument) from None


def _named(error: SourceError, argument: str | None) -> SourceError:
    return SourceError(f"{argument}: {error}" if argument else str(error))


def _unpack(where: Location, root: Path, *, max_bytes: int, max_entries: int) -> PackageSpec:
    """An archive or a commit's tree extracted into ``root``, and its descriptor read."""
    label = where.label
    if where.kind == "archive":
        assert where.path is not None
        extract_zip(where.path, root, label=label, max_bytes=max_bytes, max_entries=max_entries)
        return _load(_find_descriptor(root, label), label)
    assert where.commit is not None
    assert where.repo is not None
    prefix = extract_ref(where.commit, where.repo, root, label=label, max_bytes=max_bytes)
    descriptor = root / prefix / "datapackage.json"
    if not descriptor.is_file():
        inside = f"{prefix}/datapackage.json" if prefix else "datapackage.json"
        raise SourceError(f"{label}: the commit has no {inside}")
    return _load(descriptor, label)


def is_archive(path: Path) -> bool:
    """Whether ``path`` is a zip archive (a release), not a descriptor or a directory; False
    for a path the file system cannot look up (a name too long: reading it says so)."""
    try:
        return path.is_file() and path.suffix != ".json" and zipfile.is_zipfile(path)
    except OSError:
        return False


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


def resolve_ref(ref: str, repo: Path) -> tuple[str, str | None]:
    """The commit ``ref`` names in the repository holding ``repo``, and how it was found
    when git does not know the name: a version ``vX.Y.Z`` whose tag is absent is the commit
    that recorded that release (:func:`release_commits`). None: git resolved the name."""
    if repo_root(repo) is None:
        raise SourceError(
            f"{ref}: no such file or directory (and {repo} is not in a git repository)"
        )
    if ref.startswith("-"):
        raise SourceError(f"{ref}: not a file, directory or git ref")
    try:
        out = git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        return out.decode().strip(), None
    except SourceError:
        pass
    history = release_commits(repo)
    tag = VERSION_TAG.fullmatch(ref)
    if tag is not None:
        release = next((r for r in history.releases if r.version == tag.group(1)), None)
        if release is not None:
            return release.commit, f"no tag {ref}: {release.described}"
        raise SourceError(
            f"{ref}: no such tag, and no commit of this history recorded release "
            f"{tag.group(1)}{history.listed}; {history.hint}"
        )
    raise SourceError(
        f"{ref}: no such file, directory or git ref; {history.hint}; a release? give its "
        f"version, vX.Y.Z{history.listed}"
    )


# --- the releases a history records ---------------------------------------------------------

#: A version as semantic versioning writes it (no pre-release or build part).
VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
#: A release named as its tag is: ``vX.Y.Z``.
VERSION_TAG = re.compile(r"v(" + VERSION.pattern + ")")
_RELEASED = re.compile(r"^## \[(" + VERSION.pattern + r")\]", re.M)
DESCRIPTOR = "datapackage.json"
CHANGELOG = "CHANGELOG.md"


def released_versions(text: str) -> list[str]:
    """The versions a CHANGELOG records as released (``## [X.Y.Z] ...`` headings), newest
    first as written."""
    return [m.group(1) for m in _RELEASED.finditer(text)]


@dataclass(frozen=True)
class Release:
    """A release found in the history: its version and the commit that recorded it."""

    version: str
    commit: str

    @property
    def described(self) -> str:
        return f"commit {self.commit[:12]}, which recorded release {self.version}"


@dataclass(frozen=True)
class History:
    """The release commits of a history, newest first, and whether it was cut short."""

    releases: tuple[Release, ...]
    shallow: bool  # a shallow clone: older releases may lie beyond its history

    @property
    def listed(self) -> str:
        if not self.releases:
            return ""
        return (
            " (this history records "
            + ", ".join(f"v{r.version} at {r.commit[:12]}" for r in self.releases)
            + ")"
        )

    @property
    def hint(self) -> str:
        hint = "a tag of the repository you cloned? fetch the tags (git fetch --tags)"
        if self.shallow:
            hint += (
                "; this clone is shallow, and the commit may lie beyond it: git fetch "
                "--unshallow (actions/checkout: fetch-depth: 0)"
            )
        return hint


def release_commits(repo: Path) -> History:
    """Every commit of HEAD's history that recorded a release, newest first: a commit at which
    the package's ``datapackage.json`` (at ``repo``'s place in the repository) has a
    ``version`` that its ``CHANGELOG.md`` records as released (``## [X.Y.Z]``), where its
    parent's (the nearest earlier commit changing either file) did not record that release.
    Later commits that only carry the released version on are not release commits. In a
    shallow clone, a commit whose parents lie beyond the clone is not taken for one."""
    top = repo_root(repo)
    if top is None:
        return History((), shallow=False)
    prefix = repo.resolve().relative_to(top).as_posix()
    paths = (
        [DESCRIPTOR, CHANGELOG]
        if prefix == "."
        else [f"{prefix}/{DESCRIPTOR}", f"{prefix}/{CHANGELOG}"]
    )
    shallow = git(top, "rev-parse", "--is-shallow-repository").decode().strip() == "true"
    try:
        log = git(top, "log", "--parents", "--format=%H %P", "HEAD", "--", *paths).decode()
    except SourceError:
        return History((), shallow)  # no commit yet
    commits = [line.split() for line in log.splitlines() if line.strip()]
    if not commits:
        return History((), shallow)
    wanted = "".join(f"{c[0]}:{p}\n" for c in commits for p in paths).encode()
    blobs = _batch(git(top, "cat-file", "--batch", input=wanted))
    state: dict[str, str | None] = {}
    for i, commit in enumerate(commits):
        descriptor, changelog = blobs[2 * i], blobs[2 * i + 1]
        version = _version(descriptor)
        released = (
            changelog is not None
            and version is not None
            and version in (released_versions(changelog.decode("utf-8", "replace")))
        )
        state[commit[0]] = version if released else None
    releases = []
    for sha, *parents in commits:
        version = state[sha]
        if version is None or any(state.get(p) == version for p in parents):
            continue
        if not parents and shallow:
            continue  # its history is cut: its parent may have recorded the release already
        releases.append(Release(version, sha))
    return History(tuple(releases), shallow)


def last_release(repo: Path) -> Release | None:
    """The newest release commit of HEAD's history (:func:`release_commits`), or None."""
    history = release_commits(repo)
    return history.releases[0] if history.releases else None


def _batch(out: bytes) -> list[bytes | None]:
    """The objects ``git cat-file --batch`` printed, in order; None for a missing one."""
    found: list[bytes | None] = []
    at = 0
    while at < len(out):
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) < 3 or header[-1] == b"missing":
            found.append(None)
            continue
        size = int(header[2])
        found.append(out[at : at + size])
        at += size + 1
    return found


def _version(descriptor: bytes | None) -> str | None:
    """The ``version`` of a descriptor's bytes, or None when it has none or is not JSON."""
    if descriptor is None:
        return None
    try:
        version = json.loads(descriptor.decode("utf-8-sig")).get("version")
    except (ValueError, AttributeError):
        return None
    return version if isinstance(version, str) else None


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
