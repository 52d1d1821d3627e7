"""A memo guarded by a sentinel instead of ``None`` (``if x is NOTSET: x = query()``) runs
its query once, not once per item (issue 12, known gap of round 3); through the real
command, in one file and through a helper of another module."""

from __future__ import annotations

import pytest

from expectations import check_project

MODELS = """
    from django.db import models


    class Setting(models.Model):
        key = models.CharField(max_length=10)
"""

MEMOS = {
    "sentinel-guard-in-the-loop": """
        from app.models import Setting

        NOTSET = object()

        def render(pages):
            theme = NOTSET
            for page in pages:
                if theme is NOTSET:
                    theme = Setting.objects.get(key="theme")
                page.theme = theme
        """,
    "private-sentinel-on-self": """
        from app.models import Setting

        _missing = object()

        class Renderer:
            def __init__(self):
                self._theme = _missing

            def render(self, pages):
                for page in pages:
                    if self._theme is _missing:
                        self._theme = Setting.objects.get(key="theme")
                    page.theme = self._theme
        """,
    "no-guard": """
        from app.models import Setting

        def render(pages):
            for page in pages:
                page.theme = Setting.objects.get(key="theme")  # expect: TL101
        """,
    "near-miss-the-guard-fills-another-name": """
        from app.models import Setting

        NOTSET = object()

        def render(pages, theme=NOTSET):
            for page in pages:
                if theme is NOTSET:
                    page.theme = Setting.objects.get(key=page.key)  # expect: TL101
        """,
    "near-miss-an-enum-member-is-no-sentinel": """
        import enum

        from app.models import Setting

        class State(enum.Enum):
            NEW = 1

        def render(pages):
            for page in pages:
                if page.state is State.NEW:
                    page.state = Setting.objects.get(key=page.key)  # expect: TL101
        """,
    "near-miss-an-enum-member-named-empty-is-no-sentinel": """
        import enum

        from app.models import Setting

        class State(enum.Enum):
            EMPTY = 0

        class Slots:
            def fill(self, pages):
                for page in pages:
                    self.slot = State.EMPTY
                    if self.slot is State.EMPTY:
                        self.slot = Setting.objects.get(key=page.key)  # expect: TL101
        """,
    "own-session-class-is-not-sqlalchemy": """
        NOTSET = object()

        class Session:
            def get(self, model, key):
                return (model, key)

        def render(pages, session: Session):
            for page in pages:
                page.theme = session.get(Session, page.key)
        """,
}


@pytest.mark.parametrize("source", MEMOS.values(), ids=MEMOS.keys())
def test_sentinel_guarded_memo(run_cli, tmp_path, source):
    files = {"app/models.py": MODELS, "app/views.py": source}
    check_project(run_cli, tmp_path, files, ("TL101",), "--show-all")


def test_sentinel_memo_in_a_helper_of_another_module(run_cli, tmp_path):
    helper = """
        from app.models import Setting

        _UNSET = object()
        _theme = _UNSET

        def theme():
            global _theme
            if _theme is _UNSET:
                _theme = Setting.objects.get(key="theme")
            return _theme
    """
    views = """
        from app.helpers import theme

        def render(pages):
            return [(page, theme()) for page in pages]
    """
    files = {"app/models.py": MODELS, "app/helpers.py": helper, "app/views.py": views}
    check_project(run_cli, tmp_path, files, ("TL101",), "--show-all")
