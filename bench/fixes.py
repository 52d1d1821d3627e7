"""Each fix kind's before and after, timed on real engines for N = 100, 1,000, 10,000
items: the per-item loop the rule reports against the batched form the fix writes.

    python bench/fixes.py                 # all sizes; --sizes 100,1000 --json FILE

Engines: sqlite3 (a file database), PostgreSQL (psycopg2 ``execute_values`` and psycopg 3
``executemany``) and redis-server, both started from the Debian packages the same way as
the test fixtures (``tests/support/servers.py``; skipped when not installed), Django 5
on sqlite (``select_related`` / ``prefetch_related``, locmem cache ``set_many``) and
SQLAlchemy 2 on sqlite (``selectinload`` / ``joinedload``). Each cell is the best of a
few runs (one at 10,000) of a fresh table; the table shows items per second and the
ratio after / before. A commit per row on a file database syncs the disk each time (about
40 rows/s here), so that case and Django's `create()` per row (autocommit: a commit
each) stop at 1,000 rows.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from sqlalchemy import ForeignKey, create_engine, select  # noqa: E402
from sqlalchemy.orm import (  # noqa: E402
    DeclarativeBase,
    Mapped,
    Session,
    joinedload,
    mapped_column,
    relationship,
    selectinload,
)
from support.servers import ServerUnavailable, postgres_server, redis_server  # noqa: E402


@dataclass(frozen=True)
class Row:
    fix: str
    engine: str
    size: int
    before: float  # items per second
    after: float

    @property
    def ratio(self) -> float:
        return self.after / self.before


def best(run: Callable[[], None], prepare: Callable[[], None], repeats: int) -> float:
    """The shortest of ``repeats`` timed runs, each after ``prepare`` (untimed)."""
    times = []
    for _ in range(repeats):
        prepare()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def repeats_for(size: int) -> int:
    return 1 if size >= 10_000 else 3


# --- per-row INSERT vs the batched insert ------------------------------------------------


def sqlite_inserts(folder: Path, size: int) -> tuple[float, float]:
    path = folder / "bench.db"
    rows = [(index, f"name {index}") for index in range(size)]
    conn = sqlite3.connect(path)

    def prepare() -> None:
        conn.execute("DROP TABLE IF EXISTS t")
        conn.execute("CREATE TABLE t (a INTEGER, b TEXT)")
        conn.commit()

    def loop() -> None:
        for row in rows:
            conn.execute("INSERT INTO t (a, b) VALUES (?, ?)", row)
        conn.commit()

    def batched() -> None:
        conn.executemany("INSERT INTO t (a, b) VALUES (?, ?)", [row for row in rows])
        conn.commit()

    result = best(loop, prepare, repeats_for(size)), best(batched, prepare, repeats_for(size))
    conn.close()
    return result


def psycopg2_inserts(dsn: str, size: int) -> tuple[float, float]:
    import psycopg2
    from psycopg2.extras import execute_values

    rows = [(index, f"name {index}") for index in range(size)]
    conn = psycopg2.connect(dsn)
    cur = conn.cursor()

    def prepare() -> None:
        cur.execute("DROP TABLE IF EXISTS t; CREATE TABLE t (a int, b text)")
        conn.commit()

    def loop() -> None:
        for row in rows:
            cur.execute("INSERT INTO t (a, b) VALUES (%s, %s)", row)
        conn.commit()

    def batched() -> None:
        execute_values(cur, "INSERT INTO t (a, b) VALUES %s", [row for row in rows])
        conn.commit()

    result = best(loop, prepare, repeats_for(size)), best(batched, prepare, repeats_for(size))
    conn.close()
    return result


def psycopg3_inserts(dsn: str, size: int) -> tuple[float, float]:
    import psycopg

    rows = [(index, f"name {index}") for index in range(size)]
    conn = psycopg.connect(dsn)
    cur = conn.cursor()

    def prepare() -> None:
        cur.execute("DROP TABLE IF EXISTS t")
        cur.execute("CREATE TABLE t (a int, b text)")
        conn.commit()

    def loop() -> None:
        for row in rows:
            cur.execute("INSERT INTO t (a, b) VALUES (%s, %s)", row)
        conn.commit()

    def batched() -> None:
        cur.executemany("INSERT INTO t (a, b) VALUES (%s, %s)", [row for row in rows])
        conn.commit()

    result = best(loop, prepare, repeats_for(size)), best(batched, prepare, repeats_for(size))
    conn.close()
    return result


# --- commit per row vs one commit --------------------------------------------------------

COMMIT_MAX = 1_000


def sqlite_commits(folder: Path, size: int) -> tuple[float, float]:
    path = folder / "commits.db"
    rows = [(index, f"name {index}") for index in range(size)]
    conn = sqlite3.connect(path)

    def prepare() -> None:
        conn.execute("DROP TABLE IF EXISTS t")
        conn.execute("CREATE TABLE t (a INTEGER, b TEXT)")
        conn.commit()

    def loop() -> None:
        for row in rows:
            conn.execute("INSERT INTO t (a, b) VALUES (?, ?)", row)
            conn.commit()

    def once() -> None:
        for row in rows:
            conn.execute("INSERT INTO t (a, b) VALUES (?, ?)", row)
        conn.commit()

    result = best(loop, prepare, repeats_for(size)), best(once, prepare, repeats_for(size))
    conn.close()
    return result


# --- Django: N+1 vs select_related / prefetch_related, cache.set vs set_many -----------

MODELS = """\
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=40)


class Book(models.Model):
    title = models.CharField(max_length=40)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
"""


def django_setup(folder: Path) -> None:
    app = folder / "benchshop"
    app.mkdir(exist_ok=True)
    (app / "__init__.py").write_text("")
    (app / "models.py").write_text(MODELS)
    sys.path.insert(0, str(folder))
    import django
    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=["benchshop"],
        DATABASES={
            "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(folder / "dj.db")}
        },
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    )
    django.setup()
    from benchshop.models import Author, Book
    from django.db import connection

    with connection.schema_editor() as editor:
        editor.create_model(Author)
        editor.create_model(Book)


def django_fill(size: int) -> None:
    from benchshop.models import Author, Book

    Book.objects.all().delete()
    Author.objects.all().delete()
    authors = Author.objects.bulk_create([Author(name=f"a{i}") for i in range(size)])
    Book.objects.bulk_create([Book(title=f"b{i}", author=a) for i, a in enumerate(authors)])


def django_select_related(size: int) -> tuple[float, float]:
    from benchshop.models import Book

    django_fill(size)

    def loop() -> None:
        for book in Book.objects.all():
            book.author.name  # noqa: B018

    def eager() -> None:
        for book in Book.objects.all().select_related("author"):
            book.author.name  # noqa: B018

    return best(loop, lambda: None, repeats_for(size)), best(eager, lambda: None, repeats_for(size))


def django_prefetch_related(size: int) -> tuple[float, float]:
    from benchshop.models import Author

    django_fill(size)

    def loop() -> None:
        for author in Author.objects.all():
            list(author.book_set.all())

    def eager() -> None:
        for author in Author.objects.all().prefetch_related("book_set"):
            list(author.book_set.all())

    return best(loop, lambda: None, repeats_for(size)), best(eager, lambda: None, repeats_for(size))


def django_bulk_create(size: int) -> tuple[float, float]:
    from benchshop.models import Author

    names = [f"a{index}" for index in range(size)]

    def clear() -> None:
        Author.objects.all().delete()

    def loop() -> None:
        for name in names:
            Author.objects.create(name=name)

    def batched() -> None:
        Author.objects.bulk_create([Author(name=name) for name in names])

    return best(loop, clear, repeats_for(size)), best(batched, clear, repeats_for(size))


def django_cache(size: int) -> tuple[float, float]:
    from django.core.cache import cache

    items = [(f"key:{index}", index) for index in range(size)]

    def loop() -> None:
        for key, value in items:
            cache.set(key, value)

    def batched() -> None:
        cache.set_many({key: value for key, value in items})

    return best(loop, cache.clear, repeats_for(size)), best(batched, cache.clear, repeats_for(size))


# --- SQLAlchemy: lazy loads vs selectinload / joinedload --------------------------------


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    addresses: Mapped[list[Address]] = relationship(back_populates="user")


class Address(Base):
    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    user: Mapped[User] = relationship(back_populates="addresses")


def sqlalchemy_loads(folder: Path, size: int) -> dict[str, tuple[float, float]]:
    path = folder / f"sa{size}.db"
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all([User(id=i) for i in range(size)])
        session.add_all([Address(id=i, user_id=i) for i in range(size)])
        session.commit()

    def run(statement) -> Callable[[], None]:
        def go() -> None:
            with Session(engine) as session:
                for user in session.scalars(statement).unique():
                    len(user.addresses)

        return go

    lazy = best(run(select(User)), lambda: None, repeats_for(size))
    results = {
        "selectinload": best(
            run(select(User).options(selectinload(User.addresses))),
            lambda: None,
            repeats_for(size),
        ),
        "joinedload": best(
            run(select(User).options(joinedload(User.addresses))), lambda: None, repeats_for(size)
        ),
    }
    engine.dispose()
    return {name: (lazy, after) for name, after in results.items()}


# --- redis: per command vs pipeline -----------------------------------------------------


def redis_pipeline(url: str, size: int) -> tuple[float, float]:
    import redis

    client = redis.Redis.from_url(url)
    items = [(f"key:{index}", index) for index in range(size)]

    def loop() -> None:
        for key, value in items:
            client.set(key, value)

    def pipelined() -> None:
        pipe = client.pipeline(transaction=False)
        for key, value in items:
            pipe.set(key, value)
        pipe.execute()

    result = (
        best(loop, client.flushdb, repeats_for(size)),
        best(pipelined, client.flushdb, repeats_for(size)),
    )
    client.close()
    return result


# --- the run --------------------------------------------------------------------------------


@contextlib.contextmanager
def optional(server: Callable[[], contextlib.AbstractContextManager[str]], name: str):
    try:
        with server() as address:
            yield address
    except ServerUnavailable as exc:
        print(f"skipped {name}: {exc}", file=sys.stderr)
        yield None


def measure(sizes: list[int], only: frozenset[str] = frozenset()) -> Iterator[Row]:
    with tempfile.TemporaryDirectory(prefix="throughlint-bench-") as temp:
        folder = Path(temp)
        django_setup(folder)
        with optional(postgres_server, "PostgreSQL") as dsn, optional(redis_server, "redis") as url:
            for size in sizes:
                cases: list[tuple[str, str, Callable[..., tuple[float, float]], tuple]] = [
                    ("executemany", "sqlite3", sqlite_inserts, (folder, size)),
                    ("select_related", "Django + sqlite", django_select_related, (size,)),
                    ("prefetch_related", "Django + sqlite", django_prefetch_related, (size,)),
                    ("set_many", "Django locmem cache", django_cache, (size,)),
                ]
                if size <= COMMIT_MAX:  # a synced commit per row: 10,000 take minutes
                    cases.append(("commit-after-loop", "sqlite3", sqlite_commits, (folder, size)))
                    cases.append(("bulk_create", "Django + sqlite", django_bulk_create, (size,)))
                if dsn is not None:
                    cases.append(
                        ("execute_values", "PostgreSQL psycopg2", psycopg2_inserts, (dsn, size))
                    )
                    cases.append(
                        ("executemany", "PostgreSQL psycopg 3", psycopg3_inserts, (dsn, size))
                    )
                if url is not None:
                    cases.append(("pipeline", "redis-server", redis_pipeline, (url, size)))
                for fix, engine, function, arguments in cases:
                    if only and fix not in only:
                        continue
                    before, after = function(*arguments)
                    yield Row(fix, engine, size, size / before, size / after)
                if only and not only & {"selectinload", "joinedload"}:
                    continue
                for loader, (before, after) in sqlalchemy_loads(folder, size).items():
                    yield Row(loader, "SQLAlchemy + sqlite", size, size / before, size / after)


def table(rows: list[Row]) -> str:
    lines = [
        "| fix | engine | N | before (items/s) | after (items/s) | speedup |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for row in sorted(rows, key=lambda r: (r.fix, r.engine, r.size)):
        lines.append(
            f"| {row.fix} | {row.engine} | {row.size:,} | {row.before:,.0f} | "
            f"{row.after:,.0f} | {row.ratio:.1f}x |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument("--only", default="", help="comma-separated fix names (default: all)")
    options = parser.parse_args(argv)
    sizes = [int(size) for size in options.sizes.split(",")]
    rows = []
    only = frozenset(name for name in options.only.split(",") if name)
    for row in measure(sizes, only):
        print(f"{row.fix:18} {row.engine:22} {row.size:>6}  {row.ratio:6.1f}x", file=sys.stderr)
        rows.append(row)
    print(f"### Fix speedups: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")  # fmt: skip
    print(table(rows))
    if options.json:
        Path(options.json).write_text(
            json.dumps([{**asdict(row), "ratio": row.ratio} for row in rows], indent=2)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
