"""## What it does
Finds a read query run once per item of a loop (`for` / `async for` / comprehension):

- explicit queries: Django `Model.objects.get/first/count/exists/...`, a queryset
  evaluated per item (`for b in Book.objects.filter(author=a)` inside a loop),
  `get_object_or_404`, and their async forms (`aget`, `acount`, ...); SQLAlchemy
  `session.query/get/execute/scalar/scalars`; DB-API `cursor.execute("SELECT ...")`;
  asyncpg `fetch/fetchrow/fetchval`, encode/databases `fetch_one/fetch_all`; pymongo
  `find_one`;
- implicit queries: on the items of a loop over a queryset (of any manager, a custom one
  such as `Order.active` included) or `select()` result (also one a project function
  returns: `for o in open_orders():`), an attribute that
  follows a relation the project index knows (`book.author.name`, `book.tags.all()`,
  `author.books.count()`, `user.addresses`) when the query that produced the items does
  not load it (`select_related`, `prefetch_related`, `selectinload`, `joinedload`,
  `subqueryload`, `contains_eager`, or a non-lazy `relationship()`); and the second hop
  of a loaded relation (`order.customer.region` over `select_related("customer")`,
  `a.user.team` over `selectinload(Address.user)`), with the path to load;
- on those items, a method or property of the model that reads such a relation on
  `self` (`o.customer_name`, a property returning `self.customer.name`;
  `c.order_count()` returning `self.orders.count()`; also through another property, and
  `str(o)` / `f"{o}"` through the model's `__str__`), named with the line it reads on;
- on those items, a project function (or method) given the row that reads such a relation
  on its parameter (`item_count(o)` returning `order.items.count()`);
- Flask-SQLAlchemy's query property: `User.query.get(pk)`, `.filter_by(...).first()`,
  `.count()` per item, and lazy relations on the rows of `User.query...`, the class
  confirmed a SQLAlchemy model by the project index;
- SQLModel: `session.exec(select(Hero).where(...))` per item, and a `Relationship()` of
  a `table=True` class read on the rows of `session.exec(select(Hero))`;
- REST framework serializers: a `get_<field>(self, obj)` reading `obj.customer`, a
  `source="customer.name"` field or a nested serializer of the project's reads the
  relation for every row rendered; reported at the read when a list view's `queryset`
  (or its `get_queryset()` return) or a `Serializer(qs, many=True)` call over the model
  does not load it (a serializer no view of the project uses says nothing);
- Django admin change lists: a `list_display` column method `(self, obj)` reading
  `obj.customer` or `obj.tags.all()`, or a column naming a model property that reads one,
  on an admin registered with `@admin.register(Model)` or `admin.site.register(Model,
  Admin)`, once per relation and admin; not when a column is itself a
  foreign key (the change list then joins every foreign key), with
  `list_select_related = True` or naming the relation, or with the admin's own
  `get_queryset()`;
- a call to a function of the project that does any of these, also in another module
  (in any file: the file need not name a database), and, with `--preview`, `store[key]`
  on an instance of a project class whose `__getitem__` does (`__setitem__` and
  `__delitem__` count as writes for TL102).

A receiver is a database API by its type: an import, an initialiser, an annotation, a
queryset's or related manager's items, a session from a `sessionmaker()`, an engine or
`object_session(obj)`, also one another module of the project binds or a project helper
returns. A receiver known only by its name (`session`, `cursor`, `conn`, `db`) is the
name tier: reported only with `--preview`, as `heuristic`.

## Why it hurts throughput
Every query is a round trip: the network, the parse, the plan, the result. A loop that
issues one per item turns one query into 1 + N, and the page that was fast on ten rows
spends its time waiting on the database with ten thousand.

The finding does not matter when the loop is bounded by something small that is not a
literal (a fixed handful of settings, an admin action on a few selected rows), when the
lookups hit a cache, or in a one-off maintenance script.
Not reported: `obj.fk_id` (a column, not a query), a `while` loop fetching one page
per pass (pagination is 1 query per page, not per item), loops over small literals and
over constants bound outside the function (a module tuple, an enum, `.items()` of a
module dict literal), retry loops, a query on an exit path (`except ...: return`; one
that ends in `break` leaves only its own loop, so it runs once per item of the loop
around it, and is reported there), and
a query per group the loop yields (`for kind, ids in by_kind.items():
X.objects.filter(pk__in=ids)`).
Related managers other than `objects` (`ticket.followup_set.get(...)`) count when the
project index knows the relation. On prefetched rows, `all()`, `count()` and `exists()`
read the prefetch, and so does `first()` when the related model has a default
`Meta.ordering` (its own, or without a `class Meta`, a base's); any other method runs a
new query (`first()` of an unordered model orders by the key, `last()` reverses).

## Example
```python
from shop.models import Book

def titles_by_author(ids):
    for book in Book.objects.all():
        print(book.title, book.author.name)
    return [Book.objects.get(pk=i).title for i in ids]
```

## Use instead
```python
from shop.models import Book

def titles_by_author(ids):
    for book in Book.objects.select_related("author"):
        print(book.title, book.author.name)
    books = Book.objects.in_bulk(ids)
    return [books[i].title for i in ids]
```
SQLAlchemy: `select(User).options(selectinload(User.addresses))`; raw SQL: one
`SELECT ... WHERE id IN (...)` / `= ANY(%s)` and a dict keyed by id.

## Fix safety
A relation read on the items of a query written in the `for` statement itself gets a
safe fix that loads it with that query: `.select_related("author")` /
`.prefetch_related("books")` on a Django queryset chain, or
`.options(selectinload(User.addresses))` on the one `select(User)` of a SQLAlchemy
statement (importing `selectinload` when needed). Same rows, one or two queries instead
of 1 + N; offered only when the project index knows the relation and its loader (a
`relationship(..., **options)` may set any). Declined for a SQLAlchemy dynamic
relationship (`lazy="dynamic"`, or a `DynamicMapped[...]` annotation: it cannot be
eager-loaded), for `select_related` on a queryset with `only()` / `defer()`, or from a
manager with its own `get_queryset()` that may defer fields (Django refuses a deferred
field that is traversed), for `select_related` of a foreign key declared
`db_constraint=False` (the join drops a row whose related row is missing, where the lazy
load raised) and when the loop body writes (`create()`, `save()`, `bulk_update_mappings()`
...: rows loaded up front would not see it) or detaches or expires objects
(`session.expunge()`, `expunge_all()`, `expire()`, `refresh()`, `rollback()`: a lazy
load after it fails or reloads, where loaded rows would not), and for a statement that
already has a loader option other than an eager load (`raiseload("*")`, `noload(...)`,
`Load(...)`: it decides what a lazy access does). Unsafe when the body can stop early
(`break`, `return`, `raise`, `assert`, `yield`, `exit()`: the related rows of items it
never reaches would be read), or reads the relation only under an `if`, `try`, `while` or
`match`, or after a statement that may end the pass (`if ...: continue`) (loaded with
the query, the relation of a row the loop skips is read too, and the safe fix assumes
only that the rows the loop reads load), calls project code that might write (also
through a builtin handed a function, `map(shout, rows)`, `sorted(key=rank)`), a function
it looks up
(`ACTIONS[kind](row)`), a method of the loop's item
(`book.author.retire()`) or of another object that is not a string, a logger, a manager
or queryset (`Book.objects.get(...)`), or a container the function builds (`out.append`;
`archive.addresses.append(x)` is a pending change to a mapped collection, and
`client.get(url)` a request whose handler may write), or changes or deletes an
attribute, `setattr()` and `del x.owner` included (SQLAlchemy flushes the change before
a later item's lazy load). Also unsafe: a SQLAlchemy relationship through an association
table (`secondary=`: a pair stored twice there is loaded twice by `selectinload`, once by
the lazy load), and `select_related` of a model that declares `Meta.base_manager_name`
(the lazy access goes through that manager, which may hide rows the join returns), and
any `async for` (there the lazy load raises `SynchronousOnlyOperation` or
`MissingGreenlet`: loaded with the query, the program would succeed instead), and
`select_related` on a query whose last `order_by()` does not end in the primary key
(`order_by("title", "pk")`): joined, the database may return rows that tie, or all rows
of an unordered query, in another order; on a `distinct()` query the joined columns also
join the DISTINCT. Also unsafe:
- `select_related` where the project defines a database router (`db_for_read`): the
  lazy access reads the database the router picks, the join the queried model's;
- `select_related` from or to a model that Django does not manage (`Meta.managed =
  False`, as `inspectdb` writes for a legacy database): the database may not enforce its
  foreign keys, and the join drops (or empties) a row whose related row is missing,
  where the lazy access raised `DoesNotExist`;
- a body that reads a property of the row's model (`author.draft`: project code run per
  row, which may write) or calls `next()` on an iterator, or iterates a name bound to
  what a call returned (`pending = stamps()`, then `" ".join(pending)`, `list(pending)`,
  `*pending`, `for s in pending:`; not a builtin container such as `sorted(...)`, a
  queryset or a result's `all()`): a generator of the project resumes; or enters such a
  name (`with stamp:` runs its `__enter__` and `__exit__`; not a standard library
  context manager such as `suppress(...)`);
- a generic foreign key: a row whose object id the target's key cannot take makes the
  prefetch raise at the `for`, where the lazy read raised at that row, or never;
- a related model whose objects are built with project code: its own `__init__` or
  `from_db` (Django), or a `pre_init` / `post_init` receiver or a SQLAlchemy `load` /
  `refresh` listener anywhere in the project (they would run before the loop body, not
  in it);
- a SQLAlchemy relationship declared by the other side's `backref=`: the attribute exists
  only once the mappers are configured, so in a process's first query the option raises.
Where the module's own alias of `sqlalchemy.orm` is bound again (`orm = ...` in a
function), the fix imports `selectinload` instead of writing `orm.selectinload`.
Several relations of one loop are loaded by one `select_related("a", "b")`. Other N+1
queries need a batched query that changes the code around it, so no fix is offered.

Measured (`bench/fixes.py`, 10,000 rows): `select_related` on Django + sqlite 26.6x,
`prefetch_related` 4.1x, `selectinload` on SQLAlchemy + sqlite 19.7x.

## Options
- `query-functions`: qualified names of in-house functions that run a query.
- `connection-factories`: qualified names of in-house connection constructors.

## References
- https://docs.djangoproject.com/en/stable/topics/db/optimization/
- https://docs.djangoproject.com/en/stable/ref/models/querysets/#select-related
- https://docs.sqlalchemy.org/en/20/orm/queryguide/relationships.html
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Any

from throughlint.effects import Effect
from throughlint.effects.database import (
    DJANGO_LAZY,
    DJANGO_READ,
    READ_VERBS,
    DbCall,
    classify_call,
    per_table_query,
    receiver_per_item,
)
from throughlint.fixes import offers
from throughlint.rules.base import FixAvailability, Rule
from throughlint.rules.through_helpers import (
    helper_call,
    model_method_call,
    related_manager_call,
    returned_rows,
    typed_by_index,
)
from throughlint.semantic.loops import Loop, describe_loop, is_batch_loop
from throughlint.semantic.per_call import takes_group
from throughlint.semantic.per_pass import per_item_loop, runs_once
from throughlint.semantic.related_managers import MANAGER_WRITES

if TYPE_CHECKING:
    from throughlint.index.project import Relation

DB_TRIGGERS: tuple[str, ...] = (
    "objects",
    "execute",
    "session",
    "cursor",
    "commit",
    "models",
    "sqlalchemy",
    "django",
    "find_one",
    "_one(",
    ".save(",
    ".delete(",
    "atomic",
    "query",
    "flush",
)

RULE = Rule(
    code="TL101",
    name="n-plus-one-query",
    summary="A read query per loop item (1 + N queries)",
    fix=FixAvailability.SOMETIMES,
    triggers=DB_TRIGGERS,
    options=("query-functions", "connection-factories"),
    uses_index=True,
    doc=__doc__ or "",
    bad=(
        """\
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)


class Book(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    tags = models.ManyToManyField("Tag")


class Tag(models.Model):
    name = models.CharField(max_length=50)


def report(ids):
    for book in Book.objects.all():
        print(book.title, book.author.name)  # expect: TL101
        print([t.name for t in book.tags.all()])  # expect: TL101
    for author in Author.objects.filter(name__startswith="A"):
        print(author.books.count())  # expect: TL101
    return [Book.objects.get(pk=i) for i in ids]  # expect: TL101
""",
        """\
import sqlite3


def load_names(conn: sqlite3.Connection, user_ids):
    names = {}
    for uid in user_ids:
        row = conn.execute("SELECT name FROM users WHERE id=?", (uid,)).fetchone()  # expect: TL101
        names[uid] = row[0]
    return names
""",
        """\
from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    addresses: Mapped[list["Address"]] = relationship(back_populates="user")


class Address(Base):
    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    user: Mapped[User] = relationship(back_populates="addresses")


def emails(session: Session, ids):
    for user in session.scalars(select(User)):
        print([a.id for a in user.addresses])  # expect: TL101
    return [session.get(User, i) for i in ids]  # expect: TL101
""",
        """\
from shop.models import Book


def author_name(book_id):
    return Book.objects.get(pk=book_id).author_id


def names(ids):
    return [author_name(i) for i in ids]  # expect: TL101
""",
    ),
    good=(
        """\
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)


class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")


def report(ids):
    for book in Book.objects.select_related("author"):
        print(book.author.name)
    for author in Author.objects.prefetch_related("books"):
        print(author.books.count())
    books = Book.objects.in_bulk(ids)
    return [books[i] for i in ids]
""",
        """\
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import User


def emails(session: Session):
    stmt = select(User).options(selectinload(User.addresses))
    for user in session.scalars(stmt):
        print([a.email for a in user.addresses])
""",
    ),
    near_miss=(
        """\
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)


class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE)


def author_ids():
    return [book.author_id for book in Book.objects.all()]
""",
        """\
import sqlite3


def pages(conn: sqlite3.Connection):
    last = 0
    while True:
        rows = conn.execute("SELECT id FROM t WHERE id > ? LIMIT 100", (last,)).fetchall()
        if not rows:
            return
        last = rows[-1][0]
""",
        """\
from shop.models import Book


def fetch(pk, max_retries=3):
    for attempt in range(max_retries):
        try:
            return Book.objects.get(pk=pk)
        except Book.DoesNotExist:
            continue
    return None
""",
        """\
from shop.models import Setting


def defaults():
    return {key: Setting.objects.get(key=key).value for key in ("theme", "lang")}
""",
        """\
from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    addresses: Mapped[list["Address"]] = relationship(lazy="selectin")


class Address(Base):
    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


def emails(session: Session):
    for user in session.scalars(select(User)):
        print(len(user.addresses))
""",
    ),
)

_CONSUMERS = frozenset(
    {"builtins.list", "builtins.len", "builtins.tuple", "builtins.set", "builtins.sorted"}
)


@RULE.on(ast.Call)
def check_call(checker, node: ast.Call) -> None:
    model = checker.semantic
    if not model.frame.loops:
        return
    loop = per_item_loop(model)
    if loop is None:
        return
    found = classify_call(model, node, checker.settings)
    if found is None:
        if node.args and model.resolve(node.func) in _CONSUMERS:
            _evaluated_queryset(checker, node.args[0], loop)
        return
    if not found.effect & Effect.READ or found.effect & Effect.WRITE or found.lazy:
        return
    if receiver_per_item(model, node):
        return
    if found.framework == "sqlalchemy" and per_table_query(model, node):
        return
    if found.framework == "dbapi" and found.verb not in READ_VERBS:
        return
    if found.framework == "sqlalchemy" and found.method == "execute" and found.verb != "SELECT":
        return
    if is_batch_loop(loop) or runs_once(model, loop):
        return
    _report(checker, node, loop, found)


def _report(checker, node: ast.AST, loop: Loop, found: DbCall) -> None:
    if isinstance(node, ast.Call) and takes_group(loop, node):
        return  # one query per group the loop yields (``pk__in=ids``): already batched
    key = ("TL101", node.lineno)
    facts = checker.index_facts
    if facts is not None:
        if key in facts.seen:
            return
        facts.seen.add(key)
    checker.report_call(
        RULE,
        node,
        f"`{found.api}` runs a query on every pass of {describe_loop(loop)}: 1 + N queries; "
        f"{_advice(found)}",
        None,
        found,
    )


def _advice(found: DbCall) -> str:
    if found.framework == "django":
        if found.method == "get":
            return "fetch all rows at once with `in_bulk(ids)` or `filter(pk__in=ids)`"
        if found.method in ("count", "exists"):
            return (
                "compute it for all items at once with `annotate(Count(...))` or one grouped query"
            )
        return (
            "fetch them in one query (`filter(..__in=...)`, `select_related`, `prefetch_related`)"
        )
    if found.framework == "sqlalchemy":
        return (
            "load the rows in one statement (`select(...).where(Model.id.in_(ids))`) "
            "or eager-load the relation (`selectinload`)"
        )
    if found.framework == "pymongo":
        return "use one `find({'_id': {'$in': ids}})`"
    return "use one query for all items (`WHERE id IN (...)` / `= ANY(%s)`) and a dict by id"


@RULE.on(ast.For, ast.AsyncFor)
def check_nested_iteration(checker, node: ast.AST) -> None:
    loop = checker.semantic.hot_loop()
    if loop is not None:
        _evaluated_queryset(checker, node.iter, loop)  # type: ignore[attr-defined]


@RULE.on(ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
def check_nested_comprehension(checker, node: ast.AST) -> None:
    loop = checker.semantic.hot_loop()
    if loop is not None:
        _evaluated_queryset(checker, node.generators[0].iter, loop)  # type: ignore[attr-defined]


def _evaluated_queryset(checker, iterable: ast.expr, loop: Loop) -> None:
    """A Django queryset built and evaluated (iterated, ``list()``...) on every pass."""
    if not isinstance(iterable, ast.Call):
        return
    found = classify_call(checker.semantic, iterable, checker.settings)
    if found is None or found.framework != "django" or not found.lazy:
        return
    if is_batch_loop(loop) or runs_once(checker.semantic, loop):
        return  # a retry, a batch, an exit block (``if match: ...; return``): not per item
    _report(checker, iterable, loop, found)


_MANAGER_QUERIES = DJANGO_LAZY | DJANGO_READ


def _through_member(index, pending: dict[str, Any]) -> list:
    """``o.label()`` / ``o.customer_name`` for each row, a method or property of the
    model that reads a lazy relation on ``self`` the query does not load: the first such
    read, named as the witness."""
    member = index.member_key(pending["model"], pending["attr"])
    if member is None or index.summary_effects(member) & Effect.READ:
        return []  # no method of the model; or it queries itself: the ``method`` check's
    used = f"{pending['var']}.{pending['attr']}"
    if pending["attr"] == "__str__":
        used = f"str({pending['var']})"  # ``str(s)``, ``f"{s}"``: the model's ``__str__``
    reads = [("self", read) for read in index.relations_read(pending["model"], pending["attr"])]
    return _first_read(index, pending, reads, used)


def _first_read(index, pending: dict[str, Any], reads: list[tuple[str, Any]], used: str) -> list:
    """The finding for the first of ``reads`` (a relation read on ``self`` or on a
    parameter, by a member or a function that ``used`` runs per row) that queries for the
    rows of ``pending``: "`o.label` reads `self.customer` (shop.models, line 30), which
    runs a query for every item of ..."; none when every read is loaded or no query."""
    for holder, read in reads:
        relation = read.relation
        if relation.framework != pending["framework"]:
            continue
        if relation.framework == "django" and relation.many and read.method not in _MANAGER_QUERIES:
            continue  # ``self.tags.names()``, ``self.tags`` alone: no query the manager runs
        if (
            relation.framework == "sqlalchemy"
            and index.model_kind(pending["model"]) != "sqlalchemy"
        ):
            continue
        inner = {**pending, "attr": read.attribute, "method": read.method, "var": holder}
        message = relation_message(relation, inner)
        if message is None:
            continue
        access = f"{holder}.{read.attribute}" + (f".{read.method}()" if read.method else "")
        head, _, rest = message.partition(f"`{access}` ")
        if head or not rest:
            continue
        module = read.function.rsplit(".", 2 if holder == "self" else 1)[0]
        where = f"`{access}` ({module}, line {read.line})"
        return [(f"`{used}` reads {where}, which {rest}", pending.get("group"), None)]
    return []


def _django_relation_read(index, model: str, attr: str, method: str | None) -> Relation | None:
    """The relation of a Django model that reading ``attr`` (calling ``method`` on it)
    queries: a to-one relation, or a related manager's query method; else None."""
    relation = index.relation(model, attr)
    if relation is None or relation.framework != "django" or index.model_kind(model) != "django":
        return None
    if relation.many and method not in _MANAGER_QUERIES:
        return None  # ``obj.tags`` alone, ``obj.tags.names()``: no query the manager runs
    return relation


@RULE.on_project("serializer-read")
def check_serializer_read(index, pending: dict[str, Any]) -> list:
    """A REST framework serializer reading a relation of its model for each row it
    renders (``index/serializers.py``), used over a query that does not load it."""
    model, attr = pending["model"], pending["attr"]
    nested = pending.get("nested")
    if nested is not None and nested not in index.serializers:
        return []  # a field of another kind, not a serializer of the project's
    relation = _django_relation_read(index, model, attr, pending["method"])
    if relation is None:
        return []
    serializer = pending["serializer"].rsplit(".", 1)[-1]
    for where, use in sorted(index.serializer_users.get(pending["serializer"], {}).items()):
        rows, loaded, loads_all = use[0], use[1], use[2]
        if rows != model:
            continue  # a query the index cannot read, or of another model
        inner = {
            **pending,
            "chain": where,
            "loaded": loaded.split(",") if loaded else [],
            "loads_all": bool(loads_all),
        }
        message = relation_message(relation, inner)
        if message is None:
            continue
        renders = f"every row `{serializer}` renders for `{where.rsplit('.', 1)[-1]}`"
        return [(message.replace(f"every item of `{where}`", renders), None, None)]
    return []


@RULE.on_project("admin-read")
def check_admin_read(index, pending: dict[str, Any]) -> list:
    """A Django admin change list column reading a relation for each row shown
    (``index/admin_lists.py``) that the admin's query does not load."""
    model = pending["model"] or index.admin_models.get(pending["admin"])
    attr = pending["attr"]
    pending = {**pending, "model": model}
    if model is None or index.model_kind(model) != "django":
        return []
    # a column that is a foreign key makes the change list ``select_related()`` them all
    joined = any(
        (rel := index.relation(model, column)) is not None and not rel.many
        for column in pending["columns"]
    )
    admin = pending["admin"].rsplit(".", 1)[-1]
    chain = f"{admin} change list"
    inner = {
        **pending,
        "chain": chain,
        "var": pending.get("var") or "obj",
        "loaded": pending["loaded"],
        "loads_all": False,
    }
    if pending.get("member"):
        if index.relation(model, attr) is not None:
            return []  # a column of the model itself: the change list joins it
        found = _through_member(index, {**inner, "framework": "django", "group": None})
        return [
            (_admin_words(message, chain), group, fix)
            for message, group, fix in found
            if not (joined and "select_related" in message)
        ]
    relation = _django_relation_read(index, model, attr, pending["method"])
    if relation is None or (joined and not relation.many):
        return []
    message = relation_message(relation, inner)
    if message is None:
        return []
    return [(_admin_words(message, chain), None, None)]


def _admin_words(message: str, chain: str) -> str:
    """The relation message, worded for a change list and the admin's own settings."""
    admin = chain.removesuffix(" change list")
    message = message.replace(f"every item of `{chain}`", f"every row of the `{admin}` change list")
    head, _, tail = message.partition("1 + N queries; ")
    joined_name = re.search(r'select_related\("([^"]+)"\)', tail)
    if joined_name is not None:
        return f'{head}1 + N queries; set `list_select_related = ("{joined_name[1]}",)`'
    prefetched = re.search(r'prefetch_related\("([^"]+)"\)', tail)
    if prefetched is not None and f"{prefetched[1]}.count()`" in head:
        return (
            f"{head}1 + N queries; annotate the count in the admin's `get_queryset()` "
            f'(`annotate(Count("{prefetched[1].removesuffix("_set")}"))`)'
        )
    if prefetched is not None:
        return (
            f"{head}1 + N queries; prefetch it in the admin's `get_queryset()` "
            f'(`prefetch_related("{prefetched[1]}")`)'
        )
    return message


def relation_message(relation: Relation, pending: dict[str, Any]) -> str | None:
    """The TL101 message for a relation touched on a loop item, or None when the access
    is not a query (loaded by the query, a non-lazy relationship, a manager not used)."""
    attr, var, method = pending["attr"], pending["var"], pending["method"]
    loaded = pending["loads_all"] or any(
        path == attr or path.startswith(attr + "__") for path in pending["loaded"]
    )
    items = f"every item of `{pending['chain']}`"
    if relation.framework == "sqlalchemy":
        if relation.lazy not in ("select", "dynamic") or attr in pending["loaded"]:
            return None
        owner = pending["model"].rsplit(".", 1)[-1]
        if relation.lazy == "dynamic":
            return (
                f"`{var}.{attr}` is a dynamic relationship: every use runs a query, for {items}: "
                f'1 + N queries; make it `lazy="selectin"` and load it with '
                f"`.options(selectinload({owner}.{attr}))`"
            )
        return (
            f'`{var}.{attr}` lazy-loads (relationship `lazy="{relation.lazy}"`) for {items}: '
            f"1 + N queries; load it with the query: "
            f"`.options(selectinload({owner}.{attr}))`"
        )
    if relation.many:
        if method is None or method in MANAGER_WRITES:
            return None  # ``row.tags.add(tag)``: a write, TL102's; no prefetch saves it
        if loaded and method in ("all", "count", "exists", "__len__"):
            return None
        if loaded and method == "first" and relation.ordered:
            return None  # an ordered model's ``first()`` takes the prefetched rows' first
        if loaded:
            return (
                f"`{var}.{attr}.{method}()` runs a new query for {items} even though "
                f"`{attr}` is prefetched: 1 + N queries; filter in Python or use "
                f'`Prefetch("{attr}", queryset=...)`'
            )
        how = (
            f'add `prefetch_related("{attr}")` to the queryset'
            if method in ("all", "count", "exists")
            else f'prefetch it with `Prefetch("{attr}", queryset=...)`'
        )
        if relation.framework == "django" and ".iterator()" in pending["chain"]:
            how += (  # Django 4.1+ prefetches per chunk; 5.0 refuses a prefetch without one
                " and give `iterator()` a `chunk_size=` (without one, Django 5 refuses to prefetch)"
            )
        return f"`{var}.{attr}.{method}()` runs a query for {items}: 1 + N queries; {how}"
    if loaded:
        return None
    api = "prefetch_related" if relation.kind == "gfk" else "select_related"
    return (
        f"`{var}.{attr}` runs a query for {items}: 1 + N queries; "
        f'add `{api}("{attr}")` to the queryset'
    )


RULE.on_project("call")(helper_call(Effect.READ, "runs a query", "1 + N queries"))
RULE.on_project("typed-by-index")(typed_by_index(RULE.code))
RULE.on_project("method")(model_method_call(Effect.READ, "runs a query", "1 + N queries"))
RULE.on_project("manager")(related_manager_call(writes=False))


@RULE.on_project("sql")
def check_imported_statement(index, pending: dict[str, Any]) -> list:
    """``execute(NAME, ...)`` in a hot loop, ``NAME`` a SELECT of another module."""
    verb, _ = index.statement(pending["statement"])
    if verb not in READ_VERBS:
        return []
    short = pending["statement"].rsplit(".", 1)[-1]
    return [
        (
            f"`{pending['api']}` runs `{short}` (a SELECT) on every pass of {pending['loop']}: "
            "1 + N queries; use one query for all items (`WHERE id IN (...)` / `= ANY(%s)`)",
            None,
            None,
        )
    ]


@RULE.on_project("row-call")
def check_row_call(index, pending: dict[str, Any]) -> list:
    """``item_count(o)`` per row, the function reading a lazy relation on the row it is
    given (``order.items.count()``) that the query does not load: the first such read."""
    callee = pending["callee"]
    if index.summary_effects(callee) & Effect.READ:
        return []  # it queries by itself: the ``call`` check says so
    reads = index.parameter_relations(callee, pending["position"], pending["model"])
    return _first_read(index, pending, reads, f"{pending['text']}({pending['var']})")


def _manager_loads(index, pending: dict[str, Any]) -> bool:
    """The rows come from a custom manager of the model whose ``get_queryset()`` loads the
    relation (``objects = InvoiceManager()``, returning ``...select_related("order")``)."""
    manager = pending.get("manager")
    if not manager or pending["framework"] != "django":
        return False
    return index.loaded_by(f"{pending['model']}.{manager}.get_queryset", pending["attr"])


def _second_hop(index, pending: dict[str, Any]) -> list:
    """``order.customer.region`` where the query loads ``customer``: a lazy relation of
    the loaded row, read per item."""
    via = pending["via"]
    first = index.relation(pending["model"], via)
    if first is None or first.many or not first.target or first.framework != pending["framework"]:
        return []
    relation = index.relation(first.target, pending["attr"])
    if relation is None or relation.framework != pending["framework"]:
        return []
    hop = {**pending, "model": first.target, "var": f"{pending['var']}.{via}"}
    message = relation_message(relation, hop)
    if message is None:
        return []
    attr = pending["attr"]
    if relation.framework == "django":  # the path from the queried model
        for api in ("select_related", "prefetch_related"):
            message = message.replace(f'{api}("{attr}")', f'{api}("{via}__{attr}")')
    else:
        owner = pending["model"].rsplit(".", 1)[-1]
        target = first.target.rsplit(".", 1)[-1]
        message = message.replace(
            f"selectinload({target}.{attr})",
            f"selectinload({owner}.{via}).selectinload({target}.{attr})",
        )
    message = f"{message} (`{via}` is loaded with the rows, `{attr}` is not)"
    return [(message, pending["group"], None)]


def _typed_by_helper(index, pending: dict[str, Any]) -> dict[str, Any] | None:
    """A loop over what a project function returns: the pending relation with the model
    of the Django queryset the function returns (``library_value``), or None when it
    returns something else, or rows already loaded or read as dicts (the returned chain
    calls ``select_related``, ``prefetch_related``, ``values``... : which relations are
    loaded is not kept, so nothing is claimed)."""
    if index.loaded_by(pending["source"], pending["attr"]):
        return None  # the function loads the relation on its way
    model = returned_rows(index, pending["source"])
    return {**pending, "model": model} if model else None


@RULE.on_project("relation")
def check_relation(index, pending: dict[str, Any]) -> list:
    """An attribute of a loop item that the index knows to be a lazy relation."""
    if pending.get("via"):
        return _second_hop(index, pending)
    if pending.get("source"):
        pending = _typed_by_helper(index, pending)
        if pending is None:
            return []
    relation = index.relation(pending["model"], pending["attr"])
    if relation is None:
        return _through_member(index, pending)
    if _manager_loads(index, pending):
        return []
    if relation.framework != pending["framework"]:
        return []
    if relation.framework == "sqlalchemy" and index.model_kind(pending["model"]) != "sqlalchemy":
        return []  # a user's own ``db.Model`` and ``db.relationship``: no mapped class
    message = relation_message(relation, pending)
    if message is None:
        return []
    manager = pending.get("manager")
    if manager and index.builds_own_rows(pending["model"], manager):
        pending = {**pending, "custom_manager": f"{pending['model'].rsplit('.', 1)[-1]}.{manager}"}
    fix = offers.eager_load(pending, _relation_facts(index, pending, relation))
    return [(message, pending.get("group"), fix)]


def _relation_facts(index, pending: dict[str, Any], relation) -> offers.RelationFacts:
    """What the eager-load fix needs to know of the relation, the rows and the project."""
    model, target = pending["model"], relation.target
    members = pending.get("members", ())
    django = relation.framework == "django"
    return offers.RelationFacts(
        many=relation.many,
        kind=relation.kind,
        lazy=relation.lazy,
        secondary=relation.secondary,
        from_backref=relation.from_backref,
        base_manager=django and target is not None and index.names_base_manager(target),
        routed=django and bool(index.classes_defining("db_for_read")),
        member=next((m for m in members if index.defining_class(model, m)), None),
        own_init=_built_with(index, target, django) if target else None,
        unmanaged=next((m for m in (model, target) if m and index.unmanaged(m)), None)
        if django
        else None,
    )


def _built_with(index, model: str, django: bool) -> str | None:
    """What project code runs when the ORM builds a ``model`` object from a row: Django's
    call of its own ``__init__`` or ``from_db``, or a hook (a ``post_init`` receiver, a
    ``load`` listener); None when nothing of the project does."""
    for method in ("__init__", "from_db") if django else ():
        if index.defining_class(model, method):
            return f"`{method}`"
    return "a `post_init` receiver or a `load` listener" if index.hooks_row_objects(model) else None
