"""Write ``rules/<CODE>.md`` and ``rules/README.md`` from the rule modules.

Run: ``python scripts/update_rule_docs.py`` (``--check`` exits 1 when a page is stale).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from throughlint.catalogue import reference_page, tier
from throughlint.rules import all_rules

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


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
