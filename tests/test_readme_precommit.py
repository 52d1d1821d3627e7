"""The README's pre-commit snippet (issue 15, item 20): its ``rev`` is the tag of the
version being released, it names only hooks this repository defines, and real pre-commit
accepts both the snippet and the hook manifest."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from throughlint import __version__

from conftest import ROOT


def _snippet() -> dict:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, flags=re.DOTALL)
    (block,) = [block for block in blocks if "repos:" in block]
    return yaml.safe_load(block), block


def _manifest_ids() -> set[str]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {hook["id"] for hook in hooks}


def test_the_rev_is_the_tag_of_this_version():
    config, _ = _snippet()
    (repo,) = config["repos"]
    assert repo["repo"] == "https://github.com/throughlint/throughlint"
    assert repo["rev"] == f"v{__version__}"


def test_the_readme_says_how_to_pin_before_the_tag_exists():
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert f"`v{__version__}` is the tag the {__version__} release creates" in readme
    assert "full sha" in readme


def test_every_hook_id_the_readme_names_exists():
    _, block = _snippet()
    named = set(re.findall(r"-\s*id:\s*([\w-]+)", block))  # the commented-out one too
    assert named == {"throughlint", "throughlint-fix"}
    assert named <= _manifest_ids()


def _pre_commit(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    executable = Path(sys.executable).parent / "pre-commit"
    command = [str(executable)] if executable.exists() else [sys.executable, "-m", "pre_commit"]
    return subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_real_pre_commit_accepts_the_snippet_and_the_manifest(tmp_path):
    _, block = _snippet()
    (tmp_path / ".pre-commit-config.yaml").write_text(block)
    config = _pre_commit("validate-config", ".pre-commit-config.yaml", cwd=tmp_path)
    assert config.returncode == 0, config.stdout + config.stderr
    manifest = _pre_commit("validate-manifest", str(ROOT / ".pre-commit-hooks.yaml"), cwd=ROOT)
    assert manifest.returncode == 0, manifest.stdout + manifest.stderr
