"""The per-pass cost model (issue 17): a loop of database round trips whose every pass
also makes a costlier library call (an e-mail, an HTTP request, a subprocess, a template,
a file tree) is held back as "pass dominated", directly or through project helpers. Each
through the real command line, with near misses that stay shown: a branch, a for header,
an except handler, the project's own function named like a library one, a remote call
per item (a finding of its own)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from support.cli_projects import lint_json, write_project

MODELS = """\
from django.db import models


class Order(models.Model):
    state = models.CharField(max_length=10)
    email = models.CharField(max_length=100)
    vip = models.BooleanField()
"""

VIEW = """\
import os
import subprocess

import requests
from django.core.mail import send_mail

from shop.models import Order


def reject(request):
    for order in Order.objects.filter(state="new"):
        order.state = "rejected"
        order.save()
        {body}
"""


def project(root: Path, files: dict[str, str]) -> Path:
    return write_project(root, {"shop/__init__.py": "", "shop/models.py": MODELS, **files})


def lint(run_cli, root: Path, *args: str) -> dict:
    return lint_json(run_cli, root, *args)


def view(body: str) -> str:
    return VIEW.format(body=textwrap.indent(textwrap.dedent(body), " " * 8).strip())


def test_an_e_mail_on_every_pass_holds_the_write_back(run_cli, tmp_path):
    body = 'send_mail("Rejected", "Sorry", "shop@example.com", [order.email])'
    project(tmp_path, {"shop/views.py": view(body)})
    document = lint(run_cli, tmp_path)
    assert document["diagnostics"] == []
    assert document["summary"]["held_back"] == {"pass dominated": 1}
    (shown,) = lint(run_cli, tmp_path, "--show-all")["diagnostics"]
    assert (shown["code"], shown["line"]) == ("TL102", 13)
    assert shown["held_back"] == ("pass dominated by an e-mail (`django.core.mail.send_mail()`)")
    text = run_cli(".", "--no-cache", cwd=tmp_path)
    assert "1 held back: 1 pass dominated; --show-all shows them." in text.stdout


def test_a_subprocess_two_helpers_down_holds_the_write_back(run_cli, tmp_path):
    helpers = """\
    import subprocess


    def publish(order):
        _git("commit", "-m", str(order.pk))


    def _git(*args):
        subprocess.run(["git", *args], check=True)
    """
    body = "publish(order)"
    text = view(body).replace("from shop.models", "from shop.vcs import publish\nfrom shop.models")
    project(tmp_path, {"shop/views.py": text, "shop/vcs.py": helpers})
    assert lint(run_cli, tmp_path)["diagnostics"] == []
    (shown,) = lint(run_cli, tmp_path, "--show-all")["diagnostics"]
    assert shown["held_back"] == (
        "pass dominated by a subprocess (`subprocess.run()`) in `vcs.publish()`"
    )


def test_a_template_and_a_method_of_a_mail_message(run_cli, tmp_path):
    helpers = """\
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string


    def notify(order):
        body = render_to_string("mail.txt", {"o": order})
        EmailMessage("Rejected", body, to=[order.email]).send()
    """
    text = view("notify(order)").replace(
        "from shop.models", "from shop.notify import notify\nfrom shop.models"
    )
    project(tmp_path, {"shop/views.py": text, "shop/notify.py": helpers})
    (shown,) = lint(run_cli, tmp_path, "--show-all")["diagnostics"]
    assert shown["held_back"].startswith("pass dominated by ")
    assert "in `notify.notify()`" in shown["held_back"]


NEAR_MISSES = {
    "under a branch": """\
        if order.vip:
            send_mail("Rejected", "Sorry", "shop@example.com", [order.email])
    """,
    "in an except handler": """\
        try:
            order.refresh_from_db()
        except Exception:
            subprocess.run(["logger", "failed"])
    """,
    "the project's own send_mail": """\
        own_send_mail("Rejected", order)
    """,
}


def test_near_misses_stay_shown(run_cli, tmp_path):
    for name, body in NEAR_MISSES.items():
        root = tmp_path / name.replace(" ", "_").replace("'", "")
        root.mkdir()
        text = view(body)
        if "own_send_mail" in body:
            text = text.replace(
                "from shop.models",
                "from shop.mail import send_mail as own_send_mail\nfrom shop.models",
            )
        files = {"shop/views.py": text, "shop/mail.py": "def send_mail(*args):\n    return args\n"}
        project(root, files)
        document = lint(run_cli, root)
        assert [d["code"] for d in document["diagnostics"]] == ["TL102"], name
        assert "held_back" not in document["summary"] or not document["summary"]["held_back"], name


def test_the_projects_own_render_is_not_a_template(run_cli, tmp_path):
    text = """\
    from shop.models import Order


    def render(template, context):
        return template.format(**context)


    def reject(request):
        for order in Order.objects.filter(state="new"):
            order.save()
            render("{o}", {"o": order})
    """
    project(tmp_path, {"shop/views.py": text})
    assert [d["code"] for d in lint(run_cli, tmp_path)["diagnostics"]] == ["TL102"]


def test_a_file_tree_walked_in_the_for_header_runs_once(run_cli, tmp_path):
    text = """\
    import os

    from shop.models import Order


    def index(request):
        for root, folders, files in os.walk("/srv/orders"):
            Order.objects.create(state=root)
    """
    project(tmp_path, {"shop/views.py": text})
    assert [d["code"] for d in lint(run_cli, tmp_path)["diagnostics"]] == ["TL102"]


def test_an_http_request_per_item_is_a_finding_of_its_own(run_cli, tmp_path):
    body = 'requests.post("https://hooks.example.com", json={"id": order.pk})'
    project(tmp_path, {"shop/views.py": view(body)})
    (shown,) = lint(run_cli, tmp_path)["diagnostics"]
    assert shown["code"] == "TL102"
    assert {r["code"] for r in shown["related"]} == {"TL102", "TL401"}
