"""``Rule.options`` is real: every option a rule declares is a key of the configuration
(``config.KEYS``), and the rule's page lists exactly those options."""

from __future__ import annotations

import re

import pytest

from throughlint.config import KEYS
from throughlint.rules import all_rules

_OPTIONS = re.compile(r"^## Options\n(?P<body>.*?)(?=^## |\Z)", re.DOTALL | re.MULTILINE)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code)
def test_declared_options_are_settings_and_documented(rule):
    assert set(rule.options) <= set(KEYS), set(rule.options) - set(KEYS)
    section = _OPTIONS.search(rule.reference)
    listed = set(re.findall(r"^- `([a-z-]+)`", section["body"], re.MULTILINE)) if section else set()
    assert listed == set(rule.options)
