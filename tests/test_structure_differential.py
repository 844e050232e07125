"""The structural stage against its oracle: every case runs through ``frictionless.validate``
and through :func:`check_structure`, and both must flag the same (resource, row, field, error
type), counted. The corpus is tests/corpus/structure/<case>/ (datapackage.json, data/, and
case.json naming the error types the case must produce); hypothesis adds random tables.

Each deliberate difference from frictionless (docs/structure.md) has its own test at the end.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import frictionless
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casualty_schema.check import keys as keys_module
from casualty_schema.check import patterns
from casualty_schema.check.patterns import matches, rust_pattern
from casualty_schema.check.readers import READERS
from casualty_schema.check.structure import Structure, check_structure
from casualty_schema.package.descriptor import DescriptorError, FieldSpec, load_package

CORPUS = Path(__file__).parent / "corpus" / "structure"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "datapackage.json").is_file())

Verdict = Counter[tuple[str, int | None, str | None, str]]

# How the two sides name the same thing (each is a documented difference, see the end):
# frictionless reports a broken `unique` as unique-error, the contract as constraint-error; a
# missing file as scheme-error, an unsafe path as resource-error, the contract as source-error.
RENAMED = {
    "unique-error": "constraint-error",
    "scheme-error": "source-error",
    "resource-error": "source-error",
}
# frictionless gives label errors no row (we give the header's) and row errors no field.
LABEL_ERRORS = {
    "missing-label",
    "extra-label",
    "incorrect-label",
    "blank-label",
    "duplicate-label",
    "unmatched-header",
}
ROW_ERRORS = {"blank-row", "primary-key", "foreign-key", "extra-cell"}
FILE_ERRORS = {"source-error", "encoding-error"}


def _normalised(resource: str, row: int | None, field: str | None, rule: str) -> Any:
    rule = RENAMED.get(rule, rule)
    if rule in LABEL_ERRORS or rule in FILE_ERRORS:
        row = None
    if rule in ROW_ERRORS or rule in FILE_ERRORS:
        field = None
    return (resource, row, field or None, rule)


def frictionless_verdict(descriptor: Path) -> Verdict:
    # frictionless stops at 1000 errors unless told otherwise
    report = frictionless.validate(str(descriptor), limit_errors=10**9)
    verdict: Verdict = Counter()
    for error in report.errors:  # package level: an unsafe path
        verdict[_normalised("", None, None, error.type)] += 1
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, "row_number", None)
            field = getattr(error, "field_name", None)
            verdict[_normalised(task.name, row, field, error.type)] += 1
    return verdict


def our_verdict(structure: Structure) -> Verdict:
    verdict: Verdict = Counter()
    for f in structure.findings.iter_rows(named=True):
        verdict[_normalised(f["resource"], f["row"], f["field"], f["rule"])] += 1
    return verdict


def differences(a: Verdict, b: Verdict) -> list[str]:
    keys = sorted(set(a) | set(b), key=repr)
    return [f"{k}: frictionless {a[k]}, ours {b[k]}" for k in keys if a[k] != b[k]]


@pytest.mark.parametrize("case", CASES)
def test_corpus_case_matches_frictionless(case: str) -> None:
    directory = CORPUS / case
    structure = check_structure(load_package(directory))
    assert (
        differences(frictionless_verdict(directory / "datapackage.json"), our_verdict(structure))
        == []
    )
    expected = set(json.loads((directory / "case.json").read_text(encoding="utf-8"))["expect"])
    found = set(structure.findings.get_column("rule").to_list())
    assert expected <= found, f"{case} should produce {expected - found}"
    assert found or not expected


def test_the_corpus_covers_the_brief() -> None:
    rules = Counter(
        rule
        for case in CASES
        for rule in json.loads((CORPUS / case / "case.json").read_text(encoding="utf-8"))["expect"]
    )
    for rule in [
        "type-error",
        "constraint-error",
        "primary-key",
        "foreign-key",
        "missing-cell",
        "extra-cell",
        "missing-label",
        "extra-label",
        "incorrect-label",
        "blank-row",
        "encoding-error",
        "source-error",
    ]:
        assert rules[rule], rule


def test_bundled_package_has_no_structural_finding(root: Path) -> None:
    structure = check_structure(load_package(root))
    assert structure.findings.is_empty()
    assert structure.rows["claims"] == 21
    assert structure.frames["claims"].height == 21
    assert structure.frames["claims"].schema["value"] == pl.Int64
    assert structure.frames["claims"].schema["places"] == pl.List(pl.String)
    assert structure.frames["metrics"].schema["additive"] == pl.Boolean


# ---------------------------------------------------------------------------------------------
# Random tables
# ---------------------------------------------------------------------------------------------

ITEM_FIELDS: list[dict[str, Any]] = [
    {"name": "id", "type": "string", "constraints": {"required": True}},
    {"name": "n", "type": "integer", "constraints": {"minimum": 0}},
    {"name": "x", "type": "number", "constraints": {"maximum": 100}},
    {"name": "flag", "type": "boolean"},
    {"name": "code", "type": "string", "constraints": {"pattern": r"\d+( \d+)?"}},
    {"name": "kind", "type": "string", "constraints": {"enum": ["a", "b", "1"]}},
    {"name": "tags", "type": "list", "itemType": "integer"},
    {"name": "u", "type": "integer", "constraints": {"unique": True}},
    {"name": "parent", "type": "string"},
    {"name": "ref", "type": "string"},
]
NUMERIC = {"n", "x", "tags", "u"}
EASTERN = "٠١٢٣٤٥٦٧٨٩"
ALPHABET = "0123456789" + EASTERN + ' +-,.e_"\nab'
SPECIAL = [
    "",
    " ",
    "1",
    "01",
    "a",
    "b",
    "٣٥٢",
    "true",
    "1,2",
    "nan",
    "inf",
    "1_0",
    "x\ny",
    '"',
    ",",
]
CELL = st.one_of(st.text(alphabet=ALPHABET, max_size=5), st.sampled_from(SPECIAL))
ROW = st.lists(CELL, min_size=len(ITEM_FIELDS) - 2, max_size=len(ITEM_FIELDS) + 2).map(
    lambda cells: cells if len(cells) != len(ITEM_FIELDS) + 1 else []  # now and then blank
)


def _descriptor() -> dict[str, Any]:
    items = {
        "name": "items",
        "path": "data/items.csv",
        "type": "table",
        "scheme": "file",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {
            "fieldsMatch": "exact",
            "missingValues": [""],
            "fields": ITEM_FIELDS,
            "primaryKey": ["id"],
            "foreignKeys": [
                {"fields": ["parent"], "reference": {"resource": "", "fields": ["id"]}},
                {"fields": ["ref"], "reference": {"resource": "kinds", "fields": ["kind"]}},
            ],
        },
    }
    kinds = {
        "name": "kinds",
        "path": "data/kinds.csv",
        "type": "table",
        "scheme": "file",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {"fields": [{"name": "kind", "type": "string"}], "primaryKey": ["kind"]},
    }
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "random",
        "resources": [items, kinds],
    }


def _write_package(directory: Path, header: list[str], rows: list[list[str]], crlf: bool) -> None:
    (directory / "data").mkdir(parents=True, exist_ok=True)
    (directory / "datapackage.json").write_text(json.dumps(_descriptor()), encoding="utf-8")
    (directory / "data" / "kinds.csv").write_text("kind\na\nb\n1\n", encoding="utf-8")
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(header)
    for row in rows:
        if row:
            writer.writerow(row)
        else:
            text.write("\r\n" if crlf else "\n")
    (directory / "data" / "items.csv").write_bytes(text.getvalue().encode("utf-8"))


def _without_eastern_digits(header: list[str], rows: list[list[str]]) -> list[list[str]]:
    """The deliberate difference applied to frictionless's input: Eastern Arabic digits in the
    numeric columns of data rows become letters (one per digit, none that could spell "nan" or
    "inf"), so that frictionless finds no number there either. The row frictionless takes as
    the header (it need not be the first, see header-detection) is left alone."""
    header_row = frictionless.Detector().detect_dialect([header, *rows][:100]).header_rows[0]
    numeric = {i for i, f in enumerate(ITEM_FIELDS) if f["name"] in NUMERIC}
    table = str.maketrans(dict(zip(EASTERN, "ghjklmopqr", strict=True)))
    return [
        [c.translate(table) if i in numeric and number > header_row else c for i, c in enumerate(r)]
        for number, r in enumerate(rows, start=2)
    ]


HEADERS = st.sampled_from(["exact", "short", "long", "renamed"]).map(
    lambda kind: {
        "exact": [f["name"] for f in ITEM_FIELDS],
        "short": [f["name"] for f in ITEM_FIELDS][:-1],
        "long": [f["name"] for f in ITEM_FIELDS] + ["extra"],
        "renamed": ["ID", *[f["name"] for f in ITEM_FIELDS][1:]],
    }[kind]
)


@pytest.mark.slow
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(header=HEADERS, rows=st.lists(ROW, max_size=8), crlf=st.booleans())
def test_random_tables_match_frictionless(
    tmp_path_factory: pytest.TempPathFactory, header: list[str], rows: list[list[str]], crlf: bool
) -> None:
    ours = tmp_path_factory.mktemp("ours")
    theirs = tmp_path_factory.mktemp("theirs")
    _write_package(ours, header, rows, crlf)
    _write_package(theirs, header, _without_eastern_digits(header, rows), crlf)
    verdict = our_verdict(check_structure(load_package(ours)))
    assert differences(frictionless_verdict(theirs / "datapackage.json"), verdict) == []


# ---------------------------------------------------------------------------------------------
# Each reader against frictionless's own field reader, and patterns against Python's re
# ---------------------------------------------------------------------------------------------

INVALID = object()


def _frictionless_reads(descriptor: dict[str, Any], text: str) -> Any:
    value, notes = frictionless.Field.from_descriptor(descriptor).read_cell(text)
    return INVALID if notes and "type" in notes else value


def _we_read(descriptor: dict[str, Any], texts: list[str]) -> list[Any]:
    spec = FieldSpec(
        name="x",
        type=descriptor["type"],
        format=descriptor.get("format", "default"),
        constraints={},
        descriptor=descriptor,
    )
    reading = READERS[spec.type](pl.col("t"), spec)
    frame = pl.DataFrame({"t": texts}, schema={"t": pl.String})
    return [INVALID if v is None else v for v in frame.select(reading.value).to_series()]


def _same(theirs: Any, ours: Any, text: str) -> bool:
    if theirs is not INVALID and any(c.isdecimal() and not c.isascii() for c in text):
        theirs = INVALID  # difference 1: ASCII digits only
    if theirs is INVALID or ours is INVALID:
        return theirs is ours
    if isinstance(theirs, Decimal):
        return math.isnan(ours) if theirs.is_nan() else float(theirs) == ours
    if isinstance(theirs, list):
        return len(theirs) == len(ours) and all(
            _same(a, b, "") for a, b in zip(theirs, ours, strict=True)
        )
    return bool(theirs == ours)


NUMERIC_TEXT = st.text(alphabet="0123456789٣ +-._eE,$%xnaifNIF\t\u00a0\u001c", max_size=8)
READER_CASES = [
    ({"name": "x", "type": "integer"}, NUMERIC_TEXT),
    ({"name": "x", "type": "integer", "bareNumber": False}, NUMERIC_TEXT),
    ({"name": "x", "type": "number"}, NUMERIC_TEXT),
    ({"name": "x", "type": "number", "bareNumber": False, "groupChar": ","}, NUMERIC_TEXT),
    ({"name": "x", "type": "number", "decimalChar": ",", "groupChar": "."}, NUMERIC_TEXT),
    ({"name": "x", "type": "year"}, NUMERIC_TEXT),
    ({"name": "x", "type": "boolean"}, st.sampled_from(["true", "True", "1", "0", " true", "yes"])),
    ({"name": "x", "type": "date"}, st.text(alphabet="0123456789٢- ", max_size=11)),
    ({"name": "x", "type": "list", "itemType": "integer"}, NUMERIC_TEXT),
    ({"name": "x", "type": "list", "itemType": "number", "delimiter": ";"}, NUMERIC_TEXT),
    (
        {"name": "x", "type": "string", "format": "uri"},
        st.text(alphabet="aZ09+.-:/?# é", max_size=8),
    ),
]


@pytest.mark.parametrize(("descriptor", "texts"), READER_CASES, ids=lambda v: repr(v)[:60])
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_readers_read_what_frictionless_reads(
    descriptor: dict[str, Any], texts: st.SearchStrategy[str], data: st.DataObject
) -> None:
    cells = [t for t in data.draw(st.lists(texts, min_size=1, max_size=20)) if t]
    for text, ours in zip(cells, _we_read(descriptor, cells), strict=True):
        theirs = _frictionless_reads(descriptor, text)
        assert _same(theirs, ours, text), (text, theirs, ours)


PATTERNS = [
    "^[a-z0-9]+(-[a-z0-9]+)*$",
    "^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$",
    "a|b",
    "[a-z]+",
    r"\d+",
    r"\w+",
    r"\S+\s\S+",
    ".*",
    "a$",
    "(a|b)*c?",
    "[^a]{2,3}",
    r"[\D]+",
    "(?s:.+)",
    "(?m:^a$)",
    r"(?a:\w+)",
    r"a\Z",
    r"a(?=b)",
    r"\bab",
    "(?i:ab)",
    r"(a)\1",
]
PATTERN_TEXT = st.text(alphabet="ab cA-1٣\n\u00a0\u001c_\u064e²", max_size=6)


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(PATTERN_TEXT, min_size=1, max_size=30))
def test_patterns_match_where_python_matches(texts: list[str]) -> None:
    """Each pattern, translated to Rust or checked by Python's re, gives frictionless's verdict:
    re.match("^" + pattern + "$", text)."""
    frame = pl.DataFrame({"t": texts}, schema={"t": pl.String})
    for pattern in PATTERNS:
        field = frictionless.Field.from_descriptor(
            {
                "name": "x",
                "type": "string",
                "missingValues": [],
                "constraints": {"pattern": pattern},
            }
        )
        expected = [not field.read_cell(t)[1] for t in texts]
        translated = rust_pattern(pattern)
        if translated is not None:
            in_rust = frame.select(pl.col("t").str.contains(translated)).to_series().to_list()
            assert in_rust == expected, pattern
        checked = frame.select(matches(pl.col("t"), pattern)).to_series().to_list()
        assert checked == expected, pattern


STARTS = "=+-@ \t\n\u00a0ab1Aا"


@pytest.mark.parametrize("pattern", [*PATTERNS, r"\s*=.*", "(?i:[a-z])+", r"-?\d+"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_pattern_says_what_its_texts_may_start_with(pattern: str, data: st.DataObject) -> None:
    """patterns.may_start_with is never wrong about a text that matches (cells.formula skips
    the fields whose pattern no formula can match on its strength)."""
    text = data.draw(st.from_regex(f"^(?:{pattern})$") | st.text(alphabet=STARTS, max_size=4))
    if text and text[0] in STARTS and re.match(f"^{pattern}$", text):
        assert text[0] in patterns.may_start_with(pattern, STARTS)


def test_the_untranslatable_patterns_are_the_expected_ones() -> None:
    untranslated = [p for p in PATTERNS if rust_pattern(p) is None]
    assert untranslated == [r"a(?=b)", r"\bab", "(?i:ab)", r"(a)\1"]


@pytest.mark.parametrize("kind", ["isspace", "isdecimal", "isalnum"])
def test_python_character_classes_are_the_str_methods(kind: str) -> None:
    """The classes the readers and the pattern translation use (read by ``re``, or from the
    table of the running Unicode version) hold exactly where the ``str`` method does."""
    method = getattr(str, kind)
    expected = "".join(c for c in map(chr, range(0x110000)) if method(c))
    assert patterns._python_chars(kind) == expected
    patterns._python_chars.cache_clear()
    if kind == "isspace":  # the scan by re, which versions without a table get, too
        known, patterns._SPACE = patterns._SPACE, {}
        try:
            assert patterns._python_chars(kind) == expected == patterns.python_space()
        finally:
            patterns._SPACE = known
            patterns._python_chars.cache_clear()


@pytest.mark.parametrize(
    ("ref_type", "refs", "dangling"),
    [
        ("string", "a,b", []),
        ("string", "a,zz", [3]),
        ("string", ",b", []),
        ("string", "zz,zz", [2, 3]),
        ("string", "1,k1", []),
        ("integer", "1,x", [2]),  # an integer is never a string key; "x" is a type error
        ("number", "2,", [2]),
    ],
)
def test_a_foreign_key_into_a_larger_table_is_found_from_the_distinct_keys_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ref_type: str, refs: str, dangling: list[int]
) -> None:
    """Two rows referring into a table of twenty: the keys of the two are looked for among the
    twenty's (keys._any_dangling), which finds what looking up every row finds."""
    fields = [{"name": "id", "type": "string"}, {"name": "ref", "type": ref_type}]
    schema = {
        "foreignKeys": [{"fields": ["ref"], "reference": {"resource": "kinds", "fields": ["k"]}}]
    }
    kinds = {"name": "kinds", "path": "data/kinds.csv", "schema": {"fields": [{"name": "k"}]}}
    body = "id,ref\n" + "".join(f"r{i},{r}\n" for i, r in enumerate(refs.split(",")))
    package = _package(tmp_path, fields, body.encode(), schema=schema, more=[kinds])
    keys = "\n".join(["k", "a", "b", "1", "2", *(f"k{i}" for i in range(18))])
    (package / "data" / "kinds.csv").write_text(keys + "\n", encoding="utf-8")
    spec = load_package(package)
    fast = check_structure(spec).findings
    monkeypatch.setattr(keys_module, "_any_dangling", lambda typed, lookup: None)
    slow = check_structure(spec).findings
    assert fast.equals(slow)
    found = fast.filter(pl.col("rule") == "foreign-key").get_column("row").to_list()
    assert found == dangling


# ---------------------------------------------------------------------------------------------
# Deliberate differences (docs/structure.md), one test each
# ---------------------------------------------------------------------------------------------


def _package(
    directory: Path,
    fields: list[dict[str, Any]],
    data: bytes,
    *,
    path: str = "data/t.csv",
    schema: dict[str, Any] | None = None,
    more: list[dict[str, Any]] | None = None,
) -> Path:
    (directory / "data").mkdir(parents=True, exist_ok=True)
    if data is not None and not path.startswith(("/", "..", "http")):
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    resource = {
        "name": "t",
        "path": path,
        "type": "table",
        "scheme": "file",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {"fields": fields, **(schema or {})},
    }
    descriptor = {"name": "p", "resources": [resource, *(more or [])]}
    (directory / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return directory


def _rules(structure: Structure) -> list[tuple[str, int | None, str | None]]:
    return [(f["rule"], f["row"], f["field"]) for f in structure.findings.iter_rows(named=True)]


def test_difference_eastern_arabic_digits_are_not_numbers(tmp_path: Path) -> None:
    """The contract: frictionless reads "٣٥٢" in an integer column as 352; integers and numbers
    are ASCII digits. The same holds for years, integer list items, and the year of a date
    (strptime's %Y takes any digit, its %m and %d ASCII digits only)."""
    fields = [
        {"name": "i", "type": "integer"},
        {"name": "x", "type": "number"},
        {"name": "y", "type": "year"},
        {"name": "d", "type": "date"},
        {"name": "l", "type": "list", "itemType": "integer"},
    ]
    data = 'i,x,y,d,l\n٣٥٢,١٫٥,٢٠١٤,٢٠١٤-08-08,"1,٢"\n352,1.5,2014,2014-08-08,"1,2"\n'
    data = data.replace("١٫٥", "١.٥")
    package = _package(tmp_path, fields, data.encode())
    assert frictionless_verdict(package / "datapackage.json") == Counter()
    structure = check_structure(load_package(package))
    assert _rules(structure) == [("type-error", 2, name) for name in ["i", "x", "y", "d", "l"]]
    assert structure.frames["t"].get_column("i").to_list() == [352]


def test_difference_unique_is_a_constraint_error(tmp_path: Path) -> None:
    """frictionless names a broken ``unique`` unique-error; the contract files it under
    constraint-error. The same cell is flagged."""
    fields = [{"name": "s", "type": "string", "constraints": {"unique": True}}]
    package = _package(tmp_path, fields, b"s\na\na\n")
    report = frictionless.validate(str(package / "datapackage.json"))
    assert [(e.type, e.row_number) for e in report.tasks[0].errors] == [("unique-error", 3)]
    structure = check_structure(load_package(package))
    assert _rules(structure) == [("constraint-error", 3, "s")]
    assert "unique" in structure.findings.get_column("message")[0]


def test_difference_a_missing_file_is_a_source_error(tmp_path: Path) -> None:
    """frictionless: scheme-error; the contract: source-error, naming the path."""
    package = _package(tmp_path, [{"name": "a", "type": "string"}], b"", path="data/gone.csv")
    (package / "data" / "gone.csv").unlink()
    report = frictionless.validate(str(package / "datapackage.json"))
    assert [e.type for e in report.tasks[0].errors] == ["scheme-error"]
    findings = check_structure(load_package(package)).findings
    assert findings.get_column("rule").to_list() == ["source-error"]
    assert "data/gone.csv" in findings.get_column("message")[0]


@pytest.mark.parametrize("path", ["/etc/hostname", "../outside.csv", "data/../../outside.csv"])
def test_unsafe_paths_are_refused_with_the_descriptor(tmp_path: Path, path: str) -> None:
    """Not a difference: frictionless refuses the package (resource-error: path is not safe)
    and so does load_package, before any data is read. read_table refuses them too, for a
    PackageSpec built some other way (tests/test_read.py)."""
    (tmp_path / "outside.csv").write_text("a\n1\n", encoding="utf-8")
    package = _package(tmp_path / "p", [{"name": "a", "type": "string"}], b"", path=path)
    report = frictionless.validate(str(package / "datapackage.json"))
    assert [e.type for e in report.errors] == ["resource-error"]
    with pytest.raises(DescriptorError, match="not safe"):
        load_package(package)


def test_difference_symlinks_out_of_the_package_are_refused(tmp_path: Path) -> None:
    """frictionless follows a symbolic link anywhere; we read only files inside the package."""
    (tmp_path / "secret.csv").write_text("a\n1\n", encoding="utf-8")
    package = _package(tmp_path / "p", [{"name": "a", "type": "string"}], b"", path="data/l.csv")
    (package / "data" / "l.csv").unlink()
    (package / "data" / "l.csv").symlink_to(tmp_path / "secret.csv")
    assert frictionless.validate(str(package / "datapackage.json")).valid
    findings = check_structure(load_package(package)).findings
    assert findings.get_column("rule").to_list() == ["source-error"]
    assert "outside the package" in findings.get_column("message")[0]


def test_difference_urls_are_not_fetched(tmp_path: Path) -> None:
    package = _package(
        tmp_path, [{"name": "a", "type": "string"}], b"", path="https://example.invalid/a.csv"
    )
    findings = check_structure(load_package(package)).findings
    assert findings.get_column("rule").to_list() == ["source-error"]
    assert "not fetched" in findings.get_column("message")[0]


def test_difference_no_row_is_checked_in_a_file_with_an_encoding_error(tmp_path: Path) -> None:
    """frictionless decodes in 8 KiB chunks: it checks the rows before the chunk that holds the
    bad byte, then reports encoding-error. We report the bad byte's line and check no row."""
    rows = b"y,bad\n" + b"".join(b"x,%d\n" % i for i in range(3000))
    package = _package(
        tmp_path,
        [{"name": "a", "type": "string"}, {"name": "n", "type": "integer"}],
        b"a,n\n" + rows + "z,دير\n".encode("windows-1256"),
    )
    report = frictionless.validate(str(package / "datapackage.json"))
    assert sorted({e.type for e in report.tasks[0].errors}) == ["encoding-error", "type-error"]
    structure = check_structure(load_package(package))
    assert _rules(structure) == [("encoding-error", None, None)]
    assert structure.findings.get_column("line")[0] == 3003
    assert structure.rows["t"] == 0


def test_difference_integers_beyond_64_bits(tmp_path: Path) -> None:
    """Python's int() has no limit; an Int64 column has. Larger integers are type-errors."""
    fields = [{"name": "n", "type": "integer"}]
    package = _package(tmp_path, fields, b"n\n9223372036854775807\n9223372036854775808\n")
    assert frictionless.validate(str(package / "datapackage.json")).valid
    assert _rules(check_structure(load_package(package))) == [("type-error", 3, "n")]


def test_difference_numbers_compare_as_64_bit_floats(tmp_path: Path) -> None:
    """frictionless compares Decimals; we compare float64. Numbers that differ only beyond the
    17th significant digit are equal for us."""
    fields = [
        {"name": "x", "type": "number", "constraints": {"unique": True, "maximum": 0.1}},
    ]
    package = _package(tmp_path, fields, b"x\n0.1\n0.10000000000000000001\n")
    report = frictionless.validate(str(package / "datapackage.json"))
    assert [(e.type, e.row_number) for e in report.tasks[0].errors] == [("constraint-error", 3)]
    assert _rules(check_structure(load_package(package))) == [("constraint-error", 3, "x")]
    message = check_structure(load_package(package)).findings.get_column("message")[0]
    assert '"unique"' in message  # frictionless: "maximum"


def test_difference_signalling_nan_is_a_frictionless_crash(tmp_path: Path) -> None:
    """A bug in frictionless: Decimal("sNaN") is read as a number, then any bound, enum or
    unique constraint raises decimal.InvalidOperation. We read it as NaN, which meets no bound."""
    fields = [{"name": "x", "type": "number", "constraints": {"minimum": 0}}]
    package = _package(tmp_path, fields, b"x\nsNaN\n1\n")
    with pytest.raises(Exception, match="InvalidOperation"):
        frictionless.validate(str(package / "datapackage.json"))
    assert _rules(check_structure(load_package(package))) == [("constraint-error", 2, "x")]


def test_difference_unique_lists_are_a_frictionless_crash(tmp_path: Path) -> None:
    """A bug in frictionless: ``unique`` on a list field raises TypeError (unhashable list).
    We compare the lists."""
    fields = [{"name": "l", "type": "list", "constraints": {"unique": True}}]
    package = _package(tmp_path, fields, b'l\n"a,b"\n"a,b"\n"b,a"\n')
    with pytest.raises(TypeError, match="unhashable"):
        frictionless.validate(str(package / "datapackage.json"))
    assert _rules(check_structure(load_package(package))) == [("constraint-error", 3, "l")]


def test_difference_duplicate_labels_matched_by_name(tmp_path: Path) -> None:
    """With fieldsMatch other than exact, frictionless stops on duplicate labels with an error
    of type "error"; we report duplicate-label. Neither checks a row."""
    fields = [{"name": "a", "type": "string"}, {"name": "b", "type": "integer"}]
    package = _package(tmp_path, fields, b"a,a\n1,x\n", schema={"fieldsMatch": "equal"})
    report = frictionless.validate(str(package / "datapackage.json"))
    assert [e.type for e in report.tasks[0].errors] == ["error"]
    assert _rules(check_structure(load_package(package))) == [("duplicate-label", 1, "a")]


def test_difference_foreign_key_to_an_unreadable_resource(tmp_path: Path) -> None:
    """frictionless cannot build the lookup and fails the referencing resource as a whole; we
    report the unreadable resource once and check the referencing one without that key."""
    fields = [{"name": "a", "type": "string"}, {"name": "n", "type": "integer"}]
    schema = {
        "foreignKeys": [{"fields": ["a"], "reference": {"resource": "refs", "fields": ["a"]}}]
    }
    refs = {"name": "refs", "path": "data/refs.csv", "schema": {"fields": [fields[0]]}}
    package = _package(tmp_path, fields, b"a,n\nq,x\n", schema=schema, more=[refs])
    report = frictionless.validate(str(package / "datapackage.json"))
    assert [[e.type for e in t.errors] for t in report.tasks] == [
        ["scheme-error"],
        ["scheme-error"],
    ]
    structure = check_structure(load_package(package))
    assert _rules(structure) == [("type-error", 2, "n"), ("source-error", None, None)]


def test_difference_unsupported_types_are_schema_errors(tmp_path: Path) -> None:
    """Types the claims package does not use (datetime, time, geopoint, ...) are not checked:
    a schema-error says so instead of passing them silently."""
    fields = [{"name": "t", "type": "datetime"}, {"name": "n", "type": "integer"}]
    package = _package(tmp_path, fields, b"t,n\nnot a time,1\n")
    assert not frictionless.validate(str(package / "datapackage.json")).valid
    assert _rules(check_structure(load_package(package))) == [("schema-error", None, None)]


def test_difference_inline_global_flags_are_a_frictionless_crash(tmp_path: Path) -> None:
    """A bug in frictionless: it compiles "^" + pattern + "$", and Python 3.11 refuses a global
    flag such as (?i) anywhere but at the start, so validate() raises re.error. We report a
    schema-error and check the rest."""
    fields = [
        {"name": "a", "type": "string", "constraints": {"pattern": "(?i)abc"}},
        {"name": "n", "type": "integer"},
    ]
    package = _package(tmp_path, fields, b"a,n\nABC,x\n")
    with pytest.raises(re.error, match="global flags"):
        frictionless.validate(str(package / "datapackage.json"))
    structure = check_structure(load_package(package))
    assert _rules(structure) == [("schema-error", None, None), ("type-error", 2, "n")]


def test_difference_only_plain_csv_is_read(tmp_path: Path) -> None:
    """frictionless also reads compressed files, other formats and inline data; the contract's
    resources are CSV files, so anything else is a source-error (not a silent pass)."""
    fields = [{"name": "a", "type": "integer"}]
    package = _package(tmp_path, fields, gzip.compress(b"a\nx\n"), path="data/t.csv.gz")
    report = frictionless.validate(str(package / "datapackage.json"))
    assert [e.type for e in report.tasks[0].errors] == ["type-error"]
    findings = check_structure(load_package(package)).findings
    assert findings.get_column("rule").to_list() == ["source-error"]
    assert "compressed" in findings.get_column("message")[0]
    inline = {"name": "inline", "data": [{"a": "x"}], "schema": {"fields": fields}}
    package = _package(tmp_path / "inline", fields, b"a\n1\n", more=[inline])
    findings = check_structure(load_package(package)).findings
    assert findings.select("rule", "resource").rows() == [("source-error", "inline")]
    dialect = {"name": "t2", "path": "data/t.csv", "dialect": {"commentChar": "#"}}
    package = _package(
        tmp_path / "dialect", fields, b"a\n#x\n", more=[{**dialect, "schema": {"fields": fields}}]
    )
    report = frictionless.validate(str(package / "datapackage.json"))
    assert [len(task.errors) for task in report.tasks] == [1, 0]  # t2 skips the comment
    findings = check_structure(load_package(package)).findings
    assert findings.select("rule", "resource").rows() == [
        ("type-error", "t"),
        ("source-error", "t2"),
    ]


def test_difference_a_resource_without_a_schema_is_a_schema_error(tmp_path: Path) -> None:
    """frictionless infers a schema from the data and checks the file against it (so the file
    is always valid against it); we check a file only against the schema its resource
    declares, and say in one finding that there is none (no extra-label per column)."""
    package = _package(tmp_path, [{"name": "a", "type": "integer"}], b"a,b\n1,x\n")
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    del descriptor["resources"][0]["schema"]
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert frictionless.validate(str(package / "datapackage.json")).valid
    findings = check_structure(load_package(package)).findings
    assert findings.select("rule", "resource").rows() == [("schema-error", "t")]
    assert "it has no schema" in findings.get_column("message")[0]


def test_difference_utf16_without_a_byte_order_mark_is_an_encoding_error(tmp_path: Path) -> None:
    """UTF-16 text of ASCII and Arabic letters has no byte over 0x7F, so it is valid UTF-8:
    frictionless reads it as such, a NUL in every other character, and reports the labels
    the NULs garble. We report one encoding-error that says it looks like UTF-16."""
    fields = [{"name": "a", "type": "string"}, {"name": "b", "type": "string"}]
    package = _package(tmp_path, fields, "a,b\nقتل,مدني\n".encode("utf-16-le"))
    report = frictionless.validate(str(package / "datapackage.json"))
    assert "encoding-error" not in {e.type for e in report.tasks[0].errors}
    assert not report.valid
    findings = check_structure(load_package(package)).findings
    assert findings.get_column("rule").to_list() == ["encoding-error"]
    assert "looks like UTF-16 (little-endian" in findings.get_column("message")[0]


def test_difference_a_constraint_value_not_of_its_type_is_a_schema_error(tmp_path: Path) -> None:
    """frictionless reads a bound with the field's reader and compares with what it gets: for
    "abc" on an integer, None, and validate() raises TypeError; an enum item it cannot read
    it drops without a word. Each is a schema-error here, and the field's other checks run."""
    fields = [
        {"name": "n", "type": "integer", "constraints": {"minimum": "abc", "maximum": 5}},
        {"name": "e", "type": "integer", "constraints": {"enum": ["x", 1, 2**70]}},
    ]
    package = _package(tmp_path, fields, b"n,e\n7,1\n1,2\n")
    with pytest.raises(TypeError, match="not supported between"):
        frictionless.validate(str(package / "datapackage.json"))
    structure = check_structure(load_package(package))
    assert _rules(structure) == [
        ("schema-error", None, None),
        ("schema-error", None, None),
        ("schema-error", None, None),
        ("constraint-error", 2, "n"),
        ("constraint-error", 3, "e"),
    ]
    messages = " ".join(structure.findings.get_column("message"))
    for said in ("minimum 'abc'", "the enum item 'x'", "the enum item 1180591620717411303424"):
        assert said in messages


def test_difference_a_pattern_past_its_cpu_limit_is_not_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """frictionless runs re.match on every cell without a limit: on (a+)+(?=b)$ and a cell of
    40 "a", for minutes. Python's re runs here under a limit of CPU time per value (made small
    for the test): past it, the pattern is not checked, and a schema-error says so; the values
    it decided keep frictionless's verdicts."""
    from casualty_schema.check import backtracking

    monkeypatch.setattr(backtracking, "CPU_LIMIT", 0.2)
    monkeypatch.setattr(backtracking, "_verdicts", type(backtracking._verdicts)())
    pattern = "(a+)+(?=b)$"
    fields = [{"name": "s", "type": "string", "constraints": {"pattern": pattern}}]
    package = _package(tmp_path, fields, b"s\nc\n" + b"a" * 40 + b"\n")
    structure = check_structure(load_package(package))
    assert _rules(structure) == [("schema-error", None, "s")]
    assert "on the value in row 3" in structure.findings.get_column("message")[0]
    assert backtracking.python_matches(pattern, ["c", "ab", "a" * 40]) == [False, False, None]
    fast = _package(tmp_path / "fast", fields, b"s\nc\naaab\n")
    assert _rules(check_structure(load_package(fast))) == [
        ("constraint-error", 2, "s"),
        ("constraint-error", 3, "s"),
    ]
    assert frictionless_verdict(fast / "datapackage.json") == Counter(
        {("t", 2, "s", "constraint-error"): 1, ("t", 3, "s", "constraint-error"): 1}
    )


def test_the_frictionless_5_dialect_is_read_as_frictionless_reads_it(tmp_path: Path) -> None:
    """Not a difference: frictionless 5's describe writes the CSV properties under "csv"; a
    property also given at the top level (the Data Package 1 form) wins."""
    fields = [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}]
    for dialect in ({"csv": {"delimiter": ";"}}, {"csv": {"delimiter": ","}, "delimiter": ";"}):
        package = _package(tmp_path / str(len(dialect)), fields, b"a;b\n1;x\n")
        descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
        descriptor["resources"][0]["dialect"] = dialect
        (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        expected = frictionless_verdict(package / "datapackage.json")
        assert expected == Counter({("t", 2, "b", "type-error"): 1})
        assert our_verdict(check_structure(load_package(package))) == expected
