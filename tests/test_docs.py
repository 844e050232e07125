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


def test_every_security_promise_names_tests_that_exist() -> None:
    """docs/security.md states each promise with the tests that hold it: every row of its
    tables names at least one, and each one named exists (``file.py::test``, then bare test
    names of the same file; ``corpus/case``, then bare case names)."""
    import re

    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    corpus = ROOT / "tests" / "corpus" / "hostile"
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    checked = 0
    for row in rows:
        held_by = row.rstrip().rstrip("|").rsplit(" | ", 1)[-1].strip()
        if held_by == "held by":
            continue
        names = re.findall(r"`([^`]+)`", held_by)
        assert names, f"a promise without a test: {row}"
        source, in_corpus = "", False
        for name in names:
            if "::" in name:
                file, name = name.split("::")
                source, in_corpus = (ROOT / "tests" / file).read_text(encoding="utf-8"), False
            elif name.startswith("corpus/"):
                name, in_corpus = name.removeprefix("corpus/"), True
            if in_corpus:
                assert (corpus / name / "case.json").is_file(), f"no corpus case {name}"
            else:
                assert f"def {name}(" in source, f"no test {name}: {row}"
            checked += 1
    assert checked >= 60
