"""Download and unpack every labelled package, each pinned by version and sha256.

``python bench/accuracy/fetch.py [--cache DIR] [--labels DIR] [--package NAME]``

For each ``labels/*.toml``: ``pip download --no-deps`` of exactly ``name==version`` into
the cache, pick the file named in the label file, check its sha256 (a different digest
stops the run), and unpack it to ``<cache>/src/<name>-<version>/`` (a wheel as is, an
sdist without its top folder). A package already unpacked from the same digest is
skipped, so running it twice downloads nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile

from labels import CACHE, LABELS, LabelError, Package, load_all

_STAMP = ".sha256"


class FetchError(RuntimeError):
    pass


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _wheel_target_options(filename: str) -> list[str]:
    """pip options that select this exact wheel rather than another file of the release:
    a platform wheel's own tags, and for a pure-Python wheel ``--platform any`` (else pip
    prefers a wheel built for this machine when the release has both)."""
    parts = filename[: -len(".whl")].split("-")
    if len(parts) < 5:
        raise FetchError(f"{filename}: not a wheel file name")
    python, abi, platform = parts[-3:]
    if platform == "any" and abi == "none":
        return ["--platform", "any", "--abi", "none"]
    options = ["--abi", *abi.split(".")[:1]]
    for tag in platform.split("."):
        options += ["--platform", tag]
    first = python.split(".")[0]
    implementation, digits = first[:2], first[2:]
    if len(digits) > 1:
        # A bare major tag (py3) leaves the version to this interpreter: "--python-version 3"
        # would mean 3.0 and trip the wheel's Requires-Python.
        options += ["--implementation", implementation]
        options += ["--python-version", f"{digits[0]}.{digits[1:]}"]
    return options


def download(package: Package, cache: str) -> str:
    """Path of the verified archive in ``cache``; pip skips a file it already has."""
    target = os.path.join(cache, package.filename)
    if not os.path.exists(target):
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--disable-pip-version-check",
            "-qq",
            "-d",
            cache,
        ]
        if package.is_wheel:
            command += ["--only-binary=:all:", *_wheel_target_options(package.filename)]
        else:
            # pip prepares an sdist's metadata in its own build environment (a venv
            # without setuptools or wheel can fetch it too); only this package is asked
            # for as source, so the build tools come as wheels and nothing is compiled
            command += [f"--no-binary={package.name}"]
        command.append(f"{package.name}=={package.version}")
        completed = subprocess.run(command, check=False)
        if completed.returncode != 0:
            raise FetchError(f"{package.name}=={package.version}: pip download failed")
    if not os.path.exists(target):
        stem = package.filename.split("-")[0].lower()
        present = sorted(
            name
            for name in os.listdir(cache)
            if os.path.isfile(os.path.join(cache, name)) and name.lower().startswith(stem)
        )
        raise FetchError(
            f"{package.name}=={package.version}: pip did not produce {package.filename} "
            f"(the cache holds {present})"
        )
    actual = sha256_of(target)
    if actual != package.sha256:
        raise FetchError(
            f"SHA256 MISMATCH for {target}: expected {package.sha256}, got {actual}. "
            "The file is not the one that was labelled; refusing to unpack it."
        )
    return target


def _safe_join(root: str, member: str) -> str:
    path = os.path.normpath(os.path.join(root, member))
    if os.path.isabs(member) or not (path == root or path.startswith(root + os.sep)):
        raise FetchError(f"archive member escapes the folder: {member!r}")
    return path


def _unpack_zip(archive: str, destination: str) -> None:
    with zipfile.ZipFile(archive) as handle:
        for member in handle.infolist():
            _safe_join(destination, member.filename)
        handle.extractall(destination)


def _unpack_tar(archive: str, destination: str) -> None:
    with tarfile.open(archive) as handle:
        members = handle.getmembers()
        for member in members:
            _safe_join(destination, member.name)
            if not (member.isfile() or member.isdir()):
                raise FetchError(f"{archive}: unexpected link or device {member.name!r}")
        handle.extractall(destination, members=members)


def _strip_top_folder(folder: str) -> str:
    """The single top folder of an sdist, else ``folder`` itself."""
    entries = os.listdir(folder)
    if len(entries) == 1 and os.path.isdir(os.path.join(folder, entries[0])):
        return os.path.join(folder, entries[0])
    return folder


def unpack(package: Package, archive: str, cache: str) -> str:
    """Unpack into ``<cache>/src/<name>-<version>/`` once per digest; returns that folder."""
    tree = package.tree(cache)
    stamp = tree + _STAMP
    if os.path.isdir(tree) and os.path.exists(stamp):
        with open(stamp, encoding="utf-8") as handle:
            if handle.read().strip() == package.sha256:
                return tree
    os.makedirs(os.path.dirname(tree), exist_ok=True)
    scratch = tempfile.mkdtemp(prefix=".unpack-", dir=os.path.dirname(tree))
    try:
        if package.is_wheel or package.filename.endswith(".zip"):
            _unpack_zip(archive, scratch)
        else:
            _unpack_tar(archive, scratch)
        top = scratch if package.is_wheel else _strip_top_folder(scratch)
        if os.path.exists(stamp):
            os.remove(stamp)
        if os.path.isdir(tree):
            shutil.rmtree(tree)
        os.replace(top, tree)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    with open(stamp, "w", encoding="utf-8") as handle:
        handle.write(package.sha256 + "\n")
    return tree


def fetch(package: Package, cache: str) -> str:
    os.makedirs(cache, exist_ok=True)
    return unpack(package, download(package, cache), cache)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", default=CACHE, help="download and unpack here")
    parser.add_argument("--labels", default=LABELS, help="folder of label files")
    parser.add_argument("--package", action="append", help="only this PyPI name (repeatable)")
    options = parser.parse_args(argv)
    cache = os.path.abspath(options.cache)
    try:
        packages = load_all(options.labels)
    except LabelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if options.package:
        packages = [p for p in packages if p.name in set(options.package)]
    failures = 0
    for package in packages:
        try:
            tree = fetch(package, cache)
        except FetchError as exc:
            failures += 1
            print(f"error: {exc}", file=sys.stderr)
            continue
        print(f"{package.name}=={package.version}: {os.path.relpath(tree)}")
    print(f"{len(packages) - failures} of {len(packages)} packages ready in {cache}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
