"""The merged index: summaries (the API other rules use), relations, depth bound."""

from __future__ import annotations

from throughlint.effects import Effect
from throughlint.index import ProjectIndex
from throughlint.index.project import SUMMARY_DEPTH
from throughlint.semantic.guards import RECEIVER_MEMO

R, W, C, X = (Effect.READ.value, Effect.WRITE.value, Effect.COMMIT.value, Effect.REMOTE.value)


def _index(*facts: dict) -> ProjectIndex:
    index = ProjectIndex()
    for item in facts:
        index.add(item)
    return index.finish()


def test_summary_effects_are_transitive_across_modules_and_methods():
    index = _index(
        {"f": {"app.repo.load": [R, [], {str(R): "`Book.objects.get()` (app.repo, line 3)"}]}},
        {"f": {"app.svc.Service.run": [0, ["app.repo.load", "app.http.ping"], {}]}},
        {"f": {"app.http.ping": [X, [], {str(X): "`requests.get()`"}]}},
        {"f": {"app.views.index": [C, ["app.svc.Service().run"], {str(C): "`conn.commit()`"}]}},
        {"c": {"app.svc.Child": {"b": ["app.svc.Service"], "r": {}}}},
    )
    assert index.summary_effects("app.svc.Service.run") == Effect.READ | Effect.REMOTE
    assert index.summary_effects("app.svc.Service().run") == Effect.READ | Effect.REMOTE
    assert index.summary_effects("app.svc.Child().run") == Effect.READ | Effect.REMOTE
    assert index.summary_effects("app.views.index") == Effect.READ | Effect.REMOTE | Effect.COMMIT
    assert index.summary_effects("requests.get") == Effect.NONE
    assert "Book.objects.get()" in index.summary_witness("app.views.index", Effect.READ)


def test_summaries_stop_at_the_depth_bound():
    chain = {f"m.f{i}": [0, [f"m.f{i + 1}"], {}] for i in range(SUMMARY_DEPTH + 2)}
    chain[f"m.f{SUMMARY_DEPTH + 2}"] = [W, [], {}]
    index = _index({"f": chain})
    assert index.summary_effects("m.f2") == Effect.WRITE
    assert index.summary_effects("m.f0") == Effect.NONE


def test_recursion_does_not_loop():
    index = _index({"f": {"m.a": [0, ["m.b"], {}], "m.b": [R, ["m.a"], {}]}})
    assert index.summary_effects("m.a") == Effect.READ


def test_django_relations_reverse_accessors_and_abstract_bases():
    index = _index(
        {
            "c": {
                "a.base.Stamped": {"b": ["django.db.models.Model"], "r": {}, "a": True},
                "a.m.Author": {"b": ["a.base.Stamped"], "r": {}},
                "a.m.Book": {
                    "b": ["a.base.Stamped"],
                    "r": {
                        "author": ["fk", "=a.m.Author", None, None, None, None],
                        "tags": ["m2m", "Tag", "books", None, None, None],
                        "cover": ["o2o", "a.Image", None, None, None, None],
                    },
                },
                "a.m.Tag": {"b": ["django.db.models.Model"], "r": {}},
                "a.m.Image": {"b": ["django.db.models.Model"], "r": {}},
            }
        }
    )
    assert index.model_kind("a.m.Book") == "django"
    assert not index.relation("a.m.Book", "author").many
    assert index.relation("a.m.Author", "book_set").many
    assert index.relation("a.m.Tag", "books").many
    assert index.relation("a.m.Image", "book").kind == "o2o-reverse"
    assert index.relation("a.m.Book", "author_id") is None


def test_concrete_parent_across_modules_abstract_bases_and_proxies():
    model = "django.db.models.Model"
    index = _index(
        {"c": {"s.base.Named": {"b": [model], "r": {}, "a": True}}},
        {
            "c": {
                "s.m.Place": {"b": [model], "r": {}},
                "s.m.Bar": {"b": ["s.base.Named"], "r": {}},
                "s.m.Cafe": {"b": ["s.m.Place"], "r": {}, "x": True},
            }
        },
        {
            "c": {
                "s.a.Restaurant": {"b": ["s.m.Place"], "r": {}},
                "s.a.Diner": {"b": ["s.a.Restaurant"], "r": {}, "x": True},
                "s.a.Stamped": {"b": ["s.base.Named"], "r": {}, "a": True},
                "s.a.Pub": {"b": ["s.a.Stamped"], "r": {}},
                "s.a.Shop": {"b": ["lib.TimeStamped", "s.m.Place"], "r": {}},
            }
        },
    )
    assert index.concrete_parent("s.a.Restaurant") == "s.m.Place"  # in another module
    assert index.concrete_parent("s.m.Place") == ""
    assert index.concrete_parent("s.m.Bar") == ""  # an abstract base has no table
    assert index.concrete_parent("s.a.Pub") == ""  # through two abstract ones
    assert index.concrete_parent("s.m.Cafe") == ""  # a proxy shares Place's table
    assert index.concrete_parent("s.a.Diner") == "s.m.Place"  # a proxy of a child
    assert index.concrete_parent("s.a.Shop") is None  # a base outside the project
    assert index.concrete_parent("lib.Model") is None


def test_a_call_with_bindings_sees_no_deeper_than_the_summary():
    """``call_effects`` leaves out what the bindings rule out, and adds nothing: a write
    one call past the depth bound is not in the summary, nor in a call that passes the
    receiver's memo set (``RECEIVER_MEMO``) or a literal argument."""
    chain = {f"m.f{i}": [0, [f"m.f{i + 1}"], {}] for i in range(SUMMARY_DEPTH + 2)}
    chain[f"m.f{SUMMARY_DEPTH + 2}"] = [W, [], {}]
    chain["m.f1"] = [0, ["m.f2", "m.fill"], {}]
    chain["m.fill"] = [R, [], {str(R): "`Row.objects.get()`"}]
    memo = [RECEIVER_MEMO, "falsy", None]
    params = [["self", None], ["save", ["=", True]]]
    paths = {"m.f1": {"p": params, "b": {}, "e": {"m.fill": [memo, 0]}}}
    index = _index({"f": chain, "g": paths})
    assert index.summary_effects("m.f1") == Effect.READ  # the write is past the bound
    assert index.call_effects("m.f1", {RECEIVER_MEMO: ["=", True]}) == Effect.NONE
    assert index.call_effects("m.f1", {"save": ["=", False]}) == Effect.READ
    assert index.call_effects("m.f2", {RECEIVER_MEMO: ["=", True]}) == Effect.WRITE
