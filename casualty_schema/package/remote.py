"""Remote resources, fetched only when asked (``--allow-remote``).

By default a resource whose path is a URL is refused unread (see docs/security.md): a
descriptor must not make CI reach into its network. With ``allow_remote``, each http or
https resource is downloaded — through http or https only, redirects included, within
:data:`TIMEOUT` seconds and :data:`MAX_BYTES` bytes — into a temporary directory, and read
from there like a local file. What cannot be fetched is a ``source-error`` finding.

:data:`TIMEOUT` is a deadline for the whole download (connecting, every redirect, the
headers and the body), not a limit on each read: a server that sends a byte now and then
cannot keep the validator waiting past it. Every read of the response goes through
:class:`_DeadlineReader`, which gives the socket only the time left. Whatever the server
answers — an HTTP error, a broken status line, a line too long, a body shorter than it said,
a URL http.client refuses — is a finding, never a traceback.
"""

from __future__ import annotations

import http.client
import io
import re
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
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


class _DeadlineReader(io.RawIOBase):
    """A socket's reads with a deadline: each read waits only for the time left, and none
    starts after it."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        super().__init__()
        self._sock = sock
        self._raw = sock.makefile("rb", buffering=0)  # holds the socket open, as http.client's
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the deadline passed")
        self._sock.settimeout(left)
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _Response(http.client.HTTPResponse):
    """An HTTP response read through :class:`_DeadlineReader`."""

    def __init__(self, sock: socket.socket, *args: Any, deadline: float, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        self.fp.close()
        self.fp = io.BufferedReader(_DeadlineReader(sock, deadline))


def _left(deadline: float) -> float:
    return max(deadline - time.monotonic(), 0.001)


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, deadline: float, **kwargs: Any) -> None:
        super().__init__(*args, **{**kwargs, "timeout": _left(deadline)})
        self.response_class = partial(_Response, deadline=deadline)  # type: ignore[assignment]


class _HTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, deadline: float, **kwargs: Any) -> None:
        super().__init__(*args, **{**kwargs, "timeout": _left(deadline)})
        self.response_class = partial(_Response, deadline=deadline)  # type: ignore[assignment]


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: float) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, req: Any) -> Any:
        return self.do_open(partial(_HTTPConnection, deadline=self.deadline), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: float) -> None:
        super().__init__()
        self.deadline = deadline

    def https_open(self, req: Any) -> Any:
        connection = partial(_HTTPSConnection, deadline=self.deadline)
        return self.do_open(connection, req, context=ssl.create_default_context())


def is_remote(path: object) -> bool:
    return isinstance(path, str) and bool(_REMOTE.match(path))


def _download(url: str, target: Path) -> str | None:
    """Fetch ``url`` into ``target`` within :data:`TIMEOUT` seconds in all; the reason it
    failed (one line), or None."""
    deadline = time.monotonic() + TIMEOUT
    opener = urllib.request.build_opener(_HttpOnly, _HTTPHandler(deadline), _HTTPSHandler(deadline))
    late = f"it was not fetched within {TIMEOUT} seconds"
    try:
        with opener.open(url, timeout=TIMEOUT) as response, target.open("wb") as out:
            size = 0
            while chunk := response.read(1 << 16):
                size += len(chunk)
                if size > MAX_BYTES:
                    return f"it is larger than {MAX_BYTES} bytes"
                if time.monotonic() > deadline:
                    return late
                out.write(chunk)
            if response.length:  # http.client returns a short body without a word
                return (
                    f"it could not be fetched: IncompleteRead: the body ended "
                    f"{response.length} bytes short of its Content-Length"
                )
    except urllib.error.HTTPError as error:
        return f"the server answered {error.code} {_one_line(error.reason)}"
    except TimeoutError:
        return late
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            return late
        return f"it could not be fetched: {_one_line(error.reason)}"
    except http.client.HTTPException as error:  # IncompleteRead, LineTooLong, BadStatusLine...
        return f"it could not be fetched: {type(error).__name__}: {_one_line(error)}"
    except (OSError, ValueError) as error:
        return f"it could not be fetched: {_one_line(error)}"
    return None


def _one_line(reason: object) -> str:
    return " ".join(str(reason).split())


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
