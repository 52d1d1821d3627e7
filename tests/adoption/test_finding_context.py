"""The walk records where a finding sits (function, loops, what they iterate, radon
complexity); fingerprints use it and ignore line numbers."""

from __future__ import annotations

import textwrap

from throughlint.diagnostics import Diagnostic
from throughlint.engine import lint_text
from throughlint.fingerprints import fingerprints

SOURCE = textwrap.dedent(
    """\
    import sqlite3
    import sys
    from concurrent.futures import ThreadPoolExecutor

    POOL = ThreadPoolExecutor(max_workers=0)


    class Importer:
        def run(self, batches):
            for batch in batches:
                ThreadPoolExecutor()

        def nested(self, groups):
            for group in groups:
                for item in group:
                    if item:
                        ThreadPoolExecutor()

        def from_db(self):
            cursor = sqlite3.connect("x.db").cursor()
            for row in cursor.execute("SELECT id FROM t"):
                ThreadPoolExecutor()

        def from_stdin(self):
            for line in sys.stdin:
                ThreadPoolExecutor()
            with open("big.csv") as handle:
                for number, line in enumerate(handle):
                    ThreadPoolExecutor()

        def small(self):
            for size in (1, 2):
                for batch in self.batches:
                    ThreadPoolExecutor()


    def outer(items):
        def inner():
            for item in items:
                ThreadPoolExecutor()
        return inner
    """
)


def _by_line(diagnostics: list[Diagnostic]) -> dict[int, Diagnostic]:
    return {d.span.line: d for d in diagnostics}


def test_context_of_each_finding():
    found = _by_line(lint_text(SOURCE, "importer.py"))
    facts = {line: (d.code, d.enclosing, d.loop_depth, d.loop_input) for line, d in found.items()}
    assert facts == {
        5: ("TL202", "", 0, ""),
        11: ("TL203", "Importer.run", 1, ""),
        17: ("TL203", "Importer.nested", 2, ""),
        22: ("TL203", "Importer.from_db", 1, "query"),
        26: ("TL203", "Importer.from_stdin", 1, "unbounded"),
        29: ("TL203", "Importer.from_stdin", 1, "unbounded"),
        34: ("TL203", "Importer.small", 1, ""),
        40: ("TL203", "outer.inner", 1, ""),
    }


def test_complexity_comes_from_radon():
    from radon.complexity import cc_visit

    radon = {
        block.name: block.complexity
        for block in cc_visit(SOURCE)
        if getattr(block, "is_method", False)
    }
    found = _by_line(lint_text(SOURCE, "importer.py"))
    assert found[17].complexity == radon["nested"] == 4
    assert found[11].complexity == radon["run"] == 2
    assert found[5].complexity == 0


def test_context_survives_the_cache_tuple():
    for diagnostic in lint_text(SOURCE, "importer.py"):
        again = Diagnostic.from_tuple(diagnostic.path, diagnostic.to_tuple())
        assert again == diagnostic
    # A result cached before the context fields existed still loads.
    old = lint_text(SOURCE, "importer.py")[1].to_tuple()[:10]
    assert Diagnostic.from_tuple("importer.py", old).enclosing == ""


def test_fingerprints_ignore_line_numbers_but_not_the_function():
    before = lint_text(SOURCE, "importer.py")
    shifted = lint_text("# a new header\n\n\n" + SOURCE, "importer.py")
    assert [d.span.line for d in shifted] != [d.span.line for d in before]
    assert fingerprints(shifted) == fingerprints(before)
    renamed = lint_text(SOURCE.replace("def run(", "def run_all("), "importer.py")
    changed = set(fingerprints(renamed)) - set(fingerprints(before))
    assert len(changed) == 1  # only the finding inside the renamed function


def test_identical_lines_get_distinct_fingerprints():
    source = "import queue\n\nA = queue.Queue()\nA = queue.Queue()\n"
    prints = fingerprints(lint_text(source, "q.py"))
    assert len(prints) == 2 and len(set(prints)) == 2


def test_fingerprint_paths_are_normalised(tmp_path):
    diagnostics = lint_text("import queue\nq = queue.Queue()\n", "./pkg/q.py")
    same = [d.__class__(**{**_fields(d), "path": "pkg/q.py"}) for d in diagnostics]
    absolute = [
        d.__class__(**{**_fields(d), "path": str(tmp_path / "pkg" / "q.py")}) for d in diagnostics
    ]
    assert fingerprints(diagnostics) == fingerprints(same)
    assert fingerprints(absolute, root=str(tmp_path)) == fingerprints(same)


def _fields(diagnostic: Diagnostic) -> dict:
    return {name: getattr(diagnostic, name) for name in diagnostic.__dataclass_fields__}
