"""Calls in a loop that are already the batched form (issue 12, false-alarm classes 8 and
10), as small projects through the real command: a pass that takes a whole group
(``unlink(*keys)``, ``pk__in=ids``), one body sent to each of several endpoints, and a
per-item loop that is the fallback arm of a bulk path. Each with the bad shape still
reported, a near miss and a user's own class named like the library's."""

from __future__ import annotations

import pytest

from expectations import check_project

MODELS = """
    from django.db import models


    class Tag(models.Model):
        name = models.CharField(max_length=10)


    class Item(models.Model):
        tag = models.ForeignKey(Tag, on_delete=models.CASCADE)
"""

GROUPS = {
    "each-key-alone": """
        import redis

        r = redis.Redis()

        def drop(keys):
            for key in keys:
                r.unlink(key)  # expect: TL401
        """,
    "one-unlink-per-slot-group": """
        import redis

        r = redis.Redis()

        def drop(by_slot):
            for slot_keys in by_slot.values():
                r.unlink(*slot_keys)
        """,
    "near-miss-each-key-of-each-group": """
        import redis

        r = redis.Redis()

        def drop(by_slot):
            for slot_keys in by_slot.values():
                for key in slot_keys:
                    r.unlink(key)  # expect: TL401
        """,
    "one-query-per-content-type": """
        from app.models import Item

        def load(preload):
            found = {}
            for kind, ids in preload.items():
                for item in Item.objects.filter(pk__in=ids):
                    found[kind, item.pk] = item
            return found
        """,
    "one-query-per-id": """
        from app.models import Item

        def load(ids):
            return [Item.objects.get(pk=pk) for pk in ids]  # expect: TL101
        """,
    "own-redis-class-is-not-redis": """
        class Redis:
            def unlink(self, *keys):
                return len(keys)

        r = Redis()

        def drop(keys):
            for key in keys:
                r.unlink(key)
        """,
}


@pytest.mark.parametrize("source", GROUPS.values(), ids=GROUPS.keys())
def test_a_pass_that_takes_a_whole_group(run_cli, tmp_path, source):
    files = {"app/models.py": MODELS, "app/ops.py": source}
    check_project(run_cli, tmp_path, files, ("TL101", "TL401"), "--show-all")


BROADCASTS = {
    "one-payload-to-each-webhook-of-the-settings": """
        import requests
        from django.conf import settings

        def notify(ticket):
            urls = settings.TICKET_WEBHOOK_URLS
            data = {"ticket": ticket}
            for url in urls:
                requests.post(url, json=data, timeout=5)
        """,
    "url-built-from-each-configured-host": """
        import json
        import requests

        class Alerter:
            def __init__(self, rule):
                self.hosts = rule.get("hosts")

            def alert(self, payload):
                for host in self.hosts:
                    url = "{}/api/v2/alerts".format(host)
                    verify = host.startswith("https")
                    requests.post(url, data=json.dumps([payload]), verify=verify)
        """,
    "one-payload-to-each-subscriber-address": """
        import requests

        def broadcast(event, hooks):
            payload = {"type": event.type, "data": event.data}
            for hook in hooks:
                requests.post(hook.url, json=payload, timeout=5)
            for hook in hooks:
                requests.post(hook["endpoint"], json=payload, timeout=5)
        """,
    "near-miss-a-path-on-one-base-per-item": """
        import requests

        BASE = "https://api.example.com"

        def touch(items, payload):
            for item in items:
                requests.post(f"{BASE}/items/{item.id}", json=payload)  # expect: TL401
        """,
    "near-miss-each-address-gets-its-own-body": """
        import requests

        def deliver(hooks):
            for hook in hooks:
                requests.post(hook.url, json={"hook": hook.id})  # expect: TL401
        """,
    "near-miss-urls-passed-in-are-data": """
        import requests

        def notify(urls, ticket):
            for url in urls:
                requests.post(url, json={"ticket": ticket}, timeout=5)  # expect: TL401
        """,
    "one-get-per-url": """
        import requests

        def statuses(urls):
            return [requests.get(url, timeout=5).status_code for url in urls]  # expect: TL401
        """,
    "near-miss-the-body-changes-per-item": """
        import requests

        def push(url, events):
            for event in events:
                requests.post(url, json=event)  # expect: TL401
        """,
    "near-miss-both-change": """
        import requests

        def push(targets):
            for url, event in targets:
                requests.post(url, json={"event": event})  # expect: TL401
        """,
    "own-requests-module-is-not-http": """
        from app import requests

        def push(url, events):
            for event in events:
                requests.post(url, json=event)
        """,
}


@pytest.mark.parametrize("source", BROADCASTS.values(), ids=BROADCASTS.keys())
def test_one_body_sent_to_each_endpoint(run_cli, tmp_path, source):
    own = """
        def post(url, json=None):
            return (url, json)
    """
    files = {"app/requests.py": own, "app/ops.py": source}
    check_project(run_cli, tmp_path, files, ("TL401",), "--show-all")


FALLBACKS = {
    "save-each-where-bulk-create-cannot-return-ids": """
        from django.db import connection

        from app.models import Tag

        def create(names):
            tags = [Tag(name=name) for name in names]
            if connection.features.can_return_rows_from_bulk_insert:
                Tag.objects.bulk_create(tags)
            else:
                for tag in tags:
                    tag.save()
            return tags
        """,
    "rename-with-update-or-each": """
        from app.models import Tag

        def rename(old, new, fast):
            tags = Tag.objects.filter(name=old)
            if fast:
                tags.update(name=new)
            else:
                for tag in tags:
                    tag.name = new
                    tag.save()
        """,
    "rename-each-alone": """
        from app.models import Tag

        def rename(old, new):
            tags = Tag.objects.filter(name=old)
            for tag in tags:
                tag.name = new
                tag.save()  # expect: TL102
        """,
    "near-miss-the-bulk-arm-does-another-collection": """
        from app.models import Tag

        def rename(old, new, fast, others):
            tags = Tag.objects.filter(name=old)
            if fast:
                others.update(name=new)
            else:
                for tag in tags:
                    tag.name = new
                    tag.save()  # expect: TL102
        """,
    "own-session-class-is-not-sqlalchemy": """
        class Session:
            def bulk_save_objects(self, rows):
                self.rows = rows

            def add(self, row):
                self.rows.append(row)

        def store(rows, fast):
            session = Session()
            if fast:
                session.bulk_save_objects(rows)
            else:
                for row in rows:
                    session.add(row)
        """,
}


@pytest.mark.parametrize("source", FALLBACKS.values(), ids=FALLBACKS.keys())
def test_per_item_fallback_of_a_bulk_path(run_cli, tmp_path, source):
    files = {"app/models.py": MODELS, "app/ops.py": source}
    check_project(run_cli, tmp_path, files, ("TL102", "TL103"), "--show-all")


SEARCHES = {
    "pop-from-the-first-queue-that-has-one": """
        import redis

        r = redis.Redis()

        def pop_any(queue_keys):
            for key in queue_keys:
                blob = r.lpop(key)
                if blob is not None:
                    return key, blob
            return None
        """,
    "first-existing-key": """
        import redis

        r = redis.Redis()

        def first(keys):
            for key in keys:
                if r.exists(key):
                    break
        """,
    "near-miss-every-pass-goes-on": """
        import redis

        r = redis.Redis()

        def pop_all(queue_keys):
            found = []
            for key in queue_keys:
                blob = r.lpop(key)  # expect: TL401
                if blob is None:
                    continue
                found.append(blob)
            return found
        """,
    "near-miss-stops-on-something-else": """
        import redis

        r = redis.Redis()

        def drain(queue_keys, limit):
            for count, key in enumerate(queue_keys):
                r.lpop(key)  # expect: TL401
                if count > limit:
                    return
        """,
    "own-redis-class-is-not-redis": """
        class Redis:
            def lpop(self, key):
                return key

        r = Redis()

        def pop_all(queue_keys):
            return [r.lpop(key) for key in queue_keys]
        """,
}


@pytest.mark.parametrize("source", SEARCHES.values(), ids=SEARCHES.keys())
def test_a_search_that_stops_at_the_first_answer(run_cli, tmp_path, source):
    check_project(run_cli, tmp_path, {"app/ops.py": source}, ("TL401",), "--show-all")
