"""A real LSP session: pygls client <-> throughlint's server over JSON-RPC pipes, the
server in a thread of this process; and once through ``throughlint lsp`` (stdio)."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import time

from lsprotocol import types
from pygls.io_ import StdinAsyncReader, StdoutWriter, run_async
from pygls.lsp.client import LanguageClient

from throughlint.lsp.server import create_server

SOURCE = """\
import queue
from concurrent.futures import ThreadPoolExecutor


def export(batches):
    for batch in batches:
        ThreadPoolExecutor().map(print, batch)  # noqa: TL999
"""
QUEUE_LINE = "q = queue.Queue()  # café ☕ — non-ASCII before nothing\n"


class Session:
    """An initialized client talking to the server; collects published diagnostics."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.published: asyncio.Queue[types.PublishDiagnosticsParams] = asyncio.Queue()

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            self.published.put_nowait(params)

    async def start(self, root: str) -> types.InitializeResult:
        result = await self.client.initialize_async(
            types.InitializeParams(
                process_id=os.getpid(),
                root_uri=f"file://{root}",
                capabilities=types.ClientCapabilities(),
            )
        )
        self.client.initialized(types.InitializedParams())
        return result

    async def next_diagnostics(self, uri: str) -> list[types.Diagnostic]:
        while True:
            params = await asyncio.wait_for(self.published.get(), timeout=30)
            if params.uri == uri:
                return params.diagnostics

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)


async def _in_process_session(scenario, root: str):
    server = create_server()
    to_server_read, to_server_write = os.pipe()
    to_client_read, to_client_write = os.pipe()
    thread = threading.Thread(
        target=server.start_io,
        args=(os.fdopen(to_server_read, "rb"), os.fdopen(to_client_write, "wb")),
        daemon=True,
    )
    thread.start()
    client = LanguageClient("throughlint-tests", "1")
    client.protocol.set_writer(StdoutWriter(os.fdopen(to_server_write, "wb")))
    reader = StdinAsyncReader(os.fdopen(to_client_read, "rb"))
    connection = asyncio.create_task(
        run_async(
            stop_event=client._stop_event,
            reader=reader,
            protocol=client.protocol,
            logger=logging.getLogger("lsp-client"),
            error_handler=client.report_server_error,
        )
    )
    session = Session(client)
    try:
        await session.start(root)
        await scenario(session)
        await session.stop()
        deadline = time.monotonic() + 10
        while thread.is_alive() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert not thread.is_alive(), "the server did not exit after shutdown/exit"
    finally:
        client._stop_event.set()
        connection.cancel()


def _open(session: Session, uri: str, text: str, version: int = 1) -> None:
    session.client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=version, text=text
            )
        )
    )


def test_diagnostics_on_open_change_save_and_code_actions(tmp_path):
    path = tmp_path / "jobs.py"
    path.write_text(SOURCE)  # the file on disk stays as opened; the buffer changes
    uri = path.as_uri()

    async def scenario(session: Session) -> None:
        _open(session, uri, SOURCE)
        opened = await session.next_diagnostics(uri)
        assert [(d.code, d.range.start.line, d.source) for d in opened] == [
            ("TL203", 6, "throughlint")
        ]
        assert opened[0].severity == types.DiagnosticSeverity.Warning
        assert opened[0].code_description.href.endswith("/rules/TL203.md")

        # An unsaved edit: a queue line with non-ASCII text before the finding's column.
        edited = SOURCE + "\n" + "x = '☕'; " + QUEUE_LINE
        session.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=edited)],
            )
        )
        changed = await session.next_diagnostics(uri)
        assert sorted((d.code, d.range.start.line) for d in changed) == [
            ("TL201", 8, ),
            ("TL203", 6),
        ]  # fmt: skip
        queue_finding = next(d for d in changed if d.code == "TL201")
        line = edited.splitlines()[8]
        # UTF-16 columns, as LSP counts them by default: "☕" is one code unit.
        assert queue_finding.range.start.character == line.index("queue.Queue()")

        actions = await session.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=queue_finding.range,
                context=types.CodeActionContext(diagnostics=[queue_finding]),
            )
        )
        titles = [action.title for action in actions]
        assert any("maxsize" in title and "unsafe" in title for title in titles), titles
        assert "Suppress TL201 on this line (# noqa)" in titles
        suppress = next(a for a in actions if a.title.startswith("Suppress TL201"))
        (edit,) = suppress.edit.changes[uri]
        assert edit.new_text == "  # noqa: TL201"
        assert edit.range.start.line == 8
        fix = next(a for a in actions if "maxsize" in a.title)
        fixed_lines = edited.splitlines()
        for text_edit in fix.edit.changes[uri]:
            assert text_edit.range.start.line == text_edit.range.end.line == 8
            row = fixed_lines[8]
            start, end = text_edit.range.start.character, text_edit.range.end.character
            fixed_lines[8] = row[:start] + text_edit.new_text + row[end:]
        assert "maxsize=" in fixed_lines[8]

        # The pool line's existing noqa list (TL999) is extended, not duplicated.
        pool = next(d for d in changed if d.code == "TL203")
        pool_actions = await session.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=pool.range,
                context=types.CodeActionContext(diagnostics=[pool]),
            )
        )
        (pool_suppress,) = [a for a in pool_actions if a.title.startswith("Suppress")]
        assert pool_suppress.edit.changes[uri][0].new_text == ", TL203"

        # Saving the fixed buffer: the queue finding is gone.
        fixed = "\n".join(fixed_lines) + "\n"
        session.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
            )
        )
        await session.next_diagnostics(uri)
        path.write_text(fixed)
        session.client.text_document_did_save(
            types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        saved = await session.next_diagnostics(uri)
        assert [d.code for d in saved] == ["TL203"]

        session.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        assert list(await session.next_diagnostics(uri)) == []

    asyncio.run(_in_process_session(scenario, str(tmp_path)))


def test_settings_come_from_the_nearest_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.throughlint]\nignore = ["TL203"]\n')
    path = tmp_path / "jobs.py"
    path.write_text(SOURCE + QUEUE_LINE)
    uri = path.as_uri()

    async def scenario(session: Session) -> None:
        _open(session, uri, SOURCE + QUEUE_LINE)
        assert [d.code for d in await session.next_diagnostics(uri)] == ["TL201"]

    asyncio.run(_in_process_session(scenario, str(tmp_path)))


def test_a_syntax_error_is_reported_and_not_offered_a_noqa(tmp_path):
    path = tmp_path / "broken.py"
    path.write_text("def broken(:\n")
    uri = path.as_uri()

    async def scenario(session: Session) -> None:
        _open(session, uri, "def broken(:\n")
        (error,) = await session.next_diagnostics(uri)
        assert error.code == "TL000" and error.severity == types.DiagnosticSeverity.Error
        actions = await session.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=error.range,
                context=types.CodeActionContext(diagnostics=[error]),
            )
        )
        assert not actions

    asyncio.run(_in_process_session(scenario, str(tmp_path)))


def test_code_actions_for_a_file_never_opened_nor_on_disk_are_none(tmp_path):
    uri = (tmp_path / "gone.py").as_uri()

    async def scenario(session: Session) -> None:
        actions = await session.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=types.Range(types.Position(0, 0), types.Position(0, 1)),
                context=types.CodeActionContext(diagnostics=[]),
            )
        )
        assert not actions

    asyncio.run(_in_process_session(scenario, str(tmp_path)))


def test_the_configured_baseline_hides_recorded_findings(tl, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.throughlint]\nbaseline = "b.json"\n')
    path = tmp_path / "jobs.py"
    path.write_text(SOURCE)
    written = tl("--no-cache", "--write-baseline", "b.json", ".", cwd=tmp_path)
    assert "wrote 1 finding(s)" in written.stderr
    uri = path.as_uri()

    async def scenario(session: Session) -> None:
        _open(session, uri, "# moved down\n\n" + SOURCE)
        assert list(await session.next_diagnostics(uri)) == []
        session.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[
                    types.TextDocumentContentChangeWholeDocument(text=SOURCE + QUEUE_LINE)
                ],
            )
        )
        assert [d.code for d in await session.next_diagnostics(uri)] == ["TL201"]

    asyncio.run(_in_process_session(scenario, str(tmp_path)))


def test_throughlint_lsp_command_over_stdio(tmp_path):
    path = tmp_path / "jobs.py"
    path.write_text(SOURCE)
    uri = path.as_uri()

    async def scenario() -> None:
        client = LanguageClient("throughlint-tests", "1")
        session = Session(client)
        await client.start_io(sys.executable, "-m", "throughlint", "lsp")
        try:
            result = await session.start(str(tmp_path))
            assert result.server_info.name == "throughlint"
            assert result.capabilities.code_action_provider is not None
            _open(session, uri, SOURCE)
            assert [d.code for d in await session.next_diagnostics(uri)] == ["TL203"]
            await session.stop()
        finally:
            await client.stop()

    asyncio.run(scenario())


def test_a_loop_is_one_diagnostic_with_its_calls_related_and_their_fixes(tmp_path):
    """The calls of one loop are one diagnostic at the loop, as on the command line: each
    call is related information, and a code action on a call's line offers its fix."""
    import shutil

    from conftest import FIXTURES

    shutil.copytree(FIXTURES / "projects" / "django_shop", tmp_path / "django_shop")
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    path = tmp_path / "django_shop" / "views.py"
    text = path.read_text()
    uri = path.as_uri()

    async def scenario(session: Session) -> None:
        _open(session, uri, text)
        published = await session.next_diagnostics(uri)
        loop = next(d for d in published if d.range.start.line == 8)  # book_list's loop
        assert loop.code == "TL101" and loop.message.startswith("5 queries per item")
        related = [(r.location.uri, r.location.range.start.line) for r in loop.related_information]
        assert related == [(uri, line) for line in (12, 14, 15, 16, 17)]
        assert loop.related_information[0].message.startswith("TL101: `book.author`")
        assert loop.data["fixable"] is True
        call_line = text.splitlines()[12]
        at_call = types.Range(
            types.Position(12, call_line.index("book.author")),
            types.Position(12, call_line.index("book.author") + 3),
        )
        actions = await session.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=at_call,
                context=types.CodeActionContext(diagnostics=[loop]),
            )
        )
        titles = [action.title for action in actions]
        assert any('select_related("author")' in t and "(TL101)" in t for t in titles), titles
        (suppress,) = [a for a in actions if a.title.startswith("Suppress")]
        assert suppress.title == "Suppress TL101 on this line (# noqa)"
        assert suppress.edit.changes[uri][0].range.start.line == 8  # the loop line

    asyncio.run(_in_process_session(scenario, str(tmp_path)))
