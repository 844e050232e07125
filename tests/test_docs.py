"""The docs say what the code does: generated pages are current, every CLI option is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main

from casualty_schema import catalogue, validate
from casualty_schema.cli import app
from casualty_schema.downstream.init import init_package
from casualty_schema.render import CATALOGUE_FORMATS, DIFF_FORMATS, EXTRACT_FORMATS, REPORT_FORMATS
from casualty_schema.render.catalogue import rules_markdown
from casualty_schema.render.text import verdict
from casualty_schema.rules import RULES
from tests.builder import PackageCopy

ROOT = Path(__file__).resolve().parent.parent


def cli_sections() -> dict[str, str]:
    """docs/cli.md by command: "validate", "schema export", … -> the text of its section."""
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    sections = {}
    for part in re.split(r"(?m)^## `casualty-schema ", text)[1:]:
        heading, _, body = part.partition("\n")
        words = heading.rstrip("`").split()
        name = " ".join(w for w in words if not w.isupper() and not w.startswith("["))
        sections[name] = body
    return sections


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
    """Each command has its section in docs/cli.md, each of its options is in that section,
    and so is each format of its --format."""
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    sections = cli_sections()
    group = typer.main.get_command(app)
    seen = 0
    pending = [("", group)]
    while pending:
        prefix, current = pending.pop()
        for name, command in getattr(current, "commands", {}).items():
            full = f"{prefix}{name}"
            seen += 1
            assert f"`casualty-schema {full}" in text, f"command {full} is not in docs/cli.md"
            section = sections.get(full, "")
            for param in command.params:
                for opt in param.opts:
                    if opt.startswith("--"):
                        assert f"`{opt}" in section, f"{full} {opt} is not in its section"
            pending.append((f"{full} ", command))
    assert seen >= 7, "the CLI lost commands?"
    for command, formats in (
        ("validate", REPORT_FORMATS), ("diff", DIFF_FORMATS), ("rules", CATALOGUE_FORMATS),
        ("extract", EXTRACT_FORMATS),
    ):  # fmt: skip
        for name in formats:
            assert f"`{name}`" in sections[command], f"{command} --format {name} is undocumented"


def test_the_readme_verdict_line_is_what_validate_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's example states no count that goes stale ("17 rules" where 19 ran)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (line,) = [x for x in readme.splitlines() if x.startswith("datapackage.json: valid")]
    pattern = re.escape(line).replace("<rows>", r"\d+").replace("<rules>", r"\d+")
    monkeypatch.chdir(ROOT)
    assert re.fullmatch(pattern, verdict(validate(Path("datapackage.json"))).strip())


def _python_examples() -> list[tuple[str, str]]:
    examples = []
    for page in sorted((ROOT / "docs").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        for i, code in enumerate(re.findall(r"(?ms)^```python\n(.*?)^```", text)):
            examples.append((f"{page.name}#{i + 1}", code))
    return examples


@pytest.mark.parametrize(
    ("where", "code"), _python_examples(), ids=[w for w, _ in _python_examples()]
)
def test_the_code_examples_in_docs_run(
    where: str, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every ```python block of docs/ runs as written, in a directory holding a copy of the
    bundled package (datapackage.json, data/) and a new package my-claims/ (docs/downstream.md)."""
    PackageCopy(tmp_path)
    init_package(tmp_path / "my-claims")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, where, "exec"), {"__name__": "__docs__"})


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
