"""Wide files and large descriptors: ``uv run python -m benchmarks.shapes``.

Three shapes, each at growing sizes, so that the growth can be read off (linear: the time per
column or per resource stays flat):

- ``columns``: one resource of N integer fields, its file N columns wide and 3 rows long
  (frictionless-py's ``data/wide.csv`` has 9,074 columns);
- ``resources``: N resources of two fields, each reading the same two-row file;
- ``fields``: one resource of N fields whose file has two columns (a large descriptor, few
  cells).

Each package is validated, in a fresh process, by ``casualty-schema validate`` and by
``frictionless validate``, one after the other for each size (interleaved, so that a change in
the machine's load hits both alike); wall and CPU time (user + system, of the process and its
children) are printed as a Markdown table. ``--frictionless-max`` skips frictionless above
that size.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

SHAPES = ("columns", "resources", "fields")


def make(root: Path, shape: str, n: int) -> Path:
    """The package of ``shape`` and size ``n`` in ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    if shape == "columns":
        names = [f"c{i}" for i in range(n)]
        rows = [",".join(str(r * n + i) for i in range(n)) for r in range(3)]
        (root / "t.csv").write_text("\n".join([",".join(names), *rows]) + "\n", encoding="utf-8")
        fields = [{"name": c, "type": "integer"} for c in names]
        resources = [{"name": "t", "path": "t.csv", "schema": {"fields": fields}}]
    elif shape == "resources":
        (root / "t.csv").write_text("id,name\n1,a\n2,b\n", encoding="utf-8")
        fields = [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]
        resources = [
            {"name": f"r{i}", "path": "t.csv", "schema": {"fields": fields}} for i in range(n)
        ]
    else:
        (root / "t.csv").write_text("f0,f1\n1,a\n", encoding="utf-8")
        fields = [{"name": f"f{i}", "type": "string"} for i in range(n)]
        resources = [{"name": "t", "path": "t.csv", "schema": {"fields": fields}}]
    descriptor = {"name": f"{shape}-{n}", "resources": resources}
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return root / "datapackage.json"


def timed(command: list[str], timeout: float) -> tuple[float, float, int]:
    """Wall and CPU seconds (user + system) of ``command`` in a fresh process, and its exit
    status: measured by a wrapper process, so that the CPU time is this run's alone."""
    code = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        f"r = subprocess.run({command!r}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,"
        f" timeout={timeout}).returncode; "
        "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
        "print(time.perf_counter() - t, u.ru_utime + u.ru_stime, r)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    wall, cpu, status = out.split()
    return float(wall), float(cpu), int(status)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--sizes", default="1000,2000,4000")
    parser.add_argument("--frictionless-max", type=int, default=4000)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args(argv)
    bin_dir = Path(sys.executable).parent
    ours, theirs = str(bin_dir / "casualty-schema"), str(bin_dir / "frictionless")
    print("| shape | N | casualty-schema wall | CPU | per N (ms CPU) | frictionless wall | CPU |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="casualty-schema-shapes-") as tmp:
        for shape in args.shapes.split(","):
            for n in (int(s) for s in args.sizes.split(",")):
                descriptor = make(Path(tmp) / f"{shape}-{n}", shape, n)
                wall, cpu, _ = timed([ours, "validate", "-q", str(descriptor)], args.timeout)
                row = f"| {shape} | {n:,} | {wall:.1f} s | {cpu:.1f} s | {1000 * cpu / n:.2f} |"
                if n <= args.frictionless_max:
                    f_wall, f_cpu, _ = timed([theirs, "validate", str(descriptor)], args.timeout)
                    row += f" {f_wall:.1f} s | {f_cpu:.1f} s |"
                else:
                    row += " – | – |"
                print(row, flush=True)


if __name__ == "__main__":
    main()
