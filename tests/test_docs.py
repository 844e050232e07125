"""The docs say what the code does: generated pages are current, every CLI option is documented."""

from __future__ import annotations

from pathlib import Path

import typer.main

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
