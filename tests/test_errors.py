"""The error taxonomy: every structural finding is made from a registered error type, by its
constructor, in a module the type names — checked on the source, so that a new emitter of an
unregistered type fails here before any input reaches it."""

from __future__ import annotations

import ast
from pathlib import Path

import polars as pl
import pytest

from casualty_schema import template
from casualty_schema.errors import ERRORS, ErrorType, UnknownErrorType, error
from casualty_schema.findings import FINDING_SCHEMA, findings_frame

PACKAGE = Path(__file__).resolve().parent.parent / "casualty_schema"


def _modules() -> dict[str, ast.Module]:
    return {
        path.relative_to(PACKAGE).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def _error_calls(tree: ast.Module) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "error"
    ]


def test_every_error_call_names_a_registered_type_literally() -> None:
    for module, tree in _modules().items():
        for call in _error_calls(tree):
            assert len(call.args) == 1, (module, call.lineno)
            arg = call.args[0]
            literal = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            assert literal, f"{module}:{call.lineno}: error() takes the type's name as a literal"
            assert isinstance(arg, ast.Constant)
            assert arg.value in ERRORS, f"{module}:{call.lineno}: {arg.value!r} is not registered"


def test_each_type_is_emitted_exactly_where_it_says() -> None:
    emitted: dict[str, set[str]] = {}
    for module, tree in _modules().items():
        for call in _error_calls(tree):
            name = call.args[0]
            assert isinstance(name, ast.Constant)
            emitted.setdefault(str(name.value), set()).add(module)
    for kind in ERRORS.values():
        assert emitted.get(kind.type, set()) == set(kind.emitted_by), kind.type


def test_no_finding_is_written_by_hand() -> None:
    """No dict literal with a "rule" key outside the modules that build findings: every other
    finding goes through an error type's constructor (or a rule's)."""
    allowed = {"errors.py", "findings.py"}
    for module, tree in _modules().items():
        if module in allowed:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                assert "rule" not in keys, f"{module}:{node.lineno}: a finding written by hand"


def test_an_unregistered_type_is_refused() -> None:
    with pytest.raises(UnknownErrorType, match="not a registered error type"):
        error("no-such-error")


@pytest.mark.parametrize("kind", list(ERRORS.values()), ids=lambda k: k.type)
def test_one_finding_and_a_frame_of_them_say_the_same(kind: ErrorType) -> None:
    """The two constructors of a type fill its template alike: one template engine serves
    both, with the finding's own fields (row, field, value, ...) and the parameters."""
    own = {"resource", "path", "row", "line", "field", "key", "value"}
    params = {n: f"<{n}>" for n in template.fields(kind.template) if n not in own}
    one = kind.finding(resource="r", path="p.csv", row=2, line=3, field="f", value="v", **params)
    assert list(one) == list(FINDING_SCHEMA)
    assert "{" not in one["message"]
    frame = pl.DataFrame({"__row": [2], "__line": [3]})
    rows = kind.rows(
        frame,
        pl.lit(True),
        resource="r",
        path="p.csv",
        key=pl.lit(None, dtype=pl.String),
        field="f",
        value=pl.lit("v"),
        **params,
    )
    assert rows.to_dicts() == findings_frame([one]).to_dicts()
