"""Every key of a file's project-index facts says where it carries module names
(``roots.FACT_NAMES``): a key left out was not renamed when two roots define the same
module name, and the index mixed the two modules up."""

from __future__ import annotations

import ast
from pathlib import Path

from throughlint.index import facts as facts_module
from throughlint.index.roots import FACT_NAMES
from throughlint.project import lint_paths
from throughlint.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _keys_written_by_to_json() -> set[str]:
    """The literal keys ``FileFacts.to_json`` writes (``{"c": ...}``, ``found["m"] = ...``)."""
    tree = ast.parse(Path(facts_module.__file__).read_text(encoding="utf-8"))
    method = next(
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name == "to_json"
    )
    keys: set[str] = set()
    for node in ast.walk(method):
        if isinstance(node, ast.Dict):
            keys.update(
                key.value
                for key in node.keys
                if isinstance(key, ast.Constant) and isinstance(key.value, str)
            )
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Store)
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            keys.add(node.slice.value)
    return keys


def test_every_key_to_json_writes_is_described():
    written = _keys_written_by_to_json()
    assert {"c", "f", "p"} <= written  # the scan sees the method's keys
    assert written <= FACT_NAMES.keys(), sorted(written - FACT_NAMES.keys())


def test_every_key_of_the_fixture_projects_facts_is_described():
    settings = Settings(preview=True, extend_select=("TL404",), project_root=str(ROOT))
    result = lint_paths([str(ROOT / "fixtures")], settings, use_cache=False, jobs=1)
    keys = {key for facts in result.facts.values() for key in facts}
    assert {"c", "f", "p", "an"} <= keys
    assert keys <= FACT_NAMES.keys(), sorted(keys - FACT_NAMES.keys())
