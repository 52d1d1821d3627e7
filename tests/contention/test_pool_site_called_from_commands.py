"""TL203 at the pool when only a command's loop runs it per item (issue 12): a function of
the package that starts and joins a pool on every call, called once per item by a loop of
a command-line module or a script, is shown where the pool is made, naming the chain; the
function is the package's API, not command-line code. A pool made per pass in the
command's own code, a pool per call that a command calls once, and a pool per call under
a migration's loop stay held back or clean. Real source through the real CLI."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from support.pool_programs import FETCH, OWN_EXECUTOR, SHARED

# a command-line module whose queue loop hands each buffer to the package's function
COMMAND_LOOP = """\
from app.fetch import download


def crawl(store, get):
    while not store.done:
        urls = store.take()
        for url, result in download(urls, get):
            print(url, len(result))
"""
# a script: its ``__main__`` guard runs ``main``, whose loop calls the function per site
SCRIPT_LOOP = """\
from app.fetch import download


def main(sites):
    for site in sites:
        print(download(site.urls, str))


if __name__ == "__main__":
    main([])
"""
# the command calls the function once for all of its input
COMMAND_ONCE = """\
from app.fetch import download


def crawl(sites, get):
    return download([url for site in sites for url in site.urls], get)
"""
# a data migration's loop: one-off maintenance, held back
MIGRATION_LOOP = """\
from app.fetch import download


def forwards(sites):
    for site in sites:
        download(site.urls, str)
"""
# start-up: an application's constructor and its ``setup`` load each configured site
START_UP_LOOP = """\
from app.fetch import download


class App:
    def __init__(self, sites):
        for site in sites:
            download(site.urls, str)


def setup(sites):
    for site in sites:
        download(site.urls, str)
"""
# the pool per pass is in the command's own code
OWN_PER_PASS = """\
from concurrent.futures import ThreadPoolExecutor


def crawl(batches, get):
    for batch in batches:
        with ThreadPoolExecutor(max_workers=4) as pool:
            print(list(pool.map(get, batch)))
"""


def _pool_line(source: str) -> int:
    return next(n for n, line in enumerate(source.splitlines(), 1) if line.endswith("# pool"))


def _lint(run_cli, root: Path, files: dict[str, str]) -> dict:
    for name, text in {"app/__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    (root / "pyproject.toml").write_text("[tool.throughlint]\n")
    done = run_cli(".", "--no-cache", "--select", "TL203", "--format", "json", cwd=root)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("caller_path", "caller", "loop"),
    [
        pytest.param("app/cli.py", COMMAND_LOOP, "the `while` loop in `app.cli.crawl`", id="cli"),
        pytest.param(
            "app/run.py", SCRIPT_LOOP, "the loop over `sites` in `app.run.main`", id="main-guard"
        ),
    ],
)
def test_bad_pool_per_call_run_per_item_by_a_commands_loop(
    run_cli, tmp_path, caller_path, caller, loop
):
    document = _lint(run_cli, tmp_path, {"app/fetch.py": FETCH, caller_path: caller})
    ((finding,),) = [document["diagnostics"]]
    assert (finding["path"], finding["line"]) == ("app/fetch.py", _pool_line(FETCH))
    assert finding["path_kind"].startswith("cold: called from")
    message = finding["message"]
    assert "on every call of `_download()`" in message
    assert loop in message  # the caller chain: the command's loop ...
    assert "calls `_download()`" in message  # ... down to the pool
    assert "keep one pool for the process or the instance and reuse it" in message


@pytest.mark.parametrize(
    ("fetch", "id_"),
    [pytest.param(SHARED, "good", id="good-one-pool"), pytest.param(OWN_EXECUTOR, "own", id="own")],
)
def test_good_long_lived_pool_and_own_executor_class(run_cli, tmp_path, fetch, id_):
    document = _lint(run_cli, tmp_path, {"app/fetch.py": fetch, "app/cli.py": COMMAND_LOOP})
    assert document["diagnostics"] == []
    assert document["summary"]["held_back"] == {}


def test_near_miss_called_once_by_a_command(run_cli, tmp_path):
    document = _lint(run_cli, tmp_path, {"app/fetch.py": FETCH, "app/cli.py": COMMAND_ONCE})
    assert document["diagnostics"] == []
    assert document["summary"]["held_back"] == {}


@pytest.mark.parametrize(
    ("files", "held"),
    [
        pytest.param({"app/cli.py": OWN_PER_PASS}, 1, id="per-pass-in-the-commands-own-code"),
        pytest.param(
            {"app/fetch.py": FETCH, "app/migrations/0002_sites.py": MIGRATION_LOOP},
            2,  # the pool, and the call in the migration's loop
            id="per-item-of-a-migration",
        ),
        pytest.param(
            {"app/fetch.py": FETCH, "app/app.py": START_UP_LOOP},
            3,  # the pool, and the calls in the two start-up loops
            id="per-item-at-start-up",
        ),
    ],
)
def test_near_miss_stays_held_back(run_cli, tmp_path, files, held):
    document = _lint(run_cli, tmp_path, {"app/migrations/__init__.py": "", **files})
    assert document["diagnostics"] == []
    assert document["summary"]["held_back"] == {"cold path": held}
