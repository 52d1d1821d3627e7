"""The project index is cached per file with the file's results, and resolved after all
files on every run: editing a helper changes the findings in an unchanged caller."""

from __future__ import annotations

import base64
import json
import shutil

from conftest import FIXTURES

SHOP = FIXTURES / "projects" / "django_shop"


def _findings(run_cli, root, *extra):
    completed = run_cli(
        "django_shop", "--format", "json", "--isolated", "--select", "TL101,TL102,TL103",
        *extra, cwd=root,
    )  # fmt: skip
    assert completed.returncode in (0, 1), completed.stderr
    return sorted(
        (d["path"].replace("\\", "/"), d["line"], d["code"])
        for d in json.loads(completed.stdout)["diagnostics"]
    )


def test_a_helper_edit_reaches_its_unchanged_callers_through_the_cache(run_cli, tmp_path):
    shutil.copytree(SHOP, tmp_path / "django_shop")
    cold = _findings(run_cli, tmp_path, "--no-cache")
    assert _findings(run_cli, tmp_path) == cold  # fills the cache
    assert _findings(run_cli, tmp_path) == cold  # served from it, index included
    assert ("django_shop/services.py", 7, "TL101") in cold
    assert ("django_shop/services.py", 14, "TL101") not in cold

    helpers = tmp_path / "django_shop" / "helpers.py"
    text = helpers.read_text()
    text = text.replace("return Author.objects.get(pk=author_id)", "return author_id")
    text = text.replace(
        'return f"{book.title}: {book.pk}"',
        'return f"{book.title}: {Book.objects.filter(pk=book.pk).count()}"',
    )
    helpers.write_text(text)
    warm = _findings(run_cli, tmp_path)
    assert ("django_shop/services.py", 7, "TL101") not in warm
    assert ("django_shop/services.py", 14, "TL101") in warm
    assert warm == _findings(run_cli, tmp_path, "--no-cache")


def test_the_cache_stores_index_facts_next_to_the_results(run_cli, tmp_path):
    shutil.copytree(SHOP, tmp_path / "django_shop")
    _findings(run_cli, tmp_path)
    caches = list(tmp_path.rglob(".throughlint_cache/*.json"))
    assert len(caches) == 1
    entries = json.loads(caches[0].read_text())["files"]
    # [digest, results, facts shared with other files, the file's own pending findings
    # (JSON in base64: no escaped quotes to scan when the cache is decoded)]
    facts = {
        path.rsplit("/", 1)[-1]: entry[2] for path, entry in entries.items() if len(entry) >= 3
    }
    own = {path.rsplit("/", 1)[-1]: entry[3] for path, entry in entries.items() if len(entry) == 4}
    assert "django_shop.models.Book" in facts["models.py"]["c"]
    assert facts["helpers.py"]["f"]["django_shop.helpers.load_author"][0]  # reads
    assert "p" not in facts["services.py"]  # decoded only when services.py itself is linted
    assert any(p["k"] == "call" for p in json.loads(base64.b64decode(own["services.py"]))["p"])
