"""Property tests: loops of varying shape, and a fix is offered exactly when its
conditions hold, as safe exactly when its safety facts hold (``fixes/facts.py``); when
it is, the fixed code parses and a second run changes nothing."""

from __future__ import annotations

import ast

from fix_support import fix_source, offered
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from throughlint.engine import lint_text
from throughlint.settings import Settings

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
    "input": "local_list",
    "result_read": False,
}
CHOICES = {
    "in_function": [True, False],
    "is_async": [False, True],
    "has_else": [False, True],
    "target": ["name", "tuple", "attribute"],
    "before": ["none", "pure", "impure", "reads_later"],
    "after_call": [False, True],
    "sql": ["constant", "name", "per_item", "cte"],
    "params": ["pure", "subscript", "call", "await"],
    "read_after": [False, True],
    "driver": ["sqlite3", "psycopg2"],
    "input": ["local_list", "parameter", "generator"],
    "result_read": [False, True],
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
        "per_item": 'f"INSERT INTO {row} (a, b) VALUES (?, ?)"',
        "cte": '"WITH x AS (SELECT 1) INSERT INTO t (a, b) VALUES (?, ?)"',
    }[shape["sql"]]
    params = {
        "pure": "(row, 1)",
        "subscript": "(row, row[0])",
        "call": "(row, lookup(row))",
        "await": "",
    }[shape["params"]]
    if shape["params"] == "await":
        params = "(row, await lookup(row))" if shape["is_async"] else "(row, row + 1)"
    body = []
    if shape["before"] == "pure":
        body.append("value = row")
        params = params.replace("(row,", "(value,")
    elif shape["before"] == "impure":
        body.append("value = lookup(row)")
        params = params.replace("(row,", "(value,")
    elif shape["before"] == "reads_later":
        body.append("value = row")
        params = params.replace("(row,", "(value + value,")
    body.append(f"cur.execute({sql}, {params})")
    if shape["after_call"]:
        body.append("print(row)")
    rows = {"local_list": "items", "parameter": "rows", "generator": "iter(rows)"}[shape["input"]]
    loop = [f"{'async ' if shape['is_async'] else ''}for {target} in {rows}:"]
    loop += [f"    {line}" for line in body]
    if shape["has_else"]:
        loop += ["else:", "    pass"]
    if shape["read_after"]:
        loop.append("print(row)")
    if shape["result_read"]:
        loop.append("print(cur.lastrowid)")
    header = [f"import {shape['driver']}", 'INSERT = "INSERT INTO t (a, b) VALUES (?, ?)"', ""]
    cursor = f"{shape['driver']}.connect('x').cursor()"
    if shape["in_function"]:
        keyword = "async def" if shape["is_async"] else "def"
        lines = [*header, f"{keyword} save(rows, self=None):", f"    cur = {cursor}"]
        lines.append("    items = list(rows)")
        lines += [f"    {line}" for line in loop]
    else:
        lines = [*header, f"cur = {cursor}", "items = list(rows)", *loop]
    return "\n".join(lines) + "\n"


def _conditions_hold(shape: dict) -> bool:
    """The loop has the fix's shape (the fix is offered, safe or not, or declined)."""
    return (
        shape["in_function"]
        and not shape["is_async"]
        and not shape["has_else"]
        and shape["target"] != "attribute"
        and shape["before"] in ("none", "pure", "impure")
        and not shape["after_call"]
        and shape["sql"] != "per_item"
        and not shape["read_after"]
        and shape["driver"] == "sqlite3"
    )


def _level(shape: dict) -> str:
    """What the facts allow: "safe", "unsafe" or "declined"."""
    if shape["sql"] == "cte" or shape["result_read"]:
        return "declined"
    if (
        shape["input"] != "local_list"
        or shape["params"] in ("subscript", "call", "await")
        or shape["before"] == "impure"
        or shape["target"] == "tuple"  # an item of another length raises half-way
    ):
        return "unsafe"
    return "safe"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(GOOD)
@example({**GOOD, "target": "tuple", "before": "pure", "sql": "name"})
@example({**GOOD, "sql": "cte"})
@example({**GOOD, "result_read": True})
@example({**GOOD, "input": "generator"})
@given(shapes())
def test_executemany_is_offered_exactly_when_its_conditions_hold(shape):
    source = _source(shape)
    ast.parse(source)
    found = [
        d.fix
        for d in lint_text(source, "example.py", Settings())
        if d.code == "TL102" and d.fix is not None
    ]
    if not _conditions_hold(shape):
        assert not [fix for fix in found if fix.kind.startswith("executemany")], source
        return
    assert len(found) == 1, source
    fix = found[0]
    level = _level(shape)
    if level == "declined":
        assert fix.kind == "" and fix.declined, (source, fix)
        return
    assert fix.kind.startswith("executemany") and not fix.declined, (source, fix)
    # a list built before the loop is guarded: over no items the loop sends nothing
    assert (fix.kind == "executemany:guarded") == (shape["input"] == "local_list"), (source, fix)
    assert fix.safe == (level == "safe"), (source, fix)
    item = fix_source(source, unsafe=True)
    assert "executemany(" in item.fixed and "for row" not in item.fixed.split("executemany")[0]
    ast.parse(item.fixed)
    assert fix_source(item.fixed, unsafe=True).fixed == item.fixed


cache_shapes = st.fixed_dictionaries(
    {
        "single": st.booleans(),
        "timeout": st.sampled_from(["", ", 60", ", timeout=60", ", row"]),
        "key": st.sampled_from(["row", "f'k:{row}'", "make_key(row)"]),
        "value": st.sampled_from(["1", "cache.get(row)"]),
        "read_after": st.booleans(),
        "input": st.sampled_from(["parameter", "list", "strings"]),
    }
)


@settings(max_examples=60, deadline=None)
@example(
    {"single": True, "timeout": "", "key": "row", "value": "1", "read_after": False,
     "input": "strings"}
)  # fmt: skip
@given(cache_shapes)
def test_set_many_is_offered_exactly_when_its_conditions_hold(shape):
    body = [f"        cache.set({shape['key']}, {shape['value']}{shape['timeout']})"]
    if not shape["single"]:
        body.append("        print(row)")
    lines = [
        "from django.core.cache import cache",
        "",
        "def warm(rows):",
        {
            "parameter": "    pass",
            "list": "    rows = list(rows)",
            "strings": "    rows = ['a', 'b']",
        }[shape["input"]],
        "    for row in rows:",
        *body,
    ]
    if shape["read_after"]:
        lines.append("    return row")
    source = "\n".join(lines) + "\n"
    shaped = shape["single"] and shape["timeout"] != ", row" and not shape["read_after"]
    declined = shape["value"] != "1"
    # safe only when the keys are known strings (1 and True are one dict key, two cache keys)
    safe = shape["input"] == "strings" and shape["key"] == "row" and not declined
    fixes = [d.fix for d in lint_text(source, "example.py", Settings()) if d.fix is not None]
    assert bool(offered(source, "set-many")) == (shaped and not declined), source
    if shaped and declined:
        assert any(fix.declined for fix in fixes), source
    if shaped and not declined:
        assert [fix.safe for fix in fixes if fix.kind == "set-many"] == [safe], source
        item = fix_source(source, unsafe=True)
        assert "set_many(" in item.fixed and "for row in rows:" not in item.fixed
        assert fix_source(item.fixed, unsafe=True).fixed == item.fixed
