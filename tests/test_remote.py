"""Remote resources: refused unless --allow-remote; then fetched safely from a real server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from casualty_schema import validate
from casualty_schema.cli import app
from casualty_schema.package import remote
from tests.builder import PackageCopy

runner = CliRunner()


class _Handler(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:  # keep the test output quiet
        pass

    def do_GET(self) -> None:
        if self.path == "/redirect-to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/hostname")
            self.end_headers()
            return
        super().do_GET()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTP server on loopback serving a directory."""
    served = tmp_path / "served"
    served.mkdir()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(served)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", served
    finally:
        httpd.shutdown()
        httpd.server_close()


def remote_actors(pkg: PackageCopy, url: str) -> None:
    data = json.loads(pkg.descriptor.read_text(encoding="utf-8"))
    next(r for r in data["resources"] if r["name"] == "actors")["path"] = url
    pkg.descriptor.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def pkg(tmp_path: Path) -> PackageCopy:
    (tmp_path / "pkg").mkdir()
    return PackageCopy(tmp_path / "pkg")


def test_remote_resource_is_refused_by_default(pkg: PackageCopy, server: tuple[str, Path]) -> None:
    url, served = server
    (served / "actors.csv").write_bytes(pkg.path("actors").read_bytes())
    remote_actors(pkg, f"{url}/actors.csv")
    report = validate(pkg.root)
    f = next(f for f in report.findings if f.rule == "source-error")
    assert f.resource == "actors"
    assert "--allow-remote" in f.message


def test_allow_remote_fetches_and_validates(pkg: PackageCopy, server: tuple[str, Path]) -> None:
    url, served = server
    (served / "actors.csv").write_bytes(pkg.path("actors").read_bytes())
    remote_actors(pkg, f"{url}/actors.csv")
    result = runner.invoke(app, ["validate", str(pkg.root), "--allow-remote"])
    assert result.exit_code == 0, result.output
    assert validate(pkg.root, allow_remote=True).rows["actors"] == 7


@pytest.mark.parametrize(
    ("path", "words"),
    [("missing.csv", "404"), ("redirect-to-file", "'file:///etc/hostname' is not allowed")],
)
def test_what_cannot_be_fetched_is_a_finding(
    pkg: PackageCopy, server: tuple[str, Path], path: str, words: str
) -> None:
    url, _served = server
    remote_actors(pkg, f"{url}/{path}")
    report = validate(pkg.root, allow_remote=True)
    f = next(f for f in report.findings if f.rule == "source-error")
    assert (f.resource, f.path) == ("actors", f"{url}/{path}")
    assert words in f.message


def test_size_cap(
    pkg: PackageCopy, server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, served = server
    (served / "actors.csv").write_bytes(pkg.path("actors").read_bytes())
    monkeypatch.setattr(remote, "MAX_BYTES", 100)
    remote_actors(pkg, f"{url}/actors.csv")
    f = next(f for f in validate(pkg.root, allow_remote=True).findings if f.rule == "source-error")
    assert "larger than 100 bytes" in f.message
