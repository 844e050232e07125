"""Per-stage timings of the validator on one package, and where its time goes.

``python -m benchmarks.stages PACKAGE [--profile] [--json]`` runs the pipeline of
:func:`casualty_schema.pipeline.run` stage by stage: the descriptor
(``descriptor.load_package``), structure (``structure.check_structure``), the typed frames
(``frames.Frames``: the derived claim columns and the place closure, each timed on its own),
then every rule of ``RULES`` (``RULES[id].run(frames)``), with the wall time of each, the
process's resident memory after it and its peak so far. ``--profile`` adds a cProfile of the
rule stage, reduced to the functions of ``casualty_schema``.

If the structure stage hands back text cells rather than typed frames (while it is being
written), the rules are run on frames typed here from the Table Schema, and the output says so.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import resource
import sys
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

TODAY = date(2026, 11, 22)


def _status_mb(key: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _rss_mb() -> float:
    return _status_mb("VmRSS") or float("nan")


def _peak_mb() -> float:
    """The process's own peak resident memory. VmHWM, not getrusage: ru_maxrss survives exec,
    so a process started by a large parent would report the parent's peak."""
    peak = _status_mb("VmHWM")
    if peak is not None:
        return peak
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _typed(spec: Any, tables: dict[str, pl.DataFrame]) -> tuple[dict[str, pl.DataFrame], bool]:
    """The tables with each field of its Table Schema type; True when any needed typing."""
    wanted = {"integer": pl.Int64, "number": pl.Float64, "boolean": pl.Boolean}
    changed = False
    out = {}
    for name, table in tables.items():
        exprs = []
        for f in spec.resources[name].fields:
            if f.name not in table.columns:
                continue
            dtype = table.schema[f.name]
            column = pl.col(f.name)
            if f.type in wanted and dtype != wanted[f.type]:
                if f.type == "boolean":
                    column = column.is_in(f.true_values)
                else:
                    column = column.cast(wanted[f.type], strict=False)
            elif f.type == "list" and dtype == pl.String:
                column = column.str.split(f.delimiter)
            else:
                continue
            exprs.append(column.alias(f.name))
        changed = changed or bool(exprs)
        out[name] = table.with_columns(exprs) if exprs else table
    return out, changed


def run_stages(
    package: Path, profile: bool = False, top: int = 30, progress: bool = False
) -> dict[str, Any]:
    from casualty_schema.check.structure import check_structure
    from casualty_schema.frames import Frames
    from casualty_schema.package.descriptor import load_package
    from casualty_schema.rules import RULES

    stages: list[dict[str, Any]] = []

    def timed(name: str, step: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        result = step()
        stages.append(
            {
                "stage": name,
                "seconds": round(time.perf_counter() - started, 3),
                "rss_mb": round(_rss_mb()),
                "peak_mb": round(_peak_mb()),
            }
        )
        if progress:
            s = stages[-1]
            print(f"{name:<40} {s['seconds']:>8.2f} s {s['rss_mb']:>8} MB {s['peak_mb']:>8} MB",
                  file=sys.stderr, flush=True)  # fmt: skip
        return result

    total_started = time.perf_counter()
    spec = timed("descriptor.load_package", lambda: load_package(package))
    structure = timed("structure.check_structure", lambda: check_structure(spec))
    tables, retyped = _typed(spec, dict(structure.frames))
    frames = Frames(spec, tables, TODAY)
    timed("frames.claims (derived columns)", lambda: frames.claims)
    timed("frames.place_closure", lambda: frames.place_closure)
    findings: dict[str, int] = {}
    profiler = cProfile.Profile() if profile else None
    if profiler is not None:
        profiler.enable()
    for rule_id, rule in RULES.items():
        found: pl.DataFrame = timed(f"rule {rule_id}", partial(rule.run, frames))
        findings[rule_id] = found.height
    if profiler is not None:
        profiler.disable()
    result: dict[str, Any] = {
        "package": str(package),
        "rows": dict(structure.rows),
        "structural_findings": structure.findings.height,
        "structure_typed": not retyped,
        "stages": stages,
        "findings": findings,
        "seconds": round(time.perf_counter() - total_started, 3),
        "peak_mb": round(_peak_mb()),
    }
    if profiler is not None:
        result["profile"] = _profile_lines(profiler, top)
    return result


def _profile_lines(profiler: cProfile.Profile, top: int) -> list[str]:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"casualty_schema", top)
    lines = out.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    return [line.rstrip() for line in lines[start:] if line.strip()]


def render(result: dict[str, Any]) -> str:
    lines = [f"package {result['package']}: rows {result['rows']}"]
    if not result["structure_typed"]:
        lines.append(
            "note: structure.check_structure returned untyped frames; the rules ran on frames "
            "typed by benchmarks.stages"
        )
    lines.append(f"{'stage':<40} {'seconds':>8} {'RSS MB':>8} {'peak MB':>8}")
    for s in result["stages"]:
        lines.append(f"{s['stage']:<40} {s['seconds']:>8.2f} {s['rss_mb']:>8} {s['peak_mb']:>8}")
    lines.append(f"{'total':<40} {result['seconds']:>8.2f} {'':>8} {result['peak_mb']:>8}")
    found = {k: v for k, v in result["findings"].items() if v}
    lines.append(f"structural findings: {result['structural_findings']}; rule findings: {found}")
    if "profile" in result:
        lines.append("")
        lines.extend(result["profile"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stages", description=__doc__)
    parser.add_argument("package", type=Path)
    parser.add_argument("--profile", action="store_true", help="cProfile the rule stage")
    parser.add_argument("--top", type=int, default=30, help="profile lines to keep")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--progress", action="store_true", help="print each stage on stderr as it ends"
    )
    args = parser.parse_args(argv)
    result = run_stages(args.package, profile=args.profile, top=args.top, progress=args.progress)
    print(json.dumps(result) if args.json else render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
