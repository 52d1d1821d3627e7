"""Summaries worked out on demand (``index/summaries.py``): the same answers as rounds
over the whole call graph, and a query costs only the functions it reaches."""

from __future__ import annotations

import gc
import random
import weakref

import pytest

from throughlint.effects import Effect
from throughlint.index import ProjectIndex
from throughlint.index.summaries import SUMMARY_DEPTH

BITS = [Effect.READ.value, Effect.WRITE.value, Effect.COMMIT.value, Effect.REMOTE.value]


def _index(functions: dict[str, list]) -> ProjectIndex:
    index = ProjectIndex()
    index.add({"f": functions})
    return index.finish()


def _rounds_over_the_whole_graph(functions: dict[str, list]) -> dict[str, int]:
    """The summaries as a whole-graph computation gives them: every function's effects
    joined with its callees' of the round before, ``SUMMARY_DEPTH`` rounds."""
    effects = {name: own for name, (own, _, _) in functions.items()}
    for _ in range(SUMMARY_DEPTH):
        effects = {
            name: effects[name] | _join(effects.get(callee, 0) for callee in functions[name][1])
            for name in functions
        }
    return effects


def _join(values) -> int:
    found = 0
    for value in values:
        found |= value
    return found


def _random_graph(seed: int) -> dict[str, list]:
    chance = random.Random(seed)
    names = [f"app.m{chance.randrange(4)}.f{i}" for i in range(60)]
    functions: dict[str, list] = {}
    for name in names:
        own = chance.choice(BITS) if chance.random() < 0.15 else 0
        called = chance.sample(names, chance.randrange(4))  # cycles and self-calls included
        witness = {str(own): f"`own{name}()`"} if own else {}
        functions[name] = [own, called, witness]
    return functions


@pytest.mark.parametrize("seed", range(25))
def test_on_demand_summaries_equal_rounds_over_the_whole_graph(seed):
    functions = _random_graph(seed)
    expected = _rounds_over_the_whole_graph(functions)
    index = _index(functions)
    order = list(functions)
    random.Random(seed).shuffle(order)  # the order queries come in changes nothing
    for name in order:
        assert index.summary_effects(name).value == expected[name], name


@pytest.mark.parametrize("seed", range(10))
def test_every_summarised_effect_names_a_chain_down_to_the_call_that_has_it(seed):
    functions = _random_graph(seed)
    index = _index(functions)
    for name in functions:
        effects = index.summary_effects(name)
        for flag in Effect:
            if not flag.value or flag not in effects:
                continue
            text = index.summary_witness(name, flag)
            assert text, (name, flag)
            # the chain ends at the own call of a function that has the effect itself
            owner = text.rsplit("`own", 1)[-1].removesuffix("()`")
            assert functions[owner][0] & flag.value, (name, flag, text)
            assert text.count("->") <= SUMMARY_DEPTH


def test_the_witness_is_the_first_callee_that_brings_the_effect():
    index = _index(
        {
            "m.loop_body": [0, ["m.cheap", "m.first", "m.second"], {}],
            "m.cheap": [0, [], {}],
            "m.first": [0, ["m.query"], {}],
            "m.second": [Effect.READ.value, [], {str(Effect.READ.value): "`direct()`"}],
            "m.query": [Effect.READ.value, [], {str(Effect.READ.value): "`Book.objects.get()`"}],
        }
    )
    # ``second`` reads itself, ``first`` only through ``query``: the first round that
    # gives ``loop_body`` the read is the one where ``second``'s own read arrives
    assert index.summary_witness("m.loop_body", Effect.READ) == "`second()` -> `direct()`"
    assert index.summary_witness("m.first", Effect.READ) == "`query()` -> `Book.objects.get()`"


def test_a_query_works_out_only_the_functions_it_reaches():
    functions = {f"big.f{i}": [0, [f"big.f{i + 1}"], {}] for i in range(2_000)}
    functions["app.loop"] = [0, ["app.helper"], {}]
    functions["app.helper"] = [Effect.READ.value, [], {str(Effect.READ.value): "`q()`"}]
    index = _index(functions)
    assert index.summary_effects("app.loop") == Effect.READ
    worked_out = set().union(*(set(known) for known in index.summaries._rounds))
    assert worked_out == {"app.loop", "app.helper"}


def test_hard_commits_follow_calls_but_not_django_atomic_blocks():
    commit = Effect.COMMIT.value
    index = ProjectIndex()
    index.add(
        {
            "f": {
                "m.atomic_save": [commit, [], {str(commit): "`atomic()`"}],
                "m.raw_commit": [commit, [], {str(commit): "`conn.commit()`"}],
                "m.calls_atomic": [0, ["m.atomic_save"], {}],
                "m.calls_raw": [0, ["m.raw_commit"], {}],
            },
            "t": {"m.atomic_save": False, "m.raw_commit": True},
        }
    )
    index.finish()
    assert not index.commits_in_transaction("m.calls_atomic")
    assert index.commits_in_transaction("m.calls_raw")
    assert index.summary_effects("m.calls_atomic") == Effect.COMMIT


def test_a_dropped_index_is_freed_at_once_not_at_the_next_collection():
    """The summaries refer to their index weakly: no cycle keeps a dropped index (hundreds
    of MB in a large project) alive while the run goes on to its next phase."""
    index = _index(_random_graph(1))
    for name in list(index.functions)[:10]:
        index.summary_effects(name)
        index.summary_witness(name, Effect.READ)
    dropped = weakref.ref(index)
    gc.disable()
    try:
        del index
        assert dropped() is None
    finally:
        gc.enable()
