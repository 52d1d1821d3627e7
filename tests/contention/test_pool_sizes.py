"""TL202 sizes read through what real code wraps them in (issue 12, pool misses): a
hard-coded process-pool size through ``int(...)`` or a module constant, through the real
command. Each with the shape that stays clean, a near miss and a user's own ``Pool``."""

from __future__ import annotations

import pytest

from expectations import check_project

SIZES = {
    "int-of-a-defaulted-parameter": """
        from multiprocessing import Pool

        def crunch(chunks, max_workers=10):
            with Pool(int(max_workers)) as pool:  # expect: TL202
                return pool.map(sum, chunks)
        """,
    "module-constant": """
        from concurrent.futures import ProcessPoolExecutor

        WORKERS = 12

        def crunch(chunks):
            with ProcessPoolExecutor(max_workers=WORKERS) as pool:  # expect: TL202
                return list(pool.map(sum, chunks))
        """,
    "int-of-a-module-constant": """
        from concurrent.futures import ProcessPoolExecutor

        WORKERS = "8"
        PROCESSES = 8

        def crunch(chunks):
            with ProcessPoolExecutor(int(PROCESSES)) as pool:  # expect: TL202
                return list(pool.map(sum, chunks))
        """,
    "sized-from-the-cores": """
        import os
        from concurrent.futures import ProcessPoolExecutor

        WORKERS = len(os.sched_getaffinity(0))

        def crunch(chunks):
            with ProcessPoolExecutor(max_workers=WORKERS) as pool:
                return list(pool.map(sum, chunks))
        """,
    "near-miss-a-helper-of-two": """
        from multiprocessing import Pool

        HELPERS = 2

        def crunch(chunks):
            with Pool(int(HELPERS)) as pool:
                return pool.map(sum, chunks)
        """,
    "near-miss-a-local-name-shadows-the-constant": """
        import os
        from multiprocessing import Pool

        WORKERS = 12

        def crunch(chunks):
            WORKERS = int(os.environ.get("WORKERS", "4"))
            with Pool(WORKERS) as pool:
                return pool.map(sum, chunks)
        """,
    "near-miss-a-thread-pool-constant": """
        from concurrent.futures import ThreadPoolExecutor

        WORKERS = 12

        def fetch(urls, get):
            with ThreadPoolExecutor(max_workers=WORKERS) as pool:
                return list(pool.map(get, urls))
        """,
    "own-pool-class-is-not-multiprocessing": """
        WORKERS = 12

        class Pool:
            def __init__(self, size):
                self.size = size

        def make():
            return Pool(int(WORKERS))
        """,
}


@pytest.mark.parametrize("source", SIZES.values(), ids=SIZES.keys())
def test_hard_coded_process_pool_sizes(run_cli, tmp_path, source):
    check_project(run_cli, tmp_path, {"app/work.py": source}, ("TL202",))


# round 21 (probes p17, p43): a size read from another module of the project, and a
# process pool sized by its input
SETTINGS = """
    WORKER_PROCESSES = 48
    HELPERS = 2
    THREADS = 8
    RETUNED = 12
    RETUNED = 4
    """
ACROSS_MODULES = {
    "constant-of-a-settings-module": """
        from concurrent.futures import ProcessPoolExecutor

        from app import settings

        def render_all(pages):
            with ProcessPoolExecutor(settings.WORKER_PROCESSES) as pool:  # expect: TL202
                return list(pool.map(str.upper, pages))
        """,
    "constant-imported-by-name": """
        from multiprocessing import Pool

        from app.settings import WORKER_PROCESSES

        def render_all(pages):
            with Pool(WORKER_PROCESSES) as pool:  # expect: TL202
                return pool.map(str.upper, pages)
        """,
    "sized-by-its-input": """
        from multiprocessing import Pool

        def parse_all(paths):
            with Pool(processes=len(paths)) as pool:  # expect: TL202
                return pool.map(len, paths)
        """,
    "near-miss-bounded-by-the-cores": """
        import os
        from multiprocessing import Pool

        def parse_all(paths):
            with Pool(processes=min(len(paths), os.cpu_count() or 1)) as pool:
                return pool.map(len, paths)

        def parse_on_my_cores(paths):
            with Pool(processes=len(os.sched_getaffinity(0))) as pool:
                return pool.map(len, paths)
        """,
    "near-miss-imported-helper-threads-and-a-rebound-constant": """
        from concurrent.futures import ThreadPoolExecutor
        from multiprocessing import Pool

        from app import settings
        from app.settings import HELPERS, RETUNED

        def crunch(chunks):
            with Pool(HELPERS) as pool, Pool(RETUNED) as other:
                return pool.map(sum, chunks), other.map(sum, chunks)

        def fetch(urls, get):
            with ThreadPoolExecutor(max_workers=settings.THREADS) as pool:
                return list(pool.map(get, urls))
        """,
    "own-pool-class-sized-by-its-input": """
        from app import settings

        class Pool:
            def __init__(self, processes):
                self.processes = processes

        def make(paths):
            return Pool(processes=len(paths)), Pool(settings.WORKER_PROCESSES)
        """,
}


@pytest.mark.parametrize("source", ACROSS_MODULES.values(), ids=ACROSS_MODULES.keys())
def test_sizes_across_modules_and_by_input(run_cli, tmp_path, source):
    files = {"app/settings.py": SETTINGS, "app/work.py": source}
    check_project(run_cli, tmp_path, files, ("TL202",))
