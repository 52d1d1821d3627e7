"""Sources shared by the TL203 pool-site tests: a package function that starts and joins a
pool on every call, the same with one pool for the process, and a user's own class named
``ThreadPoolExecutor`` (no threads)."""

FETCH = """\
from concurrent.futures import ThreadPoolExecutor


def _download(urls, get):
    with ThreadPoolExecutor(max_workers=8) as pool:  # pool
        return list(pool.map(get, urls))


def download(urls, get):
    return _download(urls, get)
"""
# good: one pool for the module, made once
SHARED = """\
from concurrent.futures import ThreadPoolExecutor

POOL = ThreadPoolExecutor(max_workers=8)


def download(urls, get):
    return list(POOL.map(get, urls))
"""
# the user's own executor class: no threads
OWN_EXECUTOR = """\
class ThreadPoolExecutor:
    def __init__(self, max_workers):
        self.max_workers = max_workers

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def map(self, fn, items):
        return map(fn, items)


def download(urls, get):
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(get, urls))
"""
