"""Text from a package made safe to put into Markdown: one line that adds no structure.

A cell, a label, a file name or a message can hold anything. In a Markdown report (a CI job
summary, a pull-request comment, a CHANGELOG section) a line break inside it would end the
table row or the list item it is in and let the rest start a line of its own: a heading, a
list, a quote, a code fence. CommonMark ends a line at LF, CR and CRLF; :data:`LINE_BREAKS`
also holds the other characters Python splits lines at (VT, FF, the file, group and record
separators, NEL, U+2028, U+2029), so that no renderer can split there either.

:func:`inline` is for Markdown text (table cells, list items, headings); :func:`code` for a
code span. Both go through :func:`one_line`, which the plain-text renderers use as well (a
lone CR in a terminal moves the cursor back over what was printed).
"""

from __future__ import annotations

import re

__all__ = ["LINE_BREAKS", "code", "inline", "one_line"]

LINE_BREAKS = re.compile("\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")

# What makes the start of a line a block in CommonMark / GitHub Markdown: an ATX heading, a
# block quote, a bullet or ordered list item, a setext underline, a code fence. (A leading
# ``|``, which could start a table row, is escaped with every other ``|``.)
_BLOCK_START = re.compile(
    r"^(?P<indent>[ \t]*)(?:"
    r"(?P<first>#{1,6}(?=[ \t]|$)|>|[-+*](?=[ \t]|$)|[=-]+[ \t]*$|`{3,}|~{3,})"
    r"|[0-9]{1,9}(?P<after>[.)])(?=[ \t]|$))"
)
# Characters that end a table cell or open raw HTML (an HTML comment would hide the rest).
_SPECIAL = re.compile(r"[|<]")


def one_line(text: object) -> str:
    """``text`` on one line: every line break (:data:`LINE_BREAKS`) becomes a space."""
    return LINE_BREAKS.sub(" ", str(text))


def inline(text: object) -> str:
    """``text`` as Markdown inline text that renders as written and adds no structure: on
    one line, ``|`` and ``<`` escaped (a table cell ends at ``|``; ``<`` opens raw HTML),
    and a start that Markdown would read as a block (``#``, ``>``, ``-``, ``+``, ``*``,
    ``=``, a code fence, ``1.``) escaped with a backslash, wherever the text is put."""
    line = _SPECIAL.sub(lambda m: "\\" + m.group(), one_line(text))
    block = _BLOCK_START.match(line)
    if block is None:
        return line
    at = block.start("first") if block.group("first") is not None else block.start("after")
    return line[:at] + "\\" + line[at:]


def code(text: object, *, table: bool = False) -> str:
    """``text`` as a Markdown code span: on one line, backticks (which would end the span)
    replaced by ``'``; in a ``table`` cell, ``|`` escaped (GitHub Markdown splits the row
    there even inside a code span). A code span shows everything else as written."""
    span = one_line(text).replace("`", "'")
    return "`" + (span.replace("|", "\\|") if table else span) + "`"
