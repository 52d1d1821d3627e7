"""What an annotation names, with the wrappers that add nothing to the type taken off."""

from __future__ import annotations

import ast


def unwrap_annotation(annotation: ast.expr | None) -> ast.expr | None:
    """``Optional[X]``, ``X | None`` and ``"X"`` all stand for ``X``; any other
    annotation stands for itself. None for no annotation or an unparsable string."""
    if annotation is None:
        return None
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        annotation = parse_string_annotation(annotation.value)
        if annotation is None:
            return None
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        for side in (annotation.left, annotation.right):
            if not (isinstance(side, ast.Constant) and side.value is None):
                return unwrap_annotation(side)
    if (
        isinstance(annotation, ast.Subscript)
        and isinstance(annotation.value, (ast.Name, ast.Attribute))
        and (getattr(annotation.value, "id", None) or getattr(annotation.value, "attr", None))
        == "Optional"
    ):
        return unwrap_annotation(annotation.slice)
    return annotation


def parse_string_annotation(text: str) -> ast.expr | None:
    """The expression a string annotation spells; None when it spells none. Python never
    parses it unless asked, so a string too deeply nested for the parser (which raises
    ``RecursionError``, or ``MemoryError`` for a long run of unary operators) or one with a
    NUL byte is just no type: the rest of the file is still analysed."""
    try:
        return ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def annotated_class(annotation: ast.expr | None) -> ast.expr | None:
    """The class an annotation names (``Redis``, ``redis.Redis``, ``Optional["Redis"]``),
    or None when it names something else (a union of two classes, ``list[X]``)."""
    found = unwrap_annotation(annotation)
    return found if isinstance(found, (ast.Name, ast.Attribute)) else None
