"""Property tests: the validator survives anything a table can hold, and its findings do not
depend on the order of the rows."""

from __future__ import annotations

import csv
import io
import random
import re
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from casualty_schema import validate
from casualty_schema.report import Report
from tests.builder import copy_bundled

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 22)
RESOURCES = ("claims", "sources", "actors", "metrics", "places", "relations")

# Cells drawn from what breaks readers: digits of three scripts, separators, quotes, line
# breaks, formulas, Arabic, partial dates, ids of the seed data.
SEED_IDS = ["syria", "iraq", "raqqa", "cjtf-oir", "coalition", "civilian-deaths", "airstrikes"]
cells = st.one_of(
    st.sampled_from(["", " ", "0", "-1", "352", "٣٥٢", "34,502", "20 ألف", "true", "2017-02-30",
                     "2014-08", "2019", "exact", "vague", "at_least", '"', "\n", "a,b", "=1+1",
                     *SEED_IDS]),
    st.text(max_size=12),
)  # fmt: skip


def _copy() -> Path:
    root = Path(tempfile.mkdtemp(prefix="casualty-props-"))
    copy_bundled(root)
    return root


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


# Frictionless reports the later of two rows that share a key (primary-key, unique): which
# one is later is the order. Documented in docs/structure.md; every other finding is
# independent of the order of the rows, but for the position a row-shape message names
# ("Row at position "2" is completely blank", frictionless's wording; a lone carriage
# return in a cell splits a row into such rows).
ORDER_BOUND = {"primary-key"}
ROW_POSITION = re.compile(r'Row at position "[0-9]+"')


def _unpositioned(message: str | None) -> str:
    return ROW_POSITION.sub('Row at position "#"', message or "")


def _signature(report: Report) -> list[tuple[object, ...]]:
    """Findings without their position: what they say, about which row (by key)."""
    return sorted(
        (f.rule, f.severity, f.resource, f.field, f.key, f.value, _unpositioned(f.message))
        for f in report.findings
        if f.rule not in ORDER_BOUND and "unique" not in (f.message or "")
    )


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    resource=st.sampled_from(RESOURCES),
    rows=st.lists(st.lists(cells, min_size=0, max_size=20), min_size=0, max_size=6),
    keep_header=st.booleans(),
)
# labels polars would read as a pattern: "*" selects every column, "^...$" a regex
@example(resource="relations", rows=[[], [""] * 6, ["", "", "", "", "*"]], keep_header=False)
@example(resource="actors", rows=[["^a$", "*"], ["x", "y"]], keep_header=False)
def test_random_tables_never_crash(resource: str, rows: list[list[str]], keep_header: bool) -> None:
    root = _copy()
    try:
        path = root / "data" / f"{resource}.csv"
        header = _read(path)[0]
        _write(path, ([header] if keep_header else []) + rows)
        report = validate(root, today=TODAY)
        assert report.exit_code in (0, 1, 2)
        for finding in report.findings:
            assert finding.message
            assert finding.rule
    finally:
        shutil.rmtree(root)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    resource=st.sampled_from(["claims", "relations", "places"]),
    damage=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 20), cells), max_size=4),
    copies=st.lists(st.integers(0, 40), max_size=3),
)
@example(seed=0, resource="claims", damage=[(0, 0, "\r")], copies=[])
@example(seed=0, resource="claims", damage=[(0, 0, "0\r")], copies=[])
def test_findings_do_not_depend_on_row_order(
    seed: int, resource: str, damage: list[tuple[int, int, str]], copies: list[int]
) -> None:
    root = _copy()
    try:
        claims = root / "data" / "claims.csv"
        rows = _read(claims)
        for r, c, value in damage:  # some damage, so that there is something to find
            row = rows[1 + r % (len(rows) - 1)]
            row[c % len(row)] = value
        for i, r in enumerate(copies):  # duplicates of a claim under new ids
            copy = list(rows[1 + r % (len(rows) - 1)])
            copy[0] = f"copy-{i}-{copy[0]}"
            rows.append(copy)
        _write(claims, rows)
        before = validate(root, today=TODAY)
        path = root / "data" / f"{resource}.csv"
        table = _read(path)
        body = table[1:]
        random.Random(seed).shuffle(body)
        _write(path, [table[0], *body])
        after = validate(root, today=TODAY)
        assert _signature(before) == _signature(after)
    finally:
        shutil.rmtree(root)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found += _paths(v, (*prefix, i))
    return found


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), value=json_values)
def test_random_descriptors_never_crash(data: st.DataObject, value: object) -> None:
    """Any value at any place of the descriptor: findings or a package-error, never a raise."""
    import json

    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    path = data.draw(st.sampled_from(_paths(descriptor)[1:]))
    node = descriptor
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    root = _copy()
    try:
        (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        report = validate(root, today=TODAY)
        assert report.exit_code in (0, 1, 2)
    finally:
        shutil.rmtree(root)
