"""What the sub-commands that lint share: exit codes, the argument parser's error style,
code lists, and settings from the configuration file with the command line laid over."""

from __future__ import annotations

import argparse
import sys

from throughlint.arguments import EXIT_ERROR, Parser

__all__ = ["EXIT_CLEAN", "EXIT_DIAGNOSTICS", "EXIT_ERROR", "Parser"]

EXIT_CLEAN, EXIT_DIAGNOSTICS = 0, 1


def code_list(value: str) -> list[str]:
    return [
        item.strip().upper() if item.strip() != "ALL" else "ALL"
        for item in value.split(",")
        if item.strip()
    ]


def settings_from_options(options: argparse.Namespace, paths: list[str]):
    """The configuration file's settings with the command line's overrides laid over them
    (every sub-command that lints uses this; absent options change nothing)."""
    from throughlint.config import load_settings, validate_codes
    from throughlint.rules import known_codes

    def option(name: str):
        return getattr(options, name, None)

    settings = load_settings(
        option("config"), config_start(paths), known_codes(), bool(option("isolated"))
    )
    changes: dict[str, object] = {}
    for key in ("select", "extend_select", "ignore"):
        value = option(key)
        if value is not None:
            validate_codes(f"--{key.replace('_', '-')}", value, known_codes())
            changes[key] = tuple(value)
    if option("select") is not None and option("extend_select") is None:
        changes["extend_select"] = ()
    if option("exclude") is not None:
        changes["exclude"] = tuple(option("exclude"))
    if option("extend_exclude") is not None:
        changes["extend_exclude"] = settings.extend_exclude + tuple(option("extend_exclude"))
    if option("force_exclude"):
        changes["force_exclude"] = True
    if option("show_all"):
        changes["show_all"] = True
    if option("preview"):
        changes["preview"] = True
    return settings.with_changes(**changes)


def config_start(paths: list[str]) -> str:
    """Where the configuration is looked for: the folder all the named paths share, so
    that the order of the names does not matter (pre-commit's ``tools/a.py shop/b.py``
    took ``tools/pyproject.toml`` for ``shop/b.py`` too, and ``shop/b.py tools/a.py`` the
    project's). Without a configuration above that folder, the first path's, as before."""
    import os

    from throughlint.config import ConfigError, find_config

    if len(paths) < 2:
        return paths[0]
    try:
        shared = os.path.commonpath([os.path.abspath(path) for path in paths])
        if find_config(shared) is not None:
            return shared
    except (ValueError, ConfigError):  # paths on different drives; a broken pyproject.toml
        pass
    return paths[0]  # no configuration above them all: each sub-project's, as before


def warn_preview_selection(settings) -> None:
    """One line per selector that names only preview rules while preview is off."""
    from throughlint.rules import preview_only_selectors

    if settings.preview:
        return
    for selector in preview_only_selectors(settings.select + settings.extend_select):
        print(
            f"throughlint: warning: selection `{selector}` has no effect because preview "
            "is not enabled (use --preview or `preview = true`)",
            file=sys.stderr,
        )


def fail(message: str) -> int:
    print(f"throughlint: error: {message}", file=sys.stderr)
    return EXIT_ERROR
