"""``super().save()`` runs the base class's own ``save``: Django's, one statement. It does
not stand for the ``save`` overrides of the base's other subclasses in the project (a
sibling model that queries in its ``save`` was reported as a query of every model's
``save``: a false TL101 in django-oscar's rating command)."""

from __future__ import annotations

from support.cli_projects import lint_json, write_project

MODELS = """\
from django.contrib.auth.models import Permission
from django.db import models


class Product(models.Model):
    rating = models.IntegerField(default=0)

    def save(self, *args, **kwargs):
        self.rating = max(self.rating, 0)
        super().save(*args, **kwargs)

    def update_rating(self):
        self.rating += 1
        self.save()


class Partner(models.Model):
    name = models.CharField(max_length=10)

    def save(self, *args, **kwargs):
        Permission.objects.get(codename="dashboard_access")
        super().save(*args, **kwargs)
"""

JOBS = """\
from shop.models import Partner, Product


def update_ratings():
    for product in Product.objects.all():
        product.update_rating()


def rename_partners():
    for partner in Partner.objects.all():
        partner.save()
"""


def test_super_save_is_the_bases_own_not_a_siblings(run_cli, tmp_path):
    root = write_project(
        tmp_path, {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/jobs.py": JOBS}
    )
    report = lint_json(run_cli, root, "--show-all")
    found = sorted(
        (d["line"], d["code"], *sorted(r["code"] for r in d.get("related") or ()))
        for d in report["diagnostics"]
        if d["path"].endswith("jobs.py")
    )
    assert found == [(6, "TL102"), (11, "TL102")]
    rating = next(d for d in report["diagnostics"] if d["line"] == 6)
    assert "Django's own `Model.save()`" in rating["message"], rating["message"]


FIELDS = """\
from shop.models import Attachment


class BaseField:
    def render_value(self, value):
        return str(value)


class AttachmentsField(BaseField):
    def render_value(self, value):
        return Attachment.objects.get(pk=value).name


class MiddleField(BaseField):
    pass


class TitleField(MiddleField):
    def render_value(self, value):
        return Attachment.objects.get(pk=value).name


class CaptionsField(MiddleField):
    def render_entry(self, info):
        render_item = super().render_value
        return [render_item(caption) for caption in info.values()]

    def render_direct(self, info):
        return [super().render_value(caption) for caption in info.values()]

    def render_named(self, info):
        return [BaseField.render_value(self, caption) for caption in info.values()]

    def render_inherited(self, info):
        # ``MiddleField`` inherits ``render_value`` from ``BaseField``
        return [MiddleField.render_value(self, caption) for caption in info.values()]


class Stub:
    def render_value(self, value):
        raise NotImplementedError

    def render_all(self, values):
        return [self.render_value(value) for value in values]  # expect: TL101


class AttachmentStub(Stub):
    def render_value(self, value):
        return Attachment.objects.get(pk=value).name
"""

ATTACHMENT = """\
from django.db import models


class Attachment(models.Model):
    name = models.CharField(max_length=10)
"""


def test_super_of_a_plain_method_is_the_bases_own_not_a_siblings(run_cli, tmp_path):
    """``super().render_value`` in ``CaptionsField`` (ReviewBoard's ``BaseCaptionsField``)
    runs ``BaseField.render_value``, which does no I/O, not the query of the sibling
    ``AttachmentsField``'s override; a call on ``self`` in the base still runs any
    subclass's override."""
    root = write_project(
        tmp_path,
        {"shop/__init__.py": "", "shop/models.py": ATTACHMENT, "shop/fields.py": FIELDS},
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL101")
    found = sorted(d["line"] for d in report["diagnostics"] if d["path"].endswith("fields.py"))
    assert found == [n for n, line in enumerate(FIELDS.splitlines(), 1) if "# expect" in line]


MIXED = """\
from typing import Generic, TypeVar

from shop.models import Attachment

T = TypeVar("T")


class FieldMixinParent(Generic[T]):
    pass


class BaseField:
    def render_value(self, value):
        return str(value)


class LookupField:
    def render_value(self, value):
        return Attachment.objects.get(pk=value).name


class PageDataMixin(FieldMixinParent[T]):
    def load(self):
        return {}


class CaptionsField(PageDataMixin[str], BaseField):
    def render_entry(self, info):
        render_item = super().render_value
        return [render_item(caption) for caption in info.values()]


class AttachmentsField(PageDataMixin[str], BaseField):
    def render_value(self, value):
        return Attachment.objects.get(pk=value).name


class LinkedField(PageDataMixin[str], LookupField):
    def render_entry(self, info):
        return [super().render_value(caption) for caption in info.values()]  # expect: TL101


class TitleField(BaseField[str]):
    def render_entry(self, info):
        return [super().render_value(caption) for caption in info.values()]
"""


def test_super_looks_along_the_order_of_the_bases(run_cli, tmp_path):
    """``super().render_value`` in ``CaptionsField(PageDataMixin[str], BaseField)``
    (ReviewBoard's ``BaseCaptionsField``) runs ``BaseField.render_value``: the first base
    is a mixin without it. Not the query of the sibling ``AttachmentsField``'s override;
    and the query of ``LookupField``'s, the second base of ``LinkedField``, is found."""
    root = write_project(
        tmp_path,
        {"shop/__init__.py": "", "shop/models.py": ATTACHMENT, "shop/fields.py": MIXED},
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL101")
    found = sorted(d["line"] for d in report["diagnostics"] if d["path"].endswith("fields.py"))
    assert found == [n for n, line in enumerate(MIXED.splitlines(), 1) if "# expect" in line]
