"""Cutting a release of the package: :func:`make_release`, step by step.

0. **Check the paths**: a released file that is a symbolic link out of the package, a DIR
   that a link takes outside it, a SHA256SUMS that is a link, text that is not UTF-8 are
   one-line errors (:class:`ReleaseError`) before anything is read or written.
1. **Validate** the package; any error refuses the release (:class:`ReleaseRefused`), as
   does a package name that cannot name a file (a resource's is a descriptor error).
2. **Diff** against the baseline (default: the newest ``v*`` tag; with no tag, the newest
   commit that recorded a release, :func:`~casualty_schema.package.source.last_release`;
   neither is a first release) and refuse a version bump smaller than the changes need,
   naming the changes.
3. **Stage** the new ``datapackage.json`` (``version`` and ``created``; the archived one also
   each resource's ``bytes`` and ``hash``, which the working tree never records), the new
   ``CHANGELOG.md`` (the "Unreleased" notes moved under the version, after a generated
   summary of the changes), the archive
   ``<name>-<version>.zip`` (byte-for-byte reproducible) and ``SHA256SUMS``.
4. **Publish**: move everything into place with :func:`os.replace`; with ``tag``, commit
   ``datapackage.json`` and ``CHANGELOG.md`` and create the annotated tag ``v<version>``.

Every step is a module-level function, called in that order, so that a test can inject a
fault at each one (which is why this module runs past 500 lines: the steps and their order
are read in one place). Nothing outside the staging directories changes before step 4, and step 4
undoes what it did when anything fails (or is interrupted) before it ends: a refused, failed
or interrupted release leaves the working tree, ``DIR`` and the repository as they were. An
existing version is never overwritten.

A process that is killed outright (SIGKILL, a power cut) runs no undo: the journal
(:mod:`casualty_schema.release.journal`, kept in the user's state directory, never in the
package) lets the next release roll it back; a dry run never does, and refuses to start
while such a journal is left.

Time comes from ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) when it is set:
``created``, the CHANGELOG date and the archive's timestamps. Without it, ``created`` and
the date are the current time and every archive entry is dated 1980-01-01 00:00:00, the
earliest time a zip entry can hold.

The module is longer than 500 lines because it is the release, read in order: every step
is a module-level function here (the fault-injection tests replace each by name), and the
publishing step keeps its undo beside what it undoes. What is not a step lives in the
modules beside it (journal, archive, changelog, json_edit, version).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from casualty_schema.api import validate
from casualty_schema.compare.change import Bump, Change
from casualty_schema.compare.diff import Diff, diff_specs, with_sources
from casualty_schema.downstream.export import EXPORT_FORMATS, dumps, export_filename, export_schema
from casualty_schema.package.descriptor import (
    RESOURCE_RELEASE_MANAGED,
    DescriptorError,
    PackageSpec,
    is_safe_name,
    load_package,
)
from casualty_schema.package.source import (
    SourceError,
    git,
    last_release,
    locate,
    open_package,
    release_commits,
    repo_root,
)
from casualty_schema.paths import PathError, check_new_directory
from casualty_schema.release.archive import (
    SUMS,
    ZIP_CEILING,
    archive_name,
    read_sums,
    sums_text,
    zip_bytes,
)
from casualty_schema.release.changelog import released_versions, update_changelog
from casualty_schema.release.journal import (
    Stage,
    complete,
    delete_tag,
    journal_path,
    pending,
    read_journal,
    recover,
    remove,
    restore,
    staging,
    undo_commit,
    write_journal,
)
from casualty_schema.release.json_edit import update_descriptor
from casualty_schema.release.version import VERSION, Version
from casualty_schema.render.brief import brief
from casualty_schema.render.diff import changelog as changelog_summary
from casualty_schema.report import Report

__all__ = [
    "ReleaseError",
    "ReleaseRefused",
    "ReleaseResult",
    "journal_path",
    "make_release",
    "recover",
]

DEFAULT_OUT = "dist"
CHANGELOG = "CHANGELOG.md"
DESCRIPTOR = "datapackage.json"
RELEASED = (DESCRIPTOR, CHANGELOG)  # the files a tagged release commits
README = "README.md"
LICENCES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "LICENCE.md", "COPYING")
SCHEMA_DIR = "schema"  # in the archive: schema/<resource>.tableschema.json, .schema.json
DATA_DIR = "data"
SHOWN_FINDINGS = 20
BASELINE = "--baseline"  # the option named in a baseline's errors


class ReleaseError(Exception):
    """The release cannot start: bad arguments or unreadable input (the CLI exits 2)."""


class ReleaseRefused(Exception):
    """The release was refused; ``reasons`` say why, one line each (the CLI exits 1)."""

    def __init__(
        self, reasons: list[str], *, report: Report | None = None, diff: Diff | None = None
    ) -> None:
        self.reasons = list(reasons)
        self.report = report
        self.diff = diff
        super().__init__("\n".join(self.reasons))


@dataclass(frozen=True)
class ReleaseResult:
    name: str
    version: str
    previous: str | None  # the baseline's version; None for a first release
    baseline: str | None  # the baseline as given or found (a tag); None for a first release
    bump: Bump  # the bump taken from the baseline's version
    diff: Diff
    created: str
    archive: Path  # DIR/<name>-<version>.zip (not written on a dry run)
    sha256: str  # of the archive
    sums: Path  # DIR/SHA256SUMS
    entries: tuple[str, ...]  # the archive's entries, in order
    section: str  # the new CHANGELOG section
    dry_run: bool
    tag: str | None = None  # the tag created
    recovered: bool = False  # an interrupted release was rolled back first
    baseline_commit: str | None = None  # a git baseline: the commit it resolved to
    baseline_found: str | None = None  # how a baseline without its tag was found

    @property
    def required_bump(self) -> Bump:
        return self.diff.required_bump

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "previous": self.previous,
            "baseline": self.baseline,
            "baseline_commit": self.baseline_commit,
            "bump": self.bump.label,
            "required_bump": self.required_bump.label,
            "created": self.created,
            "archive": str(self.archive),
            "sha256": self.sha256,
            "sums": str(self.sums),
            "entries": list(self.entries),
            "changelog": self.section,
            "dry_run": self.dry_run,
            "tag": self.tag,
            "diff": self.diff.to_dict(),
        }


# --- the steps --------------------------------------------------------------------------------


def check_paths(root: Path, out: Path) -> None:
    """Step 0: refuse what would make the release read or write outside the package (a
    one-line error, exit 2, before anything is written): a file it releases from the top of
    the package (datapackage.json, CHANGELOG.md, README.md, a licence) that is a symbolic
    link leading out of it (data files are checked as they are read, step 3a); a DIR inside
    the package that a link takes outside it; a SHA256SUMS in DIR that is a link or not a
    plain file; a CHANGELOG.md or SHA256SUMS that is not UTF-8."""
    for name in (DESCRIPTOR, CHANGELOG, README, *LICENCES):
        if (root / name).is_symlink() or (root / name).exists():
            _inside(root, name)
    inside = Path(os.path.normpath(out)).is_relative_to(root)
    if inside and not out.resolve().is_relative_to(root.resolve()):
        raise ReleaseError(
            f"{out}: a symbolic link leads outside the package; "
            "give a directory outside it with --out instead"
        )
    sums = out / SUMS
    if sums.is_symlink() or (sums.exists() and not sums.is_file()):
        raise ReleaseError(f"{sums}: not a plain file (a symbolic link is never followed)")
    for path in (root / CHANGELOG, sums):
        if path.is_file():
            try:
                path.read_bytes().decode("utf-8")
            except UnicodeDecodeError as error:
                raise ReleaseError(
                    f"{path}: not UTF-8 text ({error.reason} at byte {error.start})"
                ) from None


def check_name(spec: PackageSpec) -> None:
    """Step 1b: the package's name names the archive, so it must be a safe name (lowercase
    letters, digits, ".", "-", "_"), as each resource's already is (``load_package``)."""
    if not is_safe_name(spec.name):
        raise ReleaseRefused(
            [
                f"the package name {spec.name!r} cannot name the archive: a name must be "
                "lowercase letters, digits, '.', '-' and '_'"
            ]
        )


def check_valid(root: Path) -> Report:
    """Step 1: validate; refuse on any error."""
    report = validate(root / DESCRIPTOR)
    if not report.valid:
        reasons = [f"the package is not valid ({report.tally}): fix these before releasing"]
        raise ReleaseRefused(reasons + brief(report, SHOWN_FINDINGS), report=report)
    return report


def find_baseline(root: Path, baseline: str | None) -> str | None:
    """Step 2a: the baseline as given, else the newest ``vX.Y.Z`` tag, else the newest commit
    that recorded a release, named by its version (``vX.Y.Z``, resolved to that commit like
    any ref), else None (a first release)."""
    if baseline is not None:
        return baseline
    if repo_root(root) is None:
        return None
    try:
        tags = git(root, "tag", "--list", "v*").decode().split()
        versions = [(Version.parse(t[1:]), t) for t in tags if VERSION.fullmatch(t[1:])]
        if versions:
            return max(versions)[1]
        release = last_release(root)
    except SourceError as error:
        raise ReleaseError(str(error)) from None
    return f"v{release.version}" if release is not None else None


def compare_with_baseline(root: Path, baseline: str | None) -> tuple[Diff, str | None]:
    """Step 2b: the diff from the baseline (or from nothing) and the baseline's version; a
    git baseline's side of the diff says which commit it resolved to."""
    new = _load(root)
    if baseline is None:
        return diff_specs(None, new, old_label="(nothing)", new_label=str(root)), None
    try:
        with open_package(baseline, repo=root, argument=BASELINE) as old:
            if old.spec.version is None:
                raise ReleaseError(f"the baseline {baseline} has no version")
            diff = diff_specs(old.spec, new, old_label=baseline, new_label=str(root))
            return with_sources(diff, old, None), old.spec.version
    except SourceError as error:
        raise ReleaseError(str(error)) from None


def choose_version(
    diff: Diff, previous: str | None, bump: Bump | None, version: str | None
) -> tuple[Version, Bump]:
    """Step 2c: the new version, and the bump it takes; refuse one smaller than needed."""
    try:
        before = Version.parse(previous) if previous is not None else Version(0, 0, 0)
        new = Version.parse(version) if version is not None else before.bumped(bump or Bump.NONE)
    except ValueError as error:
        raise ReleaseError(str(error)) from None
    if previous is None:  # a first release may take any version
        return new, Version(0, 0, 0).bump_to(new)
    required = diff.required_bump
    if required is Bump.NONE:
        raise ReleaseRefused(
            [f"nothing to release: no schema or data changes since {diff.old.label}"], diff=diff
        )
    if new <= before:
        raise ReleaseRefused(
            [f"version {new} is not greater than the baseline's {before} ({diff.old.label})"],
            diff=diff,
        )
    taken = before.bump_to(new)
    if taken < required:
        reasons = [
            f"the changes since {diff.old.label} ({before}) need a {required.label} release, "
            f"but {before} → {new} is a {taken.label} one; the changes that need more:"
        ]
        reasons += [f"  {c.bump.label}: {_describe(c)}" for c in diff.needing(taken)]
        reasons.append(f"release {before.bumped(required)} (--bump {required.label}) instead")
        raise ReleaseRefused(reasons, diff=diff)
    return new, taken


def check_unreleased(
    root: Path, out: Path, name: str, version: Version, baseline: str | None = None
) -> None:
    """Step 2d: refuse a version that exists (its archive, sum, tag or CHANGELOG section),
    and a "first" release of a package whose CHANGELOG records releases (an untagged one)."""
    archive = archive_name(name, version)
    reasons = []
    changelog = root / CHANGELOG
    text = changelog.read_text(encoding="utf-8") if changelog.is_file() else ""
    released = released_versions(text)
    if baseline is None and released:
        last = archive_name(name, Version.parse(released[0]))
        shallow = release_commits(root).shallow
        reasons.append(
            f"nothing to compare with: no v* tag and no commit that recorded a release, but "
            f"{CHANGELOG} records releases ({', '.join(released)}); "
            + (
                "this clone is shallow: fetch the history (git fetch --unshallow; "
                "actions/checkout: fetch-depth: 0), "
                if shallow
                else f"commit the last release's {DESCRIPTOR} and {CHANGELOG} (that commit is "
                "then found), "
            )
            + f"fetch the tags (git fetch --tags), or give --baseline (v{released[0]} in a "
            f"clone that has it, or the archive {out / last})"
        )
    if (out / archive).exists():
        reasons.append(f"{out / archive} exists: a released version is never overwritten")
    if any(line.endswith(f"  {archive}") for line in read_sums(out / SUMS)):
        reasons.append(f"{out / SUMS} already lists {archive}")
    if repo_root(root) is not None:
        try:
            git(root, "rev-parse", "--quiet", "--verify", f"refs/tags/v{version}")
            reasons.append(f"the tag v{version} exists: version {version} was released")
        except SourceError:
            pass
    if str(version) in released:
        reasons.append(f"{CHANGELOG} already has a section for {version}")
    if reasons:
        raise ReleaseRefused(reasons)


def check_can_tag(root: Path, files: Mapping[str, bytes]) -> None:
    """With ``tag``: a git work tree whose released files are all committed."""
    if repo_root(root) is None:
        raise ReleaseError(f"--tag: {root} is not in a git repository")
    paths = sorted(p for p in files if (root / p).exists())
    try:
        dirty = git(root, "status", "--porcelain", "--untracked-files=all", "--", *paths)
    except SourceError as error:
        raise ReleaseError(f"--tag: {error}") from None
    if dirty.strip():
        listed = ", ".join(line[3:] for line in dirty.decode().splitlines()[:5])
        raise ReleaseRefused(
            [f"--tag: commit these first, the tag must hold what is released: {listed}"]
        )


def collect_files(stage: Stage, spec: PackageSpec) -> None:
    """Step 3a: read the package's files once: what is hashed is what is archived."""
    root = stage.root
    paths: set[str] = set()
    for resource in spec.resources.values():
        declared = resource.descriptor.get("path")
        for p in declared if isinstance(declared, list) else [declared]:
            if isinstance(p, str) and _local(p):
                paths.add(_inside(root, p))
    for source in spec.descriptor.get("sources") or []:
        p = source.get("path") if isinstance(source, Mapping) else None
        if isinstance(p, str) and _local(p) and (root / p).is_file():
            paths.add(_inside(root, p))
    data = root / DATA_DIR
    if data.is_dir():
        for path in data.rglob("*"):
            relative = path.relative_to(root)
            hidden = any(part.startswith(".") or part == "__pycache__" for part in relative.parts)
            if path.is_file() and not hidden:
                paths.add(_inside(root, relative.as_posix()))
    for name in (README, *LICENCES):
        if (root / name).is_file():
            paths.add(_inside(root, name))
    for p in sorted(paths):
        try:
            stage.files[p] = (root / p).read_bytes()
        except OSError as error:
            raise ReleaseError(f"{p}: cannot be read: {error.strerror}") from None


def stage_descriptor(stage: Stage, spec: PackageSpec, version: Version, created: str) -> bytes:
    """Step 3b: datapackage.json with the version and ``created``: in the working tree, without
    any ``bytes`` or ``hash`` (they would go stale with the next contribution); in the archive,
    with each resource's ``bytes`` and ``hash`` (of the files as archived), which ``validate``
    of the archive checks. Its layout is kept; returns the archived one."""
    stats: dict[int, tuple[int, str]] = {}
    for i, resource in enumerate(spec.descriptor.get("resources") or []):
        p = resource.get("path") if isinstance(resource, Mapping) else None
        if isinstance(p, str) and _local(p):
            content = stage.files[_inside(stage.root, p)]
            stats[i] = (len(content), "sha256:" + hashlib.sha256(content).hexdigest())
    text = (stage.root / DESCRIPTOR).read_text(encoding="utf-8-sig")
    tree = update_descriptor(text, str(version), created, {}, drop=RESOURCE_RELEASE_MANAGED)
    (stage.package_stage / DESCRIPTOR).write_bytes(tree.encode("utf-8"))
    archived = update_descriptor(tree, str(version), created, stats).encode("utf-8")
    stage.files[DESCRIPTOR] = archived
    return archived


def stage_changelog(
    stage: Stage, diff: Diff, version: Version, date: str, baseline: str | None
) -> str:
    """Step 3c: CHANGELOG.md with the Unreleased notes moved under the version, after the
    generated summary; returns the new section."""
    path = stage.root / CHANGELOG
    if not path.is_file():
        raise ReleaseError(f"{path} does not exist: the release notes are kept there")
    text = path.read_text(encoding="utf-8")
    summary = changelog_summary(diff, baseline=baseline)
    updated, section = update_changelog(text, str(version), date, summary)
    content = updated.encode("utf-8")
    (stage.package_stage / CHANGELOG).write_bytes(content)
    stage.files[CHANGELOG] = content
    return section


def stage_exports(stage: Stage, spec: PackageSpec) -> None:
    """Step 3d: each resource's schema as standalone Table Schema and JSON Schema files."""
    for resource in spec.resources.values():
        for fmt in EXPORT_FORMATS:
            entry = f"{SCHEMA_DIR}/{export_filename(resource, fmt)}"
            stage.files[entry] = dumps(export_schema(resource, fmt)).encode("utf-8")


def build_archive(stage: Stage, name: str, version: Version, epoch: int | None) -> Path:
    """Step 3e: the reproducible zip: sorted entries, one fixed time, mode 0644, no extras."""
    path = stage.out_stage / archive_name(name, version)
    path.write_bytes(zip_bytes(stage.files, epoch))
    return path


def stage_sums(stage: Stage, archive: Path) -> Path:
    """Step 3f: SHA256SUMS: the lines already in DIR, and the new archive's."""
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    path = stage.out_stage / SUMS
    path.write_text(sums_text(read_sums(stage.out / SUMS), digest, archive.name), encoding="utf-8")
    return path


def move_into_place(src: Path, dst: Path) -> None:
    """One atomic move (the same file system: staging is beside the destination)."""
    os.replace(src, dst)


def commit_release(root: Path, version: Version, name: str) -> None:
    """With ``tag``: commit datapackage.json and CHANGELOG.md, and nothing else."""
    git(root, "commit", "--only", "-m", f"Release {name} {version}", "--", DESCRIPTOR, CHANGELOG)


def create_tag(root: Path, version: Version, message: str) -> str:
    """The annotated tag ``v<version>``, its message kept verbatim: git's default clean-up
    would strip the CHANGELOG section's ``###`` headings as comments."""
    tag = f"v{version}"
    git(root, "tag", "-a", "--cleanup=verbatim", tag, "-m", message)
    return tag


# --- the release ------------------------------------------------------------------------------


def make_release(
    package: Path | str = ".",
    *,
    bump: Bump | str | None = None,
    version: str | None = None,
    out: Path | str | None = None,
    baseline: str | None = None,
    dry_run: bool = False,
    tag: bool = False,
    source_date_epoch: int | str | None = None,
) -> ReleaseResult:
    """Release the package in ``package`` (a directory or its datapackage.json).

    ``bump`` (major, minor, patch) or ``version`` (X.Y.Z) chooses the version; ``out`` is
    DIR (default: ``dist/`` beside the descriptor); ``baseline`` a directory, archive or git
    ref (default: the newest ``v*`` tag; none is a first release). ``source_date_epoch``
    defaults to the environment's ``SOURCE_DATE_EPOCH``. Raises :class:`ReleaseRefused`
    (invalid data, a too-small bump, an existing version) or :class:`ReleaseError`."""
    root = _package_dir(Path(package))
    out_dir = _absolute(Path(out) if out is not None else root / DEFAULT_OUT)
    left = pending(root)
    if dry_run and left is not None:
        raise ReleaseError(
            f"an earlier release of {root} was interrupted (its journal is {left}): "
            "a release without --dry-run rolls it back first"
        )
    recovered = False if dry_run else recover(root, RELEASED)
    if (bump is None) == (version is None):
        raise ReleaseError("give exactly one of --bump and --version")
    try:
        chosen_bump = Bump.parse(bump) if isinstance(bump, str) else bump
    except ValueError as error:
        raise ReleaseError(str(error)) from None
    if chosen_bump is Bump.NONE:
        raise ReleaseError("--bump must be major, minor or patch")
    if baseline is not None:  # at once: an empty or unknown baseline is never "no baseline"
        try:
            locate(baseline, repo=root, argument=BASELINE)
        except SourceError as error:
            raise ReleaseError(str(error)) from None
    epoch = _epoch(source_date_epoch)
    moment = datetime.fromtimestamp(epoch, tz=UTC) if epoch is not None else datetime.now(UTC)
    created = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        check_new_directory(out_dir, "--out")
    except PathError as error:
        raise ReleaseError(str(error)) from None
    if not out_dir.parent.is_dir():
        raise ReleaseError(f"{out_dir.parent} does not exist")

    check_paths(root, out_dir)
    check_valid(root)
    spec = _load(root)
    check_name(spec)
    base = find_baseline(root, baseline)
    diff, previous = compare_with_baseline(root, base)
    new_version, taken = choose_version(diff, previous, chosen_bump, version)
    check_unreleased(root, out_dir, spec.name, new_version, base)
    with staging(root, out_dir) as stage:
        collect_files(stage, spec)
        if tag:
            check_can_tag(root, {**stage.files, DESCRIPTOR: b"", CHANGELOG: b""})
        stage_descriptor(stage, spec, new_version, created)
        section = stage_changelog(stage, diff, new_version, moment.strftime("%Y-%m-%d"), base)
        stage_exports(stage, spec)
        archive = build_archive(stage, spec.name, new_version, epoch)
        digest = hashlib.sha256(archive.read_bytes()).hexdigest()
        sums = stage_sums(stage, archive)
        entries = tuple(sorted(stage.files))
        tag_name = None
        if not dry_run:
            tag_name = _publish(stage, archive, sums, spec.name, new_version, section, tag)
    return ReleaseResult(
        name=spec.name,
        version=str(new_version),
        previous=previous,
        baseline=base,
        bump=taken,
        diff=diff,
        created=created,
        archive=out_dir / archive.name,
        sha256=digest,
        sums=out_dir / SUMS,
        entries=entries,
        section=section,
        dry_run=dry_run,
        tag=tag_name,
        recovered=recovered,
        baseline_commit=diff.old.commit,
        baseline_found=diff.old.found,
    )


# --- step 4: publishing, undone on any failure ----------------------------------------------


def _publish(
    stage: Stage,
    archive: Path,
    sums: Path,
    name: str,
    version: Version,
    section: str,
    tag: bool,
) -> str | None:
    """Step 4: move the staged files into place, then commit and tag; undo it all on any
    failure or interruption before the end."""
    undo: list[Callable[[], None]] = []
    root, out = stage.root, stage.out
    try:
        if not out.exists():
            out.mkdir()
            undo.append(out.rmdir)
        moves = [
            (stage.package_stage / DESCRIPTOR, root / DESCRIPTOR, stage.package_stage),
            (stage.package_stage / CHANGELOG, root / CHANGELOG, stage.package_stage),
            (archive, out / archive.name, stage.out_stage),
            (sums, out / SUMS, stage.out_stage),
        ]
        journal = read_journal(root)
        if undo:  # the out directory was made here
            journal["made_out"] = str(out)
        journal["moves"] = []
        for i, (src, dst, backups) in enumerate(moves):
            backup = None
            if dst.exists():
                backup = backups / f"backup-{i}-{dst.name}"
                shutil.copy2(dst, backup)
                shutil.copymode(dst, src)
            journal["moves"].append({"dst": str(dst), "backup": str(backup) if backup else None})
        if tag:
            journal["head"] = git(root, "rev-parse", "HEAD").decode().strip()
            journal["tag"] = f"v{version}"
        write_journal(root, journal)  # from here on, a killed release can be rolled back
        for move, (src, dst, _backups) in zip(journal["moves"], moves, strict=True):
            backup = move["backup"]
            undo.append(restore(Path(backup), dst) if backup else remove(dst))
            move_into_place(src, dst)
        if not tag:
            complete(root)
            return None
        # each undo is registered before its step: a step may fail after doing its work
        head = journal["head"]
        undo.append(lambda: undo_commit(root, head, RELEASED))
        commit_release(root, version, name)
        tag_name = f"v{version}"  # check_unreleased made sure it did not exist
        undo.append(lambda: delete_tag(root, tag_name))
        created_tag = create_tag(root, version, f"{name} {version}\n\n{section}")
        complete(root)
        return created_tag
    except BaseException as error:
        for step in reversed(undo):
            with suppress(OSError, SourceError):
                step()
        if isinstance(error, SourceError):  # git refused to commit or tag
            raise ReleaseError(f"rolled back: {error}") from None
        raise


# --- small helpers ----------------------------------------------------------------------------


def _describe(c: Change) -> str:
    return f"{c.where}: {c.summary} ({c.reason})"


def _package_dir(package: Path) -> Path:
    if not package.exists():  # never the package of the folder above a mistyped name
        raise ReleaseError(
            f"{package}: no such directory: give the package directory or its {DESCRIPTOR}"
        )
    if not package.is_dir() and package.name != DESCRIPTOR:
        raise ReleaseError(f"{package}: give the package directory or its {DESCRIPTOR}")
    root = package if package.is_dir() else package.parent
    if not (root / DESCRIPTOR).is_file():
        raise ReleaseError(f"{root / DESCRIPTOR} does not exist")
    return _absolute(root)


def _absolute(path: Path) -> Path:
    return path if path.is_absolute() else Path.cwd() / path


def _load(root: Path) -> PackageSpec:
    try:
        return load_package(root / DESCRIPTOR)
    except DescriptorError as error:
        raise ReleaseError(f"{root / DESCRIPTOR}: " + "; ".join(error.notes)) from None


def _epoch(value: int | str | None) -> int | None:
    if value is None:
        value = os.environ.get("SOURCE_DATE_EPOCH") or None
    if value is None:
        return None
    try:
        epoch = int(value)
    except ValueError:
        raise ReleaseError(
            f"SOURCE_DATE_EPOCH must be a number of seconds, not {value!r}"
        ) from None
    if epoch < 0:
        raise ReleaseError("SOURCE_DATE_EPOCH must not be negative")
    if epoch > ZIP_CEILING:
        raise ReleaseError(
            f"SOURCE_DATE_EPOCH {epoch} is after 2107-12-31T23:59:59Z ({ZIP_CEILING}), "
            "the latest time a zip entry can hold"
        )
    return epoch


def _local(path: str) -> bool:
    return "://" not in path and not path.startswith("/")


def _inside(root: Path, path: str) -> str:
    """A package-relative POSIX path that stays inside the package (no ``..``, no link out)
    and can name an archive entry (UTF-8)."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts:
        raise ReleaseError(f"{path}: outside the package")
    resolved = (root / pure).resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise ReleaseError(f"{path}: a symbolic link leads outside the package")
    try:
        pure.as_posix().encode("utf-8")
    except UnicodeEncodeError:
        raise ReleaseError(
            f"{path!r}: the file name is not UTF-8, which an archive entry's name must be"
        ) from None
    return pure.as_posix()
