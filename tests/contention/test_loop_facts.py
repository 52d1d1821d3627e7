"""Loop facts the model works out once per loop (``semantic.loop_facts``), asked at the
position a rule asks them, and the walk's node stack."""

from __future__ import annotations

import ast
import itertools


def _in_hot_loop(fact):
    def question(model, expr):
        loop = model.hot_loop(include_while=True)
        return fact(model, model.loop_facts(loop), loop, expr) if loop is not None else None

    return question


def test_carried_values(ask):
    source = """\
async def crawl(client, pages, base, body):
    cursor = None
    for _ in pages:
        probe(client.get(params=cursor))
        cursor = body["next"]
    for item in pages:
        url = base + item
        probe(client.get(url))
    for item in pages:
        url = base + token
        probe(client.get(url))
        token = body["next"]
    for item in pages:
        total += 1
        probe(client.get(total))
    for item in pages:
        state = probe(client.get(state))
    for item in pages:
        a = b
        b = a
        probe(client.get(a))
    for item in pages:
        a = base
        probe(client.get(a))
        for page in item:
            base = page
"""
    carried = _in_hot_loop(lambda model, facts, loop, call: facts.carried(call, loop.target_names))
    assert ask(source, carried) == [True, False, True, True, True, False, True]


def test_exits_yields_flushes_and_tries(ask):
    source = """\
def shapes(items, session, client):
    for item in items:
        for inner in item:
            break
        probe(item)
    for item in items:
        for inner in item:
            pass
        else:
            break
        probe(item)
    for item in items:
        if item:
            return item
        probe(item)
    for item in items:
        try:
            probe(item)
        except OSError:
            raise
    for item in items:
        session.add(item)
        probe(item)
        for again in item:
            session.flush()
    for item in items:
        yield probe(item)
"""

    def facts(model, facts, loop, expr):
        exits = sorted(kind.__name__ for kind in facts.exits)
        statement = model.node_stack[-1]
        return exits, facts.has_try, facts.in_try(statement), facts.yields, facts.flushed_after(21)

    assert ask(source, _in_hot_loop(facts)) == [
        ([], False, False, False, False),  # the break leaves the inner loop
        (["Break"], False, False, False, False),  # a nested loop's ``else`` is this loop's
        (["Return"], False, False, False, False),
        (["Raise"], True, True, False, False),
        ([], False, False, False, True),
        ([], False, False, True, False),
    ]


def test_kept_values(ask):
    source = """\
def keep(items, pools, factory):
    for item in items:
        pools.append(probe(item))
    for item in items:
        self.pool = probe(item)
    for item in items:
        item.pool = probe(item)
    for item in items:
        pool = probe(item)
    made = [probe(item) for item in items]
"""

    def kept(model, facts, loop, argument):
        statement = model.node_stack[-1]
        probe = next(
            node
            for node in ast.walk(statement)
            if isinstance(node, ast.Call) and any(arg is argument for arg in node.args)
        )
        return facts.kept(probe, statement)

    # ``self.pool`` is one slot, overwritten on the next pass: not kept (one per item is)
    assert ask(source, _in_hot_loop(kept)) == [True, False, True, False, True]


def test_the_statement_stack_follows_the_walk_into_deferred_functions(ask):
    source = """\
class Service:
    def run(self, items):
        for item in items:
            if item:
                probe(item)

def helper():
    return [probe(x) for x in range(3)]
"""

    def stack(model, expr):
        return [type(node).__name__ for node in model.node_stack]

    assert ask(source, stack) == [
        ["ClassDef", "FunctionDef", "For", "If", "Expr"],
        ["FunctionDef", "Return"],
    ]


def test_facts_are_worked_out_once_per_loop(ask):
    """Every call in the loop asks; the body is walked a fixed number of times, not once
    per call (``facts_visits`` counts the nodes the fact walks visit)."""

    def source(n: int) -> str:
        lines = "".join(
            f"        cursor{k} = probe(client.get(url, params={{'c': cursor{k}}}))\n"
            for k in range(n)
        )
        return f"async def crawl(client, url, pages):\n    for page in pages:\n{lines}"

    def ask_everything(model, call):
        loop = model.hot_loop()
        facts = model.loop_facts(loop)
        carried = facts.carried(call, loop.target_names)
        assert carried  # ``cursor<k>`` is assigned after the call reads it
        assert not (facts.yields or facts.leaves_early or facts.flushed_after(0))
        return model.facts_visits[0]

    small = ask(source(10), ask_everything)
    large = ask(source(40), ask_everything)
    assert large[-1] <= 5 * small[-1]  # a walk of the body per call would be 16x
    # after the first question, one more call costs the same in a loop 4x longer
    step = max(after - before for before, after in itertools.pairwise(small))
    assert max(after - before for before, after in itertools.pairwise(large)) <= step
