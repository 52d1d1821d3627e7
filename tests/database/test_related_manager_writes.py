"""A write through a related manager on each row of a query (``post.tags.add(tag)``,
``post.comments.create(...)``) is a write per item, TL102's, with the bulk advice; it is
no N+1 read that a prefetch would save, which is what TL101 said of it before. Near
misses: one ``add(*posts)`` for all rows, an attribute that is no relation of the model,
and a row of a plain class. The read beside it stays TL101's. Run through the real CLI."""

from __future__ import annotations

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

MODELS = """\
from django.db import models


class Tag(models.Model):
    name = models.CharField(max_length=10)


class Post(models.Model):
    tags = models.ManyToManyField(Tag, related_name="posts")
    labels = models.JSONField(default=list)


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
"""

VIEWS = """\
from shop.models import Post, Tag


def tag_each(tag: Tag):
    for post in Post.objects.filter(id__gt=1):
        post.tags.add(tag)


def tag_each_prefetched(tag: Tag):
    for post in Post.objects.prefetch_related("tags"):
        post.tags.add(tag)


def comment_each():
    for post in Post.objects.all():
        post.comments.create(text="x")


def tag_at_once(tag: Tag):
    tag.posts.add(*Post.objects.filter(id__gt=1))


def label_each():
    for post in Post.objects.all():
        post.labels.append("x")


def count_each():
    return [post.comments.filter(ok=True).count() for post in Post.objects.all()]


class Draft:
    def __init__(self):
        self.tags = set()


def tag_drafts(drafts: list[Draft], tag):
    for draft in drafts:
        draft.tags.add(tag)
"""


def test_related_manager_writes_per_row(tmp_path):
    root = write_project(
        tmp_path,
        {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/views.py": VIEWS},
    )
    report = lint_json(run_module_cli, root, "--select", "TL101,TL102", "--show-all")
    found = findings_by_function(report, VIEWS, "views.py")
    for name, manager in (("tag_each", "tags"), ("tag_each_prefetched", "tags")):
        assert found[name]["code"] == "TL102"
        assert f"writes through the related manager `{manager}`" in found[name]["message"]
    assert found["comment_each"]["code"] == "TL102"
    assert found["count_each"]["code"] == "TL101"
    assert set(found) == {"tag_each", "tag_each_prefetched", "comment_each", "count_each"}
