"""Calls whose cost dominates a loop's pass: an e-mail, an HTTP request, a subprocess,
a template rendered, a file tree walked or copied. A database round trip in the same
pass is not the bottleneck: batching it would not remove the call beside it
(``relevance.py`` holds such findings back, issue 17's per-pass cost model).

Library calls only, by resolved qualified name: a project's own ``send_mail`` or
``render`` is not one of them. A call counts for a loop or a function only when it runs
on every pass: not under an ``if``, an ``except`` or a ``match`` case between the loop
(or the function) and the call.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

E_MAIL = "an e-mail"
HTTP = "an HTTP request"
SUBPROCESS = "a subprocess"
TEMPLATE = "a template rendering"
FILE_TREE = "a file tree"

_HTTP = ("get", "post", "put", "patch", "delete", "head", "options", "request")
_MAILS = ("send_mail", "send_mass_mail", "mail_admins", "mail_managers")
_MESSAGES = ("EmailMessage", "EmailMultiAlternatives")
_SMTP = ("smtplib.SMTP()", "smtplib.SMTP_SSL()")
_SUBPROCESSES = ("run", "call", "check_call", "check_output", "Popen", "getoutput")
_SUBPROCESSES += ("getstatusoutput",)
_GPG = ("verify", "verify_file", "verify_data", "sign", "sign_file", "encrypt", "decrypt")
_GPG += ("encrypt_file", "decrypt_file", "import_keys", "recv_keys", "list_keys")
_TREES = ("copytree", "rmtree", "move", "make_archive", "unpack_archive", "copy", "copy2")
_TREES += ("copyfile",)

HEAVY: dict[str, str] = {
    **{f"django.core.mail.{name}": E_MAIL for name in _MAILS},
    **{f"django.core.mail.{m}().send": E_MAIL for m in _MESSAGES},
    **{f"django.core.mail.message.{m}().send": E_MAIL for m in _MESSAGES},
    "django.core.mail.get_connection().send_messages": E_MAIL,
    **{f"{smtp}.{m}": E_MAIL for smtp in _SMTP for m in ("sendmail", "send_message")},
    "flask_mail.Mail().send": E_MAIL,
    "flask_mail.Mail().send_message": E_MAIL,
    **{f"requests.{verb}": HTTP for verb in _HTTP},
    **{f"requests.Session().{verb}": HTTP for verb in _HTTP},
    **{f"httpx.{verb}": HTTP for verb in _HTTP},
    **{f"httpx.Client().{verb}": HTTP for verb in (*_HTTP, "send")},
    "urllib.request.urlopen": HTTP,
    "urllib3.PoolManager().request": HTTP,
    **{f"subprocess.{name}": SUBPROCESS for name in _SUBPROCESSES},
    "os.system": SUBPROCESS,
    "os.popen": SUBPROCESS,
    **{f"gnupg.GPG().{name}": SUBPROCESS for name in _GPG},  # python-gnupg runs ``gpg``
    "django.template.loader.render_to_string": TEMPLATE,
    "django.template.loader.get_template().render": TEMPLATE,
    "django.shortcuts.render": TEMPLATE,
    "flask.render_template": TEMPLATE,
    "flask.render_template_string": TEMPLATE,
    "jinja2.Template().render": TEMPLATE,
    "jinja2.Environment().get_template().render": TEMPLATE,
    "os.walk": FILE_TREE,
    "glob.glob": FILE_TREE,
    "pathlib.Path().rglob": FILE_TREE,
    **{f"shutil.{name}": FILE_TREE for name in _TREES},
}
"""Resolved library names of calls that cost more than a database round trip, by kind."""


def heavy_call(name: str | None) -> str:
    """``"an e-mail (`send_mail()`)"`` for a dominating library call's resolved name, else
    ""."""
    kind = HEAVY.get(name or "")
    if not kind:
        return ""
    return f"{kind} (`{name.replace('()', '')}()`)"  # type: ignore[union-attr]


def every_pass(model: SemanticModel, top: ast.AST) -> bool:
    """The node being visited runs whenever ``top`` (a loop or a function on the walk's
    statement stack) runs its body: no ``if``, ``except`` handler or ``match`` case lies
    between them. A loop not on the stack (a comprehension) holds the node itself."""
    return model.fold_path(top, "pass_cost.every", True, _step)


def _step(value: bool, parent: ast.AST, child: ast.AST) -> bool:
    if not value:
        return False
    if isinstance(parent, (ast.If, ast.Match)):
        return False
    if isinstance(parent, (ast.Try, getattr(ast, "TryStar", ast.Try))):
        return not _in_handler(parent, child)
    return True


def _in_handler(statement: ast.Try, child: ast.AST) -> bool:
    """Is ``child`` (a block's statement or a handler) in one of the ``except`` handlers?
    Told by position, which is constant time (a scan of the blocks per statement of a long
    ``try`` was quadratic)."""
    if not statement.handlers:
        return False
    position = (child.lineno, child.col_offset)  # type: ignore[attr-defined]
    first = statement.handlers[0]
    if position < (first.lineno, first.col_offset):
        return False  # the body
    return not any(
        block and position >= (block[0].lineno, block[0].col_offset)
        for block in (statement.orelse, statement.finalbody)
    )
