"""Where output goes to a person: colour and width, as rich and the conventions decide.

``--color auto`` (the default) leaves the decision to rich, which honours ``NO_COLOR`` (no
colour), ``FORCE_COLOR`` and ``TTY_COMPATIBLE`` (a terminal, whatever ``isatty()`` says) and
otherwise colours a stream that is a terminal; ``always`` and ``never`` override all of them
(a command-line flag beats an environment variable, as https://no-color.org asks).

Text fits the terminal's width (rich reads it from the terminal, ``COLUMNS`` overriding); a
stream that is not a terminal — a CI log, a pipe, a file — gets its lines unwrapped, unless
``COLUMNS`` sets a width. Whether the stream is a terminal is ``isatty()`` alone here:
``FORCE_COLOR`` asks for colour, not for lines cut to 80 columns in a log.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

COLOR_CHOICES = ("auto", "always", "never")


def console(file: IO[str], color: str = "auto", *, stderr: bool = False) -> Console:
    """A rich console on ``file`` that colours as ``color`` (``auto``, ``always``, ``never``)
    says."""
    from rich.console import Console

    if color == "always":
        return Console(file=file, stderr=stderr, force_terminal=True, no_color=False)
    if color == "never":
        return Console(file=file, stderr=stderr, color_system=None, no_color=True)
    return Console(file=file, stderr=stderr)


def is_tty(file: IO[str]) -> bool:
    try:
        return file.isatty()
    except (AttributeError, ValueError):  # closed, or no file at all
        return False


@dataclass(frozen=True)
class Style:
    """How to write text for one stream: in colour or not, and at which width (None: lines
    unwrapped)."""

    color: bool
    width: int | None


def style(file: IO[str], color: str = "auto") -> Style:
    """The colour and width of text written to ``file``."""
    con = console(file, color)
    colored = con.is_terminal and con.color_system is not None and not con.no_color
    columns = os.environ.get("COLUMNS", "")
    if is_tty(file):
        width: int | None = con.width
    else:
        width = int(columns) if columns.isdigit() and int(columns) > 0 else None
    return Style(colored, width)
