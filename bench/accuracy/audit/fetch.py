"""Download, verify and unpack the audit's applications (``apps.toml``).

``python bench/accuracy/audit/fetch.py [--cache DIR] [--apps FILE] [--app NAME]``

Uses ``bench/accuracy/fetch.py`` (pip download of exactly ``name==version``, sha256
check, unpack once per digest) on each app; the tree is ``<cache>/src/<name>-<version>/``.
"""

from __future__ import annotations

import argparse
import os
import sys

from apps import APPS, CACHE, accuracy_fetch, load_apps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", default=CACHE, help="download and unpack here")
    parser.add_argument("--apps", default=APPS, help="the pinned applications (apps.toml)")
    parser.add_argument("--app", action="append", help="only this PyPI name (repeatable)")
    options = parser.parse_args(argv)
    cache = os.path.abspath(options.cache)
    shared = accuracy_fetch()
    from labels import Package  # on sys.path once accuracy_fetch() has run

    apps = [a for a in load_apps(options.apps) if not options.app or a.name in options.app]
    failures = 0
    for app in apps:
        package = Package(
            name=app.name,
            version=app.version,
            filename=app.filename,
            sha256=app.sha256,
            split="holdout",
            kind="library",
            labels=(),
        )
        try:
            tree = shared.fetch(package, cache)
        except shared.FetchError as exc:
            failures += 1
            print(f"error: {exc}", file=sys.stderr)
            continue
        print(f"{app.name}=={app.version}: {os.path.join(tree, app.root)}")
    print(f"{len(apps) - failures} of {len(apps)} applications ready in {cache}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
