"""The release archive and its checksums: a byte-for-byte reproducible zip (sorted entries,
one fixed time, mode 0644, no extra fields) and ``SHA256SUMS``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

__all__ = [
    "SUMS",
    "ZIP_CEILING",
    "ZIP_FLOOR",
    "ZIP_MODE",
    "archive_name",
    "read_sums",
    "sums_text",
    "zip_bytes",
]

SUMS = "SHA256SUMS"
ZIP_FLOOR = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can hold
ZIP_CEILING = 4354819199  # 2107-12-31T23:59:59Z, the latest
ZIP_MODE = 0o100644  # a regular file, rw-r--r--


def archive_name(name: str, version: object) -> str:
    return f"{name}-{version}.zip"


def zip_bytes(files: Mapping[str, bytes], epoch: int | None) -> bytes:
    """The archive of ``files`` (entry name → content), every entry dated ``epoch`` (or the
    zip floor, 1980-01-01, when it is None or earlier)."""
    stamp = datetime.fromtimestamp(max(epoch or ZIP_FLOOR, ZIP_FLOOR), tz=UTC)
    date_time = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for entry in sorted(files):
            info = zipfile.ZipInfo(entry, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so that the mode below is read
            info.external_attr = ZIP_MODE << 16
            zf.writestr(info, files[entry], compresslevel=9)
    return buffer.getvalue()


def read_sums(path: Path) -> list[str]:
    """The lines of a ``SHA256SUMS`` file (none when it does not exist)."""
    if not path.is_file():
        return []
    return path.read_text(encoding="utf-8").splitlines()


def sums_text(lines: list[str], digest: str, archive: str) -> str:
    """``SHA256SUMS`` with ``lines`` kept and the new archive's line added, sorted by name."""
    kept = [line for line in lines if line.strip()]
    kept.append(f"{digest}  {archive}")
    return "\n".join(sorted(kept, key=lambda s: s[66:])) + "\n"
