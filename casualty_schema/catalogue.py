"""What a run can report, read from the declarations without running them: every consistency
rule (its ``@rule(...)`` and its docstring, in ``rules/<family>.py``) and every structural
error type (its ``ErrorType(...)`` in ``errors.py``).

``casualty-schema rules`` and ``docs/rules.md`` need only these declarations, but importing
the rules imports polars (a fifth of a second or more): so the declarations are read from
the source with :mod:`ast`, as literals — a string, a tuple, a module constant, a member of
``Severity`` — in the order ``rules/__init__.py`` imports the families. Anything else is
not read statically: then :func:`rules` and :func:`errors` import the registries
(:data:`casualty_schema.rules.RULES`, :data:`casualty_schema.errors.ERRORS`), which give
the same entries; ``tests/test_docs.py`` checks that both readings agree and that the static
one succeeds.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "ErrorEntry",
    "RuleEntry",
    "Unreadable",
    "errors",
    "read_errors",
    "read_rules",
    "registry_errors",
    "registry_rules",
    "rules",
]

_HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class RuleEntry:
    """A consistency rule as the catalogue lists it (the fields of
    :class:`casualty_schema.rules.Rule` it shows)."""

    id: str
    severity: str
    resource: str
    summary: str
    template: str
    rationale: str
    # resource -> the fields the rule reads; None: not declared (every canonical field)
    reads: Mapping[str, tuple[str, ...]] | None = None

    @property
    def location(self) -> str:
        """Where the rule is defined: ``casualty_schema/rules/<family>.py::<name>``."""
        family, name = self.id.split(".", 1)
        return f"casualty_schema/rules/{family}.py::{name.replace('-', '_')}"


@dataclass(frozen=True)
class ErrorEntry:
    """A structural error type (the fields of :class:`casualty_schema.errors.ErrorType`)."""

    type: str
    title: str
    severity: str
    template: str
    description: str
    emitted_by: tuple[str, ...]


class Unreadable(Exception):
    """A declaration that is not a literal :func:`read_rules` or :func:`read_errors` reads."""


@cache
def rules() -> tuple[RuleEntry, ...]:
    """Every consistency rule, in catalogue order: read statically, else from the registry."""
    try:
        return read_rules()
    except (Unreadable, OSError, SyntaxError):
        return registry_rules()


@cache
def errors() -> tuple[ErrorEntry, ...]:
    """Every structural error type, in catalogue order: read statically, else from the
    taxonomy."""
    try:
        return read_errors()
    except (Unreadable, OSError, SyntaxError):
        return registry_errors()


def registry_rules() -> tuple[RuleEntry, ...]:
    """The rules as :data:`casualty_schema.rules.RULES` has them (this imports polars)."""
    from casualty_schema.rules import RULES

    return tuple(
        RuleEntry(r.id, str(r.severity), r.resource, r.summary, r.template, r.rationale, r.reads)
        for r in RULES.values()
    )


def registry_errors() -> tuple[ErrorEntry, ...]:
    """The error types as :data:`casualty_schema.errors.ERRORS` has them."""
    from casualty_schema.errors import ERRORS

    return tuple(
        ErrorEntry(e.type, e.title, str(e.severity), e.template, e.description, e.emitted_by)
        for e in ERRORS.values()
    )


def read_rules() -> tuple[RuleEntry, ...]:
    """The rules' declarations, read from the source of the rule families."""
    names = _parameters(_module("rules/registry.py").function("rule"))
    found = []
    for family in _families():
        module = _module(f"rules/{family}.py")
        for node in module.tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and _name(decorator.func) == "rule":
                    texts = module.texts(decorator, names, _RULE_TEXTS)
                    reads = _reads(module.arguments(decorator, names).get("reads"), module)
                    rationale = ast.get_docstring(node) or ""
                    found.append(RuleEntry(**texts, rationale=rationale, reads=reads))
    return tuple(found)


_RULE_TEXTS = ("id", "severity", "resource", "summary", "template")
_ERROR_TEXTS = ("type", "title", "severity", "template", "description")


def read_errors() -> tuple[ErrorEntry, ...]:
    """The structural error types, read from the source of ``errors.py``."""
    module = _module("errors.py")
    names = _fields(module.class_def("ErrorType"))
    registry = module.assigned("ERRORS")
    if not (isinstance(registry, ast.Call) and _name(registry.func) == "_register"):
        raise Unreadable(f"{module.path}: ERRORS is not _register(ErrorType(...), ...)")
    found = []
    for call in registry.args:
        if not (isinstance(call, ast.Call) and _name(call.func) == "ErrorType"):
            raise Unreadable(f"{module.path}: line {call.lineno}: not ErrorType(...)")
        emitted = module.arguments(call, names).get("emitted_by")
        if not (isinstance(emitted, tuple) and all(isinstance(m, str) for m in emitted)):
            raise Unreadable(f"{module.path}: line {call.lineno}: emitted_by {emitted!r}")
        found.append(ErrorEntry(**module.texts(call, names, _ERROR_TEXTS), emitted_by=emitted))
    return tuple(found)


def _reads(value: Any, module: _Module) -> Mapping[str, tuple[str, ...]] | None:
    """A rule's ``reads``, as the registry keeps it (``{resource: (field, ...)}``)."""
    if value is None:
        return None
    if not isinstance(value, dict) or not all(
        isinstance(r, str) and isinstance(f, tuple) and all(isinstance(x, str) for x in f)
        for r, f in value.items()
    ):
        raise Unreadable(f"{module.path}: reads {value!r}")
    return {r: tuple(f) for r, f in value.items()}


def _families() -> list[str]:
    """The rule families, in the order ``rules/__init__.py`` imports them."""
    module = _module("rules/__init__.py")
    return [
        alias.name
        for node in module.tree.body
        if isinstance(node, ast.ImportFrom) and node.module == "casualty_schema.rules"
        for alias in node.names
    ]


def _name(node: ast.expr) -> str | None:
    return node.id if isinstance(node, ast.Name) else None


def _parameters(function: ast.FunctionDef) -> list[str]:
    return [a.arg for a in [*function.args.posonlyargs, *function.args.args]]


def _fields(class_def: ast.ClassDef) -> list[str]:
    """A dataclass's fields, in order."""
    return [
        node.target.id
        for node in class_def.body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    ]


@cache
def _module(path: str) -> _Module:
    """A source file of this package, by its path under ``casualty_schema/``, parsed once."""
    return _Module(_HERE / path)


class _Module:
    """One source file of the package, and the literal values of its module-level names."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    def _top(self, name: str) -> ast.stmt | None:
        for node in self.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
                return node
        return None

    def function(self, name: str) -> ast.FunctionDef:
        node = self._top(name)
        if not isinstance(node, ast.FunctionDef):
            raise Unreadable(f"{self.path}: no function {name}")
        return node

    def class_def(self, name: str) -> ast.ClassDef:
        node = self._top(name)
        if not isinstance(node, ast.ClassDef):
            raise Unreadable(f"{self.path}: no class {name}")
        return node

    def assigned(self, name: str) -> ast.expr:
        """The expression last assigned to ``name`` at module level (``a, b = x, y`` too)."""
        found: ast.expr | None = None
        for node in self.tree.body:
            targets: Sequence[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            for target in targets:
                if _name(target) == name:
                    found = value
                elif isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple):
                    for t, v in zip(target.elts, value.elts, strict=True):
                        if _name(t) == name:
                            found = v
        if found is None:
            raise Unreadable(f"{self.path}: no module-level {name}")
        return found

    def imported(self, name: str) -> _Module | None:
        """The module of this package that ``from casualty_schema.x import name`` reads."""
        for node in self.tree.body:
            if not isinstance(node, ast.ImportFrom) or node.module is None:
                continue
            home = node.module.split(".")
            if home[0] == "casualty_schema" and any(
                a.name == name and a.asname is None for a in node.names
            ):
                return _module("/".join(home[1:]) + ".py")
        return None

    def texts(self, call: ast.Call, names: Sequence[str], wanted: Sequence[str]) -> dict[str, str]:
        """The arguments ``wanted`` of a call, each a text."""
        given = self.arguments(call, names)
        texts = {name: given.get(name) for name in wanted}
        if not all(isinstance(v, str) for v in texts.values()):
            raise Unreadable(f"{self.path}: line {call.lineno}: {texts!r}")
        return {name: str(v) for name, v in texts.items()}

    def arguments(self, call: ast.Call, names: Sequence[str]) -> dict[str, Any]:
        """The literal values of a call's arguments, by parameter name."""
        if len(call.args) > len(names) or any(k.arg is None for k in call.keywords):
            raise Unreadable(f"{self.path}: line {call.lineno}: unexpected arguments")
        given = dict(zip(names, (self.value(a) for a in call.args), strict=False))
        given.update({str(k.arg): self.value(k.value) for k in call.keywords})
        return given

    def value(self, node: ast.expr) -> Any:
        """A literal: a constant, a tuple or list of literals (a starred one unpacked), a dict
        of them, a module-level name bound to one, two strings joined by ``+``, or a member of
        an enum class (``Severity.ERROR``)."""
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, (ast.Tuple, ast.List)):
            items: list[Any] = []
            for e in node.elts:  # a starred name of a tuple is unpacked: (*GROUP, "places")
                items += (
                    list(self.value(e.value)) if isinstance(e, ast.Starred) else [self.value(e)]
                )
            return tuple(items)
        if isinstance(node, ast.Dict):
            mapping: dict[Any, Any] = {}
            for k, v in zip(node.keys, node.values, strict=True):
                if k is None:  # {**OTHER, ...}: a dict of literals unpacked
                    unpacked = self.value(v)
                    if not isinstance(unpacked, dict):
                        raise Unreadable(f"{self.path}: line {v.lineno}: ** of {unpacked!r}")
                    mapping.update(unpacked)
                else:
                    mapping[self.value(k)] = self.value(v)
            return mapping
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.value(node.left), self.value(node.right)
            if isinstance(left, str) and isinstance(right, str):
                return left + right
        if (
            isinstance(node, ast.Name)
            and self._top(node.id) is None
            and self.imported(node.id) is None
        ):
            return self.value(self.assigned(node.id))
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            home = self if self._top(node.value.id) else self.imported(node.value.id)
            if home is not None:
                return home._member(node.value.id, node.attr)
        raise Unreadable(f"{self.path}: line {node.lineno}: not a literal: {ast.unparse(node)}")

    def _member(self, class_name: str, member: str) -> Any:
        """The value of an enum member: ``MEMBER = "value"`` in the class body."""
        for node in self.class_def(class_name).body:
            if (
                isinstance(node, ast.Assign)
                and [_name(t) for t in node.targets] == [member]
                and isinstance(node.value, ast.Constant)
            ):
                return node.value.value
        raise Unreadable(f"{self.path}: {class_name}.{member}")
