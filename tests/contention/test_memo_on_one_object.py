"""A method that fills a memo on its object (``if not self._extract_iter:
self._extract_iter = self._get_extract_iter()``) runs the fill once per object. A loop that
calls it on the same object on every pass (``self.extractor.extract()`` with
``self.extractor`` not assigned in the loop, a name the loop does not bind) runs the fill
once, not once per pass: amundsen-databuilder's extractors build a thread pool inside the
generator their ``extract()`` creates once and then steps with ``next()`` (TL203 through
the index), and its ``QueryMerger.merge_into`` runs its REST query once into
``self._computed_query_result`` (TL401 through a pending call). A loop over objects, a
loop that makes or rebinds the object on each pass, and a method without the memo still
run the work once per pass. Run through the real CLI."""

from __future__ import annotations

from tests.support.cli_projects import lint_json, write_project

# adapted from databuilder/extractor/atlas_search_data_extractor.py and
# databuilder/task/search/search_metadata_to_elasticsearch_task.py
EXTRACTOR = """\
import multiprocessing.pool

import requests


class AtlasExtractor:
    def __init__(self, conf):
        self.conf = conf
        self._extract_iter = None

    def extract(self):
        if not self._extract_iter:
            self._extract_iter = self._get_extract_iter()
        try:
            return next(self._extract_iter)
        except StopIteration:
            return None

    def _execute_query(self):
        offsets = [i * 100 for i in range(self.conf["count"] // 100 + 1)]
        with multiprocessing.pool.ThreadPool(processes=4) as pool:  # TL203
            guid_list = pool.map(self._get_entity_guids, offsets, chunksize=1)
        for sub_list in guid_list:
            yield from sub_list

    def _get_entity_guids(self, offset):
        return requests.get(self.conf["url"], params={"offset": offset}, timeout=10).json()

    def _get_extract_iter(self):
        for entity in self._execute_query():
            yield {"guid": entity}
"""

TASK = """\
from app.extractor import AtlasExtractor


class SearchTask:
    def __init__(self, conf):
        self.extractor = AtlasExtractor(conf)

    def generate_documents(self):
        record = self.extractor.extract()
        while record:
            yield record
            record = self.extractor.extract()
"""

# adapted from databuilder/rest_api/query_merger.py and rest_api_query.py
MERGER = """\
import requests


class QueryMerger:
    def __init__(self, url, merge_key):
        self._url = url
        self._merge_key = merge_key
        self._computed_query_result = dict()

    def merge_into(self, record_dict):
        if not self._computed_query_result:
            self._computed_query_result = self._compute_query_result()
        value_of_merge_key = record_dict.get(self._merge_key)
        record_dict.update(self._computed_query_result.get(value_of_merge_key, {}))

    def _compute_query_result(self):
        response = requests.get(self._url, timeout=10)
        return {row[self._merge_key]: row for row in response.json()}


class RestApiQuery:
    def __init__(self, records, query_merger):
        self._records = records
        self._query_merger = query_merger

    def execute(self):
        for record_dict in self._records:
            new_record_dict = dict(record_dict)
            self._query_merger.merge_into(new_record_dict)
            yield new_record_dict
"""

# bad: a loop over extractors, each filling its own memo: a pool per item
OVER_OBJECTS = """\
from app.extractor import AtlasExtractor


def first_records(confs):
    extractors = [AtlasExtractor(conf) for conf in confs]
    found = []
    for extractor in extractors:
        found.append(extractor.extract())  # TL203
    return found
"""

# near miss: the same extractor each pass, but ``extract()`` makes a new generator on
# every call (no memo): a pool per call
NO_MEMO = EXTRACTOR.replace(
    """        if not self._extract_iter:
            self._extract_iter = self._get_extract_iter()
        try:
            return next(self._extract_iter)""",
    """        self._extract_iter = self._get_extract_iter()
        try:
            return next(self._extract_iter)""",
)

# shadowing: the same text ``self.extractor`` / ``merger``, rebound on every pass to a new
# object whose memo is empty
REBOUND_ATTRIBUTE = TASK.replace(
    """            yield record
            record = self.extractor.extract()""",
    """            yield record
            self.extractor = AtlasExtractor(record)
            record = self.extractor.extract()""",
)
REBOUND_NAME = (
    MERGER
    + """

def merge_each(records, url):
    for record in records:
        merger = QueryMerger(url, "id")
        merger.merge_into(record)  # TL401
"""
)
MERGER_LOCAL = (
    MERGER
    + """

def merge_all(records, url):
    merger = QueryMerger(url, "id")
    for record in records:
        merger.merge_into(record)
"""
)


def _findings(run_cli, tmp_path, files: dict[str, str], code: str) -> list[tuple[str, int]]:
    root = write_project(tmp_path, {"app/__init__.py": "", **files})
    report = lint_json(run_cli, root, "--show-all", "--select", code)
    return sorted(
        (d["path"].rsplit("/", 1)[-1], d["line"])
        for d in report["diagnostics"]
        if d["code"] == code
    )


def _marked(path: str, text: str, code: str) -> list[tuple[str, int]]:
    return [(path, n) for n, line in enumerate(text.splitlines(), 1) if line.endswith(f"# {code}")]


def test_a_pool_in_a_generator_memoised_on_the_extractor_is_built_once(run_cli, tmp_path):
    files = {"app/extractor.py": EXTRACTOR, "app/task.py": TASK}
    assert _findings(run_cli, tmp_path, files, "TL203") == []


def test_a_loop_over_extractors_still_builds_a_pool_per_item(run_cli, tmp_path):
    files = {"app/extractor.py": EXTRACTOR, "app/task.py": OVER_OBJECTS}
    assert _findings(run_cli, tmp_path, files, "TL203") == _marked(
        "extractor.py", EXTRACTOR, "TL203"
    ) + _marked("task.py", OVER_OBJECTS, "TL203")


def test_without_the_memo_each_call_builds_a_pool(run_cli, tmp_path):
    files = {"app/extractor.py": NO_MEMO, "app/task.py": TASK}
    assert _findings(run_cli, tmp_path, files, "TL203") == _marked("extractor.py", NO_MEMO, "TL203")


def test_an_extractor_rebound_on_each_pass_fills_its_memo_each_pass(run_cli, tmp_path):
    files = {"app/extractor.py": EXTRACTOR, "app/task.py": REBOUND_ATTRIBUTE}
    assert _findings(run_cli, tmp_path, files, "TL203") == _marked(
        "extractor.py", EXTRACTOR, "TL203"
    )


def test_a_merger_memoised_on_the_object_queries_once(run_cli, tmp_path):
    assert _findings(run_cli, tmp_path, {"app/merger.py": MERGER}, "TL401") == []
    assert _findings(run_cli, tmp_path, {"app/merger.py": MERGER_LOCAL}, "TL401") == []


def test_a_merger_made_on_each_pass_queries_per_item(run_cli, tmp_path):
    assert _findings(run_cli, tmp_path, {"app/merger.py": REBOUND_NAME}, "TL401") == _marked(
        "merger.py", REBOUND_NAME, "TL401"
    )
