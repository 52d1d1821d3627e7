"""Relations a helper or a property loads on its way (``semantic/eager_loads.py``,
``ProjectIndex.loaded_by``): Review Board's ``ReviewRequest.get_diffsets()`` prefetches
``files`` (``queryset.prefetch_related(...)``, or ``prefetch_related_objects(cached,
"files")``), so ``ds.files.all()`` over what it returns is served from the prefetch
cache; weblate's ``cached_groups`` property prefetches the groups' roles (the new4 and
ten-app audits' misreads), read from the class or from a view. ``len(ds.files.all())``
evaluates the queryset as a loop over it does. Near misses: a helper that loads
nothing, one that loads another relation, one that prefetches only when a parameter
says so, into another attribute (``to_attr``) or on a query it does not return (the
round's adversarial test), a property that loads nothing, and a user's own ``len``.
Through the real command line."""

from __future__ import annotations

from support.cli_projects import findings_by_function, lint_json, write_project

MODELS = """\
from django.db import models
from django.db.models import Prefetch, prefetch_related_objects


class History(models.Model):
    pass


class DiffSet(models.Model):
    history = models.ForeignKey(History, on_delete=models.CASCADE, related_name="diffsets")


class FileDiff(models.Model):
    diffset = models.ForeignKey(DiffSet, on_delete=models.CASCADE, related_name="files")


class Comment(models.Model):
    diffset = models.ForeignKey(DiffSet, on_delete=models.CASCADE, related_name="comments")


class ReviewRequest(models.Model):
    history = models.ForeignKey(History, on_delete=models.CASCADE)

    def get_diffsets(self):
        if hasattr(self, "_diffsets"):
            prefetch_related_objects(self._diffsets, "files")
        else:
            queryset = DiffSet.objects.filter(history=self.history_id)
            queryset = queryset.prefetch_related(Prefetch("files__comments"))
            self._diffsets = list(queryset)
        return self._diffsets

    def ternary_diffsets(self, with_files=True):
        queryset = DiffSet.objects.filter(history=self.history_id)
        return list(queryset.prefetch_related("files") if with_files else queryset)

    def guarded_diffsets(self, with_files=True):
        queryset = DiffSet.objects.filter(history=self.history_id)
        if with_files:
            queryset = queryset.prefetch_related("files")
        return list(queryset)

    def visible_diffsets(self):
        visible = FileDiff.objects.filter(diffset__history=self.history_id)
        files = Prefetch("files", queryset=visible, to_attr="visible")
        return list(DiffSet.objects.filter(history=self.history_id).prefetch_related(files))

    def diffsets_and_folders(self):
        self.folders = list(History.objects.prefetch_related("files"))
        return list(DiffSet.objects.filter(history=self.history_id))

    def plain_diffsets(self):
        return list(DiffSet.objects.filter(history=self.history_id))

    def diffsets_with_comments(self):
        return list(DiffSet.objects.filter(history=self.history_id).prefetch_related("comments"))

    @property
    def cached_diffsets(self):
        return self.history.diffsets.prefetch_related("files")

    @property
    def plain(self):
        return self.history.diffsets.all()

    def files_of_cached(self):
        found = []
        for ds in self.cached_diffsets:
            for filediff in ds.files.all():
                found.append(filediff)
        return found

    def files_of_plain(self):
        found = []
        for ds in self.plain:
            for filediff in ds.files.all():
                found.append(filediff)
        return found

    def count_plain(self):
        total = 0
        for ds in self.plain:
            total += len(ds.files.all())
        return total

    def count_cached(self):
        total = 0
        for ds in self.cached_diffsets:
            total += len(ds.files.all())
        return total
"""

# a user's own ``len`` evaluates nothing
OWN_LEN = """from app.models import ReviewRequest


def len(rows):
    return 0


def count_plain(review_request: ReviewRequest):
    return [len(ds.files.all()) for ds in review_request.plain]
"""

VIEWS = """\
from app.models import ReviewRequest


def files_prefetched(request, pk):
    review_request = ReviewRequest.objects.get(pk=pk)
    found = {}
    for ds in review_request.get_diffsets():
        for filediff in ds.files.all():
            found[filediff.pk] = filediff
    return found


def files_plain(request, pk):
    review_request = ReviewRequest.objects.get(pk=pk)
    found = {}
    for ds in review_request.plain_diffsets():
        for filediff in ds.files.all():
            found[filediff.pk] = filediff
    return found


def files_unguarded(request, pk):
    review_request = ReviewRequest.objects.get(pk=pk)
    return [list(ds.files.all()) for ds in review_request.guarded_diffsets(with_files=False)]


def files_of_ternary(request, pk):
    review_request = ReviewRequest.objects.get(pk=pk)
    return [list(ds.files.all()) for ds in review_request.ternary_diffsets(with_files=False)]


def files_of_visible(request, pk):
    review_request = ReviewRequest.objects.get(pk=pk)
    return [list(ds.files.all()) for ds in review_request.visible_diffsets()]


def files_of_folders(request, pk):
    review_request = ReviewRequest.objects.get(pk=pk)
    return [list(ds.files.all()) for ds in review_request.diffsets_and_folders()]


def files_of_property(request, pk):
    review_request = ReviewRequest.objects.get(pk=pk)
    return [len(ds.files.all()) for ds in review_request.cached_diffsets]


def files_of_commented(request, pk):
    review_request = ReviewRequest.objects.get(pk=pk)
    found = {}
    diffsets = review_request.diffsets_with_comments()
    for ds in diffsets:
        for filediff in ds.files.all():
            found[filediff.pk] = filediff
    return found
"""


def test_relations_a_helper_or_property_prefetches_are_no_n_plus_one(run_cli, tmp_path):
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": MODELS,
            "app/views.py": VIEWS,
            "app/own_len.py": OWN_LEN,
        },
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL101")
    assert sorted(findings_by_function(report, VIEWS, "views.py")) == [
        "files_of_commented",
        "files_of_folders",  # the prefetch is on another query than the one returned
        "files_of_ternary",  # in one arm of a conditional expression (adversarial b2)
        "files_of_visible",  # into another attribute (``to_attr``)
        "files_plain",
        "files_unguarded",  # under a guard on a parameter the caller sets false
    ]
    lines = MODELS.splitlines()
    # ``ds.files.all()`` iterated, then evaluated by ``len()``: in the plain property's
    # loops only
    plain = [n for n, line in enumerate(lines, 1) if "ds.files.all()" in line]
    found = [d["line"] for d in report["diagnostics"] if d["path"].endswith("models.py")]
    assert found == [plain[1], plain[2]]
    assert [d for d in report["diagnostics"] if d["path"].endswith("own_len.py")] == []
