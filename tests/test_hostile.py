"""Hostile and broken input: a finding or a clear one-line error, never a traceback."""

from __future__ import annotations

import csv
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from casualty_schema import RULES, load, validate
from casualty_schema.cli import app
from casualty_schema.errors import ERRORS
from casualty_schema.package import descriptor, reading
from tests.builder import PackageCopy

CORPUS = Path(__file__).resolve().parent / "corpus" / "hostile"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "case.json").is_file())
runner = CliRunner()


def prepare(tmp_path: Path, name: str) -> tuple[PackageCopy, dict[str, Any]]:
    (tmp_path / "package").mkdir(parents=True)
    pkg = PackageCopy(tmp_path / "package")
    case: dict[str, Any] = json.loads((CORPUS / name / "case.json").read_text(encoding="utf-8"))
    for path in case["delete"]:
        (pkg.root / path).unlink()
    files = CORPUS / name / "files"
    if files.is_dir():
        for source in files.rglob("*"):
            if source.is_file():
                target = pkg.root / source.relative_to(files)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
    if case.get("edit"):
        descriptor = json.loads(pkg.descriptor.read_text(encoding="utf-8"))
        for edit in case["edit"]:
            _edit(descriptor, edit)
        # ASCII escapes: a lone surrogate an edit puts in stays an escape, as a file holds it
        pkg.descriptor.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    for cell in case.get("cells", []):
        pkg.set(cell["resource"], cell["key"], **cell["set"])
    for path, encoding in case.get("transcode", {}).items():
        target = pkg.root / path
        target.write_bytes(target.read_text(encoding="utf-8").encode(encoding))
    for link, target in case["symlinks"].items():
        if target == "OUTSIDE":
            outside = tmp_path / "outside.csv"
            outside.write_text("actor_id,name\nsecret,secret\n", encoding="utf-8")
            target = str(outside)
        (pkg.root / link).symlink_to(target)
    return pkg, case


def _edit(descriptor: Any, edit: dict[str, Any]) -> None:
    """``{"at": [...], "set": value}`` sets the value at a path of the descriptor (objects made
    on the way), ``"append"`` appends to the list there, ``"delete"`` removes it; a step into
    a list is an index, or the name of the item (a resource, a field)."""
    *steps, last = edit["at"]
    node = descriptor
    for step in steps:
        node = _step(node, step)
    if "set" in edit:
        node[_key(node, last)] = edit["set"]
    elif "append" in edit:
        _step(node, last).append(edit["append"])
    else:
        del node[_key(node, last)]


def _key(node: Any, step: str | int) -> Any:
    if isinstance(node, list) and isinstance(step, str):
        return next(i for i, item in enumerate(node) if item.get("name") == step)
    return step


def _step(node: Any, step: str | int) -> Any:
    if isinstance(node, dict):
        return node.setdefault(step, {})
    return node[_key(node, step)]


def test_the_corpus_covers_the_issue() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize("name", CASES)
def test_hostile_input(tmp_path: Path, name: str) -> None:
    pkg, case = prepare(tmp_path, name)
    expect = case["expect"]
    result = runner.invoke(app, ["validate", str(pkg.root), "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    if "exit" in expect:
        assert result.exit_code == expect["exit"], result.output
    else:
        assert result.exit_code in expect["exit_in"], result.output
    report = json.loads(result.output)
    found = [(f["rule"], f["resource"], f["row"]) for f in report["findings"]]
    unregistered = {f[0] for f in found} - set(RULES) - set(ERRORS)
    assert not unregistered, f"findings of unregistered types: {unregistered}"
    for rule, resource, row in expect.get("findings", []):
        assert any(
            f[0] == rule and (resource is None or f[1] == resource) and (row is None or f[2] == row)
            for f in found
        ), (rule, resource, row, found)
    if expect.get("findings") == []:
        assert found == []
    if "findings_any" in expect:
        assert any(f[0] in expect["findings_any"] for f in found), found
    if "message" in expect:
        assert any(expect["message"] in f["message"] for f in report["findings"]), report
    if "line" in expect:
        rule, resource, row = expect["findings"][0]
        finding = next(f for f in report["findings"] if f["rule"] == rule and f["row"] == row)
        assert finding["line"] == expect["line"]


@pytest.mark.slow
def test_text_output_never_shows_a_traceback(tmp_path: Path) -> None:
    for name in CASES:
        pkg, _case = prepare(tmp_path / name, name)
        result = runner.invoke(app, ["validate", str(pkg.root)])
        assert "Traceback" not in result.output, name
        assert result.exit_code in (0, 1, 2), name


@pytest.fixture
def fresh_csv_limit() -> Iterator[None]:
    """The csv module's field size limit as a fresh interpreter has it (131,072), whatever
    an earlier test raised it to: the test then fails alone as it would in the suite."""
    before = csv.field_size_limit()
    csv.field_size_limit(131_072)
    try:
        yield
    finally:
        csv.field_size_limit(before)


@pytest.mark.slow
@pytest.mark.usefixtures("fresh_csv_limit")
def test_ten_megabyte_cell_is_read_whole(tmp_path: Path) -> None:
    """The cell is in the first records, which are read to sniff the dialect and find the
    header before the whole file is parsed."""
    pkg = PackageCopy(tmp_path)
    big = "ش" * (5 * 1024 * 1024)  # 10 MB of UTF-8
    pkg.set("claims", "oir-2017-04-30-civilian-deaths-45", notes=big)
    report = validate(pkg.root)
    assert report.valid, report.findings[:3]
    claims = load(pkg.root)["claims"]
    notes = claims.filter(pl.col("claim_id") == "oir-2017-04-30-civilian-deaths-45")["notes"]
    assert notes.item() == big  # not truncated


def test_recorded_hash_and_bytes_that_do_not_match_are_errors(tmp_path: Path) -> None:
    """A descriptor that records them (a release archive does) says which file was released:
    another file is an error, as frictionless reports it."""
    pkg = PackageCopy(tmp_path)
    data = json.loads(pkg.descriptor.read_text(encoding="utf-8"))
    claims = next(r for r in data["resources"] if r["name"] == "claims")
    claims["bytes"] = 1
    claims["hash"] = "sha256:" + "0" * 64
    pkg.descriptor.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    report = validate(pkg.root)
    assert {(f.rule, f.severity, f.resource) for f in report.findings} == {
        ("byte-count", "error", "claims"),
        ("hash-count", "error", "claims"),
    }
    assert "not the file that was released" in report.findings[0].message
    assert not report.valid


# --- limits -------------------------------------------------------------------------------------


def _descriptor_findings(root: Path) -> list[str]:
    report = validate(root)
    assert report.exit_code == 2, report.findings[:3]
    return [f.message for f in report.findings if f.rule == "package-error"]


def test_a_descriptor_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    """A sparse file: the limit is checked on what is read, MAX_DESCRIPTOR_BYTES + 1 bytes."""
    (tmp_path / "datapackage.json").write_bytes(b"")
    with (tmp_path / "datapackage.json").open("r+b") as fh:
        fh.truncate(reading.MAX_DESCRIPTOR_BYTES + 1)
    assert _descriptor_findings(tmp_path) == [
        "The data package descriptor is not usable: over the size limit of a descriptor, "
        "32 MiB (docs/security.md)"
    ]


@pytest.mark.parametrize("depth", [99, 100, 101, 5000])
def test_the_depth_limit(tmp_path: Path, depth: int) -> None:
    """Brackets inside strings do not count; 100 levels are read (the resources list and its
    object are two of them), 101 are not."""
    nested = "[" * (depth - 1) + '"]]}{["' + "]" * (depth - 1)
    (tmp_path / "datapackage.json").write_text(
        '{"x": ' + nested + ', "resources": [{"name": "r", "path": "r.csv"}]}', encoding="utf-8"
    )
    if depth <= reading.MAX_DESCRIPTOR_DEPTH:
        assert isinstance(reading.read_json(tmp_path / "datapackage.json"), dict)
    else:
        [note] = _descriptor_findings(tmp_path)
        assert "nested more than 100 deep" in note


def test_an_integer_of_over_4300_digits_is_a_package_error(tmp_path: Path) -> None:
    (tmp_path / "datapackage.json").write_text(
        '{"x": ' + "7" * 5000 + ', "resources": []}', encoding="utf-8"
    )
    [note] = _descriptor_findings(tmp_path)
    assert "not valid JSON" in note
    assert "4300" in note


def test_too_many_resources_or_fields_are_refused(tmp_path: Path) -> None:
    """Refused before frictionless or any reader sees them (each costs milliseconds)."""
    resources = [
        {"name": f"r{i}", "path": "r.csv", "schema": {"fields": [{"name": "a"}]}}
        for i in range(descriptor.MAX_RESOURCES + 1)
    ]
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": resources}), "utf-8")
    assert _descriptor_findings(tmp_path) == [
        "The data package descriptor is not usable: it has 1,001 resources, over the limit "
        "of 1,000 (docs/security.md)"
    ]
    fields = [{"name": f"f{i}"} for i in range(descriptor.MAX_FIELDS + 1)]
    resource = {"name": "wide", "path": "r.csv", "schema": {"fields": fields}}
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": [resource]}), "utf-8")
    assert _descriptor_findings(tmp_path) == [
        "The data package descriptor is not usable: resource wide: its schema has 20,001 "
        "fields, over the limit of 20,000 (docs/security.md)"
    ]


def test_a_file_over_the_column_limit_is_refused(tmp_path: Path) -> None:
    width = descriptor.MAX_FIELDS + 1
    (tmp_path / "r.csv").write_text(",".join(f"c{i}" for i in range(width)) + "\n", "utf-8")
    resource = {"name": "r", "path": "r.csv", "schema": {"fields": [{"name": "c0"}]}}
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": [resource]}), "utf-8")
    found = [f for f in validate(tmp_path).findings if f.resource == "r"]
    assert [(f.rule, f.message) for f in found] == [
        (
            "source-error",
            "The data source could not be read: r.csv: it has over 20,000 columns, the limit "
            "(docs/security.md)",
        )
    ]


def test_a_hung_pattern_checker_is_stopped_by_the_watchdog(monkeypatch: pytest.MonkeyPatch) -> None:
    """A child that stops answering (here: one that never does) is killed after WATCHDOG
    seconds; its texts have no verdict, for good, and the next pattern gets a new child."""
    from casualty_schema.check import backtracking

    monkeypatch.setattr(backtracking, "WATCHDOG", 0.3)
    monkeypatch.setattr(backtracking, "_verdicts", type(backtracking._verdicts)())
    monkeypatch.setattr(backtracking, "_CHILD", "import time; time.sleep(60)")
    backtracking._stop()
    assert backtracking.python_matches("a(?=b)", ["ab", "a"]) == [None, None]
    assert backtracking._child is None
    assert backtracking.python_matches("a(?=b)", ["ab"]) == [None]  # not asked again
    monkeypatch.undo()
    backtracking._stop()
    assert backtracking.python_matches("a(?=b)", ["ab", "a"]) == [False, False]


# --- the command line's own arguments and outputs ----------------------------------------------


def _listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def _one_line_error(args: list[str], expected: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output  # nothing else: no verdict, the work never started
    assert lines[0].startswith("error: "), lines[0]
    assert expected in lines[0], lines[0]


@pytest.fixture
def read_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A folder that cannot be written. The suite may run as root, whom no permission stops,
    so os.access answers for it as it does for a read-only file system."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    real = os.access

    def access(path: Any, mode: int, **kwargs: Any) -> bool:
        if Path(path) == folder or Path(path).parent == folder:
            return not mode & os.W_OK
        return real(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)
    return folder


def test_outputs_are_checked_before_validating(tmp_path: Path, read_only: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    PackageCopy(pkg)
    before = _listing(tmp_path)
    long_name = "x" * 300
    for option in ("-o", "--summary"):
        cases = {
            str(tmp_path): "it is a directory",
            str(tmp_path / "missing" / "out.md"): "does not exist",
            str(pkg / "datapackage.json" / "out.md"): "a part of it is a file",
            str(tmp_path / long_name): "too long for the file system",
            str(read_only / "out.md"): "cannot be written (read-only)",
        }
        for path, expected in cases.items():
            _one_line_error(["validate", str(pkg), option, path], expected)
    # a file replaced whole must be a plain file (never a device renamed over), and leave
    # room in its name for the temporary file beside it
    _one_line_error(["validate", str(pkg), "-o", os.devnull], "not a plain file")
    _one_line_error(["validate", str(pkg), "-o", str(tmp_path / ("y" * 250))], "too long")
    assert _listing(tmp_path) == before


def test_inputs_the_file_system_cannot_look_up_are_one_line_errors(tmp_path: Path) -> None:
    long_path = str(tmp_path / ("x" * 300))
    _one_line_error(["diff", long_path, str(tmp_path)], "too long for the file system")
    result = runner.invoke(app, ["validate", long_path, "--format", "json"])
    assert result.exit_code == 2, result.output
    [finding] = json.loads(result.output)["findings"]
    assert finding["rule"] == "package-error"
    assert "File name too long" in finding["message"]


def test_init_checks_its_directory_first(tmp_path: Path, read_only: Path) -> None:
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    before = _listing(tmp_path)
    cases = {
        tmp_path / "a-file": "it is a file, not a directory",
        tmp_path / "a-file" / "new": "a part of it is a file",
        read_only / "new": "cannot be written (read-only)",
        read_only: "cannot be written (read-only)",
        tmp_path / ("x" * 300): "too long for the file system",
    }
    for path, expected in cases.items():
        _one_line_error(["init", str(path)], expected)
    assert _listing(tmp_path) == before


def test_release_checks_its_out_directory_first(tmp_path: Path, read_only: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    PackageCopy(pkg)
    before = _listing(tmp_path)
    for out, expected in {
        read_only / "dist": "cannot be written (read-only)",
        tmp_path / ("x" * 300): "too long for the file system",
        pkg / "datapackage.json": "it is a file, not a directory",
    }.items():
        args = ["release", str(pkg), "--bump", "patch", "--dry-run", "--out", str(out)]
        _one_line_error(args, expected)
    assert _listing(tmp_path) == before


# --- fuzz: descriptors of any shape and depth, and any option values ---------------------------

TINY = {
    "name": "tiny",
    "resources": [
        {
            "name": "t",
            "path": "t.csv",
            "schema": {
                "fields": [
                    {"name": "id", "type": "integer", "constraints": {"minimum": 0}},
                    {"name": "name", "type": "string", "constraints": {"pattern": "[a-z]+"}},
                ],
                "primaryKey": ["id"],
            },
        }
    ],
}
HOLE = "@@hole@@"

#: JSON text that json.dumps cannot write: deep nesting, huge numbers, escapes of lone
#: surrogates and NUL, non-standard constants.
_odd_json = st.one_of(
    st.integers(0, 300).map(lambda n: "[" * n + "]" * n),
    st.integers(0, 300).map(lambda n: '{"a": ' * n + "1" + "}" * n),
    st.integers(1, 6000).map(lambda n: "9" * n),
    st.sampled_from(['"\\ud800"', '"a\\u0000b"', "NaN", "-Infinity", "1e400", '"\\udfff\\ud800"']),
)
_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
).map(json.dumps)


def _holes(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    for key, value in items:
        found += _holes(value, (*prefix, key))
    return [*found, (*prefix, "extra")] if isinstance(node, dict) else found


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), fragment=_odd_json | _json_values)
def test_any_descriptor_is_a_verdict_never_a_traceback(data: st.DataObject, fragment: str) -> None:
    """Any JSON text (or what looks like it) at any place of a descriptor: exit 0, 1 or 2,
    no traceback, and nothing written but the output named."""
    where = data.draw(st.sampled_from(_holes(TINY)))
    descriptor = json.loads(json.dumps(TINY))
    node = descriptor
    for step in where[:-1]:
        node = node[step]
    node[where[-1]] = HOLE
    text = json.dumps(descriptor).replace(json.dumps(HOLE), fragment)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "t.csv").write_text("id,name\n1,a\n2,B\n", encoding="utf-8")
        (root / "datapackage.json").write_text(text, encoding="utf-8")
        before = _tree(root)
        result = runner.invoke(app, ["validate", str(root), "-o", str(root / "report.json")])
        assert result.exit_code in (0, 1, 2), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            text[:300],
            result.exception,
        )
        assert "Traceback" not in result.output
        assert _tree(root) - before <= {"report.json"}


_option_text = st.text(st.characters(codec="utf-8", exclude_characters="\0"), max_size=300)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    command=st.sampled_from(["validate", "init", "diff"]),
    values=st.lists(
        _option_text | st.sampled_from(["x" * 300, "..", "/", "-", "a/b/c"]), max_size=3
    ),
    options=st.lists(
        st.sampled_from(
            [
                "--format",
                "--limit",
                "--select",
                "--ignore",
                "--color",
                "--changed-since",
                "-o",
                "--summary",
                "--name",
                "--fail-on",
                "--strict",
                "-q",
            ]
        ),
        max_size=3,
    ),
)
def test_any_option_value_is_a_verdict_never_a_traceback(
    command: str, values: list[str], options: list[str]
) -> None:
    """Options and arguments of any value, run where the package is: exit 0, 1 or 2, no
    traceback; nothing is written but a file an option named (or init's directory, and the
    folders it is made in)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "t.csv").write_text("id,name\n1,a\n", encoding="utf-8")
        (root / "datapackage.json").write_text(json.dumps(TINY), encoding="utf-8")
        before = _tree(root)
        args = [command]
        for i, value in enumerate(values):
            if i < len(options):
                args.append(options[i])
            args.append(value)
        cwd = os.getcwd()
        os.chdir(root)
        try:
            result = runner.invoke(app, args)
        finally:
            os.chdir(cwd)
        assert result.exit_code in (0, 1, 2), (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            args,
            result.exception,
        )
        assert "Traceback" not in result.output
        named = {os.path.normpath(v) for v in values if v}
        made = _tree(root) - before
        strays = {
            m
            for m in made
            if not any(m == n or m.startswith(n + "/") or n.startswith(m + "/") for n in named)
        }
        assert not strays, (args, strays)


# --- round three: a trial of every command with careless and hostile input --------------------

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "data" / "sources" / "horrya-2019-06-01-coalition-1300.txt"


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    """A FIFO no process writes to or reads: opening it blocks for ever. Should the command
    under test open it anyway, a watchdog opens the other end after 10 s, so that the test
    fails rather than hangs."""
    import threading

    path = tmp_path / "fifo"
    os.mkfifo(path)
    done = threading.Event()

    def unblock() -> None:
        if not done.wait(10):
            fd = os.open(path, os.O_RDWR | os.O_NONBLOCK)  # both ends: never blocks
            done.wait(5)
            os.close(fd)

    watchdog = threading.Thread(target=unblock, daemon=True)
    watchdog.start()
    yield path
    done.set()
    watchdog.join()


def test_extract_checks_its_text_and_output_first(
    tmp_path: Path, fifo: Path, read_only: Path
) -> None:
    """extract's TEXT must be a plain file within the limit (a FIFO hung it, /dev/zero read
    until MemoryError), and its -o is checked as validate's is, before any work (a FIFO or a
    device was renamed over: as root, -o /dev/null replaced the device with a file)."""
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(32 * 2**20 + 1)  # sparse: costs no disk
    before = _listing(tmp_path)
    package = ["--package", str(ROOT)]
    for text, expected in {
        fifo: "not a plain file (a FIFO or a device)",
        tmp_path: "it is a directory",
        tmp_path / "missing.txt": "no such file",
        big: "over the limit of 32 MiB",
    }.items():
        _one_line_error(["extract", str(text), *package], expected)
    for out, expected in {
        fifo: "not a plain file, which is never replaced",
        tmp_path: "it is a directory",
        tmp_path / "missing" / "out.csv": "does not exist",
        read_only / "out.csv": "cannot be written (read-only)",
    }.items():
        _one_line_error(["extract", str(ARTICLE), *package, "-o", str(out)], expected)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert _listing(tmp_path) == before


def test_a_summary_no_process_reads_is_refused_before_validating(
    tmp_path: Path, fifo: Path
) -> None:
    """--summary appends, so it may be a FIFO a process reads (a pipe of /dev/stdout); one
    that none reads hung validate for ever after the verdict."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    PackageCopy(pkg)
    _one_line_error(["validate", str(pkg), "--summary", str(fifo)], "FIFO that no process reads")


def test_a_summary_that_cannot_be_written_is_named(tmp_path: Path) -> None:
    """A summary that fails while written (Linux's /dev/full: a full disk) is named; the
    message said "cannot write None"."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    PackageCopy(pkg)
    result = runner.invoke(app, ["validate", str(pkg), "--summary", "/dev/full", "-q"])
    assert result.exit_code == 2, result.output
    assert "error: cannot write /dev/full: No space left on device" in result.output


def test_release_of_a_missing_directory_is_refused(tmp_path: Path, fifo: Path) -> None:
    """A mistyped package directory released the package of the folder above it."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    PackageCopy(pkg)
    before = _listing(tmp_path)
    for package, expected in {
        pkg / "typo": "no such directory",
        pkg / "typo" / "datapackage.json": "no such directory",
        pkg / "README.md": "give the package directory or its datapackage.json",
        fifo: "give the package directory or its datapackage.json",
    }.items():
        _one_line_error(["release", str(package), "--bump", "patch", "--dry-run"], expected)
    assert _listing(tmp_path) == before


def test_an_output_stream_that_cannot_hold_unicode_is_no_traceback(tmp_path: Path) -> None:
    """Standard output in ASCII (PYTHONIOENCODING=ascii, a Windows console's code page): the
    verdict's dash and the Arabic of a finding were a UnicodeEncodeError, exit 1. Now they
    are backslash escapes, which JSON reads back."""
    pkg = PackageCopy(tmp_path)
    pkg.set("claims", "oir-2019-05-31-civilian-deaths-1302", value_text="١٣٠٢ ")
    ascii_runner = CliRunner(charset="ascii")
    for fmt in ("text", "markdown", "json"):
        result = ascii_runner.invoke(app, ["validate", str(tmp_path), "-f", fmt])
        assert result.exit_code == 1, (fmt, result.exception, result.output)
        assert result.output.isascii()
    report = json.loads(ascii_runner.invoke(app, ["validate", str(tmp_path), "-f", "json"]).output)
    assert "١٣٠٢ " in {f["value"] for f in report["findings"]}
    result = ascii_runner.invoke(app, ["diff", str(ROOT), str(tmp_path)])
    assert result.exit_code == 0, (result.exception, result.output)
    assert "\\u0661" in result.output


def test_a_negative_limit_is_a_usage_error(tmp_path: Path) -> None:
    """--limit -1 listed no finding (or every row but the last) and counted phantoms: diff of
    a package with itself said "… and 1 more added rows", markdown "7 more findings" of 2."""
    PackageCopy(tmp_path).set("claims", "oir-2019-05-31-civilian-deaths-1302", value="abc")
    for args in (
        ["validate", str(tmp_path), "--limit", "-1"],
        ["validate", str(tmp_path), "-f", "markdown", "--limit", "-5"],
        ["diff", str(tmp_path), str(tmp_path), "--limit", "-1"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "greater than or equal to 0" in result.output
        assert "more" not in result.output


def test_an_empty_path_is_a_usage_error_never_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty path (a variable that was to hold one, unset) read as ".": `init ""` made a
    package in the current directory, `release --out ""` wrote the release there, `validate
    ""` validated whatever package was there."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    PackageCopy(pkg)
    monkeypatch.chdir(pkg)
    before = _listing(tmp_path)
    for args in (
        ["validate", ""],
        ["validate", ".", "-o", ""],
        ["validate", ".", "--summary", ""],
        ["init", ""],
        ["release", "", "--bump", "patch", "--dry-run"],
        ["release", ".", "--bump", "patch", "--out", ""],
        ["extract", ""],
        ["extract", str(ARTICLE), "--package", ""],
        ["extract", str(ARTICLE), "-o", ""],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "empty: give a path" in result.output, (args, result.output)
    assert _listing(tmp_path) == before


def test_a_file_too_large_for_memory_is_a_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CSV of gigabytes (a sparse file of 6 GB, under a 4 GB memory limit) was a
    MemoryError traceback and exit 1; it is a source-error naming the file and its size.
    The memory limit is played by a read_bytes that runs out of memory on that file."""
    pkg = PackageCopy(tmp_path)
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "places.csv":
            raise MemoryError
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = runner.invoke(app, ["validate", str(pkg.root), "--format", "json"])
    assert result.exit_code == 1, (result.exception, result.output)
    [finding] = [f for f in json.loads(result.output)["findings"] if f["resource"] == "places"]
    assert finding["rule"] == "source-error"
    assert "too large to be read into memory" in finding["message"]


def test_a_fifo_or_device_given_as_the_package_is_said_so(tmp_path: Path, fifo: Path) -> None:
    """validate and diff said a FIFO, /dev/stdin or /dev/zero "does not exist" (diff: "no
    such file, directory or git ref")."""
    result = runner.invoke(app, ["validate", str(fifo)])
    assert result.exit_code == 2, result.output
    assert "is not a plain file (a FIFO or a device)" in result.output
    _one_line_error(["diff", str(fifo), str(ROOT)], "not a plain file (a FIFO or a device)")
