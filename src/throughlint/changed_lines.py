"""``--diff-from REF``: keep only findings on lines added or changed since ``REF`` (git).

"Since REF" means since the merge base of REF and HEAD, as a pull request sees it: lines
that changed on REF's branch after the fork are not the branch's doing. The working tree
counts (staged and unstaged edits), an untracked file is new in every line, and a file
git sees as renamed keeps its unchanged lines.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass

from throughlint.diagnostics import Diagnostic

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
ALL_LINES = None  # marks a file that is new as a whole


# Every option that user configuration could change and the parser depends on, spelled
# out: prefixes (diff.noprefix, diff.mnemonicPrefix, diff.srcPrefix), context and merged
# hunks (diff.context, diff.interHunkContext), colour, external and textconv drivers.
DIFF_OPTIONS = (
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "--unified=0",
    "--inter-hunk-context=0",
    "--find-renames",
)


class GitError(Exception):
    """git is missing, the folder is not a repository, or REF is not a revision."""


@dataclass
class ChangedLines:
    root: str
    files: dict[str, set[int] | None]  # real path -> changed lines (None: every line)

    def touches(self, diagnostic: Diagnostic) -> bool:
        path = os.path.realpath(diagnostic.path)
        if path not in self.files:
            return False
        lines = self.files[path]
        if lines is None:
            return True
        span = diagnostic.span
        if any(line in lines for line in range(span.line, max(span.end_line, span.line) + 1)):
            return True
        # a finding grouped at its loop is on a changed line when one of its calls is
        return any(r.line in lines for r in diagnostic.related if r.path == diagnostic.path)

    def filter(self, diagnostics: Iterable[Diagnostic], keep: frozenset[str] = frozenset()):
        """The findings on changed lines (and every finding whose code is in ``keep``)."""
        return [d for d in diagnostics if d.code in keep or self.touches(d)]


def _git(directory: str, *args: str) -> str:
    try:
        completed = subprocess.run(
            ["git", "-c", "core.quotePath=false", "-C", directory, *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            check=False,
        )
    except FileNotFoundError:
        raise GitError("--diff-from needs git, and git is not on PATH") from None
    if completed.returncode != 0:
        raise GitError(completed.stderr.strip().splitlines()[-1] if completed.stderr else "")
    return completed.stdout


def changed_lines(ref: str, directory: str = ".") -> ChangedLines:
    """Lines added or changed in the working tree of the repository holding ``directory``
    since the merge base of ``ref`` and HEAD."""
    directory = directory if os.path.isdir(directory) else os.path.dirname(directory) or "."
    try:
        root = _git(directory, "rev-parse", "--show-toplevel").strip()
    except GitError:
        message = f"--diff-from: {os.path.abspath(directory)} is not in a git repository"
        raise GitError(message) from None
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except GitError:
        raise GitError(f"--diff-from: unknown git revision {ref!r}") from None
    try:
        base = _git(root, "merge-base", ref, "HEAD").strip() or ref
    except GitError:  # unrelated histories, or no HEAD yet
        base = ref
    diff = _git(root, "diff", *DIFF_OPTIONS, base, "--")
    files = parse_diff(diff, root)
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "-z")
    for name in untracked.split("\0"):
        if name:
            files[os.path.realpath(os.path.join(root, name))] = ALL_LINES
    return ChangedLines(os.path.realpath(root), files)


def parse_diff(diff: str, root: str) -> dict[str, set[int] | None]:
    """Added lines per file (real path) from ``git diff --unified=0`` output."""
    files: dict[str, set[int] | None] = {}
    current: set[int] | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            name = line[4:]
            if name.endswith("\t"):  # git ends a name that has a space with a tab
                name = name[:-1]
            if name == "/dev/null":
                current = None
                continue
            name = _unquote(name)
            name = name[2:] if name.startswith("b/") else name
            current = files.setdefault(os.path.realpath(os.path.join(root, name)), set())
            continue
        match = _HUNK.match(line)
        if match and current is not None:
            start = int(match.group(1))
            count = 1 if match.group(2) is None else int(match.group(2))
            current.update(range(start, start + count))
    return files


_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def _unquote(name: str) -> str:
    """git quotes names with control characters, quotes or backslashes C-style."""
    if len(name) < 2 or not (name.startswith('"') and name.endswith('"')):
        return name
    body, out, index = name[1:-1], bytearray(), 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            escape = body[index + 1]
            if escape in "01234567":
                out.append(int(body[index + 1 : index + 4], 8))
                index += 4
                continue
            out.append(_ESCAPES.get(escape, ord(escape) if escape.isascii() else 92))
            index += 2
            continue
        out += char.encode("utf-8", "surrogateescape")
        index += 1
    return out.decode("utf-8", "surrogateescape")
