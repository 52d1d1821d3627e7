"""A function is a request handler by its first argument only when it is public: a
private method that takes a ``request`` (an auth library's credential refresh) is a
helper, per request only when a handler calls it, which the project index follows."""

from __future__ import annotations

from support.cli_projects import lint_json, write_project

REFRESH = """\
import boto3


class Credentials:
    def _get_security_credentials(self, request, token):
        session = boto3.Session()
        credentials = session.get_credentials()
        return {"key": credentials.access_key}
"""

VIEW = """\
import boto3


def _credentials(request):
    session = boto3.Session()  # client
    credentials = session.get_credentials()
    return {"key": credentials.access_key}


def profile(request):
    return _credentials(request)
"""

PUBLIC = """\
import boto3


class Credentials:
    def get_security_credentials(self, request, token):
        session = boto3.Session()  # client
        credentials = session.get_credentials()
        return {"key": credentials.access_key}
"""


def _client_lines(report: dict, path: str) -> list[int]:
    return sorted(
        d["line"] for d in report["diagnostics"] if d["path"] == path and d["code"] == "TL203"
    )


def test_private_method_taking_request_is_not_a_handler(run_cli, tmp_path):
    root = write_project(tmp_path, {"auth.py": REFRESH})
    assert _client_lines(lint_json(run_cli, root), "auth.py") == []


def test_private_helper_called_by_a_view_stays_per_request(run_cli, tmp_path):
    root = write_project(tmp_path, {"views.py": VIEW})
    report = lint_json(run_cli, root)
    expected = [n for n, line in enumerate(VIEW.splitlines(), 1) if line.endswith("# client")]
    assert _client_lines(report, "views.py") == expected
    message = next(d["message"] for d in report["diagnostics"] if d["code"] == "TL203")
    assert "`profile()` handles a request" in message


def test_public_method_taking_request_is_still_a_handler(run_cli, tmp_path):
    root = write_project(tmp_path, {"auth.py": PUBLIC})
    expected = [n for n, line in enumerate(PUBLIC.splitlines(), 1) if line.endswith("# client")]
    assert _client_lines(lint_json(run_cli, root), "auth.py") == expected
