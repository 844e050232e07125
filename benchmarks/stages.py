"""Per-stage timings of the validator on one package, and where its time goes.

``python -m benchmarks.stages PACKAGE [--profile] [--json]`` runs the validator's own pipeline
(:func:`casualty_schema.pipeline.run`) once and times each of its stages by the labels the
pipeline reports as each starts: the descriptor, the structural checks, the typed frames (the
derived claim columns and the place closure), then every rule of ``RULES``; with the wall
time of each, the process's resident memory after it and its peak so far. ``--profile`` adds
a cProfile of the whole run, reduced to the functions of ``casualty_schema``.
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
from datetime import date
from pathlib import Path
from typing import Any

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


def run_stages(
    package: Path, profile: bool = False, top: int = 30, progress: bool = False
) -> dict[str, Any]:
    from casualty_schema import pipeline

    stages: list[dict[str, Any]] = []
    current: list[tuple[str, float]] = []

    def on_stage(label: str) -> None:
        now = time.perf_counter()
        if current:
            name, started = current.pop()
            stages.append(
                {
                    "stage": name,
                    "seconds": round(now - started, 3),
                    "rss_mb": round(_rss_mb()),
                    "peak_mb": round(_peak_mb()),
                }
            )
            if progress:
                s = stages[-1]
                print(f"{name:<40} {s['seconds']:>8.2f} s {s['rss_mb']:>8} MB {s['peak_mb']:>8} MB",
                      file=sys.stderr, flush=True)  # fmt: skip
        if label != pipeline.DONE:
            current.append((label, time.perf_counter()))

    profiler = cProfile.Profile() if profile else None
    total_started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    report, _spec, structure = pipeline.run(package, today=TODAY, progress=on_stage)
    if profiler is not None:
        profiler.disable()
    counts = report.counts()
    structural = sum(sum(c.values()) for rule, c in counts.items() if rule not in report.rules)
    result: dict[str, Any] = {
        "package": str(package),
        "rows": dict(report.rows),
        "structural_findings": structural,
        "stages": stages,
        "findings": {r: sum(counts.get(r, {}).values()) for r in report.rules},
        "seconds": round(time.perf_counter() - total_started, 3),
        "peak_mb": round(_peak_mb()),
    }
    if structure is None:
        result["error"] = "the descriptor is not usable: " + "; ".join(
            f.message for f in report.findings
        )
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
    parser.add_argument("--profile", action="store_true", help="cProfile the whole run")
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
