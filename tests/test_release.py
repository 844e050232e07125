"""casualty-schema release: refusal of invalid data and of a too-small bump, the version,
``created``, hashes and byte counts, the CHANGELOG, a reproducible archive, the tag, and
atomicity (a fault injected at each step leaves no trace)."""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from casualty_schema import validate
from casualty_schema.cli import app
from casualty_schema.compare.diff import Bump, diff_packages
from casualty_schema.downstream.export import export_schema
from casualty_schema.package.descriptor import RESOURCE_RELEASE_MANAGED, load_package
from casualty_schema.release import (
    ReleaseError,
    ReleaseRefused,
    ReleaseResult,
    make_release,
    update_changelog,
)
from casualty_schema.release import steps as release_module
from casualty_schema.release.json_edit import update_descriptor
from casualty_schema.report import Report
from tests.builder import GIT_ENV, PackageCopy, rename_field

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
EPOCH = 1795310272  # 2026-11-22T01:17:52Z
STAMP = (2026, 11, 22, 1, 17, 52)
ARCHIVE = "casualty-claims-{}.zip"
STATEMENT = "oir-2019-05-31-civilian-deaths-1302"
CHANGELOG = """# Changelog

All notable changes are recorded here.

## [Unreleased]

### Added

- The seed data.
"""


def tree(directory: Path) -> PackageCopy:
    """A package as it is released: descriptor, data, CHANGELOG, README, licence."""
    directory.mkdir(parents=True)
    pkg = PackageCopy(directory)
    (directory / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    (directory / "README.md").write_text("# casualty-claims\n", encoding="utf-8")
    (directory / "LICENSE").write_text("CC-BY-4.0 and MIT\n", encoding="utf-8")
    return pkg


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def files(*roots: Path) -> dict[str, bytes]:
    """Every file under the roots (the repository's own .git aside), by path."""
    found = {}
    for root in roots:
        if not root.exists():
            continue
        for path in sorted(root.rglob("*")):
            if ".git" not in path.relative_to(root).parts and path.is_file():
                found[str(path)] = path.read_bytes()
    return found


def git_state(root: Path) -> tuple[str, str, str]:
    """HEAD, every ref, and the status: what a rolled-back release must leave alone."""
    return (
        git(root, "rev-parse", "HEAD"),
        git(root, "show-ref"),
        git(root, "status", "--porcelain", "--untracked-files=all"),
    )


@pytest.fixture(scope="module", autouse=True)
def git_env() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        for key, value in GIT_ENV.items():
            mp.setenv(key, value)
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        yield


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository whose package was released as 0.1.0 with --tag (made once, copied)."""
    root = tmp_path_factory.mktemp("template") / "repo"
    tree(root)
    (root / ".gitignore").write_text("dist/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "The package")
    make_release(root, version="0.1.0", tag=True, source_date_epoch=EPOCH)
    return root


@pytest.fixture
def repo(released: Path, tmp_path: Path) -> PackageCopy:
    """A copy of the released repository, with its dist/ and tags."""
    root = tmp_path / "repo"
    shutil.copytree(released, root, symlinks=True)
    pkg = PackageCopy.__new__(PackageCopy)
    pkg.root = root
    return pkg


def commit(pkg: PackageCopy, message: str = "change") -> None:
    git(pkg.root, "commit", "-q", "-am", message)


def add_claim(pkg: PackageCopy) -> None:
    pkg.add("claims", base=STATEMENT, claim_id="oir-2019-05-31-civilian-deaths-1302-again")


def remove_enum_code(pkg: PackageCopy) -> None:
    descriptor = json.loads(pkg.descriptor.read_text(encoding="utf-8"))
    actors = next(r for r in descriptor["resources"] if r["name"] == "actors")
    kind = next(f for f in actors["schema"]["fields"] if f["name"] == "kind")
    kind["constraints"]["enum"].remove("other")
    pkg.descriptor.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n")


# --- a first release ------------------------------------------------------------------------


@pytest.fixture
def first(tmp_path: Path) -> tuple[PackageCopy, ReleaseResult]:
    pkg = tree(tmp_path / "pkg")
    return pkg, make_release(pkg.root, version="0.1.0", source_date_epoch=EPOCH)


@pytest.fixture(scope="module")
def first_seen(tmp_path_factory: pytest.TempPathFactory) -> tuple[PackageCopy, ReleaseResult]:
    """A first release that tests only look at."""
    pkg = tree(tmp_path_factory.mktemp("first") / "pkg")
    return pkg, make_release(pkg.root, version="0.1.0", source_date_epoch=EPOCH)


def test_first_release_writes_version_created_and_archive(
    first_seen: tuple[PackageCopy, ReleaseResult],
) -> None:
    pkg, result = first_seen
    descriptor = json.loads(pkg.descriptor.read_text(encoding="utf-8"))
    assert descriptor["version"] == result.version == "0.1.0"
    assert descriptor["created"] == result.created == "2026-11-22T01:17:52Z"
    assert (result.previous, result.baseline, result.bump) == (None, None, Bump.MINOR)
    assert result.diff.first_release
    archive = pkg.root / "dist" / ARCHIVE.format("0.1.0")
    assert result.archive == archive
    assert result.sha256 == hashlib.sha256(archive.read_bytes()).hexdigest()
    assert (pkg.root / "dist" / "SHA256SUMS").read_text() == (f"{result.sha256}  {archive.name}\n")
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        assert names == sorted(names) == list(result.entries)
        archived = json.loads(zf.read("datapackage.json"))
        tree = json.loads(pkg.descriptor.read_text(encoding="utf-8"))
        for resource in archived["resources"]:  # bytes and hash: in the archive only
            assert resource.pop("bytes") > 0
            assert resource.pop("hash").startswith("sha256:")
        assert archived == tree
        assert zf.read("CHANGELOG.md") == (pkg.root / "CHANGELOG.md").read_bytes()
        for name in ("README.md", "LICENSE", "data/claims.csv", "data/sources.csv"):
            assert zf.read(name) == (pkg.root / name).read_bytes()
        assert {n for n in names if n.startswith("data/sources/")} == {
            f"data/sources/{p.name}" for p in (pkg.root / "data" / "sources").iterdir()
        }
        spec = load_package(pkg.descriptor)
        for resource in spec.resources.values():
            for fmt, suffix in (("table-schema", "tableschema"), ("json-schema", "schema")):
                exported = json.loads(zf.read(f"schema/{resource.name}.{suffix}.json"))
                assert exported == export_schema(resource, fmt)


def test_hashes_and_byte_counts_match_the_archived_files(
    first_seen: tuple[PackageCopy, ReleaseResult],
) -> None:
    pkg, result = first_seen
    with zipfile.ZipFile(result.archive) as zf:
        descriptor = json.loads(zf.read("datapackage.json"))
        assert descriptor["resources"]
        for resource in descriptor["resources"]:
            content = zf.read(resource["path"])
            assert resource["bytes"] == len(content) == (pkg.root / resource["path"]).stat().st_size
            assert resource["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()


def test_archive_entries_are_fixed(first_seen: tuple[PackageCopy, ReleaseResult]) -> None:
    _pkg, result = first_seen
    with zipfile.ZipFile(result.archive) as zf:
        for info in zf.infolist():
            assert info.date_time == STAMP
            assert info.external_attr >> 16 == 0o100644
            assert info.create_system == 3
            assert info.extra == b""
            assert info.compress_type == zipfile.ZIP_DEFLATED
        assert zf.comment == b""


def _changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.ndiff(before.splitlines(), after.splitlines())
        if line[:1] in "+-" and line[:2] != "? "
    ]


def test_descriptor_layout_is_kept(first_seen: tuple[PackageCopy, ReleaseResult]) -> None:
    pkg, result = first_seen
    before = (ROOT / "datapackage.json").read_text(encoding="utf-8")
    tree = pkg.descriptor.read_text(encoding="utf-8")
    changed = _changed_lines(before, tree)
    assert changed
    for line in changed:  # the working tree: the version and the time only
        assert any(f'"{key}"' in line for key in ("version", "created")), line
    with zipfile.ZipFile(result.archive) as zf:
        archived = zf.read("datapackage.json").decode("utf-8")
    for line in _changed_lines(tree, archived):  # the archive: the bytes and hashes too
        assert line.startswith("+ "), line
        assert '"bytes"' in line or '"hash"' in line, line


def test_a_release_leaves_nothing_to_go_stale(first: tuple[PackageCopy, ReleaseResult]) -> None:
    """The working tree records no bytes or hash: editing the data after a release is no
    warning, even under --strict."""
    pkg, _result = first
    assert '"hash"' not in pkg.descriptor.read_text(encoding="utf-8")
    pkg.set("claims", STATEMENT, notes="Checked against the statement again.")
    report = validate(pkg.root, strict=True)
    assert report.valid, report.findings


def test_validate_a_release_archive(
    first_seen: tuple[PackageCopy, ReleaseResult], tmp_path: Path
) -> None:
    _pkg, result = first_seen
    done = runner.invoke(app, ["validate", str(result.archive), "--strict"])
    assert done.exit_code == 0, done.output
    assert f"{result.archive}: valid — 0 errors, 0 warnings" in done.output
    tampered = tmp_path / result.archive.name
    with zipfile.ZipFile(result.archive) as zf, zipfile.ZipFile(tampered, "w") as out:
        for info in zf.infolist():
            content = zf.read(info)
            if info.filename == "data/claims.csv":
                content = content.replace(b"1302", b"1303")
            out.writestr(info, content)
    report = validate(tampered)
    assert report.package == str(tampered)
    assert {(f.rule, f.severity, f.path) for f in report.findings} >= {
        ("hash-count", "error", "data/claims.csv"),
    }
    assert not report.valid


def test_changelog_moves_the_unreleased_notes_under_the_version(
    first_seen: tuple[PackageCopy, ReleaseResult],
) -> None:
    pkg, result = first_seen
    text = (pkg.root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n\nAll notable changes are recorded here.\n\n")
    assert "## [Unreleased]\n\n## [0.1.0] - 2026-11-22\n\n**Downstream users**: nothing" in text
    assert text.index("## [0.1.0]") < text.index("First release of `casualty-claims`")
    assert text.index("First release") < text.index("### Added\n\n- The seed data.")
    assert text.endswith(result.section)
    assert "- `claims`: 21 rows, 18 fields, key `claim_id`" in result.section


def test_a_tree_still_recording_bytes_and_hash_loses_them_in_place() -> None:
    """A descriptor released by 0.1.0 recorded them in the working tree: the next release
    removes them there, changing no other line."""
    text = (ROOT / "datapackage.json").read_text(encoding="utf-8")
    old = text.replace(
        '"path": "data/claims.csv",',
        '"path": "data/claims.csv",\n      "bytes": 1,\n      "hash": "sha256:00",',
        1,
    )
    assert old != text
    updated = update_descriptor(old, "0.1.0", "2026-11-22T03:07:10Z", {},
                                drop=RESOURCE_RELEASE_MANAGED)  # fmt: skip
    assert updated == text


def test_changelog_keeps_link_definitions_at_the_end() -> None:
    text = CHANGELOG + "\n[Unreleased]: https://example.org/compare/v0.1.0...HEAD\n"
    updated, section = update_changelog(text, "0.2.0", "2026-12-01", "Summary.")
    assert updated.endswith("\n\n[Unreleased]: https://example.org/compare/v0.1.0...HEAD\n")
    assert "example.org" not in section
    assert section == "## [0.2.0] - 2026-12-01\n\nSummary.\n\n### Added\n\n- The seed data.\n"


# --- reproducibility ------------------------------------------------------------------------


def test_two_releases_of_the_same_tree_are_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = tree(tmp_path / "a" / "pkg"), tree(tmp_path / "b" / "elsewhere")
    first = make_release(a.root, version="0.1.0", source_date_epoch=EPOCH)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))  # the convention, read from the env
    second = make_release(b.root, version="0.1.0")
    assert first.archive.read_bytes() == second.archive.read_bytes()
    for name in ("datapackage.json", "CHANGELOG.md", "dist/SHA256SUMS"):
        assert (a.root / name).read_bytes() == (b.root / name).read_bytes(), name


def test_without_source_date_epoch(tmp_path: Path) -> None:
    pkg = tree(tmp_path / "pkg")
    result = make_release(pkg.root, version="0.1.0")
    created = datetime.strptime(result.created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - created).total_seconds()) < 600
    with zipfile.ZipFile(result.archive) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_bad_source_date_epoch(tmp_path: Path) -> None:
    pkg = tree(tmp_path / "pkg")
    with pytest.raises(ReleaseError, match="SOURCE_DATE_EPOCH"):
        make_release(pkg.root, version="0.1.0", source_date_epoch="yesterday")


def test_dry_run_changes_nothing_and_builds_the_same_archive(tmp_path: Path) -> None:
    pkg = tree(tmp_path / "pkg")
    before = files(pkg.root)
    dry = make_release(pkg.root, version="0.1.0", dry_run=True, source_date_epoch=EPOCH)
    assert files(pkg.root) == before
    assert dry.dry_run
    real = make_release(pkg.root, version="0.1.0", source_date_epoch=EPOCH)
    assert dry.sha256 == real.sha256
    assert dry.section == real.section


# --- refusals ---------------------------------------------------------------------------------


def test_invalid_data_is_refused(tmp_path: Path) -> None:
    pkg = tree(tmp_path / "pkg")
    pkg.set("claims", "oir-2019-05-31-airstrikes-34502", quote="وأشار التحالف الدولي في بيان")
    before = files(pkg.root)
    with pytest.raises(ReleaseRefused) as refused:
        make_release(pkg.root, version="0.1.0", source_date_epoch=EPOCH)
    assert "the package is not valid" in refused.value.reasons[0]
    assert any("quote.value" in r and "data/claims.csv" in r for r in refused.value.reasons)
    assert refused.value.report is not None
    assert not refused.value.report.valid
    assert files(pkg.root) == before
    assert not (pkg.root / "dist").exists()


def test_a_too_small_bump_is_refused_naming_the_changes(repo: PackageCopy) -> None:
    remove_enum_code(repo)
    add_claim(repo)
    commit(repo)
    before = files(repo.root)
    with pytest.raises(ReleaseRefused) as refused:
        make_release(repo.root, bump="minor", source_date_epoch=EPOCH)
    message = str(refused.value)
    assert "need a major release, but 0.1.0 → 0.2.0 is a minor one" in message
    assert "major: actors.kind: enum codes removed: other" in message
    assert "claims: 1 row added" not in message  # a minor change is not what needs more
    assert "release 1.0.0 (--bump major) instead" in message
    assert files(repo.root) == before
    result = make_release(repo.root, bump="major", source_date_epoch=EPOCH)
    assert (result.version, result.previous, result.baseline) == ("1.0.0", "0.1.0", "v0.1.0")
    assert result.bump == result.required_bump == Bump.MAJOR


def test_a_field_no_rule_reads_renamed_is_released_as_major(repo: PackageCopy) -> None:
    rename_field(repo, "places", "pcode", "p_code")
    commit(repo)
    with pytest.raises(ReleaseRefused, match=r"major: places\.p_code: field pcode renamed"):
        make_release(repo.root, bump="minor", source_date_epoch=EPOCH)
    result = make_release(repo.root, bump="major", source_date_epoch=EPOCH)
    assert (result.version, result.required_bump) == ("1.0.0", Bump.MAJOR)
    assert "**Downstream users must act**" in result.section


def test_an_additive_change_needs_a_minor_release(repo: PackageCopy) -> None:
    add_claim(repo)
    with pytest.raises(ReleaseRefused, match=r"minor: claims: 1 row added"):
        make_release(repo.root, version="0.1.1", source_date_epoch=EPOCH)
    result = make_release(repo.root, bump="minor", source_date_epoch=EPOCH)
    assert result.version == "0.2.0"
    assert "need a **minor** release" in result.section
    assert "`oir-2019-05-31-civilian-deaths-1302-again`" in result.section
    text = (repo.root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.index("## [0.2.0]") < text.index("## [0.1.0]")
    sums = (repo.root / "dist" / "SHA256SUMS").read_text().splitlines()
    assert [line.split()[1] for line in sums] == [ARCHIVE.format(v) for v in ("0.1.0", "0.2.0")]


def test_a_correction_needs_a_patch_release(repo: PackageCopy) -> None:
    repo.set("claims", STATEMENT, notes="Checked against the statement again.")
    result = make_release(repo.root, bump="patch", source_date_epoch=EPOCH)
    assert (result.version, result.required_bump) == ("0.1.1", Bump.PATCH)


def test_nothing_to_release_and_versions_not_greater(repo: PackageCopy) -> None:
    with pytest.raises(ReleaseRefused, match="nothing to release"):
        make_release(repo.root, bump="patch", source_date_epoch=EPOCH)
    add_claim(repo)
    with pytest.raises(ReleaseRefused, match=r"not greater than the baseline's 0\.1\.0"):
        make_release(repo.root, version="0.1.0", source_date_epoch=EPOCH)


def test_an_existing_version_is_never_overwritten(
    first: tuple[PackageCopy, ReleaseResult],
) -> None:
    pkg, _result = first
    before = files(pkg.root)
    with pytest.raises(ReleaseRefused) as refused:  # no tags: a first release again
        make_release(pkg.root, version="0.1.0", source_date_epoch=EPOCH + 1)
    message = str(refused.value)
    assert "never overwritten" in message
    assert "CHANGELOG.md already has a section for 0.1.0" in message
    assert files(pkg.root) == before


def test_an_untagged_release_is_not_taken_for_a_first_one(
    first: tuple[PackageCopy, ReleaseResult],
) -> None:
    pkg, _result = first  # released without --tag, outside git: no v* tag to compare with
    pkg.set("claims", STATEMENT, notes="Checked again.")
    with pytest.raises(ReleaseRefused, match=r"no v\* tag and no commit.*\(0\.1\.0\)"):
        make_release(pkg.root, version="0.1.1", source_date_epoch=EPOCH)
    with pytest.raises(ReleaseRefused, match=r"no v\* tag and no commit.*\(0\.1\.0\)"):
        make_release(pkg.root, bump="minor", source_date_epoch=EPOCH)  # as helpful as --version
    baseline = str(pkg.root / "dist" / ARCHIVE.format("0.1.0"))  # the archive will do
    result = make_release(pkg.root, bump="patch", baseline=baseline, source_date_epoch=EPOCH)
    assert (result.previous, result.version, result.required_bump) == ("0.1.0", "0.1.1", Bump.PATCH)


def test_usage_errors(tmp_path: Path) -> None:
    pkg = tree(tmp_path / "pkg")
    with pytest.raises(ReleaseError, match="exactly one of"):
        make_release(pkg.root, bump="minor", version="1.0.0")
    with pytest.raises(ReleaseError, match="exactly one of"):
        make_release(pkg.root)
    with pytest.raises(ReleaseError, match="not a version"):
        make_release(pkg.root, version="1.0", source_date_epoch=EPOCH)
    with pytest.raises(ReleaseError, match="no such directory"):
        make_release(tmp_path / "nowhere", version="1.0.0")
    with pytest.raises(ReleaseError, match="baseline"):
        make_release(pkg.root, version="1.0.0", baseline="v0.0.1", source_date_epoch=EPOCH)


# --- the tag ----------------------------------------------------------------------------------


def test_tag_marks_a_commit_holding_the_release(repo: PackageCopy) -> None:
    root = repo.root
    assert git(root, "cat-file", "-t", "v0.1.0") == "tag"  # annotated
    assert git(root, "show", "v0.1.0:datapackage.json") + "\n" == repo.descriptor.read_text()
    assert git(root, "log", "-1", "--format=%s", "v0.1.0") == "Release casualty-claims 0.1.0"
    assert "First release of `casualty-claims`" in git(root, "tag", "-n20", "-l", "v0.1.0")
    message = git(root, "for-each-ref", "--format=%(contents)", "refs/tags/v0.1.0")
    section = (root / "CHANGELOG.md").read_text(encoding="utf-8").split("## [0.1.0]")[1]
    assert "### Added\n\n- The seed data." in message  # git's clean-up would strip "###" lines
    assert message.endswith(section.strip())  # the CHANGELOG section, verbatim
    assert git(root, "status", "--porcelain") == ""
    add_claim(repo)
    commit(repo)
    result = make_release(root, bump="minor", tag=True, source_date_epoch=EPOCH)
    assert (result.baseline, result.tag) == ("v0.1.0", "v0.2.0")
    assert git(root, "describe", "--tags") == "v0.2.0"


def test_tag_needs_the_released_files_committed(repo: PackageCopy) -> None:
    add_claim(repo)  # not committed
    before = files(repo.root)
    with pytest.raises(ReleaseRefused, match=r"commit these first.*data/claims\.csv"):
        make_release(repo.root, bump="minor", tag=True, source_date_epoch=EPOCH)
    assert files(repo.root) == before


# --- a clone without tags ------------------------------------------------------------------


@pytest.fixture
def clone(released: Path, tmp_path: Path) -> PackageCopy:
    """A clone of the released repository, without its tags (as actions/checkout makes one),
    and with a contribution committed since the release."""
    contributed = tmp_path / "origin"
    shutil.copytree(released, contributed, symlinks=True)
    pkg = PackageCopy.__new__(PackageCopy)
    pkg.root = contributed
    add_claim(pkg)
    commit(pkg, "a contribution")
    root = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--no-tags", str(contributed), str(root))
    assert git(root, "tag") == ""
    pkg.root = root
    return pkg


def test_a_clone_without_tags_diffs_and_releases(clone: PackageCopy, tmp_path: Path) -> None:
    root = clone.root
    release_commit = git(root, "rev-list", "-1", "--grep", "Release casualty-claims 0.1.0", "HEAD")
    diff = diff_packages("v0.1.0", "HEAD", repo=root)
    assert diff.old.commit == release_commit
    assert [(c.kind, c.bump) for c in diff.changes] == [("rows-added", Bump.MINOR)]
    report = validate(root, changed_since="v0.1.0")
    assert report.changed_since is not None
    assert release_commit[:12] in report.changed_since
    first = make_release(root, bump="minor", out=tmp_path / "a", source_date_epoch=EPOCH)
    assert (first.previous, first.baseline, first.version) == ("0.1.0", "v0.1.0", "0.2.0")
    assert first.baseline_commit == release_commit
    released = files(root)
    git(root, "checkout", "--", "datapackage.json", "CHANGELOG.md")  # the clone as it was
    second = make_release(root, bump="minor", out=tmp_path / "b", source_date_epoch=EPOCH)
    assert first.archive.read_bytes() == second.archive.read_bytes()  # reproducible
    assert files(root) == released
    git(root, "checkout", "--", "datapackage.json", "CHANGELOG.md")
    clone.set("claims", STATEMENT, quote="وأشار التحالف الدولي في بيان")  # invalid data
    before = files(root, tmp_path / "c")
    with pytest.raises(ReleaseRefused, match="the package is not valid"):
        make_release(root, bump="minor", out=tmp_path / "c", source_date_epoch=EPOCH)
    assert files(root, tmp_path / "c") == before
    assert not (tmp_path / "c").exists()


# --- atomicity -----------------------------------------------------------------------------

STEPS = [
    "check_paths",
    "check_valid",
    "check_name",
    "find_baseline",
    "compare_with_baseline",
    "choose_version",
    "check_unreleased",
    "collect_files",
    "check_can_tag",
    "stage_descriptor",
    "stage_changelog",
    "stage_exports",
    "build_archive",
    "stage_sums",
    "commit_release",
    "create_tag",
]


def _after(real: Callable[..., Any], fault: BaseException) -> Callable[..., Any]:
    """The step, done, then a fault: the worst moment to fail."""

    def step(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)
        raise fault

    return step


@pytest.fixture
def ready(repo: PackageCopy, monkeypatch: pytest.MonkeyPatch) -> PackageCopy:
    """A change committed and ready for a tagged minor release; validation stubbed (it has
    its own tests) so that each fault costs little."""
    add_claim(repo)
    commit(repo)
    monkeypatch.setattr(release_module, "validate", lambda path: Report(str(path)))
    return repo


def _release_leaves_no_trace(pkg: PackageCopy, fault: type[BaseException]) -> None:
    before, state = files(pkg.root), git_state(pkg.root)
    with pytest.raises(fault):
        make_release(pkg.root, bump="minor", tag=True, source_date_epoch=EPOCH)
    assert files(pkg.root) == before
    assert git_state(pkg.root) == state
    assert not list(pkg.root.glob(".release-*"))
    assert not list(pkg.root.parent.glob(".release-*"))


@pytest.mark.parametrize("step", STEPS)
def test_a_fault_at_each_step_leaves_no_trace(
    ready: PackageCopy, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    real = getattr(release_module, step)
    monkeypatch.setattr(release_module, step, _after(real, RuntimeError(f"fault in {step}")))
    _release_leaves_no_trace(ready, RuntimeError)


@pytest.mark.parametrize("nth", [1, 2, 3, 4])
def test_a_fault_after_each_move_leaves_no_trace(
    ready: PackageCopy, monkeypatch: pytest.MonkeyPatch, nth: int
) -> None:
    calls: list[Path] = []
    real = release_module.move_into_place

    def move(src: Path, dst: Path) -> None:
        real(src, dst)
        calls.append(dst)
        if len(calls) == nth:
            raise OSError(f"fault after moving {dst.name}")

    monkeypatch.setattr(release_module, "move_into_place", move)
    _release_leaves_no_trace(ready, OSError)
    assert len(calls) == nth


@pytest.mark.parametrize("step", ["build_archive", "create_tag"])
def test_an_interrupted_release_leaves_no_trace(
    ready: PackageCopy, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    real = getattr(release_module, step)
    monkeypatch.setattr(release_module, step, _after(real, KeyboardInterrupt()))
    _release_leaves_no_trace(ready, KeyboardInterrupt)


def test_a_commit_git_refuses_rolls_the_release_back(ready: PackageCopy) -> None:
    hook = ready.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'no releases today' >&2\nexit 1\n")
    hook.chmod(0o755)
    before, state = files(ready.root), git_state(ready.root)
    with pytest.raises(ReleaseError, match="rolled back"):
        make_release(ready.root, bump="minor", tag=True, source_date_epoch=EPOCH)
    assert files(ready.root) == before
    assert git_state(ready.root) == state


def test_a_release_after_a_fault_succeeds(
    ready: PackageCopy, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = release_module.create_tag
    monkeypatch.setattr(release_module, "create_tag", _after(real, RuntimeError("fault")))
    with pytest.raises(RuntimeError):
        make_release(ready.root, bump="minor", tag=True, source_date_epoch=EPOCH)
    monkeypatch.setattr(release_module, "create_tag", real)
    result = make_release(ready.root, bump="minor", tag=True, source_date_epoch=EPOCH)
    assert result.tag == "v0.2.0"


def test_dist_created_by_a_failed_release_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = tree(tmp_path / "pkg")
    real = release_module.move_into_place
    monkeypatch.setattr(release_module, "move_into_place", _after(real, OSError("disk full")))
    before = files(pkg.root)
    with pytest.raises(OSError, match="disk full"):
        make_release(pkg.root, version="0.1.0", out=tmp_path / "out", source_date_epoch=EPOCH)
    assert files(pkg.root) == before
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.glob(".release-*"))


# --- the command --------------------------------------------------------------------------------


def test_cli_release(tmp_path: Path) -> None:
    pkg = tree(tmp_path / "pkg")
    result = runner.invoke(app, ["release", str(pkg.root), "--version", "0.1.0", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would release casualty-claims 0.1.0, first release" in result.output
    assert "## [0.1.0] - " in result.output
    assert not (pkg.root / "dist").exists()
    out = tmp_path / "out"
    result = runner.invoke(app, ["release", str(pkg.root), "--version", "0.1.0", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / ARCHIVE.format("0.1.0")).is_file()
    refused = runner.invoke(
        app, ["release", str(pkg.root), "--version", "0.1.0", "--out", str(out)]
    )
    assert refused.exit_code == 1
    assert "release refused" in refused.output
    for args in (["--bump", "minor", "--version", "1.0.0"], ["--bump", "huge"]):
        assert runner.invoke(app, ["release", str(pkg.root), *args]).exit_code == 2
    bad = runner.invoke(app, ["release", str(pkg.root), "--version", "9.0.0", "--baseline", "x"])
    assert bad.exit_code == 2
    assert "Traceback" not in bad.output


# --- a release killed outright (SIGKILL): the journal lets the next run roll it back ------

KILLER = """
import os, signal, sys
import casualty_schema.release.steps as r
from casualty_schema.report import Report
from casualty_schema import validate

step, nth = sys.argv[2], int(sys.argv[3])
r.validate = lambda path: Report(str(path))  # validation has its own tests
real = getattr(r, step)
calls = []

def killed_after(*args, **kwargs):
    result = real(*args, **kwargs)
    calls.append(1)
    if len(calls) == nth:
        os.kill(os.getpid(), signal.SIGKILL)
    return result

setattr(r, step, killed_after)
r.make_release(sys.argv[1], bump="minor", tag=True, source_date_epoch=int(sys.argv[4]))
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("step", "nth"),
    [
        ("stage_descriptor", 1),
        ("build_archive", 1),
        ("move_into_place", 1),
        ("move_into_place", 3),
        ("move_into_place", 4),
        ("commit_release", 1),
        ("create_tag", 1),
    ],
)
def test_a_killed_release_is_rolled_back_by_the_next(
    ready: PackageCopy, step: str, nth: int
) -> None:
    before, state = files(ready.root), git_state(ready.root)
    done = subprocess.run(
        [sys.executable, "-c", KILLER, str(ready.root), step, str(nth), str(EPOCH)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == -9, done.stderr  # it was killed, ran no undo
    assert release_module.journal_path(ready.root).is_file()
    assert release_module.recover(ready.root)
    assert files(ready.root) == before
    assert git_state(ready.root) == state
    assert not list(ready.root.glob(".release*"))
    assert not list(ready.root.parent.glob(".release-*"))
    # and the release can then be made
    result = make_release(ready.root, bump="minor", tag=True, source_date_epoch=EPOCH)
    assert result.version == "0.2.0"


def test_recovery_after_success_only_cleans_up(ready: PackageCopy) -> None:
    result = make_release(ready.root, bump="minor", tag=True, source_date_epoch=EPOCH)
    assert not release_module.journal_path(ready.root).exists()
    assert not release_module.recover(ready.root)
    assert (ready.root / "dist" / result.archive.name).is_file()


# --- hostile trees: a committed file never makes a release delete, leak or write outside ---

OUTSIDE_SECRET = "CASUALTY_TEST_SECRET=hunter2\n"


def refused_in_one_line(result: Any, *words: str) -> None:
    """exit 2, one line on standard error naming what is wrong, no traceback."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert result.output.startswith("error: "), result.output
    assert result.output.count("\n") == 1, result.output
    for word in words:
        assert word in result.output, (word, result.output)


def release_cli(pkg: PackageCopy, *args: str) -> Any:
    return runner.invoke(app, ["release", str(pkg.root), "--version", "0.1.0", *args])


def hostile_journal(pkg: PackageCopy, outside: Path, head: str | None, tag: str | None) -> Path:
    """A .release-journal.json as the trial committed it: an incomplete journal (in the
    format earlier versions read from the package directory) naming paths inside and
    outside the package, a tag and an older HEAD."""
    (outside / "keep").mkdir(parents=True)
    (outside / "keep" / "file").write_text("kept\n", encoding="utf-8")
    (outside / "evil").write_text("evil\n", encoding="utf-8")
    journal = {
        "stages": [str(outside / "keep"), str(pkg.root / "data")],
        "moves": [
            {"dst": str(pkg.root / "README.md"), "backup": None},
            {"dst": str(outside / "keep" / "file"), "backup": None},
            {"dst": str(pkg.root / "datapackage.json"), "backup": str(outside / "evil")},
        ],
        "made_out": str(outside / "keep"),
        "head": head,
        "tag": tag,
    }
    path = pkg.root / ".release-journal.json"
    path.write_text(json.dumps(journal), encoding="utf-8")
    (pkg.root / f"{path.name}.tmp").write_text("{}", encoding="utf-8")  # recovery deleted it
    return path


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_committed_journal_does_nothing(
    ready: PackageCopy, tmp_path: Path, dry_run: bool
) -> None:
    root = ready.root
    first = git(root, "rev-list", "--max-parents=0", "HEAD")
    journal = hostile_journal(ready, tmp_path / "outside", head=first, tag="v0.1.0")
    git(root, "add", journal.name, f"{journal.name}.tmp")
    git(root, "commit", "-q", "-m", "a journal, committed")
    before, outside = files(root), files(tmp_path / "outside")
    head = git(root, "rev-parse", "HEAD")
    result = make_release(root, bump="minor", dry_run=dry_run, source_date_epoch=EPOCH)
    assert not result.recovered
    assert files(tmp_path / "outside") == outside  # nothing outside deleted or replaced
    assert git(root, "rev-parse", "v0.1.0")  # the tag is still there
    assert git(root, "rev-parse", "HEAD") == head  # HEAD not moved (no --tag: no commit)
    assert (root / "data" / "claims.csv").is_file()
    assert (root / "README.md").is_file()
    assert journal.read_bytes() == before[str(journal)]
    assert (root / f"{journal.name}.tmp").is_file()
    if dry_run:
        assert files(root) == before


def test_a_forged_journal_where_the_tool_keeps_its_own_touches_nothing_outside(
    ready: PackageCopy, tmp_path: Path
) -> None:
    """Even a journal in the tool's own place is checked path by path before recovery acts:
    it removes only .release-* directories it could have made, restores only the files a
    release writes, and leaves a tag or HEAD that is not one commit past its head (here
    the current commit: the journal of a release killed before it committed)."""
    root = ready.root
    outside = tmp_path / "outside"
    (outside / ".release-in").mkdir(parents=True)  # in DIR, not beside it: kept
    (tmp_path / ".release-x").mkdir()  # beside DIR, where a release stages: removed
    (outside / "SHA256SUMS").write_text("kept\n", encoding="utf-8")
    (root / "data" / "notes.txt").write_text("kept\n", encoding="utf-8")
    forged = {
        "package": str(root.resolve()),
        "out": str(outside),
        "stages": [
            str(tmp_path / ".release-x"),
            str(outside / ".release-in"),
            str(root / "data"),
            str(tmp_path),
        ],
        "moves": [
            {"dst": str(root / "data" / "notes.txt"), "backup": None},
            {"dst": str(outside / "SHA256SUMS"), "backup": str(root / "README.md")},
            {"dst": str(root / "README.md"), "backup": str(root / "LICENSE")},
        ],
        "made_out": str(root / "data"),
        "head": git(root, "rev-parse", "HEAD"),
        "tag": "v0.1.0",
    }
    release_module.write_journal(root, forged)
    before, state = files(root), git_state(root)
    assert release_module.recover(root)
    assert files(root) == before
    assert git_state(root) == state
    assert (outside / "SHA256SUMS").read_text(encoding="utf-8") == "kept\n"
    assert (outside / ".release-in").is_dir()
    assert not (tmp_path / ".release-x").exists()
    assert not release_module.journal_path(root).exists()


def test_the_journal_is_kept_outside_the_package(
    ready: PackageCopy, monkeypatch: pytest.MonkeyPatch, state_home: Path
) -> None:
    seen: list[Path] = []
    real = release_module.build_archive

    def look(*args: Any, **kwargs: Any) -> Path:
        seen.extend(p for p in ready.root.rglob("*journal*") if ".git" not in p.parts)
        assert release_module.journal_path(ready.root).is_file()
        return real(*args, **kwargs)

    monkeypatch.setattr(release_module, "build_archive", look)
    make_release(ready.root, bump="minor", source_date_epoch=EPOCH)
    assert seen == []
    assert release_module.journal_path(ready.root).is_relative_to(state_home)
    assert not release_module.journal_path(ready.root).exists()


def test_a_dry_run_never_recovers(ready: PackageCopy) -> None:
    """A journal left by an interrupted release (written by the tool): a dry run refuses to
    start and leaves it; the next real release rolls it back first."""
    root = ready.root
    stage = root / ".release-left"
    stage.mkdir()
    release_module.write_journal(
        root, {"package": str(root.resolve()), "out": str(root / "dist"), "stages": [str(stage)]}
    )
    before = files(root)
    with pytest.raises(ReleaseError, match=r"was interrupted.*without --dry-run rolls it back"):
        make_release(root, bump="minor", dry_run=True, source_date_epoch=EPOCH)
    assert files(root) == before
    assert stage.is_dir()
    assert release_module.journal_path(root).is_file()
    result = make_release(root, bump="minor", source_date_epoch=EPOCH)
    assert result.recovered
    assert not stage.exists()


def test_a_full_disk_leaves_no_journal_behind(
    ready: PackageCopy, monkeypatch: pytest.MonkeyPatch, state_home: Path
) -> None:
    real = Path.write_text

    def full_disk(self: Path, data: str, *args: Any, **kwargs: Any) -> int:
        if self.name.endswith(".json.tmp"):  # the journal's temporary file
            real(self, data[:10], *args, **kwargs)  # a part is written, then the disk is full
            raise OSError(28, "No space left on device")
        return real(self, data, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full_disk)
    before, state = files(ready.root), git_state(ready.root)
    result = runner.invoke(app, ["release", str(ready.root), "--bump", "minor", "--tag"])
    refused_in_one_line(result, "cannot write the release journal: No space left on device")
    assert files(ready.root) == before
    assert git_state(ready.root) == state
    assert not [p for p in ready.root.rglob("*.tmp") if ".git" not in p.parts]
    assert not list(state_home.rglob("*.tmp"))


@pytest.mark.parametrize(
    "link", ["README.md", "LICENSE", "CHANGELOG.md", "datapackage.json", "data/sources/x.txt"]
)
def test_a_released_file_linking_out_of_the_package_is_refused(tmp_path: Path, link: str) -> None:
    pkg = tree(tmp_path / "pkg")
    target = tmp_path / "outside" / Path(link).name
    target.parent.mkdir()
    if link in ("CHANGELOG.md", "datapackage.json"):  # a file that would release well
        target.write_bytes((pkg.root / link).read_bytes() + b"\n")
    else:
        target.write_text(OUTSIDE_SECRET, encoding="utf-8")
    (pkg.root / link).unlink(missing_ok=True)
    (pkg.root / link).symlink_to(target)
    before = files(pkg.root)
    refused_in_one_line(release_cli(pkg), link, "leads outside the package")
    assert files(pkg.root) == before
    assert not (pkg.root / "dist").exists()


def test_a_licence_linked_to_the_environment_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ln -sf /proc/self/environ LICENSE` must not put the environment into the archive."""
    if not Path("/proc/self/environ").exists():
        pytest.skip("no /proc on this system")  # pragma: no cover
    monkeypatch.setenv("CASUALTY_TEST_SECRET", "hunter2")
    pkg = tree(tmp_path / "pkg")
    (pkg.root / "LICENSE").unlink()
    (pkg.root / "LICENSE").symlink_to("/proc/self/environ")
    refused_in_one_line(release_cli(pkg), "LICENSE", "leads outside the package")
    assert not (pkg.root / "dist").exists()


def test_a_linked_sha256sums_is_refused(tmp_path: Path) -> None:
    pkg = tree(tmp_path / "pkg")
    outside = tmp_path / "outside-sums"
    outside.write_text(OUTSIDE_SECRET, encoding="utf-8")
    (pkg.root / "dist").mkdir()
    (pkg.root / "dist" / "SHA256SUMS").symlink_to(outside)
    before = files(pkg.root)
    refused_in_one_line(release_cli(pkg), "SHA256SUMS: not a plain file")
    assert files(pkg.root) == before
    assert outside.read_text(encoding="utf-8") == OUTSIDE_SECRET
    assert (pkg.root / "dist" / "SHA256SUMS").is_symlink()


def test_a_dist_linking_out_of_the_package_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = tree(tmp_path / "pkg")
    (tmp_path / "outside").mkdir()
    (pkg.root / "dist").symlink_to("../outside")
    refused_in_one_line(release_cli(pkg), "dist: a symbolic link leads outside the package")
    assert list((tmp_path / "outside").iterdir()) == []
    # a DIR outside the package, given as such (here through ".."), is where it goes
    monkeypatch.chdir(pkg.root)
    result = release_cli(pkg, "--out", "../elsewhere")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "elsewhere" / ARCHIVE.format("0.1.0")).is_file()


def _rename(pkg: PackageCopy, resource: str | None, name: str) -> None:
    descriptor = json.loads(pkg.descriptor.read_text(encoding="utf-8"))
    target = descriptor if resource is None else res_of(descriptor, resource)
    target["name"] = name
    pkg.descriptor.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n")


def res_of(descriptor: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in descriptor["resources"] if r["name"] == name)
    return found


def test_a_resource_name_that_is_a_path_is_refused(tmp_path: Path) -> None:
    pkg = tree(tmp_path / "pkg")
    _rename(pkg, "relations", "../../../../tmp/x")
    result = release_cli(pkg)
    assert result.exit_code == 1, result.output
    assert "release refused" in result.output
    assert "a resource name must be lowercase letters" in result.output
    assert not (pkg.root / "dist").exists()


def test_a_package_name_that_is_a_path_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The package's name names the archive: a name that climbs is refused, and nothing is
    written outside DIR. (Validation does not check it; stubbed here, it costs nothing.)"""
    monkeypatch.setattr(release_module, "validate", lambda path: Report(str(path)))
    pkg = tree(tmp_path / "pkg")
    _rename(pkg, None, "../../escaped")
    with pytest.raises(ReleaseRefused, match=r"the package name '\.\./\.\./escaped' cannot"):
        make_release(pkg.root, version="0.1.0", source_date_epoch=EPOCH)
    assert not list(tmp_path.rglob("*.zip"))


@pytest.mark.parametrize(
    ("epoch", "ok"), [(4354819199, True), (4354819200, False), (10**20, False)]
)
def test_source_date_epoch_within_what_a_zip_holds(tmp_path: Path, epoch: int, ok: bool) -> None:
    pkg = tree(tmp_path / "pkg")
    result = runner.invoke(
        app,
        ["release", str(pkg.root), "--version", "0.1.0", "--dry-run"],
        env={"SOURCE_DATE_EPOCH": str(epoch)},
    )
    if ok:
        assert result.exit_code == 0, result.output
        assert "2107-12-31" in result.output
    else:
        refused_in_one_line(result, "SOURCE_DATE_EPOCH", "after 2107-12-31T23:59:59Z")


@pytest.mark.parametrize("what", ["CHANGELOG.md", "dist/SHA256SUMS", "a file name"])
def test_text_and_names_that_are_not_utf8_are_refused(tmp_path: Path, what: str) -> None:
    pkg = tree(tmp_path / "pkg")
    if what == "CHANGELOG.md":
        (pkg.root / what).write_bytes(CHANGELOG.encode("utf-8") + b"- caf\xe9\n")
        words = ["CHANGELOG.md: not UTF-8 text"]
    elif what == "dist/SHA256SUMS":
        (pkg.root / "dist").mkdir()
        (pkg.root / what).write_bytes(b"\xff\xfe  casualty-claims-0.0.9.zip\n")
        words = ["SHA256SUMS: not UTF-8 text"]
    else:
        name = os.fsdecode(b"data/sources/caf\xe9.txt")
        (pkg.root / name).write_text("notes\n", encoding="utf-8")
        words = ["the file name is not UTF-8"]
    before = files(pkg.root)
    refused_in_one_line(release_cli(pkg), *words)
    assert files(pkg.root) == before
