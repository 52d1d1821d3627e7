"""Write ``rules/<CODE>.md``, ``rules/README.md`` and the rule table that selection reads
without importing the rules (``src/throughlint/rules/_codes.py``) from the rule modules.

Run: ``python scripts/update_rule_docs.py`` (``--check`` exits 1 when a page is stale).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from throughlint.catalogue import reference_page, tier
from throughlint.rules import all_rules, module_names, rule_modules

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
CODES_FILE = Path(__file__).resolve().parent.parent / "src" / "throughlint" / "rules" / "_codes.py"


def expected_codes() -> str:
    """``rules/_codes.py``: each rule's code, name, tier and whether it uses the index."""
    lines = [
        '"""Generated from the rule modules by ``scripts/update_rule_docs.py``: do not edit.',
        "",
        "Every rule's code, name, whether it is a preview rule and whether it uses the",
        "project index: what selecting rules, checking codes and ranking need, read without",
        'importing the rules (a one-file run served from the project snapshot runs none)."""',
        "",
        "from __future__ import annotations",
        "",
        "# (module, code, name, preview, uses the project index), by code",
        "RULES: tuple[tuple[str, str, str, bool, bool], ...] = (",
    ]
    for module, rule in sorted(rule_modules().items(), key=lambda item: item[1].code):
        module, code, name = (json.dumps(text) for text in (module, rule.code, rule.name))
        lines.append(f"    ({module}, {code}, {name}, {rule.preview}, {rule.uses_index}),")
    lines.append(")")
    lines.append("# every module of the package the table was generated from (rules and helpers)")
    lines.append("MODULES: frozenset[str] = frozenset(")
    lines.append("    {")
    lines.extend(f"        {json.dumps(name)}," for name in sorted(module_names()))
    lines.append("    }")
    lines.append(")")
    return "\n".join(lines) + "\n"


def expected_pages() -> dict[str, str]:
    pages = {f"{rule.code}.md": reference_page(rule) for rule in all_rules()}
    lines = [
        "# Rules",
        "",
        "Generated from `src/throughlint/rules/` by `scripts/update_rule_docs.py`.",
        "",
        "Preview rules run only with `--preview` (or `preview = true`).",
        "",
        "| code | name | tier | fix | summary |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rule in all_rules():
        lines.append(
            f"| [{rule.code}]({rule.code}.md) | {rule.name} | {tier(rule)} | {rule.fix.value} "
            f"| {rule.summary} |"
        )
    pages["README.md"] = "\n".join(lines) + "\n"
    return pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="report stale pages, write nothing")
    options = parser.parse_args()
    pages = expected_pages()
    stale = []
    for name, text in pages.items():
        path = RULES_DIR / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
            if not options.check:
                RULES_DIR.mkdir(exist_ok=True)
                path.write_text(text, encoding="utf-8")
    codes = expected_codes()
    if not CODES_FILE.exists() or CODES_FILE.read_text(encoding="utf-8") != codes:
        stale.append(str(CODES_FILE.relative_to(RULES_DIR.parent)))
        if not options.check:
            CODES_FILE.write_text(codes, encoding="utf-8")
    extra = sorted(p.name for p in RULES_DIR.glob("*.md") if p.name not in pages)
    for name in extra:
        stale.append(name)
        if not options.check:
            (RULES_DIR / name).unlink()
    if stale:
        verb = "stale" if options.check else "updated"
        print(f"{verb}: {', '.join(sorted(stale))}")
    return 1 if stale and options.check else 0


if __name__ == "__main__":
    sys.exit(main())
