"""Reading source files, and the one place that converts ``ast`` offsets to characters.

``ast`` reports columns as UTF-8 byte offsets; editors, libcst and our output count
characters. Everything that turns a node position into a :class:`Span` goes through
:meth:`SourceFile.span`.
"""

from __future__ import annotations

import ast
import io
import os
import re
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from throughlint.diagnostics import Span

if TYPE_CHECKING:
    from throughlint.settings import Settings

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class SourceError(Exception):
    """A file that cannot be turned into text or a tree; the message is one line."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass
class SourceFile:
    path: str
    text: str
    encoding: str = "utf-8"
    _lines: list[str] | None = field(default=None, repr=False)
    _comments: dict[int, str] | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        # Python counts only \n, \r\n and \r as line ends (str.splitlines also splits on
        # form feeds and other separators, which would shift every later line number).
        if self._lines is None:
            self._lines = _LINE_BREAK.split(self.text)
        return self._lines

    def line(self, lineno: int) -> str:
        lines = self.lines
        return lines[lineno - 1] if 0 < lineno <= len(lines) else ""

    def segment(self, node: ast.AST) -> str | None:
        """The source text of ``node`` (``ast`` columns count UTF-8 bytes), from the lines
        already split: cost by the node's lines, not the file's."""
        first, last = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        start, end = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if first is None or last is None or start is None or end is None:
            return None
        lines = [self.line(number).encode("utf-8") for number in range(first, last + 1)]
        if len(lines) == 1:
            return lines[0][start:end].decode("utf-8", "replace")
        lines[0], lines[-1] = lines[0][start:], lines[-1][:end]
        return b"\n".join(lines).decode("utf-8", "replace")

    def comment(self, lineno: int) -> str:
        """The comment on ``lineno`` (``""`` if none), from the tokenizer: a ``#`` inside
        a string is not a comment. The file is tokenized once, on the first call."""
        if self._comments is None:
            self._comments = _comments(self.text, self.lines)
        return self._comments.get(lineno, "")

    def char_column(self, lineno: int, byte_offset: int) -> int:
        """0-based character column of a UTF-8 byte offset on ``lineno``."""
        text = self.line(lineno)
        if text.isascii():
            return byte_offset
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))

    def span(self, node: ast.AST) -> Span:
        line = node.lineno  # type: ignore[attr-defined]
        end_line = getattr(node, "end_lineno", None) or line
        end_col = getattr(node, "end_col_offset", None)
        col = self.char_column(line, node.col_offset)  # type: ignore[attr-defined]
        end = self.char_column(end_line, end_col) if end_col is not None else col
        return Span(line, col + 1, end_line, end + 1)


def _comments(text: str, lines: list[str]) -> dict[int, str]:
    """COMMENT tokens by line. Lines are split the way ``ast`` counts them (a lone
    ``\r`` ends a line too). Should the tokenizer disagree with the parser that accepted
    the file, the lines from where it stopped count as all comment (the old reading)."""
    found: dict[int, str] = {}
    readline = iter(line + "\n" for line in lines).__next__
    last = 0
    try:
        for token in tokenize.generate_tokens(readline):
            last = token.start[0]
            if token.type == tokenize.COMMENT:
                found[last] = token.string
    except (tokenize.TokenError, SyntaxError):
        for lineno in range(max(last, 1), len(lines) + 1):
            found.setdefault(lineno, lines[lineno - 1])
    return found


def decode_source(data: bytes, path: str) -> SourceFile:
    """Decode bytes the way Python does (BOM, PEP 263 cookie), or raise SourceError."""
    if b"\x00" in data:
        raise SourceError("binary file (contains a NUL byte), not Python source")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if "encoding problem" in exc.msg or "unknown encoding" in exc.msg:
            raise SourceError(f"bad encoding declaration: {exc.msg}") from None
        encoding = "utf-8"  # undecodable first lines: let the decode below say where
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"cannot decode as {encoding}: invalid byte 0x{data[exc.start]:02x} on line {line}",
            line,
        ) from None
    except LookupError:
        raise SourceError(f"unknown encoding {encoding!r}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return SourceFile(path=path, text=text, encoding=encoding)


def parse_source(source: SourceFile) -> ast.Module:
    # Not the real path: given a file that exists, CPython re-reads the error's line from
    # disk to turn its byte offset into a column, and a BOM there (or a newer version of
    # the file, in an editor) shifts the column. Given this name, it uses the text parsed.
    try:
        return ast.parse(source.text, filename="<throughlint>")
    except SyntaxError as exc:
        line = exc.lineno or 1
        column = exc.offset or 1
        return _raise_syntax(f"syntax error: {exc.msg}", line, column)
    except ValueError as exc:
        return _raise_syntax(f"cannot parse: {exc}", 1, 1)
    except (RecursionError, MemoryError):  # CPython's parser stack overflow is a MemoryError
        return _raise_syntax("cannot parse: expression nested too deeply", 1, 1)


def _raise_syntax(message: str, line: int, column: int) -> ast.Module:
    raise SourceError(message, line, column)


# --- module identity -------------------------------------------------------------------


def _package_of(directory: str, known: dict[str, str] | None = None) -> str:
    """The dotted package a folder is, from the ``__init__.py`` files at and above it.
    ``known`` is the caller's memo of answers: the file system changes (a new
    ``__init__.py``), so no answer is kept beyond the caller's run or project."""
    if known is not None and directory in known:
        return known[directory]
    if not os.path.isfile(os.path.join(directory, "__init__.py")):
        package = ""
    else:
        parent = os.path.dirname(directory)
        outer = _package_of(parent, known) if parent != directory else ""
        name = os.path.basename(directory)
        package = f"{outer}.{name}" if outer else name
    if known is not None:
        known[directory] = package
    return package


def source_roots(settings: Settings) -> tuple[str, ...]:
    """The ``src`` setting's folders, absolute (relative ones are to the project root)."""
    return tuple(
        os.path.join(os.path.abspath(settings.project_root), root) for root in settings.src
    )


def module_identity(
    path: str, roots: Sequence[str] = (), packages: dict[str, str] | None = None
) -> tuple[str, str]:
    """``(root, dotted name)`` of a file. Under one of the ``src`` ``roots`` the name is the
    path from that root (namespace packages included); elsewhere it comes from the
    ``__init__.py`` files above the file, and the root is the folder above the outermost
    package. Two ``models.py`` in two roots are two modules. ``packages`` memoizes the
    folders' packages for one run or project (see :func:`_package_of`)."""
    absolute = os.path.abspath(path)
    stem = os.path.splitext(os.path.basename(absolute))[0]
    for root in roots:
        relative = os.path.relpath(absolute, root)
        if relative != ".." and not relative.startswith(".." + os.sep):
            parts = relative.split(os.sep)
            parts[-1] = stem
            if stem == "__init__":
                parts.pop()
            return root, ".".join(parts) or "__init__"
    directory = os.path.dirname(absolute)
    package = _package_of(directory, packages)
    root = directory
    for _ in package.split(".") if package else ():
        root = os.path.dirname(root)
    if stem == "__init__":
        return root, package or "__init__"
    return root, f"{package}.{stem}" if package else stem


def module_name(path: str, roots: Sequence[str] = ()) -> str:
    """Dotted module name of a file (see :func:`module_identity`)."""
    return module_identity(path, roots)[1]
