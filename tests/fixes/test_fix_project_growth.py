"""``--fix`` over a project grows linearly with the number of files it fixes: each round
re-lints the files it changed with one project index (``Project.lint_buffers``), not one
index per file (1,000 files, each fixed: 47 s before, 11 s after; ``bench/fix_project.py``).
Counted as merged indexes: a count of calls at 12 and 48 files did not tell the quadratic
form from the linear one (the per-file rewrite dominates at test sizes)."""

from __future__ import annotations

from support.generated_projects import loaders

from throughlint.fixing import fix_result
from throughlint.index.project import ProjectIndex
from throughlint.project import Project
from throughlint.settings import Settings


def test_one_index_per_round_not_per_file(tmp_path, monkeypatch):
    package = loaders(tmp_path, 12)
    settings = Settings(project_root=str(tmp_path))
    project = Project(settings, str(tmp_path), use_cache=False)
    result = project.lint_paths([str(package)])
    built = []
    finish = ProjectIndex.finish
    monkeypatch.setattr(
        ProjectIndex, "finish", lambda index, *reuse: built.append(1) or finish(index, *reuse)
    )
    report = fix_result(result, settings, unsafe=True, write=False, project=project)
    assert report.applied == 12
    assert len(built) == 1  # one round fixed every file: one re-lint, one index


def test_a_round_sees_the_other_fixed_files(tmp_path):
    """What remains after fixing is what a fresh run of the fixed project finds."""
    package = loaders(tmp_path, 3)
    settings = Settings(project_root=str(tmp_path))
    project = Project(settings, str(tmp_path), use_cache=False)
    report = fix_result(project.lint_paths([str(package)]), settings, unsafe=True, project=project)
    assert report.applied == 3
    fresh = Project(settings, str(tmp_path), use_cache=False).lint_paths([str(package)])
    remaining = sorted((d.path, d.span.line, d.code) for d in report.result.calls)
    assert remaining == sorted((d.path, d.span.line, d.code) for d in fresh.calls)


IDNA = """\
# coding: idna
import sqlite3


def store(conn: sqlite3.Connection, rows):
    for row in rows:
        conn.execute("INSERT INTO t (a) VALUES (?)", (row,))
        conn.commit()
"""


def test_a_file_whose_fixed_text_cannot_be_encoded_stays_the_others_are_fixed(tmp_path, run_cli):
    """The re-lint of a round encodes every changed file: one that cannot be encoded in
    its own declared encoding is left as it was, with a warning; the run goes on."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'r'\n")
    (tmp_path / "i.py").write_text(IDNA)
    (tmp_path / "ok.py").write_text(IDNA.split("\n", 1)[1])
    completed = run_cli("--no-cache", "--fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert "Traceback" not in completed.stderr
    assert "i.py: fix not applied: the result cannot be encoded as idna" in completed.stderr
    assert (tmp_path / "i.py").read_text() == IDNA
    assert "executemany" in (tmp_path / "ok.py").read_text()


NESTED = """\
import sqlite3


def store(conn: sqlite3.Connection, groups):
    for rows in groups:
        for row in rows:
            conn.execute("INSERT INTO t (a) VALUES (?)", (row,))
            conn.commit()
"""


def test_a_file_whose_relint_fails_is_left_as_read_not_half_fixed(tmp_path, monkeypatch):
    """A failure re-linting one file (a bug outside the rules) leaves that file as it was
    read, after no more rounds; the other files are fixed."""
    package = loaders(tmp_path, 2)
    (package / "nested.py").write_text(NESTED)
    settings = Settings(project_root=str(tmp_path))
    project = Project(settings, str(tmp_path), use_cache=False)
    result = project.lint_paths([str(package)])

    lint_buffers = Project.lint_buffers

    def failing_with_nested(self, buffers, **options):
        if any(path.endswith("nested.py") for path in buffers):
            raise RuntimeError("injected")
        return lint_buffers(self, buffers, **options)

    monkeypatch.setattr(Project, "lint_buffers", failing_with_nested)
    report = fix_result(result, settings, unsafe=True, project=project)
    assert (package / "nested.py").read_text() == NESTED
    [nested] = [item for item in report.files if item.path.endswith("nested.py")]
    assert nested.error == "fix not applied: internal error (RuntimeError)"
    assert not nested.applied and not nested.changed
    assert all("executemany" in (package / f"m{k}.py").read_text() for k in range(2))
