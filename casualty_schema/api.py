"""The library API the CLI calls: validate, load, schema."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import polars as pl

from casualty_schema.package.bundled import bundled_package
from casualty_schema.pipeline import Progress, run
from casualty_schema.report import Report

INTERNAL_COLUMNS = ("__row", "__line")


class InvalidPackageError(Exception):
    """load() was given a package that does not validate; ``report`` has every finding."""

    SHOWN = 20

    def __init__(self, report: Report) -> None:
        from casualty_schema.render.brief import brief

        self.report = report
        head = f"{report.package} is not valid: {report.tally}"
        super().__init__("\n".join([head, *brief(report, self.SHOWN)]))


def validate(
    package: Path | str | None = None,
    *,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    strict: bool = False,
    today: date | None = None,
    changed_since: str | None = None,
    allow_remote: bool = False,
    progress: Progress | None = None,
) -> Report:
    """Validate a data package (default: the bundled one) and return its :class:`Report`.

    ``changed_since`` (a git ref) keeps only the findings on rows added or changed since it;
    ``allow_remote`` fetches resources given by http(s) URL (refused otherwise).
    Never raises for bad data or a bad descriptor: those are findings. Raises
    ``UnknownRuleError`` for a ``select``/``ignore`` name that is not a rule, and
    ``SourceError`` for a ``changed_since`` ref that cannot be read."""
    path = Path(package) if package is not None else bundled_package()
    report, _spec, _structure = run(
        path,
        select=select,
        ignore=ignore,
        strict=strict,
        today=today,
        changed_since=changed_since,
        allow_remote=allow_remote,
        progress=progress,
    )
    return report


def load(package: Path | str | None = None, *, strict: bool = False) -> dict[str, pl.DataFrame]:
    """The typed frames of a valid package, by resource name, each checked against its
    derived pandera schema. Raises :class:`InvalidPackageError` listing the findings when
    the package is not valid."""
    path = Path(package) if package is not None else bundled_package()
    report, spec, structure = run(path, strict=strict)
    if not report.valid or spec is None or structure is None:
        raise InvalidPackageError(report)
    # pandera is imported here, not at start-up: validate does not need it
    from casualty_schema.downstream.pandera import resource_schema

    frames = {}
    for name, frame in structure.frames.items():
        typed = frame.drop([c for c in INTERNAL_COLUMNS if c in frame.columns])
        frames[name] = resource_schema(spec.resources[name]).validate(typed)
    return frames
