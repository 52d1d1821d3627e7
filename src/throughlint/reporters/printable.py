"""Text from the analysed code made safe to print: a string literal quoted in a message
or a source line can hold control characters (an ESC that drives the terminal, a NUL or
other C0 character that XML 1.0 forbids even escaped)."""

from __future__ import annotations

import re

# C0 controls but tab, DEL, C1 controls, and the two non-characters XML refuses
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_LINE_BREAKS = re.compile("[\n\r]")


def visible(text: str) -> str:
    """``text`` with each control character spelt as an escape (``\\x1b``); tabs stay."""
    if _CONTROLS.search(text) is None:
        return text
    return _CONTROLS.sub(lambda match: _escape(match.group(0)), text)


def one_line(text: str) -> str:
    """``visible`` with line breaks escaped too: a path or message on one output line."""
    return visible(_LINE_BREAKS.sub(lambda match: _escape(match.group(0)), text))


def same_width(text: str) -> str:
    """``text`` with each control character replaced by one U+FFFD, so that the columns
    of a code frame (and its caret) still line up."""
    return _CONTROLS.sub("\ufffd", text)


def _escape(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
