"""The ``casualty-schema`` command: parses arguments and calls the library, nothing more.

Each command imports what it calls when it runs (polars, frictionless and pandera are never
imported at start-up), so that ``--version``, ``--help``, ``rules`` and usage errors cost
the interpreter, typer and the package's own light modules only
(``tests/test_cli.py::test_start_up_imports`` checks it)."""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

import typer
import typer.core

from casualty_schema import __version__
from casualty_schema.render import (
    CATALOGUE_FORMATS,
    DEFAULT,
    DIFF_FORMATS,
    EXTRACT_FORMATS,
    REPORT_FORMATS,
    Limit,
    render,
)
from casualty_schema.render.terminal import COLOR_CHOICES, Style


def _no_placeholder_for_flags(params: list[Any]) -> list[Any]:
    """A flag takes no value, so its help shows none: typer (0.29) gives every option a
    "type" column in its rich help, flags included (``--strict <bool>``, ``--help <bool>``),
    unless the option has a metavar; an empty one shows nothing."""
    for param in params:
        if isinstance(param, typer.core.TyperOption) and param.is_flag and param.metavar is None:
            param.metavar = ""
    return params


class _Command(typer.core.TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return _no_placeholder_for_flags(super().get_params(ctx))


class _Group(typer.core.TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _no_placeholder_for_flags(super().get_params(ctx))


app = typer.Typer(
    name="casualty-schema",
    help="Validate and release the casualty-claims data package.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=_Group,
)


def _choices(name: str, names: Iterable[str]) -> type[StrEnum]:
    """The choices of a --format option, from the renderers' registry."""
    return StrEnum(name, {n: n for n in names})  # type: ignore[return-value]


def _listed(names: Iterable[str]) -> str:
    """Choices as help text that wraps between words: "text, json or github"."""
    names = list(names)
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else "".join(names)


if TYPE_CHECKING:  # the choices are built at run time; to the type checker they are text
    Format: TypeAlias = str
    DiffFormat: TypeAlias = str
    CatalogueFormat: TypeAlias = str
    ExtractFormat: TypeAlias = str
    Color: TypeAlias = str
else:
    Format = _choices("Format", REPORT_FORMATS)
    DiffFormat = _choices("DiffFormat", DIFF_FORMATS)
    CatalogueFormat = _choices("CatalogueFormat", CATALOGUE_FORMATS)
    ExtractFormat = _choices("ExtractFormat", EXTRACT_FORMATS)
    Color = _choices("Color", COLOR_CHOICES)
TEXT, DIFF_TEXT, CATALOGUE_TEXT = Format("text"), DiffFormat("text"), CatalogueFormat("text")
EXTRACT_TEXT = ExtractFormat("text")
AUTO = Color("auto")
#: What a value given to a flag looks like: ``--strict true`` reads "true" as the package.
FLAG_VALUES = frozenset({"true", "false", "yes", "no", "on", "off", "1", "0"})


def _version(value: bool) -> None:
    if value:
        typer.echo(f"casualty-schema {__version__}")
        raise typer.Exit()


def _encodable_streams() -> None:
    """Standard output and error in an encoding that cannot hold every character
    (``PYTHONIOENCODING=ascii``, a Windows console's code page) write what it cannot hold as
    a backslash escape (``\u2014``, which JSON reads back) rather than raise a
    UnicodeEncodeError: a traceback, and exit 1, read as "invalid"."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="backslashreplace")


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Validate and release the casualty-claims data package."""
    _encodable_streams()


def _fail(message: str) -> typer.Exit:
    """Say what is wrong on standard error, one unwrapped line; exit status 2."""
    from rich.console import Console

    Console(stderr=True, soft_wrap=True).print(f"error: {message}", markup=False)
    return typer.Exit(2)


def _path(value: str) -> Path:
    """A path argument or option: an empty one is a usage error, never the current
    directory (``init "$DIR"``, ``release --out "$DIST"`` with the variable unset wrote there)."""
    if not value:
        raise typer.BadParameter("empty: give a path (a variable that was to hold one is empty?)")
    return Path(value)


def _limit(value: int | None) -> Limit:
    """--limit: not given, the format's default; 0, everything; N, at most N."""
    if value is None:
        return DEFAULT
    return None if value == 0 else value


def _names(values: list[str] | None) -> list[str]:
    """Rule names from repeated options, each possibly comma-separated."""
    return [n.strip() for v in values or [] for n in v.split(",") if n.strip()]


def _write_atomically(path: Path, text: str) -> None:
    """``text`` into ``path`` whole or not at all: written beside it, then renamed over it."""
    directory = path.resolve().parent
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _cannot_write(error: OSError, path: Path | None) -> typer.Exit:
    return _fail(f"cannot write {error.filename or path}: {error.strerror}")


def _show(
    fmt: str,
    out: Style,
    brief: bool,
    line: Callable[[bool], str],
    whole: Callable[..., str],
) -> None:
    """Standard output: the one line (``--quiet``, or with ``-o``), or the whole output —
    as text in the colour and at the width of the stream."""
    if brief:
        sys.stdout.write(line(out.color))
    else:
        options = {"color": out.color, "width": out.width} if fmt == "text" else {}
        sys.stdout.write(whole(**options))


def _format_option(names: Iterable[str]) -> Any:
    return typer.Option("--format", "-f", metavar="FORMAT", help=f"{_listed(names)}.")


def _output_file_option(what: str, then: str) -> Any:
    return typer.Option(
        "--output-file",
        "-o",
        metavar="FILE",
        parser=_path,
        help=f"{what} (whole or not at all) instead of standard output, {then}.",
    )


def _quiet_option(help: str) -> Any:
    return typer.Option("--quiet", "-q", help=help)


def _color_option() -> Any:
    return typer.Option(
        "--color",
        metavar="WHEN",
        help=f"Colour: {_listed(COLOR_CHOICES)} (auto: on a terminal, unless NO_COLOR; "
        "FORCE_COLOR forces it).",
    )


@app.command(cls=_Command)
def validate(
    package: Annotated[
        Path,
        typer.Argument(parser=_path, help="The package: a datapackage.json or its directory."),
    ] = Path("datapackage.json"),
    fmt: Annotated[Format, _format_option(REPORT_FORMATS)] = TEXT,
    output_file: Annotated[
        Path | None,
        _output_file_option("Write the report to FILE", "which then shows the verdict line"),
    ] = None,
    quiet: Annotated[
        bool, _quiet_option("Print the verdict line only (the exit status says the same).")
    ] = False,
    color: Annotated[Color, _color_option()] = AUTO,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings make it invalid.")] = False,
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select",
            metavar="RULE",
            help="Run only these rules: ids or families (dates); repeat or separate by commas.",
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore", metavar="RULE", help="Skip these rules or structural error types."
        ),
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
            parser=_path,
            help="Also append the Markdown report to FILE (in GitHub Actions: "
            "$GITHUB_STEP_SUMMARY), from the same run.",
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            metavar="N",
            min=0,  # a negative N listed nothing, and counted more findings than there were
            help="Findings listed per file and rule (text), in all (markdown, json), or per "
            "severity (github); 0 lists all. Whatever is left out is counted.",
        ),
    ] = None,
) -> None:
    """Validate a data package (default: ./datapackage.json).

    Exit status: 0 valid, 1 invalid, 2 unusable input or usage error."""
    from casualty_schema.api import validate as validate_package
    from casualty_schema.package.source import SourceError
    from casualty_schema.paths import PathError, check_output
    from casualty_schema.pipeline import UnknownRuleError
    from casualty_schema.render import terminal
    from casualty_schema.render.text import verdict

    flags = [
        name for name, given in (("--strict", strict), ("--allow-remote", allow_remote)) if given
    ]
    if flags and str(package).lower() in FLAG_VALUES and not package.exists():
        raise _fail(
            f"no package at {str(package)!r}: {' and '.join(flags)} "
            f"{'takes' if len(flags) == 1 else 'take'} no value "
            f"(write '{flags[0]}' alone, then the package, if any)"
        )
    try:  # before any work: an output that cannot be written fails now, not after
        if output_file is not None:
            check_output(output_file, "--output-file")
        if summary is not None:
            check_output(summary, "--summary", append=True)
    except PathError as error:
        raise _fail(str(error)) from None
    # a spinner only on a terminal (rich is imported only then)
    status: Any = nullcontext()
    if terminal.is_tty(sys.stderr) and not quiet and str(fmt) != "json":
        err = terminal.console(sys.stderr, str(color), stderr=True)
        if err.is_interactive:
            status = err.status("validating…")
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
    out = terminal.style(sys.stdout, str(color))
    try:
        if output_file is not None:
            # a file is read by a program or an editor: no colour, no wrapping
            _write_atomically(output_file, render(report, str(fmt), limit=_limit(limit)))
    except OSError as error:
        raise _cannot_write(error, output_file) from None
    try:
        if summary is not None:
            with summary.open("a", encoding="utf-8") as fh:
                fh.write(render(report, "markdown"))
    except OSError as error:
        raise _cannot_write(error, summary) from None
    _show(
        str(fmt),
        out,
        quiet or output_file is not None,
        lambda color: verdict(report, color=color),
        lambda **options: render(report, str(fmt), limit=_limit(limit), **options),
    )
    raise typer.Exit(report.exit_code)


@app.command(cls=_Command)
def rules(
    fmt: Annotated[CatalogueFormat, _format_option(CATALOGUE_FORMATS)] = CATALOGUE_TEXT,
) -> None:
    """List the rule catalogue: id, severity and what each rule checks."""
    from casualty_schema.render.catalogue import render_catalogue

    sys.stdout.write(render_catalogue(str(fmt)))


@app.command(cls=_Command)
def extract(
    text: Annotated[
        Path,
        typer.Argument(
            parser=_path,
            help="The article's text (UTF-8), as archived under data/sources/; - reads "
            "standard input.",
        ),
    ],
    package: Annotated[
        Path,
        typer.Option(
            "--package",
            metavar="PATH",
            parser=_path,
            help="The package whose metrics, places, actors and claims are matched: a "
            "datapackage.json or its directory.",
        ),
    ] = Path("datapackage.json"),
    published_date: Annotated[
        str | None,
        typer.Option(
            "--published-date",
            metavar="DATE",
            help="Resolve 'last March', 'this year' … against DATE (YYYY, YYYY-MM or "
            "YYYY-MM-DD); default: the source's published_date.",
        ),
    ] = None,
    source_id: Annotated[
        str | None,
        typer.Option(
            "--source-id",
            metavar="ID",
            help="The article's source_id: mark the figures its claims record (curated_as) "
            "and list those they do not.",
        ),
    ] = None,
    fmt: Annotated[ExtractFormat, _format_option(EXTRACT_FORMATS)] = EXTRACT_TEXT,
    output_file: Annotated[
        Path | None,
        _output_file_option("Write the candidates to FILE", "which then shows the summary line"),
    ] = None,
    quiet: Annotated[bool, _quiet_option("Print the summary line only.")] = False,
    color: Annotated[Color, _color_option()] = AUTO,
) -> None:
    """Propose the claims an article states, one per figure, for review (docs/curation.md).

    Exit status: 0 done; 2 unusable input (TEXT, the package, --source-id or the date)."""
    from casualty_schema.extract import Catalogue, ExtractError
    from casualty_schema.extract import extract as extract_claims
    from casualty_schema.package.descriptor import DescriptorError
    from casualty_schema.paths import PathError, check_output, read_whole
    from casualty_schema.render import render_extraction, terminal
    from casualty_schema.render.extract import summary

    try:  # before any work: the output first (as validate), then TEXT, within a limit
        if output_file is not None:
            check_output(output_file, "--output-file")
        raw = read_whole(text, "TEXT")
    except PathError as error:
        raise _fail(str(error)) from None
    try:
        article = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _fail(f"{text} is not UTF-8 text (byte {error.start} cannot be read)") from None
    try:
        found = extract_claims(
            article,
            Catalogue.read(package),
            published_date=published_date,
            source_id=source_id,
        )
    except (DescriptorError, ExtractError) as error:
        raise _fail(str(error)) from None
    if output_file is not None:
        try:
            _write_atomically(output_file, render_extraction(found, str(fmt)))
        except OSError as error:
            raise _cannot_write(error, output_file) from None
    _show(
        str(fmt),
        terminal.style(sys.stdout, str(color)),
        quiet or output_file is not None,
        lambda color: summary(found, color=color),
        lambda **options: render_extraction(found, str(fmt), **options),
    )


class BumpLevel(StrEnum):
    major = "major"
    minor = "minor"
    patch = "patch"


@app.command(cls=_Command)
def diff(
    old: Annotated[
        str, typer.Argument(help="A package directory, datapackage.json, release zip or git ref.")
    ],
    new: Annotated[
        str, typer.Argument(help="A package directory, datapackage.json, release zip or git ref.")
    ],
    fmt: Annotated[DiffFormat, _format_option(DIFF_FORMATS)] = DIFF_TEXT,
    fail_on: Annotated[
        BumpLevel | None,
        typer.Option("--fail-on", help="Exit 1 when the required bump is at least this."),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=0,
            help="Rows listed per resource and kind (text, markdown); 0 lists all.",
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


@app.command(cls=_Command)
def release(
    package: Annotated[
        Path,
        typer.Argument(parser=_path, help="The package: its directory or its datapackage.json."),
    ] = Path("."),
    bump: Annotated[
        BumpLevel | None, typer.Option("--bump", help="Bump the baseline's version.")
    ] = None,
    version: Annotated[
        str | None, typer.Option("--version", help="Release this version (X.Y.Z).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            parser=_path,
            help="Where the archive goes (default: dist/ beside the package).",
        ),
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option(
            "--baseline",
            help="Compare with this (default: the last release: its v* tag, or without tags "
            "the commit that recorded it).",
        ),
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


schema_app = typer.Typer(help="The canonical schema, for consumers outside Python.", cls=_Group)
app.add_typer(schema_app, name="schema")


@schema_app.command("export", cls=_Command)
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


@app.command(cls=_Command)
def init(
    directory: Annotated[Path, typer.Argument(parser=_path, help="Where to create the package.")],
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
    import shlex

    command = f"casualty-schema validate {shlex.quote(str(path.parent))}"
    typer.echo(f"created {path}: validate it with: {command}")


def main() -> None:
    app()
