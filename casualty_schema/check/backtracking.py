"""Patterns only Python's ``re`` can check, under a limit of CPU time per value.

frictionless checks a ``pattern`` with Python's ``re``, a backtracking engine: ``(a+)+$`` style
patterns take time exponential in the length of a text that almost matches (a 40-character cell
runs for minutes). Most patterns are translated into Rust's regex, which takes time linear in
the text (:func:`casualty_schema.check.patterns.rust_pattern`); those that are not (look-arounds,
back-references, word boundaries, case-insensitive matching) are checked here.

Why a child process running ``re`` itself, and not another engine:

- ``re`` cannot be stopped from outside in the same process: it holds the GIL while it matches,
  and polars calls the check from a thread of its own, where no signal handler runs.
- The ``regex`` module has a ``timeout``, but it is not ``re``: its ``\\w``, ``\\b`` and case
  folding follow Unicode's word properties, so it gives other verdicts than frictionless on
  Arabic text (``\\w`` matches the fatha U+064E; ``re`` does not).
- RE2 (``google-re2``) runs in linear time, but has no look-around and no back-reference:
  exactly what the patterns that come here need.

So a child interpreter (``python -I -S``, started on the first such pattern and kept until the
process exits; it ends when its input closes) runs ``re.match("^" + pattern + "$", text)`` on
each distinct text, under a one-shot ``ITIMER_VIRTUAL`` timer of :data:`CPU_LIMIT` seconds of
its own CPU time: ``re`` checks for signals as it backtracks, so the timer's handler stops a
match that runs past the limit. Its verdicts are frictionless's; a text that runs past the limit
has no verdict (None), and the child checks no further text of that request. The caller reports
such a pattern as one that cannot be checked safely (:mod:`casualty_schema.check.cells`).
A child that stops answering (:data:`WATCHDOG` seconds of wall time without a verdict) is
killed, and the texts it did not answer have no verdict either.

Verdicts are remembered per pattern (a text that ran past the limit stays without one), so the
several expressions of one check that hold the same pattern agree, and pay for each text once.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence

__all__ = ["CPU_LIMIT", "WATCHDOG", "python_matches"]

#: Seconds of CPU time ``re`` may spend on one text (docs/security.md).
CPU_LIMIT = 1.0
#: Seconds of wall time without a verdict after which the child is killed.
WATCHDOG = 30.0
#: Texts sent per request: their verdicts (a byte each) fit in a pipe's buffer, so the child
#: never waits on its output while the parent still writes its input.
BATCH = 4096
#: Patterns whose verdicts are remembered, and the verdicts kept per pattern.
PATTERNS_KEPT, VERDICTS_KEPT = 32, 200_000

_CHILD = r"""
import json, re, signal, sys

class Slow(Exception):
    pass

def slow(signum, frame):
    raise Slow

signal.signal(signal.SIGVTALRM, slow)
out = sys.stdout.buffer
for line in sys.stdin.buffer:
    request = json.loads(line)
    try:
        compiled = re.compile("^" + request["pattern"] + "$")  # what frictionless checks
    except (re.error, RecursionError, OverflowError, ValueError):
        out.write(b"!\n")
        out.flush()
        continue
    for text in request["texts"]:
        try:
            try:
                signal.setitimer(signal.ITIMER_VIRTUAL, request["limit"])
                found = compiled.match(text) is not None
            finally:
                signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        except Slow:
            out.write(b"?")
            break
        out.write(b"1" if found else b"0")
        out.flush()
    out.write(b"\n")
    out.flush()
"""

_lock = threading.Lock()
_child: subprocess.Popen[bytes] | None = None
# pattern -> text -> verdict (None: it ran past the limit)
_verdicts: OrderedDict[str, dict[str, bool | None]] = OrderedDict()


def python_matches(pattern: str, texts: Sequence[str]) -> list[bool | None]:
    """For each text, whether ``re.match("^" + pattern + "$", text)`` matches (frictionless's
    check), or None when it could not be decided within :data:`CPU_LIMIT` (or the pattern does
    not compile)."""
    with _lock:
        known = _verdicts.pop(pattern, {})
        _verdicts[pattern] = known  # the most recently used last
        while len(_verdicts) > PATTERNS_KEPT:
            _verdicts.popitem(last=False)
        asked = [t for t in dict.fromkeys(texts) if t not in known]
        for start in range(0, len(asked), BATCH):
            batch = asked[start : start + BATCH]
            answers = _ask(pattern, batch)
            if len(known) + len(answers) > VERDICTS_KEPT:  # keep the texts without a verdict
                for text in [t for t, v in known.items() if v is not None]:
                    del known[text]
            known.update(answers)
            if len(answers) < len(batch) or None in answers.values():
                break  # the pattern cannot be checked safely: no need to try more texts
        return [known.get(t) for t in texts]


def _ask(pattern: str, texts: list[str]) -> dict[str, bool | None]:
    """The child's verdicts on ``texts``: those it gave, and None for one past the limit."""
    global _child
    if _child is None or _child.poll() is not None:
        _child = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    child = _child
    assert child.stdin is not None
    assert child.stdout is not None
    request = {"pattern": pattern, "limit": CPU_LIMIT, "texts": texts}
    try:
        child.stdin.write(json.dumps(request, ensure_ascii=True).encode("ascii") + b"\n")
        child.stdin.flush()
        reply = _read_reply(child.stdout.fileno())
    except (OSError, TimeoutError):  # it died, or stopped answering: no verdict, for good
        _stop()
        return dict.fromkeys(texts, None)
    if reply.startswith(b"!"):
        return dict.fromkeys(texts, None)
    answers: dict[str, bool | None] = {}
    for text, verdict in zip(texts, reply, strict=False):
        answers[text] = None if verdict == ord("?") else verdict == ord("1")
    return answers


def _read_reply(fd: int) -> bytes:
    """One line from the child, each byte within :data:`WATCHDOG` seconds of the last."""
    reply = bytearray()
    while not reply.endswith(b"\n"):
        deadline = time.monotonic() + WATCHDOG
        ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0))
        if not ready:
            raise TimeoutError("the pattern checker stopped answering")
        chunk = os.read(fd, 65536)
        if not chunk:
            raise OSError("the pattern checker ended")
        reply += chunk
    return bytes(reply[:-1])


def _stop() -> None:
    """End the child (at exit, or when it stopped answering)."""
    global _child
    child, _child = _child, None
    if child is None:
        return
    for stream in (child.stdin, child.stdout):
        if stream is not None:
            stream.close()
    child.kill()
    child.wait()


atexit.register(_stop)
