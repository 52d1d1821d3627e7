"""The language server: lint the editor's buffer (not the file on disk) on open, change
and save, publish the findings, and offer each fix and a ``# noqa`` suppression as code
actions. Settings (and the ``baseline`` key) come from the ``pyproject.toml`` nearest each
file, as on the command line."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from throughlint import __version__
from throughlint.checker import INTERNAL_ERROR_CODE
from throughlint.diagnostics import Applicability, Diagnostic, Related, Severity
from throughlint.engine import PARSE_ERROR_CODE
from throughlint.project import Project
from throughlint.relevance import members
from throughlint.settings import Settings

SOURCE = "throughlint"
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
# A file that does not parse or a rule that crashed is not silenced by a comment.
_NOT_SUPPRESSIBLE = frozenset({PARSE_ERROR_CODE, INTERNAL_ERROR_CODE})
_NOQA = re.compile(r"#\s*noqa:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)", re.IGNORECASE)


@dataclass
class _Linted:
    version: int | None
    text: str
    path: str
    settings: Settings
    findings: list[tuple[Diagnostic, types.Diagnostic]]
    calls: list[Diagnostic]  # each call's own finding: a grouped finding's fixes


class ThroughlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("throughlint", __version__)
        self.linted: dict[str, _Linted] = {}
        # config path -> (its bytes, the settings read from them)
        self._settings: dict[str, tuple[bytes, Settings]] = {}
        self._baselines: dict[str, tuple[tuple[int, int], dict[str, str]]] = {}
        self._projects: dict[str, Project] = {}

    def project_for(self, path: str, settings: Settings) -> Project:
        """One long-lived project per root: the index of the files not open stays in
        memory and only files whose stat changed are read again; new settings replace it
        (the old one is not kept). Without a configuration file, the workspace folder
        holding ``path`` is the root."""
        root = settings.project_root
        if settings.config_file is None:
            folders = [folder.path for folder in self.workspace.folders.values()]
            if self.workspace.root_path:
                folders.append(self.workspace.root_path)
            absolute = os.path.abspath(path)
            inside = [f for f in folders if f and _contains(os.path.abspath(f), absolute)]
            root = max(inside, key=len) if inside else os.path.dirname(absolute)
        key = os.path.abspath(root)
        project = self._projects.get(key)
        if project is None or not _same_settings(project.settings, settings):
            project = self._projects[key] = Project(settings, root)
        return project

    def settings_for(self, path: str) -> Settings:
        from throughlint.config import ConfigError, find_config, load_settings
        from throughlint.rules import known_codes

        try:
            config = find_config(os.path.dirname(os.path.abspath(path)))
        except ConfigError as exc:  # a `tool` that is not a table, unparsable TOML
            self.window_show_message(
                types.ShowMessageParams(types.MessageType.Error, f"throughlint: {exc}")
            )
            return Settings()
        key = config or ""
        try:  # by content, not mtime: two writes within a timestamp tick differ too
            data = _read_bytes(config) if config else b""
        except OSError:
            data = None
        known = self._settings.get(key)
        if known is not None and data is not None and known[0] == data:
            return known[1]
        try:
            settings = load_settings(config, path, known_codes())
        except ConfigError as exc:
            self.window_show_message(
                types.ShowMessageParams(types.MessageType.Error, f"throughlint: {exc}")
            )
            settings = Settings()
        if data is not None:
            self._settings[key] = (data, settings)
        return settings

    def without_baselined(self, diagnostics: list[Diagnostic], settings: Settings):
        """The config's ``baseline`` hides recorded findings here as on the command line."""
        from throughlint.adoption import baseline_path
        from throughlint.baseline import BaselineError, apply_baseline, read_baseline

        path = baseline_path(None, settings)
        if path is None or not diagnostics:
            return diagnostics
        try:
            info = os.stat(path)
            stat = (info.st_mtime_ns, info.st_size)
            known = self._baselines.get(path)
            if known is None or known[0] != stat:
                known = self._baselines[path] = (stat, read_baseline(path))
        except (OSError, BaselineError):
            return diagnostics
        return apply_baseline(diagnostics, known[1], settings.project_root).new

    def lint(self, document: TextDocument) -> _Linted:
        path = document.path
        settings = self.settings_for(path)
        text = document.source
        try:
            result = self.project_for(path, settings).lint_buffer_result(path, text)
            diagnostics, calls = result.diagnostics, result.calls
        except Exception as exc:  # never take the editor session down
            self.window_log_message(
                types.LogMessageParams(types.MessageType.Error, f"throughlint: {exc!r}")
            )
            diagnostics, calls = [], []
        diagnostics = self.without_baselined(diagnostics, settings)
        findings = [(d, to_lsp(d, document)) for d in diagnostics]
        linted = _Linted(document.version, text, path, settings, findings, calls)
        self.linted[document.uri] = linted
        return linted

    def publish(self, uri: str) -> None:
        document = self.workspace.get_text_document(uri)
        linted = self.lint(document)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, version=document.version, diagnostics=[lsp for _, lsp in linted.findings]
            )
        )


def _same_settings(first: Settings, second: Settings) -> bool:
    """Equal settings read from the same file (``Settings`` equality leaves out where they
    were read from)."""
    return first == second and (first.project_root, first.config_file) == (
        second.project_root,
        second.config_file,
    )


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _contains(folder: str, path: str) -> bool:
    return os.path.commonpath([folder, path]) == folder


def to_lsp(diagnostic: Diagnostic, document: TextDocument) -> types.Diagnostic:
    span = diagnostic.span
    points = types.Range(
        start=types.Position(line=span.line - 1, character=max(span.column - 1, 0)),
        end=types.Position(line=span.end_line - 1, character=max(span.end_column - 1, 0)),
    )
    from throughlint.reporters.sarif import help_uri

    return types.Diagnostic(
        range=document.range_to_client_units(points),
        message=diagnostic.message,
        severity=_SEVERITY[diagnostic.severity],
        code=diagnostic.code,
        code_description=types.CodeDescription(href=help_uri(diagnostic.code)),
        source=SOURCE,
        related_information=[_related(r, diagnostic, document) for r in diagnostic.related] or None,
        data={"name": diagnostic.name, "fixable": bool(diagnostic.fixes())},
    )


def _related(
    related: Related, diagnostic: Diagnostic, document: TextDocument
) -> types.DiagnosticRelatedInformation:
    """A call of a finding grouped at its loop: from the call to the end of its line."""
    start = types.Position(line=related.line - 1, character=max(related.column - 1, 0))
    if related.path == diagnostic.path and related.line - 1 < len(document.lines):
        end_column = len(document.lines[related.line - 1].rstrip("\r\n"))
        points = types.Range(start, types.Position(start.line, max(end_column, start.character)))
        uri = document.uri
    else:
        points = types.Range(start, start)
        uri = Path(os.path.abspath(related.path)).as_uri()
    return types.DiagnosticRelatedInformation(
        location=types.Location(uri=uri, range=document.range_to_client_units(points)),
        message=f"{related.code}: {related.message}",
    )


def _overlaps(first: types.Range, second: types.Range) -> bool:
    def key(position: types.Position) -> tuple[int, int]:
        return (position.line, position.character)

    return key(first.start) <= key(second.end) and key(second.start) <= key(first.end)


def code_actions(
    linted: _Linted, document: TextDocument, wanted: types.Range
) -> list[types.CodeAction]:
    from throughlint.fixing import fix_replacements

    actions: list[types.CodeAction] = []
    texts: dict[str, str | None] = {linted.path: linted.text}
    for diagnostic, lsp in linted.findings:
        calls = members(diagnostic, linted.calls)
        if not _overlaps(lsp.range, wanted) and not any(
            _overlaps(_client_range(document, call.span), wanted) for call in calls
        ):
            continue
        for call in calls:  # a grouped finding offers each of its calls' fixes
            if call.fix is None:
                continue
            edits = [
                types.TextEdit(range=_client_range(document, r), new_text=r.text)
                for r in fix_replacements(call, linted.settings, texts)
            ]
            if edits:
                safe = call.fix.applicability is Applicability.SAFE
                suffix = "" if safe else " (unsafe: review it)"
                actions.append(
                    types.CodeAction(
                        title=f"{call.fix.description} ({call.code}){suffix}",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[lsp],
                        is_preferred=safe,
                        edit=types.WorkspaceEdit(changes={document.uri: edits}),
                    )
                )
        if diagnostic.code not in _NOT_SUPPRESSIBLE:
            actions.append(_suppression(diagnostic, lsp, document))
    return actions


def _client_range(document: TextDocument, replacement) -> types.Range:
    points = types.Range(
        start=types.Position(line=replacement.line - 1, character=replacement.column - 1),
        end=types.Position(line=replacement.end_line - 1, character=replacement.end_column - 1),
    )
    return document.range_to_client_units(points)


def _suppression(
    diagnostic: Diagnostic, lsp: types.Diagnostic, document: TextDocument
) -> types.CodeAction:
    """``# noqa: CODE`` at the end of the reported line (added to an existing list); for a
    finding grouped at its loop, every code of its calls, on the loop line."""
    codes = sorted({diagnostic.code, *(r.code for r in diagnostic.related)})
    number = diagnostic.span.line - 1
    line = document.lines[number].rstrip("\r\n") if number < len(document.lines) else ""
    match = _NOQA.search(line)
    if match:
        present = {code.strip().upper() for code in match["codes"].split(",")}
        new = ", ".join(code for code in codes if code not in present)
        start, end, text = match.end("codes"), match.end("codes"), f", {new}" if new else ""
    else:
        start = end = len(line)
        text = f"  # noqa: {', '.join(codes)}"
    edit_range = document.range_to_client_units(
        types.Range(types.Position(number, start), types.Position(number, end))
    )
    return types.CodeAction(
        title=f"Suppress {', '.join(codes)} on this line (# noqa)",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[lsp],
        edit=types.WorkspaceEdit(
            changes={document.uri: [types.TextEdit(range=edit_range, new_text=text)]}
        ),
    )


def create_server() -> ThroughlintServer:
    server = ThroughlintServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ThroughlintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ThroughlintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ThroughlintServer, params: types.DidSaveTextDocumentParams) -> None:
        for project in ls._projects.values():
            project.forget_files()  # a save may have added a file to the project
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ThroughlintServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.linted.pop(params.text_document.uri, None)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    def code_action(
        ls: ThroughlintServer, params: types.CodeActionParams
    ) -> list[types.CodeAction]:
        uri = params.text_document.uri
        document = ls.workspace.get_text_document(uri)
        try:
            source = document.source  # read from disk when the editor has not opened it
        except (OSError, ValueError):  # neither open nor a readable text file
            return []
        linted = ls.linted.get(uri)
        if linted is None or linted.version != document.version or linted.text != source:
            linted = ls.lint(document)
        return code_actions(linted, document, params.range)

    return server
