"""Whether a statement has its lines to itself, as the line-based rewrites need.

The fixes replace whole lines: a statement that shares its first line with a compound
statement's header (``if body: ack(tag)``) or continues one with a backslash
(``for row in rows: \\`` then the call) has no lines of its own to replace, and is not
offered a fix."""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Callable


def starts_its_line(statement: ast.stmt, line: Callable[[int], str]) -> bool:
    """Only indentation comes before ``statement`` on its first line, and the line above
    does not run on into it with a backslash. ``line`` is a line of the file by number."""
    first = line(statement.lineno)
    if first[: statement.col_offset].strip():
        return False  # ``if body: ack(tag)`` or ``a(); b()``; ``ast`` columns are bytes,
        # but a prefix of indentation only is ASCII, so bytes and characters agree
    return statement.lineno == 1 or not _runs_on(line(statement.lineno - 1))


def _runs_on(text: str) -> bool:
    """``text`` ends in a backslash that joins the next line to it, not one that ends a
    comment (``# C:\\``). A line that does not read alone counts as running on."""
    if not text.endswith("\\"):
        return False
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text + "\n").readline))
    except (tokenize.TokenError, SyntaxError):
        return True  # ``for row in rows: \\``: the file's next line ends the statement
    return not any(token.type == tokenize.COMMENT for token in tokens)
