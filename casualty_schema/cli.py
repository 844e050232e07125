"""The ``casualty-schema`` command: parses arguments and calls the library, nothing more."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from casualty_schema import __version__
from casualty_schema.frictionless_check import check_with_frictionless

app = typer.Typer(
    name="casualty-schema",
    help="Validate and release the casualty-claims data package.",
    no_args_is_help=True,
    add_completion=False,
)


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


@app.command()
def validate(
    package: Annotated[
        Path, typer.Argument(help="The package: a datapackage.json or its directory.")
    ] = Path("datapackage.json"),
) -> None:
    """Validate a data package (default: ./datapackage.json)."""
    result = check_with_frictionless(package)
    for line in result.lines:
        typer.echo(line)
    raise typer.Exit(result.exit_code)


def main() -> None:
    app()
