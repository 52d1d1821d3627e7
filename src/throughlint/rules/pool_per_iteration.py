"""## What it does
Finds an executor, process pool, HTTP session, database connection or remote client
created on every pass of a `for` loop or comprehension: `ThreadPoolExecutor`,
`ProcessPoolExecutor`, `multiprocessing.Pool`, `requests.Session`, `httpx.Client`,
`aiohttp.ClientSession`, `sqlite3.connect`, `psycopg2.connect`, `create_engine`,
`redis.Redis`, `boto3.client` and similar. Through the project index it also finds a
call, once per item, to a function of the project that starts and joins a pool in a
`with` block (`def fetch_many(urls): with ThreadPoolExecutor() as pool: ...`), or makes
it in a local and tears it down before returning (`pool.close()`, `executor.shutdown()`),
however many calls deep; and it reports that pool where it is made, naming the loop and
the calls that run it once per item (a loop over items, or a `while` loop that neither
waits, nor retries, nor walks pages, nor hands each pass a batch it gathered; or a
function handed to a map over items, `executor.map(fetch_site, sites)`, not over batches
or a literal handful) or once per request (a function routed by a web framework's
decorator, `@app.route`, `@router.get`, or a view that takes `request` first; not a test
or a pytest fixture) or once per message (a task of a task queue: `@shared_task`,
`@app.task` of a `Celery()` app, `@dramatiq.actor`, rq's `@job`; not a periodic task).
Along the chain, a function handed to a call that runs it before returning is followed
too (`pages = paginate(fetch_page)`; not one kept for later, `return
make_metric(eval_fn=eval_fn)`, or handed to a class). A pool that runs one call and waits
for it (`pool.submit(asyncio.run, coro).result()`) and a pool in an `except` handler (a
fallback path) are not counted as pools started per call. Such a pool is shown even
when the only loop that runs its function per item is a command's or a script's (`for
url, html in download(urls)` in `cli.py`, or in `main()` under a `__main__` guard): the
function is the package's own code, and the command's loop is the evidence of how it is
run; a pool made per pass in the command's own code is held back with the cold path.

The same holds for a remote client or HTTP session a function builds for its own use
and drops when it returns (`session = boto3.Session(...)`, `client =
twilio.rest.Client(sid, token)`, `requests.Session()`), when the function runs once per
item: not one that is returned or kept (on `self`, in a collection), one that serves a
loop of the function (a worker's client), or one built from the function's parameters
(a different endpoint per call). Calls on a receiver of unknown type
(`for alert in rule["alert"]: alert.alert(matches)`) are followed to the methods of
that name in the one project class hierarchy that overrides it.

## Why it hurts throughput
These objects are expensive to create and cheap to reuse: a pool starts threads or
processes, a session opens TCP (and TLS) connections, a database connection authenticates.
Creating one per item pays that cost N times and throws away connection reuse, so the loop
runs at the speed of the handshakes.

A project function that builds and returns a new client on each call (`def
search_client(conf): return Elasticsearch(...)`, or a project class that subclasses a
client) is a client created per pass when a loop calls it; a memoised or `@lru_cache`d
factory is not.

Not reported: a connection whose arguments use the loop variable (one database per item is
a different target each pass), an object that is kept (appended, put in a queue, stored in
a mapping or on the item, built into a list by a comprehension; `self.conn = ...` is one
slot overwritten on the next pass, not kept), and a retry loop that creates the object
inside `try` and leaves the loop once it works.

## Example
```python
import requests

def fetch_all(urls):
    pages = []
    for url in urls:
        with requests.Session() as session:
            pages.append(session.get(url).text)
    return pages
```

## Use instead
```python
import requests

def fetch_all(urls):
    with requests.Session() as session:
        return [session.get(url).text for url in urls]
```

## Fix safety
No fix is offered: moving the creation out of the loop changes its lifetime.

## Options
- `connection-factories`: extra qualified names of in-house connection constructors.

## References
- https://requests.readthedocs.io/en/latest/user/advanced/#session-objects
- https://docs.python.org/3/library/concurrent.futures.html
"""

from __future__ import annotations

import ast

from throughlint.apis import (
    DB_CONNECTION_FACTORIES,
    EXECUTORS,
    HTTP_SESSIONS,
    REMOTE_CLIENT_FACTORIES,
)
from throughlint.effects.kinds import Effect
from throughlint.rules.base import Rule
from throughlint.rules.through_helpers import helper_call
from throughlint.semantic.expressions import names_read
from throughlint.semantic.loops import Loop, describe_loop

RULE = Rule(
    code="TL203",
    name="pool-per-iteration",
    summary="Executor, session or connection created on every pass of a loop",
    options=("connection-factories",),
    uses_index=True,
    doc=__doc__ or "",
    bad=(
        """\
import requests

def fetch_all(urls):
    pages = []
    for url in urls:
        with requests.Session() as session:  # expect: TL203
            pages.append(session.get(url).text)
    return pages
""",
        """\
from concurrent.futures import ThreadPoolExecutor

def process(batches, handle):
    for batch in batches:
        with ThreadPoolExecutor(max_workers=8) as pool:  # expect: TL203
            list(pool.map(handle, batch))
""",
        """\
import sqlite3

DB = "app.db"

def save(rows):
    for row in rows:
        conn = sqlite3.connect(DB)  # expect: TL203
        conn.execute("INSERT INTO t VALUES (?)", (row,))
        conn.commit()
        conn.close()
""",
        """\
import boto3

def upload(paths):
    return [boto3.client("s3").upload_file(p, "bucket", p) for p in paths]  # expect: TL203
""",
    ),
    good=(
        """\
import requests

def fetch_all(urls):
    with requests.Session() as session:
        return [session.get(url).text for url in urls]
""",
        """\
from concurrent.futures import ThreadPoolExecutor

def process(batches, handle):
    with ThreadPoolExecutor(max_workers=8) as pool:
        for batch in batches:
            list(pool.map(handle, batch))
""",
    ),
    near_miss=(
        """\
import sqlite3

def sizes(paths):
    for path in paths:
        conn = sqlite3.connect(path)
        print(conn.execute("SELECT count(*) FROM t").fetchone())
        conn.close()
""",
        """\
import sqlite3

class ConnectionPool:
    def __init__(self, path, size):
        self.free = [sqlite3.connect(path) for _ in range(size)]
        self.extra = []
        for _ in range(size):
            self.extra.append(sqlite3.connect(path))
""",
        """\
import time
import psycopg2

def connect(dsn, attempts):
    for attempt in range(attempts):
        try:
            conn = psycopg2.connect(dsn)
        except psycopg2.OperationalError:
            time.sleep(2 ** attempt)
            continue
        return conn
""",
        """\
import requests

for region in ("eu", "us"):
    session = requests.Session()
""",
        """\
import sqlite3

def poll(db):
    while True:
        conn = sqlite3.connect(db)
        conn.close()
""",
    ),
)


@RULE.on(ast.Call)
def check(checker, node: ast.Call) -> None:
    model = checker.semantic
    loop = model.hot_loop()
    if loop is None:
        return
    name = model.resolve(node.func)
    if name is None:
        return
    settings = checker.settings
    is_connection = (
        name in DB_CONNECTION_FACTORIES
        or name in REMOTE_CLIENT_FACTORIES
        or name in settings.connection_factories
    )
    if not is_connection and name not in EXECUTORS and name not in HTTP_SESSIONS:
        return
    if is_connection and names_read(node) & _loop_names(model):
        return  # a different database or endpoint on each pass
    if model.loop_facts(loop).kept(node, model.node_stack[-1]) or _is_retry(model, node, loop):
        return
    short = name.rsplit(".", 1)[-1] if not is_connection else name
    kind = "connection" if is_connection else "pool" if name in EXECUTORS else "session"
    checker.report(
        RULE,
        node,
        f"`{short}()` is created on every pass of {describe_loop(loop)}: N {kind}s set up "
        f"and torn down, no reuse; create it once before the loop and reuse it",
    )


def _loop_names(model) -> set[str]:
    names: set[str] = set()
    for loop in model.loops:
        names |= loop.target_names
    return names


def _is_retry(model, call: ast.Call, loop: Loop) -> bool:
    """Created inside ``try`` in a loop that leaves (``return``/``break``) once it works."""
    facts = model.loop_facts(loop)
    return facts.leaves_early and facts.in_try(call)


RULE.on_project("call")(
    helper_call(
        Effect.POOL,
        "starts and joins a worker pool",
        "N pools set up and torn down",
        per_item_only=True,
    )
)


@RULE.on_project("pool_site")
def check_pool_site(index, pending: dict) -> list:
    """A pool started and joined in a function that runs once per item: the finding is
    where the pool is made, which is where it is fixed (keep one pool and reuse it)."""
    chain = index.per_item_caller(pending["function"])
    if chain is None:
        return []
    short = pending["function"].rsplit(".", 1)[-1]
    if pending.get("client"):
        return [
            (
                f"`{pending['text']}()` is built and dropped on every call of `{short}()`, "
                f"which runs once per item or request ({chain}): N clients set up and torn "
                f"down, no connection reuse; keep one client for the process or the "
                f"instance and reuse it, or take it as a parameter",
                None,
                None,
            )
        ]
    return [
        (
            f"`{pending['text']}()` is started and joined on every call of `{short}()`, which "
            f"runs once per item or request ({chain}): N pools set up and torn down; keep "
            f"one pool for the process or the instance and reuse it, or take it as a "
            f"parameter",
            None,
            None,
        )
    ]


_CLIENTS = DB_CONNECTION_FACTORIES | REMOTE_CLIENT_FACTORIES | HTTP_SESSIONS


@RULE.on_project("call")
def check_factory_call(index, pending: dict) -> list:
    """``es = elasticsearch_client(conf)`` on every pass of a loop, where the project
    function builds a new client on each call (or the project class subclasses one)."""
    if pending.get("shape") or pending.get("kept") or pending.get("per_target"):
        return []
    made = index.new_object(pending["callee"], _CLIENTS)
    if made is None:
        return []
    short = made.rsplit(".", 1)[-1]
    return [
        (
            f"`{pending['text']}()` builds a new `{short}` client on every pass of "
            f"{pending['loop']}: N clients set up and torn down, no connection reuse; "
            f"create it once before the loop and reuse it",
            None,
            None,
        )
    ]
