"""Statement shapes for the runtime N+1 detector: one shape per query, whatever its values."""

from __future__ import annotations

import pytest

from throughlint.pytest_plugin.n_plus_one import is_select, normalise


@pytest.mark.parametrize(
    ("statement", "shape"),
    [
        ("SELECT * FROM t WHERE id = 7", "SELECT * FROM t WHERE id = ?"),
        ("SELECT * FROM t WHERE id = ?", "SELECT * FROM t WHERE id = ?"),
        ("SELECT * FROM t WHERE id = %s", "SELECT * FROM t WHERE id = ?"),
        ("SELECT * FROM t WHERE id = %(id)s", "SELECT * FROM t WHERE id = ?"),
        ("SELECT * FROM t WHERE id = :id_1", "SELECT * FROM t WHERE id = ?"),
        ("SELECT * FROM t WHERE id = $1", "SELECT * FROM t WHERE id = ?"),
        ("SELECT * FROM t WHERE name = 'O''Brien'", "SELECT * FROM t WHERE name = ?"),
        ("SELECT * FROM t WHERE id IN (1, 2, 3)", "SELECT * FROM t WHERE id IN (?)"),
        ("SELECT * FROM t WHERE id IN (?,?)", "SELECT * FROM t WHERE id IN (?)"),
        ("SELECT x::text FROM t1 LIMIT 21", "SELECT x::text FROM t1 LIMIT ?"),
        ("SELECT -1.5e3, col2 FROM t", "SELECT ?, col2 FROM t"),
        ("  SELECT a\n\t FROM   t ;", "SELECT a FROM t"),
    ],
)
def test_normalise(statement, shape):
    assert normalise(statement) == shape


@pytest.mark.parametrize(
    ("shape", "select"),
    [
        ("SELECT 1", True),
        ("select 1", True),
        ("WITH x AS (SELECT 1) SELECT * FROM x", True),
        ("(SELECT 1) UNION (SELECT 2)", True),
        ("INSERT INTO t VALUES (?)", False),
        ("UPDATE t SET a = ?", False),
    ],
)
def test_is_select(shape, select):
    assert is_select(shape) is select


def test_long_statements_keep_the_where_clause():
    """Defect 7: a long column list is collapsed; the WHERE that tells shapes apart stays."""
    from throughlint.pytest_plugin.n_plus_one import _shorten

    columns = ", ".join(f'"shop_book"."column_number_{i}"' for i in range(20))
    by_author = f'SELECT {columns} FROM "shop_book" WHERE "shop_book"."author_id" = ?'
    by_title = f'SELECT {columns} FROM "shop_book" WHERE "shop_book"."title" = ?'
    short = _shorten(by_author)
    assert short == (
        'SELECT "shop_book"."column_number_0", ... (+19 columns) FROM "shop_book" '
        'WHERE "shop_book"."author_id" = ?'
    )
    assert _shorten(by_title) != short
    # a subquery's commas are not columns; a statement still too long keeps its end
    nested = "SELECT coalesce(a, b), c FROM t WHERE " + " AND ".join(f"x{i} = ?" for i in range(60))
    kept = _shorten(nested)
    assert len(kept) <= 240
    assert kept.startswith("SELECT coalesce(a, b), ... (+1 columns) FROM t WHERE x0 = ?")
    assert kept.endswith("x59 = ?")
    assert _shorten("SELECT 1") == "SELECT 1"
