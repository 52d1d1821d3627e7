"""A Django model class handed out by a loader (``get_user_model()``,
``apps.get_model(...)``, ``swapper.load_model(...)``): an instance made from it is a row,
so its ``save()`` and ``delete()`` are typed writes, not the name tier (issue 12, class
6). Real source through the real command."""

from __future__ import annotations

import pytest

from expectations import check_project

CASES = {
    "a-user-per-address": """
        from django.contrib.auth import get_user_model

        User = get_user_model()

        def invite(emails):
            for email in emails:
                user = User(email=email, username=email)
                user.save()  # expect: TL102
        """,
    "a-swappable-notification-per-recipient": """
        from swapper import load_model

        def notify(recipients, verb):
            Notification = load_model("notifications", "Notification")
            for recipient in recipients:
                notification = Notification(recipient=recipient, verb=verb)
                notification.save()  # expect: TL102
        """,
    "a-model-by-label-deleted-per-row": """
        from django.apps import apps

        def purge(rows):
            Entry = apps.get_model("log", "Entry")
            for row in rows:
                Entry(pk=row).delete()  # expect: TL102
        """,
    "good-one-bulk-create": """
        from django.contrib.auth import get_user_model

        User = get_user_model()

        def invite(emails):
            User.objects.bulk_create([User(email=email) for email in emails])
        """,
    "near-miss-saved-once-after-the-loop": """
        from django.contrib.auth import get_user_model

        User = get_user_model()

        def rename(names):
            user = User(username="x")
            for name in names:
                user.first_name = name
            user.save()
        """,
    "shadowing-a-users-own-loader": """
        class Row:
            def save(self):
                return self

        def get_user_model():
            return Row

        User = get_user_model()

        def invite(emails):
            for email in emails:
                User().save()
        """,
}


@pytest.mark.parametrize("source", CASES.values(), ids=CASES.keys())
def test_a_row_of_a_loaded_model_class(run_cli, tmp_path, source):
    check_project(run_cli, tmp_path, {"app/users.py": source}, ("TL102",), "--show-all")
