"""Remote resources, fetched only when asked (``--allow-remote``).

By default a resource whose path is a URL is refused unread (see docs/security.md): a
descriptor must not make CI reach into its network. With ``allow_remote``, each http or
https resource is downloaded — through http or https only, redirects included, within
:data:`TIMEOUT` seconds and :data:`MAX_BYTES` bytes — into a temporary directory, and read
from there like a local file. What cannot be fetched is a ``source-error`` finding.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import polars as pl

from casualty_schema.errors import error
from casualty_schema.findings import findings_frame
from casualty_schema.package.descriptor import PackageSpec

TIMEOUT = 30
MAX_BYTES = 1 << 30  # 1 GiB per resource
_REMOTE = re.compile(r"^https?://", re.IGNORECASE)


class _HttpOnly(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http and https only (never file:, ftp:, ...)."""

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        if not _REMOTE.match(newurl):
            raise urllib.error.URLError(f"redirect to {newurl!r} refused")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpOnly)


def is_remote(path: object) -> bool:
    return isinstance(path, str) and bool(_REMOTE.match(path))


def _download(url: str, target: Path) -> str | None:
    """Fetch ``url`` into ``target``; the reason it failed, or None."""
    try:
        with _OPENER.open(url, timeout=TIMEOUT) as response, target.open("wb") as out:
            size = 0
            while chunk := response.read(1 << 16):
                size += len(chunk)
                if size > MAX_BYTES:
                    return f"it is larger than {MAX_BYTES} bytes"
                out.write(chunk)
    except urllib.error.HTTPError as error:
        return f"the server answered {error.code} {error.reason}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return f"it could not be fetched: {reason}"
    return None


@contextmanager
def fetched(package: PackageSpec) -> Iterator[tuple[PackageSpec, pl.DataFrame]]:
    """``package`` with its remote resources downloaded (``PackageSpec.fetched``), and a
    finding for each that could not be; the files last as long as the ``with`` block."""
    remote = {n: r for n, r in package.resources.items() if is_remote(r.descriptor.get("path"))}
    if not remote:
        yield package, findings_frame([])
        return
    with TemporaryDirectory(prefix="casualty-schema-remote-") as tmp:
        local: dict[str, Path] = {}
        rows = []
        for i, (name, resource) in enumerate(remote.items()):
            url = str(resource.descriptor["path"])
            target = Path(tmp) / f"{i}.csv"
            problem = _download(url, target)
            if problem is None:
                local[name] = target
            else:
                rows.append(
                    error("source-error").finding(resource=name, path=url, note=f"{url}: {problem}")
                )
        yield replace(package, fetched=local), findings_frame(rows)
