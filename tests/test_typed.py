"""A repetitive column is read once per distinct text (check/typed.py) and its constraints
checked once per distinct value (check/cells.py): the same frame and the same findings as
reading and checking every cell (the oracle: the path every small file takes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from casualty_schema.check import cells, csv, typed
from casualty_schema.package.descriptor import load_package

FIELDS: list[dict[str, Any]] = [
    {"name": "id", "type": "string", "constraints": {"pattern": "[a-z]+(-[a-z0-9]+)*"}},
    {"name": "n", "type": "integer", "constraints": {"minimum": 0, "maximum": 50}},
    {"name": "x", "type": "number", "constraints": {"maximum": 2.5}},
    {"name": "d", "type": "date", "constraints": {"minimum": "2015-01-01"}},
    {"name": "y", "type": "year"},
    {"name": "b", "type": "boolean"},
    {"name": "places", "type": "list", "delimiter": ";", "constraints": {"minLength": 1}},
    {"name": "q", "type": "string", "constraints": {"enum": ["exact", "about", "range"]}},
    {"name": "u", "type": "string", "format": "uri", "constraints": {"maxLength": 12}},
]
TEXTS = {
    "id": ["a", "a-1", "B", " a", "a--b", "", "ab-c9"],
    "n": ["1", "01", " 7 ", "1_000", "-3", "51", "x", "", "٣", "1,302"],
    "x": ["1.5", "2.5", "nan", "-inf", "1e3", ".5", "", "a"],
    "d": ["2015-01-01", "2014-12-31", "2015-2-3", "2015-02-30", "", "2015-01- 1"],
    "y": ["2015", "0000", "15", "２０15", "", " 201"],
    "b": ["true", "false", "yes", "1", "", "TRUE"],
    "places": ["a", "a;b", "", "a;", ";", "b;a;c"],
    "q": ["exact", "about", "Exact", "", "range"],
    "u": ["http://a.b", "a:b", "no scheme", "", "https://longer.example"],
}


def _package(tmp_path: Path, rows: list[list[str]]) -> tuple[Any, Any]:
    (tmp_path / "data").mkdir(parents=True, exist_ok=True)
    lines = [",".join(f["name"] for f in FIELDS)]
    lines += [",".join(f'"{c}"' for c in row) for row in rows]
    (tmp_path / "data" / "t.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    descriptor = {
        "name": "p",
        "resources": [{"name": "t", "path": "data/t.csv", "schema": {"fields": FIELDS}}],
    }
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    package = load_package(tmp_path, check_profile=False)
    return package, package.resources["t"]


def _both(tmp_path: Path, rows: list[list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    package, resource = _package(tmp_path, rows)
    table = csv.read_table(package, resource)
    with monkeypatch.context() as m:
        m.setattr(typed, "repetitive", lambda column: False)
        m.setattr(cells, "repetitive", lambda column: False)
        each = typed.typed(table)
        each_found = cells.cell_findings(each)
    with monkeypatch.context() as m:
        m.setattr(typed, "repetitive", lambda column: True)
        m.setattr(cells, "repetitive", lambda column: True)
        distinct = typed.typed(table)
        distinct_found = cells.cell_findings(distinct)
    assert_frame_equal(distinct.frame, each.frame)
    assert_frame_equal(distinct_found, each_found)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    rows=st.lists(
        st.tuples(*(st.sampled_from(TEXTS[f["name"]]) for f in FIELDS)).map(list),
        min_size=1,
        max_size=30,
    )
)
def test_distinct_reading_and_checking_agree_with_every_cell(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, rows: list[list[str]]
) -> None:
    _both(tmp_path_factory.mktemp("p"), rows, monkeypatch)


def test_a_blank_row_and_short_rows_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [[TEXTS[f["name"]][i % len(TEXTS[f["name"]])] for f in FIELDS] for i in range(12)]
    rows.append([""] * len(FIELDS))
    _both(tmp_path, rows, monkeypatch)


def test_repetitive_looks_at_the_first_rows() -> None:
    few = pl.Series(["a", "b"] * typed.SAMPLE_ROWS)
    many = pl.Series([str(i) for i in range(2 * typed.SAMPLE_ROWS)])
    assert typed.repetitive(few)
    assert not typed.repetitive(many)
    assert not typed.repetitive(few.head(typed.SAMPLE_ROWS))  # small: not worth it
