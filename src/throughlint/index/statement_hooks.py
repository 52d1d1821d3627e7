"""Project code that sees each ``execute`` call on a database connection as a call: a
connection or cursor class with its own ``execute`` or ``executemany`` (``class
AuditConnection(sqlite3.Connection)``, also through project bases), or a wrapper
registered on a connection (Django's ``connection.execute_wrapper(...)``).

Such code runs once per ``execute`` of a loop, and once, or not at all, for the
``executemany`` that TL102's fix puts in its place. The walk of one file sees the ones in
that file (``fixes/facts.py``: ``own_execute_fact``, ``callbacks_fact``); the connection
a loop writes through often comes from another module, so the fix also asks the project
index (``ProjectIndex.statement_interceptor``). A SQL function, a trace callback or an
authorizer registered in another module sees the same rows either way and stays out.

Walk side (``hook_registration``): the wrapper registrations of a file, recorded as its
``statement_hooks`` fact (module -> [[registration, line]]); the classes come from the
class facts every file records."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from throughlint.apis import STATEMENT_WRAPPER_REGISTRATIONS


@dataclass(frozen=True, slots=True)
class StatementInterceptor:
    """Where project code sees each statement: a class (``what`` its qualified name,
    ``line`` 0) or a registration (``what`` the call, made in ``module`` at ``line``)."""

    what: str
    module: str = ""
    line: int = 0

    def reason(self) -> str:
        """Why a fix that replaces the loop's ``execute`` calls is not safe beside it."""
        if not self.line:
            return (
                f"`{self.what}` is a connection or cursor class with its own `execute`, "
                "which the rewrite's `executemany` bypasses"
            )
        return (
            f"`{self.what}` (`{self.module}`, line {self.line}) wraps each statement: it "
            "would see one `executemany` instead of each `execute`"
        )


def hook_registration(call: ast.Call) -> str | None:
    """``execute_wrapper()`` for ``connection.execute_wrapper(...)``; None for any other
    call. By the method's name: a registration on an object of unknown type still counts
    (it only makes a fix unsafe)."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in STATEMENT_WRAPPER_REGISTRATIONS:
        return f"{func.attr}()"
    return None
