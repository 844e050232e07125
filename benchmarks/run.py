"""The benchmark, in one command: ``uv run python -m benchmarks.run``.

For each size (``--sizes``, default 100,000, 1,000,000 and 10,000,000 claims) and each package
shape (Zipf-like claimant sizes, and with ``--skew`` one claimant holding that share of the
claims), it generates the package once (kept under ``.benchmarks/packages/`` and reused while
the generator and its parameters are the same), then times, each in a fresh process, on the
same files:

- ``casualty-schema validate`` (every structural check and every rule);
- ``frictionless validate`` (up to ``--frictionless-max`` claims: it reads ~12,000 rows/s);
- a bare polars read of the same CSV files, every cell as text (the floor).

Each run is measured with ``/usr/bin/time -v`` (wall time, CPU time, peak resident memory),
or, where that is missing, with ``resource.getrusage(RUSAGE_CHILDREN)`` in a wrapper process.
It prints the machine, a Markdown table with the ratios (frictionless ÷ validate, validate ÷
floor, growth of validate per 10× claims) and the targets of issue #5, and writes everything
as JSON under ``.benchmarks/results/``. ``--stages`` adds the per-stage timings of
:mod:`benchmarks.stages` for the packages up to ``--stages-max`` claims.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.generate import GENERATOR_VERSION

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".benchmarks"
TIME = Path("/usr/bin/time")

# Targets of issue #5 (2 cores, 24 GB)
SPEEDUP_TARGET = 30.0  # frictionless ÷ validate at 1M claims, at least
FLOOR_TARGET = 3.0  # validate ÷ polars read at 1M claims, at most
MEMORY_TARGET_MB = 2048.0  # peak memory of validate at 1M claims, below
TEN_MILLION_SECONDS = 90.0  # validate at 10M claims, below
GROWTH_TARGET = 12.0  # time of validate per 10× claims, at most


@dataclass
class Measurement:
    tool: str
    seconds: float | None  # wall time; None when not run
    cpu_seconds: float | None = None
    peak_mb: float | None = None
    exit_code: int | None = None
    note: str = ""
    load_before: float | None = None  # 1-minute load average when it started

    @property
    def ran(self) -> bool:
        return self.seconds is not None and self.exit_code is not None and self.exit_code >= 0


@dataclass
class Case:
    claims: int
    shape: str  # "zipf" or "skew 0.2"
    package: str
    csv_mb: float
    rows: dict[str, int]
    generated_seconds: float
    measurements: dict[str, Measurement] = field(default_factory=dict)
    stages: dict[str, Any] | None = None


# ---------------------------------------------------------------------------------------------
# Machine
# ---------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_gb = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    versions = {}
    for package in ("casualty-schema", "polars", "frictionless", "pandera"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": versions,
        "git": _git_head(),
    }


def _git_head() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        )
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain"],
            capture_output=True,
            text=True,
            check=False,
        )
        return out.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")
    except OSError:
        return "unknown"


def _load() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


# ---------------------------------------------------------------------------------------------
# Measuring one process
# ---------------------------------------------------------------------------------------------

_WRAPPER = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL).returncode
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as report:
    print(f"Maximum resident set size (kbytes): {usage.ru_maxrss}", file=report)
    print(f"User time (seconds): {usage.ru_utime}", file=report)
    print(f"System time (seconds): {usage.ru_stime}", file=report)
sys.exit(code)
"""


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (Linux /proc), in MB."""
    total, stack, seen = 0, [pid], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(x for x in status.splitlines() if x.startswith("VmRSS")).split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total / 1024


def _watch(
    process: subprocess.Popen[bytes], timeout: float | None, limit_mb: float | None
) -> tuple[str, float]:
    """Wait for ``process``; stop its process group past ``timeout`` seconds or ``limit_mb``
    of resident memory. Returns (why it was stopped or "", the largest RSS seen)."""
    started = time.perf_counter()
    seen = 0.0
    while process.poll() is None:
        rss = _tree_rss_mb(process.pid)
        seen = max(seen, rss)
        reason = ""
        elapsed = time.perf_counter() - started
        if limit_mb is not None and rss > limit_mb:
            reason = (
                f"stopped at {rss / 1024:.1f} GB resident after {elapsed:.0f} s "
                f"(limit {limit_mb / 1024:.0f} GB)"
            )
        elif timeout is not None and elapsed > timeout:
            reason = f"stopped after {timeout:.0f} s"
        if reason:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return reason, seen
        time.sleep(0.2)
    return "", seen


def measure(
    tool: str, argv: list[str], timeout: float | None = None, limit_mb: float | None = None
) -> Measurement:
    """Run argv in a fresh process: wall time, CPU time and peak RSS of that process."""
    load = _load()
    with tempfile.NamedTemporaryFile("r", suffix=".time", delete=False) as fh:
        report = Path(fh.name)
    if TIME.exists():
        command = [str(TIME), "-v", "-o", str(report), *argv]
    else:
        command = [sys.executable, "-c", _WRAPPER, str(report), *argv]
    try:
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            start_new_session=True,  # its own process group, to stop it and only it
        )
        stopped, seen = _watch(process, timeout, limit_mb)
        wall = time.perf_counter() - started
        stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
        text = report.read_text()
    finally:
        report.unlink(missing_ok=True)
    if stopped:
        return Measurement(tool, None, None, round(seen, 1), None, stopped, load)
    peak = _field(text, r"Maximum resident set size \(kbytes\): (\d+)")
    user = _field(text, r"User time \(seconds\): ([\d.]+)")
    system = _field(text, r"System time \(seconds\): ([\d.]+)")
    code = process.returncode
    note = stderr.strip()[-300:] if code not in (0, 1) else ""
    return Measurement(
        tool,
        round(wall, 2),
        round((user or 0) + (system or 0), 2),
        round(peak / 1024, 1) if peak else round(seen, 1),
        code,
        note,
        load,
    )


def _field(text: str, pattern: str) -> float | None:
    match = re.search(pattern, text)
    return float(match.group(1)) if match else None


def _venv_tool(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else (shutil.which(name) or name)


# ---------------------------------------------------------------------------------------------
# Packages
# ---------------------------------------------------------------------------------------------


def package_for(
    claims: int, skew: float | None, seed: int, work: Path
) -> tuple[Path, dict[str, Any]]:
    """The generated package for these parameters, generated unless already there."""
    shape = "zipf" if skew is None else f"skew{skew:g}"
    root = work / "packages" / f"claims-{claims}-{shape}-seed{seed}"
    manifest_path = root / "generated.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if (
            manifest.get("generator") == GENERATOR_VERSION
            and manifest.get("claims_asked") == claims
            and manifest.get("seed") == seed
            and manifest.get("skew") == skew
            and manifest.get("faults_per_rule") == 0
        ):
            return root, manifest
    print(f"generating {claims:,} claims ({shape}) in {root} …", file=sys.stderr, flush=True)
    # in a process of its own, so that this one stays small for the processes it starts
    command = [sys.executable, "-m", "benchmarks.generate", str(root), "--claims", str(claims)]
    command += ["--seed", str(seed)] + (["--skew", str(skew)] if skew is not None else [])
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return root, json.loads(manifest_path.read_text())


def run_case(claims: int, skew: float | None, args: argparse.Namespace, work: Path) -> Case:
    root, manifest = package_for(claims, skew, args.seed, work)
    case = Case(
        claims,
        "zipf" if skew is None else f"skew {skew:g}",
        str(root),
        round(manifest["bytes"] / 1e6, 1),
        manifest["rows"],
        manifest["seconds"],
    )
    py = sys.executable
    runs: list[tuple[str, list[str], float | None]] = [
        ("floor", [py, "-m", "benchmarks.floor", str(root)], None),
        (
            "validate",
            [_venv_tool("casualty-schema"), "validate", str(root), "--format", "json"],
            args.validate_timeout,
        ),
    ]
    if claims <= args.frictionless_max and (skew is None or args.frictionless_skew):
        runs.append(
            (
                "frictionless",
                [_venv_tool("frictionless"), "validate", "--json", str(root / "datapackage.json")],
                args.frictionless_timeout,
            )
        )
    else:
        case.measurements["frictionless"] = Measurement(
            "frictionless", None, note=f"not run above {args.frictionless_max:,} claims"
        )
    for tool, argv, timeout in runs:
        best: Measurement | None = None
        for _ in range(args.repeat if tool != "frictionless" else 1):
            print(f"  {tool} on {claims:,} ({case.shape}) …", file=sys.stderr, flush=True)
            m = measure(tool, argv, timeout, args.memory_limit_gb * 1024)
            if best is None or (m.seconds is not None and (best.seconds or 1e18) > m.seconds):
                best = m
        assert best is not None
        case.measurements[tool] = best
    if args.stages and claims <= args.stages_max:
        print(f"  stages on {claims:,} ({case.shape}) …", file=sys.stderr, flush=True)
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            process = subprocess.Popen(
                [py, "-m", "benchmarks.stages", str(root), "--json", "--progress"]
                + (["--profile"] if args.profile else []),
                stdout=out,
                stderr=err,
                cwd=ROOT,
                start_new_session=True,
            )
            stopped, _seen = _watch(process, args.validate_timeout, args.memory_limit_gb * 1024)
            out.seek(0)
            err.seek(0)
            errors = err.read().decode(errors="replace")
            if not stopped and process.returncode == 0:
                case.stages = json.loads(out.read().decode().strip().splitlines()[-1])
            else:
                # the stages that ended before it was stopped or failed
                done_stages = [line for line in errors.splitlines() if line.endswith(" MB")]
                case.stages = {
                    "error": stopped or errors[-2000:],
                    "progress": done_stages,
                }
    return case


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def _cell(m: Measurement | None) -> str:
    if m is None or m.seconds is None:
        return f"— ({m.note})" if m is not None and m.note else "—"
    mem = f"{m.peak_mb / 1024:.2f} GB" if m.peak_mb else "?"
    failed = "" if m.exit_code in (0, None) else f" (exit {m.exit_code})"
    return f"{m.seconds:.2f} s, {mem}{failed}"


def _ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "—"
    return f"{a / b:.1f}×"


def markdown(cases: list[Case], info: dict[str, Any]) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    lines = [
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB RAM, "
        f"{info['os']}; Python {info['python']}; {versions}; commit {info['git']}.",
        "",
        "| claims | shape | CSV | casualty-schema validate | frictionless validate "
        "| polars read (floor) | frictionless ÷ validate | validate ÷ floor "
        "| validate growth per 10× |",
        "|---:|---|---:|---|---|---|---:|---:|---:|",
    ]
    by_shape: dict[str, dict[int, Case]] = {}
    for case in cases:
        by_shape.setdefault(case.shape, {})[case.claims] = case
    for case in cases:
        v = case.measurements.get("validate")
        f = case.measurements.get("frictionless")
        p = case.measurements.get("floor")
        smaller = by_shape[case.shape].get(case.claims // 10)
        growth = "—"
        if smaller is not None:
            sv = smaller.measurements.get("validate")
            growth = _ratio(v.seconds if v else None, sv.seconds if sv else None)
        lines.append(
            f"| {case.claims:,} | {case.shape} | {case.csv_mb:,.0f} MB | {_cell(v)} | {_cell(f)} "
            f"| {_cell(p)} | {_ratio(f.seconds if f else None, v.seconds if v else None)} "
            f"| {_ratio(v.seconds if v else None, p.seconds if p else None)} | {growth} |"
        )
    lines += ["", *targets(cases)]
    for case in cases:
        if case.stages and "error" in case.stages:
            lines += [
                "",
                f"Stages at {case.claims:,} claims ({case.shape}): "
                f"{case.stages['error'].strip().splitlines()[-1]}; the stages that ended:",
                "",
            ]
            lines += ["```", *case.stages.get("progress", []), "```"]
        if case.stages and "stages" in case.stages:
            lines += ["", f"Stages at {case.claims:,} claims ({case.shape}):", ""]
            lines += ["| stage | seconds | RSS after | peak so far |", "|---|---:|---:|---:|"]
            for s in case.stages["stages"]:
                lines.append(
                    f"| {s['stage']} | {s['seconds']:.2f} | {s['rss_mb']:,} MB "
                    f"| {s['peak_mb']:,} MB |"
                )
    return "\n".join(lines) + "\n"


def targets(cases: list[Case]) -> list[str]:
    """The targets of issue #5, met or not, for the sizes that ran."""
    out = ["Targets (issue #5):", ""]

    def mark(ok: bool) -> str:
        return "met" if ok else "NOT met"

    for case in cases:
        v = case.measurements.get("validate")
        f = case.measurements.get("frictionless")
        p = case.measurements.get("floor")
        if v is None or v.seconds is None:
            continue
        if case.claims == 1_000_000:
            if f is not None and f.seconds:
                speedup = f.seconds / v.seconds
                out.append(
                    f"- 1M {case.shape}: {speedup:.1f}× faster than frictionless "
                    f"(≥ {SPEEDUP_TARGET:.0f}×): {mark(speedup >= SPEEDUP_TARGET)}"
                )
            if p is not None and p.seconds:
                ratio = v.seconds / p.seconds
                out.append(
                    f"- 1M {case.shape}: {ratio:.1f}× the polars read "
                    f"(≤ {FLOOR_TARGET:.0f}×): {mark(ratio <= FLOOR_TARGET)}"
                )
            if v.peak_mb:
                out.append(
                    f"- 1M {case.shape}: peak {v.peak_mb / 1024:.2f} GB (< 2 GB): "
                    f"{mark(v.peak_mb < MEMORY_TARGET_MB)}"
                )
        if case.claims == 10_000_000:
            ok = v.exit_code in (0, 1) and v.seconds < TEN_MILLION_SECONDS
            out.append(f"- 10M {case.shape}: {v.seconds:.1f} s (< 90 s, completes): {mark(ok)}")
    shapes: dict[str, dict[int, Case]] = {}
    for case in cases:
        shapes.setdefault(case.shape, {})[case.claims] = case
    for shape, by_size in shapes.items():
        for claims, case in sorted(by_size.items()):
            smaller = by_size.get(claims // 10)
            v, sv = (
                case.measurements.get("validate"),
                (smaller.measurements.get("validate") if smaller else None),
            )
            if v and sv and v.seconds and sv.seconds:
                growth = v.seconds / sv.seconds
                out.append(
                    f"- {shape}: {claims // 10:,} → {claims:,} claims, time × {growth:.1f} "
                    f"(≤ {GROWTH_TARGET:.0f}×): {mark(growth <= GROWTH_TARGET)}"
                )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument(
        "--sizes", default="100000,1000000,10000000", help="claims per package, comma-separated"
    )
    parser.add_argument(
        "--skew",
        type=float,
        default=0.2,
        help="also run packages where one claimant holds this share",
    )
    parser.add_argument("--no-skew", action="store_true", help="only the Zipf-shaped packages")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs of validate and the floor per package (the best is kept)",
    )
    parser.add_argument(
        "--frictionless-max",
        type=int,
        default=1_000_000,
        help="run frictionless only up to this many claims",
    )
    parser.add_argument(
        "--frictionless-skew",
        action="store_true",
        help="run frictionless on the skewed packages too",
    )
    parser.add_argument("--frictionless-timeout", type=float, default=1800.0)
    parser.add_argument("--validate-timeout", type=float, default=1800.0)
    parser.add_argument(
        "--memory-limit-gb",
        type=float,
        default=16.0,
        help="stop a run whose resident memory passes this (the machine is shared)",
    )
    parser.add_argument(
        "--stages",
        action="store_true",
        help="per-stage timings (benchmarks.stages) of each package",
    )
    parser.add_argument("--stages-max", type=int, default=1_000_000)
    parser.add_argument("--profile", action="store_true", help="with --stages: a cProfile")
    parser.add_argument(
        "--work", type=Path, default=WORK, help="where packages and results are kept"
    )
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    shapes: list[float | None] = [None] if args.no_skew else [None, args.skew]
    info = machine()
    cases = [run_case(n, skew, args, args.work) for skew in shapes for n in sizes]
    text = markdown(cases, info)
    print(text)
    results = args.work / "results"
    results.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = results / f"run-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "machine": info,
                "argv": sys.argv[1:],
                "cases": [asdict(c) for c in cases],
                "markdown": text,
            },
            indent=1,
            ensure_ascii=False,
        )
        + "\n"
    )
    print(
        f"(results: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out})", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
