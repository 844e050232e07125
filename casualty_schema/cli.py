"""The ``casualty-schema`` command: parses arguments and calls the library, nothing more.

Each command imports what it calls when it runs (polars, frictionless and pandera are never
imported at start-up), so that ``--version``, ``--help``, ``rules`` and usage errors cost
the interpreter, typer and the package's own light modules only
(``tests/test_cli.py::test_start_up_imports`` checks it)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from contextlib import nullcontext
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

import typer

from casualty_schema import __version__
from casualty_schema.render import (
    CATALOGUE_FORMATS,
    DEFAULT,
    DIFF_FORMATS,
    REPORT_FORMATS,
    Limit,
    render,
)

app = typer.Typer(
    name="casualty-schema",
    help="Validate and release the casualty-claims data package.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _choices(name: str, names: Iterable[str]) -> type[StrEnum]:
    """The choices of a --format option, from the renderers' registry."""
    return StrEnum(name, {n: n for n in names})  # type: ignore[return-value]


if TYPE_CHECKING:  # the choices are built at run time; to the type checker they are text
    Format: TypeAlias = str
    DiffFormat: TypeAlias = str
    CatalogueFormat: TypeAlias = str
else:
    Format = _choices("Format", REPORT_FORMATS)
    DiffFormat = _choices("DiffFormat", DIFF_FORMATS)
    CatalogueFormat = _choices("CatalogueFormat", CATALOGUE_FORMATS)
TEXT, DIFF_TEXT, CATALOGUE_TEXT = Format("text"), DiffFormat("text"), CatalogueFormat("text")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"casualty-schema {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Validate and release the casualty-claims data package."""


def _fail(message: str) -> typer.Exit:
    """Say what is wrong on standard error, one unwrapped line; exit status 2."""
    from rich.console import Console

    Console(stderr=True, soft_wrap=True).print(f"error: {message}", markup=False)
    return typer.Exit(2)


def _spinner(message: str) -> Any:
    """rich's status spinner on standard error (rich is imported only for a terminal)."""
    from rich.console import Console

    return Console(stderr=True).status(message)


def _limit(value: int | None) -> Limit:
    """--limit: not given, the format's default; 0, everything; N, at most N."""
    if value is None:
        return DEFAULT
    return None if value == 0 else value


def _names(values: list[str] | None) -> list[str]:
    """Rule names from repeated options, each possibly comma-separated."""
    return [n.strip() for v in values or [] for n in v.split(",") if n.strip()]


@app.command()
def validate(
    package: Annotated[
        Path, typer.Argument(help="The package: a datapackage.json or its directory.")
    ] = Path("datapackage.json"),
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = TEXT,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings make it invalid.")] = False,
    select: Annotated[
        list[str] | None,
        typer.Option("--select", help="Run only these rules (ids or families such as dates)."),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", help="Skip these rules or structural error types."),
    ] = None,
    changed_since: Annotated[
        str | None,
        typer.Option(
            "--changed-since",
            metavar="REF",
            help="Report only findings on rows added or changed since this git ref "
            "(every check still runs on the whole package).",
        ),
    ] = None,
    allow_remote: Annotated[
        bool,
        typer.Option(
            "--allow-remote",
            help="Fetch resources given by http(s) URL (refused by default: see docs/security.md).",
        ),
    ] = False,
    summary: Annotated[
        Path | None,
        typer.Option(
            "--summary",
            metavar="FILE",
            help="Also append the Markdown report to FILE (in GitHub Actions: "
            "$GITHUB_STEP_SUMMARY), from the same run.",
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            help="Findings listed per file and rule (text), in all (markdown, json), or per "
            "severity (github); 0 lists all. Whatever is left out is counted.",
        ),
    ] = None,
) -> None:
    """Validate a data package (default: ./datapackage.json).

    Exit status: 0 valid, 1 invalid, 2 unusable input or usage error."""
    from casualty_schema.api import validate as validate_package
    from casualty_schema.package.source import SourceError
    from casualty_schema.pipeline import UnknownRuleError

    show_progress = sys.stderr.isatty() and str(fmt) != "json"
    status = _spinner("validating…") if show_progress else nullcontext()
    try:
        with status as spinner:
            report = validate_package(
                package,
                select=_names(select),
                ignore=_names(ignore),
                strict=strict,
                changed_since=changed_since,
                allow_remote=allow_remote,
                progress=(lambda m: spinner.update(m)) if spinner is not None else None,
            )
    except (UnknownRuleError, SourceError) as error:
        raise _fail(str(error)) from None
    color = str(fmt) == "text" and sys.stdout.isatty()
    sys.stdout.write(render(report, str(fmt), limit=_limit(limit), color=color))
    if summary is not None:
        with summary.open("a", encoding="utf-8") as fh:
            fh.write(render(report, "markdown"))
    raise typer.Exit(report.exit_code)


@app.command()
def rules(
    fmt: Annotated[
        CatalogueFormat, typer.Option("--format", "-f", help="Output format.")
    ] = CATALOGUE_TEXT,
) -> None:
    """List the rule catalogue: id, severity and what each rule checks."""
    from casualty_schema.render.catalogue import render_catalogue

    sys.stdout.write(render_catalogue(str(fmt)))


class BumpLevel(StrEnum):
    major = "major"
    minor = "minor"
    patch = "patch"


@app.command()
def diff(
    old: Annotated[
        str, typer.Argument(help="A package directory, datapackage.json, release zip or git ref.")
    ],
    new: Annotated[
        str, typer.Argument(help="A package directory, datapackage.json, release zip or git ref.")
    ],
    fmt: Annotated[DiffFormat, typer.Option("--format", "-f", help="Output format.")] = DIFF_TEXT,
    fail_on: Annotated[
        BumpLevel | None,
        typer.Option("--fail-on", help="Exit 1 when the required bump is at least this."),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", help="Rows listed per resource and kind (text, markdown); 0 lists all."
        ),
    ] = None,
) -> None:
    """What changed from OLD to NEW (schema and data) and the version bump it needs.

    Exit status: 0, or 1 with --fail-on when the bump is that large; 2 unreadable input."""
    from casualty_schema.compare.diff import Bump, diff_packages
    from casualty_schema.package.source import SourceError
    from casualty_schema.render import render_diff

    try:
        result = diff_packages(old, new)
    except SourceError as error:
        raise _fail(str(error)) from None
    sys.stdout.write(render_diff(result, str(fmt), limit=_limit(limit)))
    failed = fail_on is not None and result.required_bump >= Bump.parse(fail_on.value)
    raise typer.Exit(1 if failed else 0)


@app.command()
def release(
    package: Annotated[
        Path, typer.Argument(help="The package: its directory or its datapackage.json.")
    ] = Path("."),
    bump: Annotated[
        BumpLevel | None, typer.Option("--bump", help="Bump the baseline's version.")
    ] = None,
    version: Annotated[
        str | None, typer.Option("--version", help="Release this version (X.Y.Z).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Where the archive goes (default: dist/ beside the package)."),
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option("--baseline", help="Compare with this (default: the newest v* tag)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and build, but change nothing.")
    ] = False,
    tag: Annotated[
        bool, typer.Option("--tag", help="Commit the release and tag it v<version>.")
    ] = False,
) -> None:
    """Validate, diff against the baseline, check the bump, and write the release.

    Exit status: 0 released, 1 refused (invalid data, a too-small bump, an existing
    version), 2 unusable input or usage error."""
    from casualty_schema.release import ReleaseError, ReleaseRefused, make_release
    from casualty_schema.render.release import RECOVERED, refusal_text, result_text

    try:
        result = make_release(
            package,
            bump=bump.value if bump is not None else None,
            version=version,
            out=out,
            baseline=baseline,
            dry_run=dry_run,
            tag=tag,
        )
    except ReleaseRefused as refusal:
        sys.stderr.write(refusal_text(refusal))
        raise typer.Exit(1) from None
    except (ReleaseError, OSError) as error:
        raise _fail(str(error)) from None
    if result.recovered:
        sys.stderr.write(RECOVERED + "\n")
    sys.stdout.write(result_text(result))


class SchemaFormat(StrEnum):
    table_schema = "table-schema"
    json_schema = "json-schema"


schema_app = typer.Typer(help="The canonical schema, for consumers outside Python.")
app.add_typer(schema_app, name="schema")


@schema_app.command("export")
def schema_export(
    resource: Annotated[
        str | None, typer.Argument(help="One resource (default: all, keyed by name).")
    ] = None,
    fmt: Annotated[
        SchemaFormat, typer.Option("--format", "-f", help="Table Schema or JSON Schema.")
    ] = SchemaFormat.table_schema,
) -> None:
    """Write the canonical schema of the installed version as JSON on standard output."""
    from casualty_schema.downstream.init import export_schemas

    try:
        exported = export_schemas(resource, fmt.value)
    except KeyError as error:
        raise _fail(str(error.args[0])) from None
    sys.stdout.write(json.dumps(exported, ensure_ascii=False, indent=2) + "\n")


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Where to create the package.")],
    name: Annotated[
        str | None, typer.Option("--name", help="The package name (default: the directory's).")
    ] = None,
) -> None:
    """Create an empty, valid package on the current schema version, for a new project."""
    from casualty_schema.downstream.init import InitError, init_package

    try:
        path = init_package(directory, name)
    except InitError as error:
        raise _fail(str(error)) from None
    typer.echo(f"created {path}: validate it with 'casualty-schema validate {path.parent}'")


def main() -> None:
    app()
