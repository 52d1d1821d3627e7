"""A helper that reads a lasting cache, returns on a hit and fills the cache on a miss
(``semantic/cache_aside.py``): its work after the early return runs once per key while
the entry lives, not on every call. A loop calling it makes one cache GET per item (a
round trip to the cache server, TL401), not one query per item too. Near misses: a read
with no fill, and no cache at all (modoboa's ``get_feed`` and privacyidea's
``get_latest_github_versions``, both behind a cache: the new5 output audit)."""

from __future__ import annotations

from support.cli_projects import lint_json, write_project

MODELS = """\
from django.db import models


class Setting(models.Model):
    key = models.CharField(max_length=10)
    value = models.CharField(max_length=10)
"""

HELPERS = """\
import requests
from django.core.cache import cache

from app.models import Setting


def cached_setting(key):
    value = cache.get("setting:" + key)
    if value is not None:
        return value
    value = Setting.objects.get(key=key).value
    cache.set("setting:" + key, value, 300)
    return value


def cached_feed(url):
    content = cache.get(url)
    if content is not None:
        return content
    with requests.Session() as session:
        content = session.get("https://feeds.example/feed").text
    cache.set(url, content, 300)
    return content


def read_only_cache(key):
    value = cache.get(key)
    if value is not None:
        return value
    return Setting.objects.get(key=key).value


def plain_setting(key):
    return Setting.objects.get(key=key).value
"""

VIEWS = """\
from app.helpers import cached_feed, cached_setting, plain_setting, read_only_cache


def cached(request):
    return [cached_setting(key) for key in request.GET.getlist("k")]


def feeds(request):
    return [cached_feed(url) for url in request.GET.getlist("u")]


def read_only(request):
    return [read_only_cache(key) for key in request.GET.getlist("k")]


def plain(request):
    return [plain_setting(key) for key in request.GET.getlist("k")]
"""


def _codes_by_line(report: dict) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for diagnostic in report["diagnostics"]:
        if diagnostic["path"] == "app/views.py":
            for item in diagnostic.get("related") or [diagnostic]:
                found.setdefault(diagnostic["line"], set()).add(item["code"])
    return found


def test_work_after_a_cache_hit_return_runs_once_per_key(run_cli, tmp_path):
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": MODELS,
            "app/helpers.py": HELPERS,
            "app/views.py": VIEWS,
        },
    )
    found = _codes_by_line(lint_json(run_cli, root, "--show-all"))
    line = {name: n for n, text in enumerate(VIEWS.splitlines(), 1) for name in [text[4:]]}
    assert found[line['return [cached_setting(key) for key in request.GET.getlist("k")]']] == {
        "TL401"
    }
    assert "TL203" not in found.get(
        line['return [cached_feed(url) for url in request.GET.getlist("u")]'], set()
    )
    assert (
        "TL101" in found[line['return [read_only_cache(key) for key in request.GET.getlist("k")]']]
    )
    assert found[line['return [plain_setting(key) for key in request.GET.getlist("k")]']] == {
        "TL101"
    }
