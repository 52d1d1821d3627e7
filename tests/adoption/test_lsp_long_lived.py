"""One long-lived ``throughlint lsp`` process (the real server over stdio) serving two
projects in turn, with their settings and packages changed in between: after every step
it publishes what a fresh ``--no-cache`` CLI run reports for the file."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import sys

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from adoption.test_lsp import Session, _open

from conftest import FIXTURES

PROJECTS = FIXTURES / "projects"
CONFIG = '[tool.throughlint]\nignore = ["TL103"]\n'


def _cli(run_cli, root, project: str, relative: str) -> list[tuple[int, int, str]]:
    completed = run_cli("--format", "json", "--no-cache", project, cwd=root)
    assert completed.returncode in (0, 1), completed.stderr
    found = json.loads(completed.stdout)["diagnostics"]
    return sorted((d["line"], d["column"], d["code"]) for d in found if d["path"] == relative)


def _published(diagnostics: list[types.Diagnostic]) -> list[tuple[int, int, str]]:
    # 0-based UTF-16 positions; the fixtures are ASCII
    return sorted(
        (d.range.start.line + 1, d.range.start.character + 1, d.code) for d in diagnostics
    )


def _project(tmp_path, name: str):
    root = tmp_path / name
    root.mkdir()
    (root / "pyproject.toml").write_text(CONFIG)
    shutil.copytree(PROJECTS / name, root / name)
    return root


def _rewrite_in_place(path, text: str) -> None:
    """New content of the same size and the same mtime: a second write within the file
    system's timestamp granularity (a tick, or seconds on some file systems)."""
    before = os.stat(path)
    assert len(text.encode()) == before.st_size
    path.write_text(text)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_one_server_two_projects_settings_and_packages_changed_between(run_cli, tmp_path):
    etl = _project(tmp_path, "dbapi_etl")
    shop = _project(tmp_path, "django_shop")
    load, services = etl / "dbapi_etl" / "load.py", shop / "django_shop" / "services.py"
    (shop / "django_shop" / "__init__.py").unlink()  # not a package yet

    async def relint(session: Session, path, version: int) -> list[tuple[int, int, str]]:
        session.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=path.as_uri(), version=version
                ),
                content_changes=[
                    types.TextDocumentContentChangeWholeDocument(text=path.read_text())
                ],
            )
        )
        return _published(await session.next_diagnostics(path.as_uri()))

    async def scenario() -> None:
        client = LanguageClient("throughlint-tests", "1")
        session = Session(client)
        await client.start_io(sys.executable, "-m", "throughlint", "lsp")
        try:
            await session.start(str(tmp_path))
            _open(session, load.as_uri(), load.read_text())
            etl_first = _published(await session.next_diagnostics(load.as_uri()))
            assert etl_first == _cli(run_cli, etl, "dbapi_etl", "dbapi_etl/load.py")
            assert "TL103" not in {code for *_, code in etl_first}

            _open(session, services.as_uri(), services.read_text())
            shop_first = _published(await session.next_diagnostics(services.as_uri()))
            assert shop_first == _cli(run_cli, shop, "django_shop", "django_shop/services.py")

            # project A's settings change (same size, same mtime) between two lints
            _rewrite_in_place(etl / "pyproject.toml", CONFIG.replace("TL103", "TL101"))
            etl_second = await relint(session, load, 2)
            assert etl_second == _cli(run_cli, etl, "dbapi_etl", "dbapi_etl/load.py")
            assert {"TL103"} <= {code for *_, code in etl_second} != {"TL101"}

            # project B becomes a package: its imports now resolve across files
            (shop / "django_shop" / "__init__.py").write_text("")
            session.client.text_document_did_save(
                types.DidSaveTextDocumentParams(
                    text_document=types.TextDocumentIdentifier(uri=services.as_uri())
                )
            )
            shop_second = _published(await session.next_diagnostics(services.as_uri()))
            assert shop_second == _cli(run_cli, shop, "django_shop", "django_shop/services.py")
            assert shop_second != shop_first

            # and project A again, unchanged since: the same as a fresh run
            assert await relint(session, load, 3) == etl_second
            await session.stop()
        finally:
            server = client._server  # a failed step must not leave client.stop() waiting
            if server is not None and server.returncode is None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(session.stop(), 10)
                if server.returncode is None:
                    server.kill()
            await client.stop()

    asyncio.run(scenario())
