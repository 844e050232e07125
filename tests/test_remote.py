"""Remote resources: refused unless --allow-remote; then fetched safely from a real server,
within a deadline, whatever the server answers."""

from __future__ import annotations

import json
import socketserver
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from casualty_schema import validate
from casualty_schema.cli import app
from casualty_schema.package import remote
from casualty_schema.package.descriptor import load_package
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


@contextmanager
def serving(handler: Any) -> Iterator[str]:
    """An HTTP server on loopback with ``handler``, for the block; its URL."""
    with running(ThreadingHTTPServer(("127.0.0.1", 0), handler)) as url:
        yield url


@contextmanager
def running(httpd: socketserver.TCPServer) -> Iterator[str]:
    """``httpd`` (bound to a loopback port) served on a thread for the block; its URL."""
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTP server on loopback serving a directory."""
    served = tmp_path / "served"
    served.mkdir()
    with serving(partial(_Handler, directory=str(served))) as url:
        yield url, served


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
    # one finding: the file that could not be fetched is not then said to be "not fetched:
    # --allow-remote fetches it", as if the flag had not been given
    [f] = [f for f in report.findings if f.rule == "source-error"]
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


# --- a server that breaks the protocol, or drips ------------------------------------------

DRIP_SECONDS = 30  # how long a dripping server goes on at most (then it stops by itself)
HEADERS = b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\n"
REPLIES = {
    "/incomplete": HEADERS + b"Content-Length: 100\r\n\r\nactor_id,name\n",
    "/incomplete-chunked": HEADERS + b"Transfer-Encoding: chunked\r\n\r\n64\r\nactor_id",
    "/line-too-long": HEADERS + b"X-Padding: " + b"a" * 70_000 + b"\r\n\r\n",
    "/bad-status-line": b"SPDY/9 nonsense\r\n\r\n",
    "/no-answer": b"",
}


class _Raw(socketserver.BaseRequestHandler):
    """Answers a request with REPLIES[path] and closes; /drip-body and /drip-headers send a
    byte every 50 ms for DRIP_SECONDS at most, or until the client hangs up."""

    def handle(self) -> None:
        sock = self.request
        sock.settimeout(5)
        try:
            path = sock.recv(65_536).split(b" ", 2)[1].decode()
            if path.startswith("/drip"):
                start = HEADERS + b"Content-Length: 100000\r\n\r\n" if path == "/drip-body" else b""
                sock.sendall(start or b"HTTP/1.1 200 OK\r\nX-Slow: ")
                stop = time.monotonic() + DRIP_SECONDS
                while time.monotonic() < stop:
                    time.sleep(0.05)
                    sock.sendall(b"a")
            else:
                sock.sendall(REPLIES[path])
        except (OSError, IndexError, KeyError):
            pass  # the client hung up, or asked for something else


@pytest.fixture
def raw_server() -> Iterator[str]:
    """A loopback server that speaks broken HTTP; it stops when the test ends."""

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        block_on_close = False

    with running(Server(("127.0.0.1", 0), _Raw)) as url:
        yield url


def fetch_findings(pkg: PackageCopy, url: str) -> list[str]:
    """The messages of what fetching the package's remote resources found."""
    remote_actors(pkg, url)
    with remote.fetched(load_package(pkg.descriptor, check_profile=False)) as (_spec, found):
        return [str(m) for m in found.get_column("message")]


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/incomplete", "IncompleteRead: the body ended 86 bytes short"),
        ("/incomplete-chunked", "IncompleteRead"),
        ("/line-too-long", "LineTooLong"),
        ("/bad-status-line", "BadStatusLine"),
        ("/no-answer", "RemoteDisconnected"),
    ],
)
def test_protocol_errors_are_findings(
    pkg: PackageCopy, raw_server: str, path: str, words: str
) -> None:
    (message,) = fetch_findings(pkg, raw_server + path)
    assert f"{raw_server}{path}: it could not be fetched: {words}" in message
    assert "\n" not in message


def test_an_invalid_url_is_a_finding(pkg: PackageCopy) -> None:
    (message,) = fetch_findings(pkg, "http://127.0.0.1:port/actors.csv")
    assert "it could not be fetched: InvalidURL: nonnumeric port" in message


@pytest.mark.parametrize("path", ["/drip-body", "/drip-headers"])
def test_a_dripping_server_is_cut_off_at_the_deadline(
    pkg: PackageCopy, raw_server: str, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    """TIMEOUT bounds the whole download, not each read: a byte every 50 ms never lets a
    read time out, and would go on for DRIP_SECONDS."""
    monkeypatch.setattr(remote, "TIMEOUT", 1)
    start = time.monotonic()
    (message,) = fetch_findings(pkg, raw_server + path)
    assert time.monotonic() - start < 5
    assert "it was not fetched within 1 seconds" in message


def test_a_dripping_server_is_a_finding_on_the_command_line(
    pkg: PackageCopy, raw_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remote, "TIMEOUT", 1)
    remote_actors(pkg, raw_server + "/drip-body")
    result = runner.invoke(app, ["validate", str(pkg.root), "--allow-remote", "--format", "json"])
    assert result.exit_code == 1, result.output
    findings = json.loads(result.output)["findings"]
    assert any(
        (f["rule"], f["resource"]) == ("source-error", "actors")
        and "not fetched within 1 seconds" in f["message"]
        for f in findings
    ), findings


@pytest.fixture
def counting_server(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """A server on loopback that answers every request with a JSON Schema that accepts
    anything (so that a profile fetched would be used), and records each request's path."""
    seen: list[str] = []

    class Counting(_Handler):
        def do_GET(self) -> None:
            seen.append(self.path)
            body = b'{"type": "object"}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_HEAD = do_GET

    with serving(Counting) as url:
        yield url, seen


def _with(pkg: PackageCopy, edit: Any) -> None:
    data = json.loads(pkg.descriptor.read_text(encoding="utf-8"))
    edit(data, {r["name"]: r for r in data["resources"]})
    pkg.descriptor.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_no_request_is_made_without_allow_remote(
    pkg: PackageCopy, counting_server: tuple[str, list[str]]
) -> None:
    """Every place a descriptor can give a URL — what frictionless fetches while it checks
    the profile (the package's and a resource's profile), what it does not ($schema, licences,
    sources), a dialect and a resource by URL (a schema by URL: corpus/remote-schema) — and
    not one request reaches the server: what would be fetched is refused with a finding, with
    --allow-remote too (it fetches resources only)."""
    url, seen = counting_server

    def described(data: dict[str, Any], resources: dict[str, Any]) -> None:
        data["$schema"] = f"{url}/package-schema.json"
        data["homepage"] = f"{url}/home"
        data["licenses"] = [{"name": "x", "path": f"{url}/licence"}]
        data["sources"] = [{"title": "x", "path": f"{url}/source"}]
        resources["claims"]["$schema"] = f"{url}/resource-schema.json"
        resources["claims"]["schema"]["$schema"] = f"{url}/table-schema.json"
        resources["places"]["dialect"] = f"{url}/dialect.json"
        resources["actors"]["path"] = f"{url}/actors.csv"

    _with(pkg, described)
    result = runner.invoke(app, ["validate", str(pkg.root), "--format", "json"])
    assert seen == []
    assert result.exit_code == 1, result.output
    refused = {(f["rule"], f["resource"]) for f in json.loads(result.output)["findings"]}
    assert {("source-error", "actors"), ("source-error", "places")} <= refused

    def profiles(data: dict[str, Any], resources: dict[str, Any]) -> None:
        data["profile"] = f"{url}/profile2.json"
        data["profiles"] = [f"{url}/profiles.json"]
        resources["claims"]["profile"] = f"{url}/resource-profile.json"

    _with(pkg, profiles)
    for allow in ([], ["--allow-remote"]):
        result = runner.invoke(app, ["validate", str(pkg.root), "--format", "json", *allow])
        assert seen == []
        assert result.exit_code == 2, result.output
        notes = [f["message"] for f in json.loads(result.output)["findings"]]
        assert len(notes) == 3, notes
        assert all(f"{url}/" in note and "never fetched" in note for note in notes), notes
    assert seen == []
