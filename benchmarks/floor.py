"""The floor of the benchmark: a bare polars read of a package's CSV files, every cell as text
(as the validator's reader reads them), and nothing else.

``python -m benchmarks.floor PACKAGE`` prints ``{"rows": {...}, "seconds": ...}`` as JSON.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import polars as pl


def read_all(package: Path) -> dict[str, int]:
    descriptor = package / "datapackage.json" if package.is_dir() else package
    spec = json.loads(descriptor.read_text(encoding="utf-8"))
    rows = {}
    for resource in spec["resources"]:
        frame = pl.read_csv(descriptor.parent / resource["path"], infer_schema=False)
        rows[resource["name"]] = frame.height
    return rows


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    started = time.perf_counter()
    rows = read_all(Path(args[0]))
    print(json.dumps({"rows": rows, "seconds": round(time.perf_counter() - started, 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
