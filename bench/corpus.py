"""Build the pinned benchmark corpus: the ``.py`` files of three PyPI sdists.

Each sdist is pinned by version and sha256; a download whose digest differs is refused.
Downloads are cached in ``bench/.downloads/`` and the extracted files live in
``bench/.corpus/<name>-<version>/`` (both ignored by git). Run it on its own to print
the corpus size: ``python bench/corpus.py``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
DOWNLOADS = os.path.join(HERE, ".downloads")
CORPUS = os.path.join(HERE, ".corpus")


@dataclass(frozen=True)
class Sdist:
    project: str
    version: str
    filename: str
    sha256: str


PINNED = (
    Sdist(
        "Django",
        "5.2.19",
        "django-5.2.19.tar.gz",
        "ad03d8abc51dbff95ebf34b27123cf0c26a3b62db7ba0cd520783686362533d1",
    ),
    Sdist(
        "SQLAlchemy",
        "2.0.44",
        "sqlalchemy-2.0.44.tar.gz",
        "0ae7454e1ab1d780aee69fd2aae7d6b8670a581d8847f2d1e0f7ddfbf47e5a22",
    ),
    Sdist(
        "apache-airflow-core",
        "3.3.2",
        "apache_airflow_core-3.3.2.tar.gz",
        "53f38e7749a2689a1d67c6e661284ecddaa687c1f7f3cae2d76b2eca7758210f",
    ),
)


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(sdist: Sdist) -> str:
    """Path of the verified archive, downloading it once with pip (which reads the
    package index pip is configured for, a mirror included)."""
    target = os.path.join(DOWNLOADS, sdist.filename)
    if os.path.exists(target) and _sha256(target) == sdist.sha256:
        return target
    os.makedirs(DOWNLOADS, exist_ok=True)
    print(f"downloading {sdist.filename} ...", file=sys.stderr)
    with tempfile.TemporaryDirectory(dir=DOWNLOADS) as scratch:
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            f"--no-binary={sdist.project}",
        ]
        command += ["--disable-pip-version-check", "-qq", "-d", scratch]
        command.append(f"{sdist.project}=={sdist.version}")
        if subprocess.run(command, check=False).returncode != 0:
            raise SystemExit(f"{sdist.filename}: pip download failed")
        partial = os.path.join(scratch, sdist.filename)
        if not os.path.exists(partial):
            raise SystemExit(f"{sdist.filename}: pip gave {sorted(os.listdir(scratch))}")
        actual = _sha256(partial)
        if actual != sdist.sha256:
            raise SystemExit(f"{sdist.filename}: sha256 {actual}, pinned {sdist.sha256}")
        os.replace(partial, target)
    return target


def extract(sdist: Sdist) -> str:
    """Folder holding only the sdist's ``.py`` files, extracted once."""
    folder = os.path.join(CORPUS, f"{sdist.project}-{sdist.version}")
    done = os.path.join(folder, ".complete")
    if os.path.exists(done):
        return folder
    archive = download(sdist)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if m.isfile() and m.name.endswith(".py")]
        for member in members:
            # Drop the sdist's top folder; refuse anything that would escape the corpus.
            relative = os.path.normpath(member.name.split("/", 1)[-1])
            if relative.startswith("..") or os.path.isabs(relative):
                continue
            destination = os.path.join(folder, relative)
            os.makedirs(os.path.dirname(destination), exist_ok=True)
            source = tar.extractfile(member)
            if source is None:
                continue
            with source, open(destination, "wb") as handle:
                shutil.copyfileobj(source, handle)
    with open(done, "w", encoding="utf-8") as handle:
        handle.write(sdist.sha256 + "\n")
    return folder


def build() -> list[str]:
    """The corpus folders, built if needed."""
    folders = [extract(sdist) for sdist in PINNED]
    # A project-root marker: without it, tools that look upward for a project root
    # (fixit's trailrunner) find this repository and skip the corpus as git-ignored.
    marker = os.path.join(CORPUS, "pyproject.toml")
    write_project_file(marker, "# root of the benchmark corpus (see bench/corpus.py)\n")
    return folders


def write_project_file(path: str, header: str) -> None:
    """A ``pyproject.toml`` with an empty ``[tool.throughlint]`` table: throughlint's
    project root (it takes the nearest file with that table, which would otherwise be
    this repository's own, whose ``extend-exclude`` drops every ``tests`` folder)."""
    text = f"{header}[tool.throughlint]\n"
    try:
        with open(path, encoding="utf-8") as handle:
            if handle.read() == text:
                return
    except OSError:
        pass
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def python_files(folders: list[str]) -> list[str]:
    files = []
    for folder in folders:
        for root, dirs, names in os.walk(folder):
            dirs.sort()
            files.extend(os.path.join(root, name) for name in sorted(names) if name.endswith(".py"))
    return files


def count_lines(files: list[str]) -> int:
    total = 0
    for path in files:
        with open(path, "rb") as handle:
            total += handle.read().count(b"\n")
    return total


if __name__ == "__main__":
    found = python_files(build())
    print(f"{len(found)} files, {count_lines(found)} lines in {CORPUS}")
