"""The docs say what the code does: generated pages are current, every CLI option is documented."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from casualty_schema import catalogue
from casualty_schema.cli import app
from casualty_schema.render.catalogue import rules_markdown
from casualty_schema.rules import RULES

ROOT = Path(__file__).resolve().parent.parent


def test_rules_md_is_generated_from_the_registry() -> None:
    on_disk = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert on_disk == rules_markdown(), (
        "docs/rules.md is stale: "
        "run 'uv run casualty-schema rules --format markdown > docs/rules.md'"
    )


def test_the_catalogue_reads_the_declarations_as_the_registries_hold_them() -> None:
    """`casualty-schema rules` reads the declarations without importing the rules (and
    polars): what it reads is what the registries hold, in their order. A declaration it
    cannot read (not a literal) fails here: write it as a literal or a module constant."""
    assert catalogue.read_rules() == catalogue.registry_rules()
    assert catalogue.read_errors() == catalogue.registry_errors()
    assert [r.id for r in catalogue.rules()] == list(RULES)


def test_a_declaration_that_is_not_a_literal_is_read_from_the_registry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unreadable() -> None:
        raise catalogue.Unreadable("rules/quote.py: line 1: not a literal: f'{x}'")

    monkeypatch.setattr(catalogue, "read_rules", unreadable)
    monkeypatch.setattr(catalogue, "read_errors", unreadable)
    catalogue.rules.cache_clear()
    catalogue.errors.cache_clear()
    try:
        assert catalogue.rules() == catalogue.registry_rules()
        assert catalogue.errors() == catalogue.registry_errors()
    finally:
        catalogue.rules.cache_clear()
        catalogue.errors.cache_clear()


def test_every_rule_has_a_rationale() -> None:
    for rule in RULES.values():
        assert len(rule.rationale) > 40, rule.id


def test_every_command_and_option_is_documented() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    seen = 0
    pending = [("", group)]
    while pending:
        prefix, current = pending.pop()
        for name, command in getattr(current, "commands", {}).items():
            full = f"{prefix}{name}"
            seen += 1
            assert f"`casualty-schema {full}" in text, f"command {full} is not in docs/cli.md"
            for param in command.params:
                for opt in param.opts:
                    if opt.startswith("--"):
                        assert f"`{opt}" in text, f"{full} {opt} is not in docs/cli.md"
            pending.append((f"{full} ", command))
    assert seen >= 7, "the CLI lost commands?"


def test_every_rule_is_findable_from_its_id() -> None:
    """A newcomer finds rule family.name as function name in casualty_schema/rules/family.py."""
    for rule in RULES.values():
        path, func = rule.location.split("::")
        assert f"def {func}(" in (ROOT / path).read_text(encoding="utf-8"), rule.id


def test_the_architecture_page_names_every_module() -> None:
    """docs/architecture.md is the map: every module of casualty_schema/ is named on it, and
    every module it names exists."""
    import re

    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    package = ROOT / "casualty_schema"
    modules = {
        p.relative_to(package).as_posix()
        for p in package.rglob("*.py")
        if p.name not in ("__init__.py", "__main__.py") or p.parent.name == "render"
    }
    rows = [line for line in text.splitlines() if line.startswith("|")]
    named: set[str] = set()
    folder = ""
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        if len(cells) < 2:
            continue
        folder = cells[0].strip("`") if cells[0] and cells[0] != "top" else folder
        if cells[0] == "top":
            folder = ""
        for name in re.findall(r"`([a-z_<>]+\.py)`", cells[1]):
            named.add(f"{folder}{name}" if folder.endswith("/") else name)
    rules = {m for m in modules if m.startswith("rules/") and m != "rules/registry.py"}
    assert "rules/<family>.py" in named
    assert modules - rules - named == set(), "modules missing from docs/architecture.md"
    assert named - modules - {"rules/<family>.py"} == set(), "named but not in the package"
