"""Programs just outside a fix's conditions that ``--fix`` rewrote into a program that
does something else (round 32's adversarial review, /tmp/hE). Each runs the original and
the fixed program on real Django, compares what they print, and first checks that the
original exercises the case; near misses keep the fix."""

from __future__ import annotations

import pytest
from support.differential import assert_same_behaviour, differential, one_file
from support.django_programs import TWO_BOOKS, fix_shop_report, shop_files
from support.sqlalchemy_programs import SCALARS, SQLALCHEMY_REPORT, USERS

# --- eager loads: the body iterates a generator, which runs project code on each resume ---

# ``stamps()`` renames every author when it is first resumed: the lazy read of the first
# book's author comes after that, a join before it
RESUMED = """\
from shop.models import Author, Book


def stamps():
    Author.objects.update(name="renamed")
    yield "stamped"


def {helper}():
    return ["stamped"]


def listing():
    pending = {pending}
    out = []
    for book in Book.objects.order_by("pk"):
        {resume}
        out.append((book.title, book.author.name))
    return out
"""

RESUMES = {
    "join": 'out.append(" ".join(pending))',
    "list": "out.append(list(pending))",
    "starred": "print(*pending)",
    "loop": "for stamp in pending:\n            out.append(stamp)",
    "comprehension": "out.append([stamp.upper() for stamp in pending])",
    "extend": "out.extend(pending)",
}


@pytest.mark.parametrize("resume", RESUMES, ids=list(RESUMES))
def test_select_related_beside_a_generator_the_body_iterates_is_not_safe(tmp_path, resume):
    """``next(stamps)`` was unsafe (round 30), but the body resumes a generator just as
    well through ``join``, ``list()``, ``*pending``, a nested loop or a comprehension."""
    report = RESUMED.format(helper="unused", pending="stamps()", resume=RESUMES[resume])
    scenario = TWO_BOOKS + "print(report.listing())\n"
    result = fix_shop_report(tmp_path, shop_files(report, scenario))
    assert not result.changed, result.after
    assert "iterates `pending`" in result.lint_output, result.lint_output
    assert "('one', 'renamed')" in result.original.stdout, result.original
    assert result.fixed == result.original


def test_select_related_beside_a_generator_the_body_iterates_reads_the_renamed_author(
    tmp_path,
):
    """What the original prints: the author renamed by the first resume."""
    report = RESUMED.format(helper="unused", pending="stamps()", resume=RESUMES["join"])
    scenario = TWO_BOOKS + "print(report.listing())\n"
    result = fix_shop_report(tmp_path, shop_files(report, scenario))
    assert not result.changed, result.after
    assert_same_behaviour(result, "['stamped', ('one', 'renamed'), '', ('two', 'renamed')]")


@pytest.mark.parametrize("pending", ["sorted(['stamped'])", "['stamped']", "stamped_list()"])
def test_select_related_beside_a_list_the_body_iterates_keeps_the_fix(tmp_path, pending):
    """Near misses: a list built by a builtin or a display runs no project code as it is
    iterated, and neither does a project function's list... which the walk cannot tell
    from a generator: `stamped_list()` stays unsafe."""
    report = RESUMED.format(helper="stamped_list", pending=pending, resume=RESUMES["join"])
    scenario = TWO_BOOKS + "print(report.listing())\n"
    result = fix_shop_report(tmp_path, shop_files(report, scenario))
    if pending == "stamped_list()":
        assert not result.changed, result.after
    else:
        assert 'select_related("author")' in result.after, result.lint_output
    assert_same_behaviour(result, "['stamped', ('one', 'ann'), 'stamped', ('two', 'ann')]")


def test_select_related_beside_a_users_own_sorted_is_not_safe(tmp_path):
    """Shadowing: a module's own ``sorted`` is project code, not the builtin."""
    report = RESUMED.format(helper="sorted", pending="sorted()", resume=RESUMES["join"])
    report = report.replace('return ["stamped"]', "return stamps()")
    scenario = TWO_BOOKS + "print(report.listing())\n"
    result = fix_shop_report(tmp_path, shop_files(report, scenario))
    assert not result.changed, result.after
    assert_same_behaviour(result, "['stamped', ('one', 'renamed'), '', ('two', 'renamed')]")


# --- eager loads: the body enters a context manager, which runs project code ---

ENTERED = """\
from shop.models import Author, Book


class Stamp:
    def __enter__(self):
        Author.objects.update(name="renamed")
        return self

    def __exit__(self, *exc):
        return False


def listing():
    stamp = {stamp}
    out = []
    for book in Book.objects.order_by("pk"):
        with stamp:
            out.append((book.title, book.author.name))
    return out
"""


def test_select_related_beside_a_context_manager_the_body_enters_is_not_safe(tmp_path):
    """``with stamp:`` runs ``Stamp.__enter__``, which renamed the authors before each
    lazy read; joined, the names were read before it ran."""
    report = ENTERED.format(stamp="Stamp()")
    scenario = TWO_BOOKS + "print(report.listing())\n"
    result = fix_shop_report(tmp_path, shop_files(report, scenario))
    assert not result.changed, result.after
    assert "enters `stamp`" in result.lint_output, result.lint_output
    assert_same_behaviour(result, "[('one', 'renamed'), ('two', 'renamed')]")


def test_select_related_beside_a_context_manager_the_caller_hands_in_keeps_the_fix(tmp_path):
    """Near miss: a parameter's value is the caller's (here ``nullcontext()``), which the
    walk does not judge, as for ``for s in pending:`` over a parameter."""
    report = ENTERED.format(stamp="Stamp()").replace(
        "def listing():\n    stamp = Stamp()\n", "def listing(stamp):\n"
    )
    scenario = TWO_BOOKS + "import contextlib\nprint(report.listing(contextlib.nullcontext()))\n"
    result = fix_shop_report(tmp_path, shop_files(report, scenario))
    assert 'select_related("author")' in result.after, result.lint_output
    assert_same_behaviour(result, "[('one', 'ann'), ('two', 'ann')]")


def test_select_related_beside_a_queryset_the_body_iterates_keeps_the_fix(tmp_path):
    """Near miss: a queryset bound before the loop is rows, not a project generator."""
    report = RESUMED.format(
        helper="unused",
        pending='Author.objects.order_by("pk")',
        resume="out.append([author.name for author in pending])",
    )
    scenario = TWO_BOOKS + "print(report.listing())\n"
    result = fix_shop_report(tmp_path, shop_files(report, scenario))
    assert 'select_related("author")' in result.after, result.lint_output
    assert_same_behaviour(result, "[['ann'], ('one', 'ann'), ['ann'], ('two', 'ann')]")


def test_selectinload_beside_a_result_the_body_iterates_keeps_the_fix(tmp_path):
    """Near miss in SQLAlchemy: ``session.scalars(...).all()`` is a list of rows."""
    program = (
        SQLALCHEMY_REPORT.format(
            models=USERS, select="from sqlalchemy import select\n", query=SCALARS
        )
        .replace(
            "    out = []\n    for user in",
            "    out = []\n    names = session.scalars(select(User.name)).all()\n    for user in",
        )
        .replace(
            "out.append((user.name, len(user.addresses)))",
            'out.append((" ".join(names), len(user.addresses)))',
        )
    )
    result = differential(tmp_path, one_file(program))
    assert "selectinload(User.addresses)" in result.after, result.lint_output
    assert_same_behaviour(result, "[('u', 1)]")


def test_selectinload_beside_a_generator_the_body_iterates_is_not_safe(tmp_path):
    """The SQLAlchemy loop: the generator adds an address before the lazy load reads them
    (the session flushes it first); loaded with the query, the user had one."""
    program = (
        SQLALCHEMY_REPORT.format(
            models=USERS, select="from sqlalchemy import select\n", query=SCALARS
        )
        .replace(
            "def report(session):\n    out = []\n",
            "def more(session):\n    session.add(Address(user_id=1))\n    yield 'more'\n\n\n"
            "def report(session):\n    out = []\n    pending = more(session)\n",
        )
        .replace(
            "out.append((user.name, len(user.addresses)))",
            'out.append((" ".join(pending), len(user.addresses)))',
        )
    )
    result = differential(tmp_path, one_file(program))
    assert not result.changed, result.after
    assert "iterates `pending`" in result.lint_output, result.lint_output
    assert_same_behaviour(result, "[('more', 2)]")


def test_select_related_beside_a_standard_library_context_manager_keeps_the_fix(tmp_path):
    """Near miss: ``suppress(KeyError)`` is the standard library's, not project code."""
    report = ENTERED.format(stamp="suppress(KeyError)")
    report = "from contextlib import suppress\n" + report
    scenario = TWO_BOOKS + "print(report.listing())\n"
    result = fix_shop_report(tmp_path, shop_files(report, scenario))
    assert 'select_related("author")' in result.after, result.lint_output
    assert_same_behaviour(result, "[('one', 'ann'), ('two', 'ann')]")
