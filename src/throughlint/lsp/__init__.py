"""``throughlint lsp``: a Language Server (pygls) for editors; needs the ``lsp`` extra."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(arguments: Sequence[str]) -> int:
    from throughlint.arguments import Parser

    parser = Parser(
        prog="throughlint lsp",
        description="Language Server: diagnostics on open, change and save; fixes and "
        "suppressions as code actions. Speaks LSP on stdin/stdout unless --tcp is given.",
    )
    parser.add_argument("--stdio", action="store_true", help="use stdin/stdout (default)")
    parser.add_argument("--tcp", type=int, metavar="PORT", help="listen on 127.0.0.1:PORT")
    options = parser.parse_args(list(arguments))
    try:
        from throughlint.lsp.server import create_server
    except ImportError as exc:
        print(
            f"throughlint: error: the language server needs pygls ({exc.name} is missing): "
            "pip install 'throughlint[lsp]'",
            file=sys.stderr,
        )
        return 2
    server = create_server()
    if options.tcp is not None:
        server.start_tcp("127.0.0.1", options.tcp)
    else:
        server.start_io()
    return 0
