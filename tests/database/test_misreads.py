"""Misread classes of the output-quality audit (issue 12, issue 17 item 5), each as small
projects through the real command: the bad shape still reported, the misread shape clean.
``# expect: TL10x`` marks the lines that must be reported; every other line stays clean."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from expectations import calls, expected

CODES = ("TL101", "TL102", "TL103", "TL201", "TL401")

MODELS = """
    from django.db import models, transaction


    class Job(models.Model):
        state = models.CharField(max_length=10)

        def kill(self):
            transaction.set_autocommit(False)
            self.state = "killed"
            self.save()
            transaction.commit()

        def translate(self, table):
            return Job.objects.filter(state=table).count()
"""


def _run(
    run_cli, tmp_path: Path, files: dict[str, str], *extra: str, codes: tuple[str, ...] = CODES
) -> list[dict]:
    for name, text in files.items():
        path = tmp_path / "proj" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        (path.parent / "__init__.py").touch()
    completed = run_cli(
        str(tmp_path / "proj"),
        "--format",
        "json",
        "--isolated",
        "--no-cache",
        "--select",
        ",".join(codes),
        *extra,
    )
    assert completed.returncode in (0, 1), completed.stderr
    return calls(json.loads(completed.stdout)["diagnostics"])


def _check(
    run_cli, tmp_path: Path, files: dict[str, str], *extra: str, codes: tuple[str, ...] = CODES
) -> list[dict]:
    found = _run(run_cli, tmp_path, files, *extra, codes=codes)
    root = (tmp_path / "proj").resolve()
    got = sorted(
        ((tmp_path / d["path"]).resolve().relative_to(root).as_posix(), d["line"], d["code"])
        for d in found
    )
    want = sorted(
        (name, line, code)
        for name, text in files.items()
        for line, code in expected(textwrap.dedent(text), codes)
    )
    assert got == want
    return found


# --- 1. receivers tied to a model method by its name alone ------------------------------

RECEIVERS = {
    "rows-of-a-query-of-the-model": """
        from app.models import Job

        def stop(state):
            jobs = [job for job in Job.objects.filter(state=state)]
            for job in jobs:
                job.kill()  # expect: TL102, TL103
        """,
    "items-from-another-package-are-not-the-model": """
        import psutil

        from app import models

        def stop(pids):
            me = psutil.Process()
            children = [c for c in me.children(recursive=True) if c.pid in pids]
            for child in children:
                child.kill()
        """,
    "a-str-is-not-the-model": """
        from app import models

        TABLE = {0: None}

        def clean(names):
            out = []
            for name in names:
                out.append(name.strip().translate(TABLE))
                out.append(f"<{name}>".translate(TABLE))
            return out
        """,
    "unknown-receiver-stays-a-heuristic": """
        from app import models

        def stop(jobs):
            for job in jobs:
                job.kill()  # expect: TL102, TL103
        """,
}


@pytest.mark.parametrize("source", RECEIVERS.values(), ids=RECEIVERS.keys())
def test_receivers_typed_by_method_name(run_cli, tmp_path, source):
    _check(run_cli, tmp_path, {"app/models.py": MODELS, "app/ops.py": source})


def test_name_only_tie_is_marked_heuristic_and_off_without_heuristics(run_cli, tmp_path):
    files = {"app/models.py": MODELS, "app/ops.py": RECEIVERS["unknown-receiver-stays-a-heuristic"]}
    found = _run(run_cli, tmp_path, files)
    assert {item["confidence"] for item in found} == {"heuristic"}
    (tmp_path / "proj" / "pyproject.toml").write_text("[tool.throughlint]\nheuristics = false\n")
    completed = run_cli(str(tmp_path / "proj"), "--format", "json", "--no-cache", "--show-all")
    assert json.loads(completed.stdout)["diagnostics"] == []
    typed = {"app/models.py": MODELS, "app/ops.py": RECEIVERS["rows-of-a-query-of-the-model"]}
    found = _run(run_cli, tmp_path, typed)
    assert found and {item["confidence"] for item in found} == {"typed"}


def test_own_class_of_the_same_method_name_is_not_the_model(run_cli, tmp_path):
    """A project class of its own with ``kill()``: the name ties nothing (shadowing)."""
    files = {
        "app/models.py": MODELS,
        "app/procs.py": """
            import os

            class Process:
                def kill(self):
                    os.kill(self.pid, 9)
            """,
        "app/ops.py": RECEIVERS["unknown-receiver-stays-a-heuristic"].replace(
            "  # expect: TL102, TL103", ""
        ),
    }
    _check(run_cli, tmp_path, files)


SAVES = {
    "graphics-context-save-is-not-a-write": """
        from django.conf import settings
        import cairo

        def draw(surface, text):
            context = cairo.Context(surface)
            context.save()
            context.show_text(text)
            context.restore()

        def render_all(surface, texts):
            for text in texts:
                draw(surface, text)
        """,
    "model-built-and-saved-in-a-helper-writes": """
        from app.models import Job

        def record(state):
            job = Job(state=state)
            job.save()

        def record_all(states):
            for state in states:
                record(state)  # expect: TL102
        """,
}


@pytest.mark.parametrize("source", SAVES.values(), ids=SAVES.keys())
def test_save_of_a_constructed_object_is_the_index_to_tell(run_cli, tmp_path, source):
    _check(run_cli, tmp_path, {"app/models.py": MODELS, "app/ops.py": source})


# --- 2. memoised helpers -----------------------------------------------------------------

SETTINGS_MODEL = """
    from django.db import models


    class Setting(models.Model):
        key = models.CharField(max_length=20)
"""

MEMOS = {
    "attribute-error-memo": """
        from app.models import Setting

        class Page:
            def theme(self):
                try:
                    return self._theme
                except AttributeError:
                    self._theme = Setting.objects.get(key="theme")
                    return self._theme

            def render(self, blocks):
                return [(block, self.theme()) for block in blocks]
        """,
    "key-error-fill-is-per-key": """
        from app.models import Setting

        class Page:
            def setting(self, key):
                try:
                    return self._cache[key]
                except KeyError:
                    self._cache[key] = Setting.objects.get(key=key)
                    return self._cache[key]

            def render(self, blocks):
                return [self.setting(block.key) for block in blocks]  # expect: TL101
        """,
    # tendenci 16.30 event_logs/models.py:93: a colour looked up once per source for the
    # life of the process (a class attribute), not once per log line
    "key-error-fill-of-a-class-cache": """
        from app.models import Setting

        class Colors:
            @classmethod
            def color(cls, key):
                if not hasattr(cls, "_cache"):
                    cls._cache = {}
                try:
                    return cls._cache[key]
                except KeyError:
                    try:
                        cls._cache[key] = Setting.objects.get(key=key).value
                    except Setting.DoesNotExist:
                        return None
                    return cls._cache[key]

        def render(logs):
            return [Colors.color(log.source) for log in logs]
        """,
    "not-in-fill-of-a-module-cache": """
        from app.models import Setting

        _SETTINGS = {}

        def setting(key):
            if key not in _SETTINGS:
                _SETTINGS[key] = Setting.objects.get(key=key)
            return _SETTINGS[key]

        def render(items):
            for item in items:
                setting(item.key)
        """,
    "not-in-fill-of-a-local-dict-is-per-key": """
        from app.models import Setting

        def render(items):
            seen = {}
            for item in items:
                if item.key not in seen:
                    seen[item.key] = Setting.objects.get(key=item.key)  # expect: TL101
        """,
    "key-error-fill-of-the-wrong-key": """
        from app.models import Setting

        _SETTINGS = {}

        def setting(key):
            try:
                return _SETTINGS[key]
            except KeyError:
                _SETTINGS["last"] = Setting.objects.get(key=key)
                return _SETTINGS["last"]

        def render(items):
            for item in items:
                setting(item.key)  # expect: TL101
        """,
    "instance-flag-memo": """
        from app.models import Setting

        class Repo:
            def ensure_config(self):
                if self._configured:
                    return
                Setting.objects.get(key="repo")
                self._configured = True

            def push_all(self, branches):
                for branch in branches:
                    self.ensure_config()
                    branch.push()
        """,
    "flag-never-set-is-no-memo": """
        from app.models import Setting

        class Repo:
            def ensure_config(self):
                if self._disabled:
                    return
                Setting.objects.get(key="repo")

            def push_all(self, branches):
                for branch in branches:
                    self.ensure_config()  # expect: TL101
        """,
    "fill-when-empty": """
        from app.models import Setting

        class Restore:
            def load_settings(self):
                if not self.settings_cache:
                    self.settings_cache = {s.key: s for s in Setting.objects.all()}

            def setting(self, key):
                self.load_settings()
                return self.settings_cache[key]

            def restore(self, items):
                return [self.setting(item["key"]) for item in items]
        """,
    "cached-function-without-arguments": """
        import functools

        from app.models import Setting

        @functools.cache
        def site_setting():
            return Setting.objects.get(key="site")

        def owner_of(item):
            return site_setting()

        def render(items):
            for item in items:
                site_setting()
                owner_of(item)
        """,
    "cached-function-per-key-still-queries": """
        from functools import lru_cache

        from app.models import Setting

        @lru_cache(maxsize=None)
        def setting(key):
            return Setting.objects.get(key=key)

        def render(items):
            for item in items:
                setting(item.key)  # expect: TL101
        """,
}


@pytest.mark.parametrize("source", MEMOS.values(), ids=MEMOS.keys())
def test_memoised_helpers(run_cli, tmp_path, source):
    _check(run_cli, tmp_path, {"app/models.py": SETTINGS_MODEL, "app/ops.py": source})


# --- 4. retry iterators and service loops ------------------------------------------------

LOOPS = {
    "attempt-entered-as-context-is-a-retry": """
        from tenacity import Retrying, stop_after_attempt

        from app.models import Setting

        def load(key):
            for attempt in Retrying(stop=stop_after_attempt(3)):
                with attempt:
                    return Setting.objects.get(key=key)

        def lookup(key):
            for attempt in retry_db(key):
                with attempt:
                    found = load(key)
            return found
        """,
    "with-on-something-else-is-per-item": """
        import threading

        from app.models import Setting

        LOCK = threading.Lock()

        def load(keys):
            for key in keys:
                with LOCK:
                    Setting.objects.get(key=key)  # expect: TL101
        """,
    "endless-counter-is-a-main-loop": """
        import itertools
        import time

        from app.models import Setting

        def heartbeat():
            Setting.objects.get(key="alive")

        def serve(interval):
            for tick in itertools.count(start=1):
                heartbeat()
                Setting.objects.filter(key="ticks").update(value=tick)
                time.sleep(interval)
        """,
    "counter-zipped-with-rows-is-per-item": """
        import itertools

        from app.models import Setting

        def number(rows):
            for position, row in zip(itertools.count(), rows):
                Setting.objects.get(key=row)  # expect: TL101
        """,
}


@pytest.mark.parametrize("source", LOOPS.values(), ids=LOOPS.keys())
def test_retry_iterators_and_service_loops(run_cli, tmp_path, source):
    _check(run_cli, tmp_path, {"app/models.py": SETTINGS_MODEL, "app/ops.py": source})


# --- 5. savepoints -----------------------------------------------------------------------

ATOMIC_HELPERS = """
    import sqlite3

    from django.db import transaction

    from app.models import Setting


    @transaction.atomic
    def archive(key):
        Setting.objects.filter(key=key).delete()


    @transaction.atomic
    def archive_and_log(key, conn: sqlite3.Connection):
        Setting.objects.filter(key=key).delete()
        conn.execute("INSERT INTO log VALUES (?)", (key,))
        conn.commit()


    def remove(key):
        archive(key)
"""

SAVEPOINTS = {
    "atomic-helper-per-item-commits": """
        from app import models
        from app.helpers import archive

        def purge(keys):
            for key in keys:
                archive(key)  # expect: TL103
        """,
    "inside-an-atomic-function-it-is-a-savepoint": """
        from django.db import transaction

        from app.helpers import archive, remove

        @transaction.atomic
        def purge(keys):
            for key in keys:
                archive(key)
                remove(key)
        """,
    "inside-an-atomic-block-it-is-a-savepoint": """
        from django.db import transaction

        from app.helpers import archive

        def purge(keys):
            with transaction.atomic():
                for key in keys:
                    archive(key)
        """,
    "recursion-under-atomic-is-a-savepoint": """
        from django.db import transaction

        from app.models import Setting

        @transaction.atomic
        def purge_tree(node):
            for child in node.children:
                purge_tree(child)
            Setting.objects.filter(key=node.key).delete()
        """,
    "a-real-commit-inside-atomic-still-commits": """
        from django.db import transaction

        from app.helpers import archive_and_log

        @transaction.atomic
        def purge(keys, conn):
            for key in keys:
                archive_and_log(key, conn)  # expect: TL103
        """,
}


@pytest.mark.parametrize("source", SAVEPOINTS.values(), ids=SAVEPOINTS.keys())
def test_savepoints(run_cli, tmp_path, source):
    files = {"app/models.py": SETTINGS_MODEL, "app/helpers.py": ATOMIC_HELPERS}
    found = _check(run_cli, tmp_path, {**files, "app/ops.py": source}, codes=("TL103",))
    assert all(item["path"].endswith("ops.py") for item in found)


# --- 3. summaries that hang on an argument -----------------------------------------------

ARGUED = {
    "literal-false-skips-the-guarded-save": """
        from app.models import Setting

        def make_setting(key, save=True):
            setting = Setting(key=key)
            if save:
                setting.save()
            return setting

        def import_keys(keys):
            built = [make_setting(key, save=False) for key in keys]
            Setting.objects.bulk_create(built)
            for key in keys:
                make_setting(key)  # expect: TL102
        """,
    "passed-on-through-a-second-helper": """
        from app.models import Setting

        def record_change(key, save):
            setting = Setting(key=key)
            if save:
                setting.save()

        def process(key, save=True):
            record_change(key, save=save)

        def import_keys(keys):
            for key in keys:
                process(key, save=False)
            for key in keys:
                process(key, save=True)  # expect: TL102
        """,
    "level-constant-in-a-wrapper": """
        from app.models import Setting

        class Component:
            def log_hook(self, level, message):
                if level != "DEBUG":
                    Setting.objects.create(key=message)

            def log_debug(self, message):
                self.log_hook("DEBUG", message)

            def log_info(self, message):
                self.log_hook("INFO", message)

            def update(self, lines):
                for line in lines:
                    self.log_debug(line)
                for line in lines:
                    self.log_info(line)  # expect: TL102
        """,
    "literal-before-unpacked-arguments": """
        from app.models import Setting

        class Component:
            def log_hook(self, level, message, *args, save=False):
                if level != "DEBUG":
                    Setting.objects.create(key=message % args)

            def log_debug(self, message, *args):
                self.log_hook("DEBUG", message, *args)

            def log_any(self, level, message, **options):
                self.log_hook(level, message, **options)

            def update(self, lines):
                for line in lines:
                    self.log_debug("line %s", line)
                for line in lines:
                    self.log_any("INFO", "line %s", line=line)  # expect: TL102
        """,
    "default-kept-skips-the-early-returned-branch": """
        from app.models import Setting

        def find_user(email, create_pending=False):
            if not create_pending:
                return None
            Setting.objects.create(key=email)

        def export(emails):
            for email in emails:
                find_user(email)
            for email in emails:
                find_user(email, create_pending=True)  # expect: TL102
        """,
    "unknown-argument-keeps-the-effect": """
        from app.models import Setting

        def make_setting(key, save=True):
            if save:
                Setting(key=key).save()

        def import_keys(keys, save):
            for key in keys:
                make_setting(key, save=save)  # expect: TL102
        """,
    # allianceauth's discord client: the helper fetches only ``if guild_roles is None``,
    # and the loop passes the set it built once before the loop
    "object-argument-rules-out-the-none-fill": """
        from app.models import Setting

        class KeySet:
            def __init__(self, keys):
                self.keys = set(keys)

            def union(self, other):
                return KeySet(self.keys | other.keys)

        def match(key, known=None):
            if known is None:
                known = KeySet(Setting.objects.get(key="all").value.split())
            return key in known.keys

        def match_all(keys):
            known = KeySet(Setting.objects.get(key="all").value.split())
            for key in keys:
                if not match(key, known=known):
                    known = known.union(KeySet([key]))
            for key in keys:
                match(key, [])
            for key in keys:
                match(key)  # expect: TL101
        """,
    "none-or-unknown-argument-keeps-the-fill": """
        from app.models import Setting

        def match(key, known=None):
            if known is None:
                known = set(Setting.objects.get(key="all").value.split())
            return key in known

        def match_all(keys, cached):
            nothing = None
            for key in keys:
                match(key, nothing)  # expect: TL101
            for key in keys:
                match(key, known=load_known())  # expect: TL101
            for key in keys:
                match(key, known=cached)  # expect: TL101
        """,
    "object-argument-decides-only-the-none-test": """
        from app.models import Setting

        def match(key, known=None):
            if not known:
                known = set(Setting.objects.get(key="all").value.split())
            return key in known

        def match_all(keys):
            for key in keys:
                match(key, [])  # expect: TL101
        """,
}


@pytest.mark.parametrize("source", ARGUED.values(), ids=ARGUED.keys())
def test_summaries_hang_on_arguments(run_cli, tmp_path, source):
    _check(run_cli, tmp_path, {"app/models.py": SETTINGS_MODEL, "app/ops.py": source})


ARGUED_WITNESS = """
    from app.models import Setting

    def fetch_known():
        return set(Setting.objects.get(key="all").value.split())

    def create_missing(key):
        return Setting.objects.create(key=key)

    def match(key, known=None):
        if known is None:
            known = fetch_known()
        if key not in known:
            create_missing(key)

    def match_all(keys):
        known = set(fetch_known())
        for key in keys:
            match(key, known=known)  # expect: TL102
"""


def test_the_cited_chain_is_one_the_arguments_leave_in(run_cli, tmp_path):
    """The passed set rules the fetch out: the message cites the create that remains."""
    files = {"app/models.py": SETTINGS_MODEL, "app/ops.py": ARGUED_WITNESS}
    found = _check(run_cli, tmp_path, files, codes=("TL101", "TL102"))
    assert "via `create_missing()`" in found[0]["message"], found[0]["message"]


# --- a guard on the receiver's own saved state (issue 17: path-sensitive summaries) ---

TAG_MODEL = """
    from django.db import models


    class Tag(models.Model):
        name = models.CharField(max_length=20)
        slug = models.CharField(max_length=20)

        def rename(self, name):
            self.name = name
            if self.pk:
                self.save(update_fields=["name"])

        def stamp(self):
            if self._state.adding:
                return
            Tag.objects.filter(pk=self.pk).update(slug=self.name)

        def publish(self):
            if self.pk is None:
                self.save()


    class Label:
        def __init__(self):
            self.pk = 1

        def rename(self, name):
            if self.pk:
                Tag.objects.filter(name=name).update(slug=name)
"""

RECEIVER_STATE = {
    "fresh-object-guarded-write": """
        from app.models import Tag

        def import_tags(rows):
            tags = []
            for row in rows:
                tag = Tag(slug=row["slug"])
                tag.slug = row["slug"].lower()
                tag.rename(row["name"])
                tags.append(tag)
            Tag.objects.bulk_create(tags)
        """,
    "fresh-object-early-return": """
        from app.models import Tag

        def stamp_all(rows):
            for row in rows:
                tag = Tag(name=row["name"])
                tag.stamp()
        """,
    "a-call-in-between-may-have-saved-it": """
        from app.models import Tag

        def import_tags(rows):
            for row in rows:
                tag = Tag(slug=row["slug"])
                tag.rename(row["name"])
                tag.stamp()  # expect: TL102
        """,
    "key-set-in-between-writes": """
        from app.models import Tag

        def rename_all(rows):
            for row in rows:
                tag = Tag(slug=row["slug"])
                tag.pk = row["id"]
                tag.rename(row["name"])  # expect: TL102
        """,
    "fresh-object-with-a-key-writes": """
        from app.models import Tag

        def rename_all(rows):
            for row in rows:
                tag = Tag(id=row["id"])
                tag.rename(row["name"])  # expect: TL102
        """,
    "saved-in-between-writes": """
        from app.models import Tag

        def rename_all(rows):
            for row in rows:
                tag = Tag(slug=row["slug"])
                tag.save()  # expect: TL102
                tag.rename(row["name"])  # expect: TL102
        """,
    "write-only-when-unsaved-still-writes": """
        from app.models import Tag

        def publish_all(rows):
            for row in rows:
                tag = Tag(slug=row["slug"])
                tag.publish()  # expect: TL102
        """,
    "own-class-with-a-key-from-init": """
        from app.models import Label

        def rename_all(rows):
            for row in rows:
                label = Label()
                label.rename(row["name"])  # expect: TL102
        """,
}


@pytest.mark.parametrize("source", RECEIVER_STATE.values(), ids=RECEIVER_STATE.keys())
def test_guards_on_the_receivers_saved_state(run_cli, tmp_path, source):
    _check(run_cli, tmp_path, {"app/models.py": TAG_MODEL, "app/ops.py": source})


# --- 6. prefetch applied through a reassigned variable -----------------------------------

THEMES = """
    from django.db import models


    class Theme(models.Model):
        name = models.CharField(max_length=20)


    class Style(models.Model):
        theme = models.ForeignKey(Theme, related_name="styles", on_delete=models.CASCADE)
"""

PREFETCH = {
    "prefetch-by-reassignment": """
        from app.models import Theme

        def styles(active):
            themes = Theme.objects.filter(active=active)
            themes = themes.prefetch_related("styles")
            themes = themes.order_by("name")
            return [list(theme.styles.all()) for theme in themes]
        """,
    "reassigned-without-prefetch-still-queries": """
        from app.models import Theme

        def styles(active):
            themes = Theme.objects.filter(active=active)
            themes = themes.order_by("name")
            return [list(theme.styles.all()) for theme in themes]  # expect: TL101
        """,
}


@pytest.mark.parametrize("source", PREFETCH.values(), ids=PREFETCH.keys())
def test_prefetch_through_reassignment(run_cli, tmp_path, source):
    _check(run_cli, tmp_path, {"app/models.py": THEMES, "app/ops.py": source})


RELATED = {
    "prefetch-on-rows-of-an-unknown-call": """
        from app.models import Theme

        def styles(theme):
            themes = theme.get_ancestors(include_self=True)
            themes = themes.prefetch_related("styles__theme")
            for item in themes:
                for style in item.styles.all():
                    print(style)
        """,
    "rows-of-an-unknown-call-without-prefetch": """
        from app.models import Theme

        def styles(theme):
            themes = theme.get_ancestors(include_self=True)
            themes = themes.prefetch_related("fonts")
            for item in themes:
                for style in item.styles.all():  # expect: TL101
                    print(style)
        """,
}


@pytest.mark.parametrize("source", RELATED.values(), ids=RELATED.keys())
def test_prefetch_on_rows_of_unknown_origin(run_cli, tmp_path, source):
    _check(run_cli, tmp_path, {"app/models.py": THEMES, "app/ops.py": source})


# --- 7. queues that are not producer/consumer pipes --------------------------------------

QUEUES = {
    "thread-safe-list-read-whole": """
        import queue

        class Results:
            def __init__(self):
                self._results = queue.Queue()

            def report(self, item):
                self._results.put(item)

            def collected(self):
                return tuple(self._results.queue)
        """,
    "local-heap-in-one-function": """
        import queue

        def walk(graph, start, limit):
            frontier = queue.PriorityQueue()
            frontier.put((0, start))
            seen = []
            while not frontier.empty() and len(seen) < limit:
                depth, node = frontier.get_nowait()
                seen.append(node)
                for child in graph[node]:
                    frontier.put((depth + 1, child))
            return seen
        """,
    "size-checked-producer": """
        import asyncio

        class Recorder:
            def __init__(self, flush, batch):
                self.pending = asyncio.Queue()
                self.flush, self.batch = flush, batch

            async def handle(self, message):
                await self.pending.put(message)
                if self.pending.qsize() >= self.batch:
                    await self.flush(self.pending)
        """,
    "size-checked-to-wake-a-consumer-is-a-pipe": """
        import queue
        import threading

        class Batcher:
            def __init__(self, size):
                self.spans = queue.Queue()  # expect: TL201
                self.size = size
                self.wake = threading.Event()

            def add(self, span):
                self.spans.put(span)
                if self.spans.qsize() >= self.size:
                    self.wake.set()

            def drain(self):
                return [self.spans.get() for _ in range(self.spans.qsize())]
        """,
    "size-checked-producer-pauses": """
        import queue

        class Consumer:
            def __init__(self, producer):
                self.chunks = queue.Queue()
                self.producer = producer

            def write(self, data):
                self.chunks.put(data)
                if self.chunks.qsize() >= 5:
                    self.producer.pauseProducing()

            def run(self, out):
                out.write(self.chunks.get())
        """,
    "local-queue-handed-to-workers-is-a-pipe": """
        import queue
        import threading

        def run(items, handle):
            jobs = queue.Queue()  # expect: TL201
            for _ in range(4):
                threading.Thread(target=handle, args=(jobs,)).start()
            for item in items:
                jobs.put(item)
        """,
    "closure-consumer-is-a-pipe": """
        import queue
        import threading

        def run(items, handle):
            jobs = queue.Queue()  # expect: TL201

            def worker():
                while True:
                    handle(jobs.get())

            threading.Thread(target=worker).start()
            for item in items:
                jobs.put(item)
        """,
    "consumed-elsewhere-is-a-pipe": """
        import queue

        class Outbox:
            def __init__(self):
                self.messages = queue.Queue()  # expect: TL201

            def send(self, message):
                self.messages.put(message)

            def drain(self):
                return self.messages.get()
        """,
}


@pytest.mark.parametrize("source", QUEUES.values(), ids=QUEUES.keys())
def test_queues_that_are_not_pipes(run_cli, tmp_path, source):
    _check(run_cli, tmp_path, {"app/ops.py": source}, codes=("TL201",))


def test_what_getattr_returns_can_be_the_model(run_cli, tmp_path):
    """``getattr(user, name)()`` rows: a builtin's name says nothing of what it returns
    (``row.save()`` on such a row is the name tier: ``--preview``)."""
    source = """
        from django.db import models

        def mark(user, name, relation):
            for job in getattr(user, name)()[0:10]:
                job.kill()  # expect: TL102, TL103
            for row in getattr(user, relation).all():
                row.save()  # expect: TL102
    """
    # ``[0:10]`` is a page of ten (``small`` input, held back): --show-all shows it
    files = {"app/models.py": MODELS, "app/ops.py": source}
    _check(run_cli, tmp_path, files, "--preview", "--show-all")


# --- a dict-like ``get`` on what a manager method returns (audit of new apps) -----------

PLAIN_GETS = {
    "a-custom-manager-method-then-get-key": """
        from app.models import Job

        def labels(states):
            return [Job.objects.current().get(state) for state in states]
        """,
    "a-literal-key": """
        from app.models import Job

        def domains(urls):
            return {url: Job.objects.current().get("domain") for url in urls}
        """,
    "a-queryset-get-by-lookup-still-a-query": """
        from app.models import Job

        def jobs(states):
            return [Job.objects.current().get(state=state) for state in states]  # expect: TL101
        """,
    "a-q-object-after-a-custom-method-still-a-query": """
        from django.db.models import Q

        from app.models import Job

        def jobs(states):
            return [Job.objects.current().get(Q(state=s)) for s in states]  # expect: TL101
        """,
    "a-q-object-after-get-queryset-still-a-query": """
        from django.db.models import Q

        from app.models import Job

        def jobs(states):
            return [Job.objects.get_queryset().get(Q(state=s)) for s in states]  # expect: TL101
        """,
    "a-queryset-method-then-get-by-lookup": """
        from app.models import Job

        def jobs(states):
            return [Job.objects.filter(state="new").get(pk=s) for s in states]  # expect: TL101
        """,
}


@pytest.mark.parametrize("source", PLAIN_GETS.values(), ids=PLAIN_GETS.keys())
def test_a_dict_like_get_is_not_a_queryset_get(run_cli, tmp_path, source):
    # ``SiteConfiguration.objects.get_current().get("site_domain_method")`` (ReviewBoard):
    # ``QuerySet.get`` takes lookups as keywords, never a key
    _check(run_cli, tmp_path, {"app/models.py": MODELS, "app/ops.py": source})


# --- memos kept on the row, and memo fills through a helper (audit of new apps) ---------

DIFF_MODEL = """
    from django.db import models


    class Setting(models.Model):
        key = models.CharField(max_length=20)


    class FileDiff(models.Model):
        extra_data = models.JSONField(default=dict)

        def get_ancestors(self):
            if "ancestors" not in self.extra_data:
                self.extra_data["ancestors"] = [self.pk - 1]
                self.save(update_fields=["extra_data"])
            return self.extra_data["ancestors"]

        def touch(self, key):
            if key not in self.extra_data:
                self.extra_data["seen"] = True
                self.save(update_fields=["extra_data"])
"""

ROW_MEMOS = {
    # ReviewBoard 8.1 diffutils.py:1414: computed once, stored on the row
    "a-key-the-row-saves-is-written-once": """
        from app.models import FileDiff

        def exclude_ancestors(filediffs):
            ids = {a for f in filediffs for a in f.get_ancestors()}
            return [f for f in filediffs if f.pk not in ids]
        """,
    "a-save-under-a-test-of-another-key-is-per-item": """
        from app.models import FileDiff

        def mark(filediffs, key):
            for f in filediffs:
                f.touch(key)  # expect: TL102
        """,
    "a-helper-called-to-fill-a-memo-runs-once": """
        from app.models import Setting

        _theme = None

        def load_theme():
            return Setting.objects.get(key="theme")

        def theme():
            global _theme
            if _theme is None:
                _theme = load_theme()
            return _theme

        def render(blocks):
            return [(block, theme()) for block in blocks]
        """,
    # geonode 5.1.1 pycsw_plugin.py:178: a project call in a lambda (no statements to
    # look through for ``global``) was an internal error
    "a-helper-called-in-a-lambda": """
        from app.models import FileDiff

        def area(diff):
            return diff.pk

        def by_area(diffs):
            return sorted(diffs, key=lambda diff: float(area(diff)))
        """,
}


@pytest.mark.parametrize("source", ROW_MEMOS.values(), ids=ROW_MEMOS.keys())
def test_memos_kept_on_the_row_and_filled_by_helpers(run_cli, tmp_path, source):
    _check(run_cli, tmp_path, {"app/models.py": DIFF_MODEL, "app/ops.py": source})


# --- one statement per group, and per-row statements with a group inside ---------------

GROUPS = {
    "one-update-per-group": """
        from app.models import Job

        def restate(ids_by_state):
            for state, ids in ids_by_state.items():
                Job.objects.filter(pk__in=ids).update(state=state)
        """,
    # the group only feeds a subquery in an argument: the update is still per row
    "a-group-in-an-argument-of-a-per-row-update": """
        from app.models import Job

        def restate(ids_by_job):
            for job_id, ids in ids_by_job.items():
                Job.objects.filter(pk=job_id).update(  # expect: TL102
                    state=Job.objects.filter(pk__in=ids).values("state")[:1]
                )
        """,
}


@pytest.mark.parametrize("source", GROUPS.values(), ids=GROUPS.keys())
def test_statements_per_group(run_cli, tmp_path, source):
    _check(run_cli, tmp_path, {"app/models.py": MODELS, "app/ops.py": source})


# a model method with its own ``atomic`` block, called on items the walk cannot type
# (round 21's audit of new7: wagtail's ``state.cancel()`` in an ``@transaction.atomic``
# ``deactivate()``, and ``copy_for_translation()`` under ``with transaction.atomic():``)
TASK_MODEL = """
    from django.db import models, transaction


    class TaskState(models.Model):
        status = models.CharField(max_length=10)

        @transaction.atomic
        def cancel_state(self, user=None):
            self.status = "cancelled"
            self.save()
"""
METHOD_SAVEPOINTS = {
    "method-per-item-commits": """
        def cancel_all(states):
            for state in states:
                state.cancel_state()  # expect: TL103
        """,
    "method-inside-an-atomic-function": """
        from django.db import transaction

        @transaction.atomic
        def cancel_all(states):
            for state in states:
                state.cancel_state()
        """,
    "method-inside-an-atomic-block": """
        from django.db import transaction

        def cancel_all(states):
            with transaction.atomic():
                for state in states:
                    state.cancel_state()
        """,
}


@pytest.mark.parametrize("source", METHOD_SAVEPOINTS.values(), ids=METHOD_SAVEPOINTS.keys())
def test_method_savepoints(run_cli, tmp_path, source):
    files = {"app/models.py": TASK_MODEL, "app/ops.py": source}
    found = _check(run_cli, tmp_path, files, codes=("TL103",))
    assert all(item["path"].endswith("ops.py") for item in found)


# the body of a search that acts on its match and returns (round 21's audit of new7:
# pretix's ticket generation and payment change): it runs once per run of the loop
MATCHES = {
    "queryset-iterated-in-the-match-block": """
        from app.models import Setting

        def regenerate(providers, chosen):
            for provider in providers:
                if provider.name == chosen:
                    for setting in Setting.objects.filter(key=chosen):
                        print(setting)
                    return provider
            return None
        """,
    "match-block-that-returns-on-every-arm": """
        from app.models import Setting

        def change(providers, chosen, strict):
            for provider in providers:
                if provider.name == chosen:
                    setting = Setting.objects.create(key=chosen)
                    if setting.pk:
                        return setting
                    elif strict:
                        raise ValueError(chosen)
                    else:
                        return None
            return None
        """,
    "near-miss-an-arm-that-falls-through": """
        from app.models import Setting

        def change(providers, chosen):
            for provider in providers:
                if provider.name == chosen:
                    setting = Setting.objects.create(key=chosen)  # expect: TL102
                    if setting.pk:
                        return setting
            return None
        """,
}


@pytest.mark.parametrize("source", MATCHES.values(), ids=MATCHES.keys())
def test_match_blocks_run_once(run_cli, tmp_path, source):
    _check(run_cli, tmp_path, {"app/models.py": SETTINGS_MODEL, "app/ops.py": source})


# --- a module's ``objects`` (new10 audit: fides, ``pydash.objects.get(row, path)``) -----

MODULE_OBJECTS = {
    "an-imported-module": """
        import pydash

        from app.models import Job

        def masked(rows, paths):
            return [pydash.objects.get(row, path) for row in rows for path in paths]
        """,
    "a-name-imported-from-a-module": """
        from pydash import objects

        from app.models import Job

        def masked(rows, paths):
            return [objects.get(row, path) for row in rows for path in paths]
        """,
    "a-module-imported-as-a-name": """
        import pydash.objects as po

        from app.models import Job

        def masked(rows, paths):
            return [po.get(row, path) for row in rows for path in paths]
        """,
    "a-model-of-an-imported-module-still-a-query": """
        import app.models

        def jobs(ids):
            return [app.models.Job.objects.get(pk=i) for i in ids]  # expect: TL101
        """,
    "a-shadowed-module-name-is-the-model": """
        import pydash

        from app.models import Job as pydash

        def jobs(ids):
            return [pydash.objects.get(pk=i) for i in ids]  # expect: TL101
        """,
}


@pytest.mark.parametrize("source", MODULE_OBJECTS.values(), ids=MODULE_OBJECTS.keys())
def test_a_module_objects_is_not_a_manager(run_cli, tmp_path, source):
    """``objects`` as an attribute of an imported module, or imported by name, is that
    module's, not a model class's manager; near misses: a model reached through a module,
    and a module name rebound to a model."""
    _check(run_cli, tmp_path, {"app/models.py": MODELS, "app/jobs.py": source})


# --- a mapping's get on an attribute named like a relation (ten-app audit, mayan: the
# form's ``fields`` dict read per error; a model of the project has a ``fields`` relation)

FIELD_MODELS = """
    from django.db import models


    class Sheet(models.Model):
        name = models.CharField(max_length=10)


    class Field(models.Model):
        sheet = models.ForeignKey(Sheet, related_name="fields", on_delete=models.CASCADE)
        label = models.CharField(max_length=10)
"""

MAPPING_GETS = {
    "a-forms-field-by-name": """
        def errors(forms):
            found = []
            for form in forms.values():
                for name, messages in form.errors.items():
                    field = form.fields.get(name)
                    found.append(getattr(field, "label", None))
            return found
        """,
    "with-a-default": """
        def labels(forms, names):
            return [form.fields.get(name, None) for form in forms for name in names]
        """,
    "a-lookup-by-keyword-still-a-query": """
        from app.models import Sheet

        def labels(names):
            return [
                sheet.fields.get(label=name)  # expect: TL101
                for sheet in Sheet.objects.all()
                for name in names
            ]
        """,
    "a-q-object-still-a-query": """
        from django.db.models import Q

        from app.models import Sheet

        def labels(names):
            return [
                sheet.fields.get(Q(label=name))  # expect: TL101
                for sheet in Sheet.objects.all()
                for name in names
            ]
        """,
}


@pytest.mark.parametrize("source", MAPPING_GETS.values(), ids=MAPPING_GETS.keys())
def test_a_mapping_get_is_not_a_related_managers_get(run_cli, tmp_path, source):
    """``get(key)`` with positional arguments that cannot be ``Q`` objects is a mapping's
    get, whatever the attribute is called; near misses: lookups by keyword and ``Q``."""
    _check(
        run_cli,
        tmp_path,
        {"app/models.py": FIELD_MODELS, "app/forms.py": source},
        "--show-all",
    )
