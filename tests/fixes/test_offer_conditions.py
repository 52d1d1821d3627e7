"""Property tests: loops of varying shape, and a fix is offered exactly when its
conditions hold; when it is, the fixed code parses and a second run changes nothing."""

from __future__ import annotations

import ast

from fix_support import fix_source, offered
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

GOOD = {
    "in_function": True,
    "is_async": False,
    "has_else": False,
    "target": "name",
    "before": "none",
    "after_call": False,
    "sql": "constant",
    "params": "pure",
    "read_after": False,
    "driver": "sqlite3",
}
CHOICES = {
    "in_function": [True, False],
    "is_async": [False, True],
    "has_else": [False, True],
    "target": ["name", "tuple", "attribute"],
    "before": ["none", "pure", "impure", "reads_later"],
    "after_call": [False, True],
    "sql": ["constant", "name", "per_item"],
    "params": ["pure", "call", "await"],
    "read_after": [False, True],
    "driver": ["sqlite3", "psycopg2"],
}


@st.composite
def shapes(draw):
    """Mostly near the offered shape (a few features changed), so both answers occur."""
    shape = dict(GOOD)
    for key in draw(st.sets(st.sampled_from(sorted(CHOICES)), max_size=3)):
        shape[key] = draw(st.sampled_from(CHOICES[key]))
    return shape


def _source(shape: dict) -> str:
    target = {"name": "row", "tuple": "(row, extra)", "attribute": "self.row"}[shape["target"]]
    sql = {
        "constant": '"INSERT INTO t (a, b) VALUES (?, ?)"',
        "name": "INSERT",
        "per_item": 'f"INSERT INTO {row[0]} (a, b) VALUES (?, ?)"',
    }[shape["sql"]]
    params = {"pure": "(row[0], len(row))", "call": "(row[0], lookup(row))", "await": ""}[
        shape["params"]
    ]
    if shape["params"] == "await":
        params = "(row[0], await lookup(row))" if shape["is_async"] else "(row[0], row[1] + 1)"
    body = []
    if shape["before"] == "pure":
        body.append("value = row[1] * 2")
        params = params.replace("row[0]", "value")
    elif shape["before"] == "impure":
        body.append("value = lookup(row)")
        params = params.replace("row[0]", "value")
    elif shape["before"] == "reads_later":
        body.append("value = row[1]")
        params = params.replace("row[0]", "value + value")
    body.append(f"cur.execute({sql}, {params})")
    if shape["after_call"]:
        body.append("print(row)")
    loop = [f"{'async ' if shape['is_async'] else ''}for {target} in rows:"]
    loop += [f"    {line}" for line in body]
    if shape["has_else"]:
        loop += ["else:", "    pass"]
    if shape["read_after"]:
        loop.append("print(row)")
    header = [f"import {shape['driver']}", 'INSERT = "INSERT INTO t (a, b) VALUES (?, ?)"', ""]
    cursor = f"{shape['driver']}.connect('x').cursor()"
    if shape["in_function"]:
        keyword = "async def" if shape["is_async"] else "def"
        lines = [*header, f"{keyword} save(rows, self=None):", f"    cur = {cursor}"]
        lines += [f"    {line}" for line in loop]
    else:
        lines = [*header, f"cur = {cursor}", *loop]
    return "\n".join(lines) + "\n"


def _conditions_hold(shape: dict) -> bool:
    return (
        shape["in_function"]
        and not shape["is_async"]
        and not shape["has_else"]
        and shape["target"] != "attribute"
        and shape["before"] in ("none", "pure")
        and not shape["after_call"]
        and shape["sql"] != "per_item"
        and shape["params"] != "call"
        and not shape["read_after"]
        and shape["driver"] == "sqlite3"
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(GOOD)
@example({**GOOD, "target": "tuple", "before": "pure", "sql": "name"})
@given(shapes())
def test_executemany_is_offered_exactly_when_its_conditions_hold(shape):
    source = _source(shape)
    ast.parse(source)
    assert bool(offered(source, "executemany")) == _conditions_hold(shape), source
    if _conditions_hold(shape):
        item = fix_source(source)
        assert "executemany(" in item.fixed and "for row" not in item.fixed.split("executemany")[0]
        ast.parse(item.fixed)
        assert fix_source(item.fixed).fixed == item.fixed


cache_shapes = st.fixed_dictionaries(
    {
        "single": st.booleans(),
        "timeout": st.sampled_from(["", ", 60", ", timeout=60", ", row"]),
        "key": st.sampled_from(["row", "f'k:{row}'", "make_key(row)"]),
        "read_after": st.booleans(),
    }
)


@settings(max_examples=60, deadline=None)
@given(cache_shapes)
def test_set_many_is_offered_exactly_when_its_conditions_hold(shape):
    body = [f"        cache.set({shape['key']}, 1{shape['timeout']})"]
    if not shape["single"]:
        body.append("        print(row)")
    lines = [
        "from django.core.cache import cache",
        "",
        "def warm(rows):",
        "    for row in rows:",
        *body,
    ]
    if shape["read_after"]:
        lines.append("    return row")
    source = "\n".join(lines) + "\n"
    holds = (
        shape["single"]
        and shape["timeout"] != ", row"
        and shape["key"] != "make_key(row)"
        and not shape["read_after"]
    )
    assert bool(offered(source, "set-many")) == holds, source
    if holds:
        item = fix_source(source)
        assert "set_many(" in item.fixed and "for row in rows:" not in item.fixed
        assert fix_source(item.fixed).fixed == item.fixed
