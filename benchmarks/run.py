"""The benchmark, in one command: ``uv run python -m benchmarks.run``.

For each package -- the bundled one, and generated packages of ``--sizes`` claims (default
1,000, 10,000, 100,000, 1,000,000 and 10,000,000, Zipf-like claimant sizes; ``--skew``
adds packages where one claimant holds that share) -- it runs, each in a fresh process, on
the same files and interleaved (validate, frictionless, floor, validate, frictionless, ...
``--repeat`` rounds, so that a change in the load of the machine falls on every tool alike):

- ``casualty-schema validate`` (every structural check and every rule);
- ``frictionless validate`` (up to ``--frictionless-max`` claims: it reads ~20,000 rows/s);
- a bare polars read of the same CSV files, every cell as text (the floor);
- on the bundled package, ``casualty-schema --version`` too (start-up alone).

Each run is timed from start to exit (wall time) and measured by ``os.wait4``: CPU time
(user + system) and peak resident memory of that process. The load average is recorded
when each run starts. It prints the machine, a Markdown table with the medians and the
ratios (frictionless ÷ validate, validate ÷ floor) and the targets of issue #15, and writes
every run as JSON under ``.benchmarks/results/``. Generated packages are kept under
``.benchmarks/packages/`` and reused while the generator and its parameters are the same.

Python's bytecode is compiled first (``compileall`` of the environment, as ``pip install``
does): the tools are measured as installed. ``--no-bytecode`` measures them as the
interpreter runs them when no compiled module may be read or written (every import compiled
from source, as under ``PYTHONDONTWRITEBYTECODE`` without compiled files). ``--stages``
adds the per-stage timings of :mod:`benchmarks.stages` up to ``--stages-max`` claims.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.generate import GENERATOR_VERSION

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".benchmarks"
BUNDLED = "bundled"

# Targets of issue #15 (2 cores; ratios from one interleaved run)
VERSION_SECONDS = 0.25  # --version, wall, on an idle machine
VERSION_SHARE = 0.3  # --version ÷ validate of the bundled package, at most
SMALL_SHARE = 0.6  # validate ÷ frictionless, bundled and 1,000 claims, at most
SPEEDUP_TARGET = 20.0  # frictionless ÷ validate at 1M claims, at least
FLOOR_TARGET = 3.0  # validate ÷ polars read at 1M claims, at most
MEMORY_1M_MB = 2048.0  # peak of validate at 1M claims, below
MEMORY_10M_MB = 10240.0  # peak of validate at 10M claims, below


@dataclass
class Run:
    """One process: wall and CPU seconds, peak memory, exit status."""

    seconds: float | None  # None: stopped
    cpu_seconds: float | None
    peak_mb: float | None
    exit_code: int | None
    load_before: float | None
    note: str = ""


@dataclass
class Measurement:
    """Every run of one tool on one package, and their medians."""

    tool: str
    runs: list[Run] = field(default_factory=list)
    note: str = ""

    def _median(self, name: str) -> float | None:
        values = [getattr(r, name) for r in self.runs if r.seconds is not None]
        return round(statistics.median(values), 3) if values else None

    @property
    def seconds(self) -> float | None:
        return self._median("seconds")

    @property
    def cpu_seconds(self) -> float | None:
        return self._median("cpu_seconds")

    @property
    def peak_mb(self) -> float | None:
        peaks = [r.peak_mb for r in self.runs if r.peak_mb is not None]
        return max(peaks) if peaks else None

    @property
    def exit_codes(self) -> list[int | None]:
        return [r.exit_code for r in self.runs]

    @property
    def stopped(self) -> str:
        return next((r.note for r in self.runs if r.seconds is None), "")

    def summary(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "seconds": self.seconds,
            "cpu_seconds": self.cpu_seconds,
            "peak_mb": self.peak_mb,
            "exit_codes": self.exit_codes,
            "note": self.note or self.stopped,
            "runs": [asdict(r) for r in self.runs],
        }


@dataclass
class Case:
    name: str  # "bundled" or "1,000 zipf" ...
    claims: int
    shape: str  # "bundled", "zipf" or "skew 0.2"
    package: str
    csv_mb: float
    rows: dict[str, int]
    measurements: dict[str, Measurement] = field(default_factory=dict)
    stages: dict[str, Any] | None = None

    def summary(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k not in ("measurements",)}
        out["measurements"] = {k: m.summary() for k, m in self.measurements.items()}
        return out


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
    for package in ("casualty-schema", "polars", "frictionless", "pandera", "typer"):
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
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=False,
        )
        return out.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")
    except OSError:
        return "unknown"


def _load() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def ensure_bytecode() -> None:
    """Compile the environment's modules (the interpreter then reads them, as it does after
    ``pip install``); quick when they are compiled already."""
    paths = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    for path in [*sorted(paths), str(ROOT / "casualty_schema"), str(ROOT / "benchmarks")]:
        compileall.compile_dir(path, quiet=1, workers=0)


# ---------------------------------------------------------------------------------------------
# Measuring one process
# ---------------------------------------------------------------------------------------------


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


def measure(
    argv: list[str],
    *,
    timeout: float | None = None,
    limit_mb: float | None = None,
    env: dict[str, str] | None = None,
) -> Run:
    """Run ``argv`` in a fresh process (a process group of its own): its wall time to exit,
    and from ``os.wait4`` its CPU time and peak resident memory. A watcher thread stops it
    past ``timeout`` seconds or ``limit_mb`` of resident memory (the machine is shared)."""
    load = _load()
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=errors, cwd=ROOT, env=env,
            start_new_session=True,
        )  # fmt: skip
        stopped: list[str] = []
        done = threading.Event()

        def watch() -> None:
            while not done.wait(0.1):
                elapsed = time.perf_counter() - started
                rss = _tree_rss_mb(process.pid) if limit_mb is not None else 0.0
                if limit_mb is not None and rss > limit_mb:
                    stopped.append(f"stopped at {rss / 1024:.1f} GB after {elapsed:.0f} s")
                elif timeout is not None and elapsed > timeout:
                    stopped.append(f"stopped after {timeout:.0f} s")
                if stopped:
                    os.killpg(process.pid, signal.SIGKILL)
                    return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        watcher.join()
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    if stopped:
        return Run(None, None, round(usage.ru_maxrss / 1024, 1), None, load, stopped[0])
    code = process.returncode
    return Run(
        round(wall, 3),
        round(usage.ru_utime + usage.ru_stime, 3),
        round(usage.ru_maxrss / 1024, 1),  # KiB on Linux
        code,
        load,
        stderr.strip()[-300:] if code not in (0, 1) else "",
    )


def _venv_tool(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def _no_bytecode_env() -> dict[str, str]:
    """An environment in which no compiled module is found or written."""
    cache = tempfile.mkdtemp(prefix="no-bytecode-")
    return {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": cache}


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


def bundled_case() -> Case:
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    rows, size = {}, 0
    for resource in descriptor["resources"]:
        path = ROOT / resource["path"]
        size += path.stat().st_size
        with path.open(encoding="utf-8") as fh:
            rows[resource["name"]] = sum(1 for _ in fh) - 1
    return Case(BUNDLED, rows.get("claims", 0), BUNDLED, str(ROOT), round(size / 1e6, 3), rows)


def generated_case(claims: int, skew: float | None, args: argparse.Namespace) -> Case:
    root, manifest = package_for(claims, skew, args.seed, args.work)
    shape = "zipf" if skew is None else f"skew {skew:g}"
    return Case(
        f"{claims:,} {shape}",
        claims,
        shape,
        str(root),
        round(manifest["bytes"] / 1e6, 1),
        manifest["rows"],
    )


# ---------------------------------------------------------------------------------------------
# Running a case: the tools interleaved
# ---------------------------------------------------------------------------------------------


def tools_for(case: Case, args: argparse.Namespace) -> dict[str, tuple[list[str], float | None]]:
    root = Path(case.package)
    py = sys.executable
    tools: dict[str, tuple[list[str], float | None]] = {
        "validate": (
            [_venv_tool("casualty-schema"), "validate", str(root), "--format", "json"],
            args.validate_timeout,
        ),
    }
    skewed = case.shape.startswith("skew")
    if case.claims <= args.frictionless_max and (not skewed or args.frictionless_skew):
        descriptor = str(root / "datapackage.json")
        frictionless = [_venv_tool("frictionless"), "validate", "--json", descriptor]
        tools["frictionless"] = (frictionless, args.frictionless_timeout)
    tools["floor"] = ([py, "-m", "benchmarks.floor", str(root)], None)
    if case.shape == BUNDLED:
        tools["version"] = ([_venv_tool("casualty-schema"), "--version"], 60.0)
    return tools


def run_case(case: Case, args: argparse.Namespace) -> Case:
    tools = tools_for(case, args)
    if "frictionless" not in tools:
        case.measurements["frictionless"] = Measurement(
            "frictionless", note=f"not run above {args.frictionless_max:,} claims"
        )
    for tool in tools:
        case.measurements[tool] = Measurement(tool)
    repeat = args.repeat if args.repeat is not None else (5 if case.claims <= 10_000 else 1)
    env = _no_bytecode_env() if args.no_bytecode else None
    for round_ in range(repeat):
        for tool, (argv, timeout) in tools.items():
            measurement = case.measurements[tool]
            if measurement.stopped:
                continue  # stopped once (memory, time): not again
            print(f"  {tool} on {case.name} ({round_ + 1}/{repeat}) …", file=sys.stderr, flush=True)
            run = measure(argv, timeout=timeout, limit_mb=args.memory_limit_gb * 1024, env=env)
            measurement.runs.append(run)
    if args.stages and case.claims <= args.stages_max:
        case.stages = run_stages(Path(case.package), args)
    return case


def run_stages(package: Path, args: argparse.Namespace) -> dict[str, Any]:
    print(f"  stages on {package.name} …", file=sys.stderr, flush=True)
    command = [sys.executable, "-m", "benchmarks.stages", str(package), "--json", "--progress"]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            command + (["--profile"] if args.profile else []),
            stdout=out, stderr=err, cwd=ROOT, start_new_session=True,
        )  # fmt: skip
        process.wait()
        out.seek(0)
        err.seek(0)
        errors = err.read().decode(errors="replace")
        if process.returncode == 0:
            result: dict[str, Any] = json.loads(out.read().decode().strip().splitlines()[-1])
            return result
        done = [line for line in errors.splitlines() if line.endswith(" MB")]
        return {"error": errors[-2000:], "progress": done}


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def _cell(m: Measurement | None) -> str:
    if m is None or m.seconds is None:
        note = (m.note or m.stopped) if m is not None else ""
        return f"— ({note})" if note else "—"
    mem = f"{m.peak_mb / 1024:.2f} GB" if m.peak_mb else "?"
    codes = {c for c in m.exit_codes if c not in (0, None)}
    failed = f" (exit {', '.join(map(str, sorted(codes)))})" if codes else ""
    return f"{m.seconds:.2f} s ({m.cpu_seconds:.2f} s CPU), {mem}{failed}"


def _ratio(a: float | None, b: float | None, digits: int = 1) -> str:
    if not a or not b:
        return "—"
    return f"{a / b:.{digits}f}×"


def _load_range(case: Case) -> str:
    loads = [r.load_before for m in case.measurements.values() for r in m.runs if r.load_before]
    return f"{min(loads):.1f}–{max(loads):.1f}" if loads else "?"


def markdown(cases: list[Case], info: dict[str, Any], args: argparse.Namespace) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    bytecode = "every import compiled from source" if args.no_bytecode else "bytecode compiled"
    lines = [
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB RAM, "
        f"{info['os']}; Python {info['python']} ({bytecode}); {versions}; "
        f"commit {info['git']}.",
        "",
        "Medians of the interleaved runs: wall time (CPU time, user + system), peak memory.",
        "",
        "| package | claims | CSV | runs | casualty-schema validate | frictionless validate "
        "| polars read (floor) | validate ÷ frictionless | validate ÷ floor | load |",
        "|---|---:|---:|---:|---|---|---|---:|---:|---|",
    ]
    for case in cases:
        v = case.measurements.get("validate")
        f = case.measurements.get("frictionless")
        p = case.measurements.get("floor")
        runs = len(v.runs) if v else 0
        share = _ratio(v.seconds if v else None, f.seconds if f else None, 2)
        lines.append(
            f"| {case.name} | {case.claims:,} | {case.csv_mb:,.1f} MB | {runs} | {_cell(v)} "
            f"| {_cell(f)} | {_cell(p)} | {share} "
            f"| {_ratio(v.seconds if v else None, p.seconds if p else None)} "
            f"| {_load_range(case)} |"
        )
    version = next((c.measurements["version"] for c in cases if "version" in c.measurements), None)
    if version is not None:
        lines += ["", f"`casualty-schema --version` (bundled case, interleaved): {_cell(version)}."]
    lines += ["", *targets(cases)]
    for case in cases:
        if case.stages and "error" in case.stages:
            lines += ["", f"Stages of {case.name}: failed; the stages that ended:", "", "```"]
            lines += [*case.stages.get("progress", []), "```"]
        elif case.stages:
            lines += ["", f"Stages of {case.name}:", ""]
            lines += ["| stage | seconds | RSS after | peak so far |", "|---|---:|---:|---:|"]
            for s in case.stages["stages"]:
                lines.append(
                    f"| {s['stage']} | {s['seconds']:.2f} | {s['rss_mb']:,} MB "
                    f"| {s['peak_mb']:,} MB |"
                )
    return "\n".join(lines) + "\n"


def targets(cases: list[Case]) -> list[str]:
    """The targets of issue #15, met or not, for the cases that ran."""
    out = ["Targets (issue #15):", ""]

    def mark(ok: bool) -> str:
        return "met" if ok else "NOT met"

    by_name = {c.name: c for c in cases}
    bundled = by_name.get(BUNDLED)
    if bundled is not None:
        version, v = bundled.measurements.get("version"), bundled.measurements.get("validate")
        if version and version.seconds and v and v.seconds:
            share = version.seconds / v.seconds
            cpu = version.cpu_seconds or 0.0
            out.append(
                f"- `--version`: {version.seconds:.2f} s wall, {cpu:.2f} s CPU (< "
                f"{VERSION_SECONDS} s wall on an idle machine, where wall time is CPU time): "
                f"{mark(cpu < VERSION_SECONDS)}; {share:.2f}× validate of the bundled package "
                f"(< {VERSION_SHARE}): {mark(share < VERSION_SHARE)}"
            )
    for case in cases:
        v, f = case.measurements.get("validate"), case.measurements.get("frictionless")
        p = case.measurements.get("floor")
        if v is None or v.seconds is None:
            if case.claims == 10_000_000 and v is not None:
                out.append(f"- 10M {case.shape}: did not complete ({v.stopped}): NOT met")
            continue
        small = case.name == BUNDLED or (case.claims == 1_000 and case.shape == "zipf")
        if small and f is not None and f.seconds:
            share = v.seconds / f.seconds
            out.append(
                f"- {case.name}: validate {share:.2f}× frictionless (≤ {SMALL_SHARE}; CPU "
                f"{_ratio(v.cpu_seconds, f.cpu_seconds, 2)}): {mark(share <= SMALL_SHARE)}"
            )
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
                    f"{mark(v.peak_mb < MEMORY_1M_MB)}"
                )
        if case.claims == 10_000_000:
            ok = all(c in (0, 1) for c in v.exit_codes) and (v.peak_mb or 0) < MEMORY_10M_MB
            peak = f"{v.peak_mb / 1024:.1f} GB" if v.peak_mb else "?"
            out.append(
                f"- 10M {case.shape}: completes in {v.seconds:.1f} s, peak {peak} (< 10 GB): "
                f"{mark(ok)}"
            )
    return out


def _cases(args: argparse.Namespace) -> list[Case]:
    sizes = [s.strip().replace("_", "") for s in args.sizes.split(",") if s.strip()]
    shapes: list[float | None] = [None] + ([args.skew] if args.skew is not None else [])
    cases = []
    if BUNDLED in sizes:
        cases.append(bundled_case())
    numbers = [int(s) for s in sizes if s != BUNDLED]
    for skew in shapes:
        for n in numbers:
            if skew is None or n >= args.skew_min:
                cases.append(generated_case(n, skew, args))
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--sizes",
        default="bundled,1000,10000,100000,1000000,10000000",
        help="packages: 'bundled' and claims of generated ones, comma-separated",
    )
    parser.add_argument(
        "--skew", type=float, default=None, help="also packages where one claimant holds this share"
    )
    parser.add_argument(
        "--skew-min", type=int, default=100_000, help="the smallest size --skew is run at"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="interleaved rounds per package (default: 5 up to 10,000 claims, 1 above)",
    )
    parser.add_argument("--frictionless-max", type=int, default=1_000_000)
    parser.add_argument("--frictionless-skew", action="store_true")
    parser.add_argument("--frictionless-timeout", type=float, default=1800.0)
    parser.add_argument("--validate-timeout", type=float, default=1800.0)
    parser.add_argument(
        "--memory-limit-gb",
        type=float,
        default=16.0,
        help="stop a run whose resident memory passes this (the machine is shared)",
    )
    parser.add_argument("--stages", action="store_true", help="per-stage timings")
    parser.add_argument("--stages-max", type=int, default=1_000_000)
    parser.add_argument("--profile", action="store_true", help="with --stages: a cProfile")
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="run the tools with no compiled module to read (every import compiled)",
    )
    parser.add_argument(
        "--no-compile", action="store_true", help="do not compile the environment's bytecode"
    )
    parser.add_argument("--work", type=Path, default=WORK, help="packages and results")
    args = parser.parse_args(argv)
    if not args.no_compile and not args.no_bytecode:
        ensure_bytecode()
    info = machine()
    cases = [run_case(case, args) for case in _cases(args)]
    text = markdown(cases, info, args)
    print(text)
    results = args.work / "results"
    results.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = results / f"run-{stamp}.json"
    record = {
        "machine": info,
        "argv": sys.argv[1:] if argv is None else argv,
        "cases": [c.summary() for c in cases],
        "markdown": text,
    }
    out.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
    shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
    print(f"(results: {shown})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
