"""TL205 follows the function a thread pool runs through the project index: a bound
method (``pool.submit(self._process_node, ...)``), a function of another module, a nested
function calling helpers elsewhere. It reports when nothing reached waits (network,
database, child process, sleep, file writes) or calls C code that releases the GIL, and
something loops in Python; a local file read to parse does not count as waiting
(issue 16). Run through the real CLI on small multi-module projects."""

from __future__ import annotations

import json
import textwrap

import pytest

WORK = """\
    def tally(rows):
        counts = {}
        for row in rows:
            for word in row.split():
                counts[word] = counts.get(word, 0) + 1
        return counts
    """


def _lines(run_cli, tmp_path, files: dict[str, str]) -> list[int]:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, source in files.items():
        (package / name).write_text(textwrap.dedent(source))
    result = run_cli(
        "--preview", "--select", "TL205", "--format", "json", "--no-cache", "--isolated", "."
    )
    assert result.returncode in (0, 1), result.stderr
    found = json.loads(result.stdout)["diagnostics"]
    assert all(item["path"].endswith("run.py") for item in found), found
    return sorted(item["line"] for item in found)


BAD = {
    "function-of-another-module": {
        "work.py": WORK,
        "run.py": """\
            from concurrent.futures import ThreadPoolExecutor

            from pkg.work import tally


            def tally_all(batches):
                with ThreadPoolExecutor() as pool:
                    return list(pool.map(tally, batches))  # flag
            """,
    },
    "bound-method": {
        "work.py": WORK,
        "run.py": """\
            import concurrent.futures

            from pkg import work


            class Solver:
                def _process_node(self, data):
                    return work.tally(data["rows"])

                def run(self, nodes):
                    executor = concurrent.futures.ThreadPoolExecutor()
                    jobs = []
                    for data in nodes:
                        jobs.append(executor.submit(self._process_node, data))  # flag
                    concurrent.futures.wait(jobs)
            """,
    },
    "nested-function-reading-one-file": {
        "parse.py": """\
            import ast


            def symbols(path):
                with open(path, encoding="utf-8") as handle:
                    tree = ast.parse(handle.read())
                return [node.name for node in ast.walk(tree) if hasattr(node, "name")]
            """,
        "run.py": """\
            from multiprocessing.pool import ThreadPool

            from pkg.parse import symbols


            class Indexer:
                def index(self, paths):
                    def _one(path):
                        return path, symbols(path)

                    with ThreadPool(8) as pool:
                        return dict(pool.map(_one, paths))  # flag
            """,
    },
    "in-memory-buffers-and-url-parsing": {
        "request.py": """\
            from io import BytesIO
            from urllib.parse import urlencode


            def fake_request(path, params):
                body = urlencode(params).encode("utf-8")
                return {"PATH_INFO": path, "wsgi.input": BytesIO(body)}
            """,
        "run.py": """\
            from concurrent.futures import ThreadPoolExecutor

            from pkg.request import fake_request


            def render(pages):
                def _render(page):
                    environ = fake_request(page, {"page": page})
                    return "".join(f"<p>{key}</p>" for key in sorted(environ))

                with ThreadPoolExecutor() as executor:
                    return list(executor.map(_render, pages))  # flag
            """,
    },
}

CLEAN = {
    "process-pool": {
        "work.py": WORK,
        "run.py": """\
            from concurrent.futures import ProcessPoolExecutor

            from pkg.work import tally


            def tally_all(batches):
                with ProcessPoolExecutor() as pool:
                    return list(pool.map(tally, batches))
            """,
    },
    "helper-fetches-over-http": {
        "work.py": """\
            import requests


            def sizes(urls):
                return [len(requests.get(url).content) for url in urls]
            """,
        "run.py": """\
            from concurrent.futures import ThreadPoolExecutor

            from pkg.work import sizes


            def all_sizes(groups):
                with ThreadPoolExecutor() as pool:
                    return list(pool.map(sizes, groups))
            """,
    },
    "method-writes-a-file": {
        "work.py": WORK,
        "run.py": """\
            from concurrent.futures import ThreadPoolExecutor

            from pkg.work import tally


            class Exporter:
                def _save(self, rows, path):
                    with open(path, "w") as out:
                        for word, count in tally(rows).items():
                            out.write(f"{word},{count}\\n")

                def run(self, jobs):
                    with ThreadPoolExecutor() as pool:
                        for rows, path in jobs:
                            pool.submit(self._save, rows, path)
            """,
    },
    "helper-hashes-in-c": {
        "work.py": """\
            import hashlib


            def digest(chunks):
                h = hashlib.sha256()
                for chunk in chunks:
                    h.update(chunk)
                return h.hexdigest()
            """,
        "run.py": """\
            from concurrent.futures import ThreadPoolExecutor

            from pkg.work import digest


            def digests(files):
                with ThreadPoolExecutor() as pool:
                    return list(pool.map(digest, files))
            """,
    },
    "helper-runs-a-child-process": {
        "work.py": """\
            import subprocess


            def check(paths):
                for path in paths:
                    subprocess.run(["ansible-playbook", "--syntax-check", path], check=False)
            """,
        "run.py": """\
            from concurrent.futures import ThreadPoolExecutor

            from pkg.work import check


            def check_all(groups):
                with ThreadPoolExecutor() as pool:
                    return list(pool.map(check, groups))
            """,
    },
    "upload-on-an-unknown-client": {
        "work.py": WORK,
        "run.py": """\
            from concurrent.futures import ThreadPoolExecutor

            from pkg.work import tally


            class Publisher:
                def _publish(self, name, rows):
                    self.storage.upload_file(name, str(tally(rows)))

                def run(self, jobs):
                    with ThreadPoolExecutor() as pool:
                        for name, rows in jobs:
                            pool.submit(self._publish, name, rows)
            """,
    },
    "get-on-a-client-of-unknown-type": {
        "fetch.py": """\
            def follow(client, url):
                for _ in range(5):
                    response = client.get(url)
                    if response.status_code not in (301, 302):
                        return response
                    url = response.headers["location"]
                return None
            """,
        "run.py": """\
            from concurrent.futures import ThreadPoolExecutor

            from pkg.fetch import follow


            def probe_all(client, links):
                with ThreadPoolExecutor() as pool:
                    return list(pool.map(lambda link: follow(client, link), links)), list(
                        pool.map(follow, [client] * len(links), links)
                    )
            """,
    },
    "helper-call-with-a-timeout": {
        "probe.py": """\
            from pkg.transport import open_channel


            def probe(address):
                checks = [part for part in address.split(":") if part]
                return open_channel(address, timeout=5.0), checks
            """,
        "transport.py": """\
            def open_channel(address, timeout):
                return (address, timeout)
            """,
        "run.py": """\
            from concurrent.futures import ThreadPoolExecutor

            from pkg.probe import probe


            def probe_all(addresses):
                with ThreadPoolExecutor() as pool:
                    return list(pool.map(probe, addresses))
            """,
    },
    "nothing-loops": {
        "work.py": """\
            def double(value):
                return value * 2
            """,
        "run.py": """\
            from concurrent.futures import ThreadPoolExecutor

            from pkg.work import double


            def doubled(values):
                with ThreadPoolExecutor() as pool:
                    return list(pool.map(double, values))
            """,
    },
    "own-thread-pool-class": {
        "work.py": WORK,
        "run.py": """\
            from pkg.work import tally


            class ThreadPoolExecutor:
                def map(self, fn, items):
                    return [fn(item) for item in items]


            def tally_all(batches):
                return list(ThreadPoolExecutor().map(tally, batches))
            """,
    },
    "local-definition-shadows-the-import": {
        "work.py": WORK,
        "run.py": """\
            from concurrent.futures import ThreadPoolExecutor

            import requests

            from pkg.work import tally


            def tally(urls):
                return [requests.get(url).status_code for url in urls]


            def tally_all(batches):
                with ThreadPoolExecutor() as pool:
                    return list(pool.map(tally, batches))
            """,
    },
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_cpu_work_through_the_index_is_reported(run_cli, tmp_path, name):
    source = textwrap.dedent(BAD[name]["run.py"])
    expected = [n for n, line in enumerate(source.splitlines(), 1) if line.endswith("# flag")]
    assert len(expected) == 1
    assert _lines(run_cli, tmp_path, BAD[name]) == expected


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_near_miss_stays_clean(run_cli, tmp_path, name):
    assert _lines(run_cli, tmp_path, CLEAN[name]) == []
