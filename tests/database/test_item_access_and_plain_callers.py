"""Two ways a per-item round trip hid from the project index, through the real CLI.

- A file that names no database (no ``execute``, ``objects``, ``session``...) and calls,
  in a loop, a helper of another module that queries: the project-level checks of every
  selected rule run on its loops; the words a file mentions gate only the rules' own walk.
- ``store[key]``, ``store[key] = value`` and ``del store[key]`` on an instance of a project
  class run its ``__getitem__``, ``__setitem__`` and ``__delitem__``: per item, they are
  the calls they stand for (``--preview``: below the bar on the benchmark so far).
"""

from __future__ import annotations

from support.cli_projects import lint_json, write_project

REPO = """\
    import sqlite3

    CONN = sqlite3.connect("shop.db")


    def price(item_id):
        return CONN.execute("SELECT price FROM items WHERE id = ?", (item_id,)).fetchone()[0]


    def prices(item_ids):
        marks = ", ".join("?" for _ in item_ids)
        return CONN.execute(f"SELECT price FROM items WHERE id IN ({marks})", item_ids).fetchall()
"""

PRICING = """\
    from shop.repo import price


    def price_with_tax(item_id):
        return price(item_id) * 1.2


    def tax(amount):
        return amount * 0.2
"""

BASKET = """\
    from shop.pricing import price_with_tax, tax
    from shop.repo import prices


    def total(item_ids):
        return sum(price_with_tax(item_id) for item_id in item_ids)  # bad


    def total_batched(item_ids):
        return sum(prices(item_ids))  # good


    def taxes(amounts):
        return [tax(amount) for amount in amounts]  # near miss: no round trip
"""

STORE = """\
    import sqlite3


    class Store:
        def __init__(self, path):
            self.conn = sqlite3.connect(path)

        def __getitem__(self, key):
            return self.conn.execute("SELECT v FROM kv WHERE k = ?", (key,)).fetchone()[0]

        def __setitem__(self, key, value):
            self.conn.execute("INSERT INTO kv VALUES (?, ?)", (key, value))

        def __delitem__(self, key):
            self.conn.execute("DELETE FROM kv WHERE k = ?", (key,))

        def many(self, keys):
            marks = ", ".join("?" for _ in keys)
            return self.conn.execute(f"SELECT v FROM kv WHERE k IN ({marks})", keys).fetchall()


    class Session:
        \"\"\"The user's own ``Session``: a plain mapping, no database behind it.\"\"\"

        def __init__(self):
            self.values = {}

        def __getitem__(self, key):
            return self.values[key]

        def __setitem__(self, key, value):
            self.values[key] = value
"""

USE = """\
    from kv.store import Session, Store


    def read_all(keys):
        store = Store("kv.db")
        return [store[key] for key in keys]  # bad: TL101


    def write_all(items):
        store = Store("kv.db")
        for key, value in items:
            store[key] = value  # bad: TL102


    def drop_all(keys):
        store = Store("kv.db")
        for key in keys:
            del store[key]  # bad: TL102


    def read_batched(keys):
        store = Store("kv.db")
        return store.many(keys)  # good


    def remember(items):
        session = Session()
        for key, value in items:
            session[key] = value  # shadowing: the user's own Session is a dict
        return [session[key] for key, _ in items]


    def plain(rows):
        seen = {}
        for row in rows:
            seen[row] = row  # near miss: a dict
        return seen
"""


def _found(report: dict, name: str) -> list[tuple[int, str]]:
    return sorted(
        (item["line"], item["code"])
        for item in report["diagnostics"]
        if item["path"].endswith(name)
    )


def test_a_loop_over_a_helper_that_queries_in_a_file_that_names_no_database(tmp_path, run_cli):
    files = {"shop/__init__.py": "", "shop/repo.py": REPO, "shop/pricing.py": PRICING}
    root = write_project(tmp_path, {**files, "shop/basket.py": BASKET})
    report = lint_json(run_cli, root, "--show-all")
    assert _found(report, "basket.py") == [(6, "TL101")]
    [finding] = [d for d in report["diagnostics"] if d["path"].endswith("basket.py")]
    assert "price_with_tax" in finding["message"] and "price()" in finding["message"]


def test_item_access_on_a_project_class_is_its_dunder_method(tmp_path, run_cli):
    root = write_project(tmp_path, {"kv/__init__.py": "", "kv/store.py": STORE, "kv/use.py": USE})
    assert _found(lint_json(run_cli, root, "--show-all"), "use.py") == []  # preview only
    report = lint_json(run_cli, root, "--show-all", "--preview")
    assert _found(report, "use.py") == [(6, "TL101"), (12, "TL102"), (18, "TL102")]
    messages = [d["message"] for d in report["diagnostics"]]
    assert any(message.startswith("`store.__getitem__()` runs a query") for message in messages)
