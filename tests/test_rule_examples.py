"""Every rule's bad / good / near-miss examples, executed: bad ones fire exactly on the
lines marked ``# expect:``, good and near-miss ones stay clean."""

from __future__ import annotations

import ast

import pytest

from throughlint.engine import lint_text
from throughlint.rules import all_rules

from expectations import actual, expected


def _cases(kind: str):
    for rule in all_rules():
        for index, example in enumerate(getattr(rule, kind)):
            yield pytest.param(rule, example, id=f"{rule.code}-{kind.replace('_', '-')}-{index}")


@pytest.mark.parametrize(("rule", "example"), list(_cases("bad")))
def test_bad_example_fires_where_marked(rule, example):
    marks = expected(example, [rule.code])
    assert marks, "a bad example must mark at least one line with # expect:"
    assert actual(lint_text(example, "example.py", rules=[rule]), [rule.code]) == marks


@pytest.mark.parametrize(("rule", "example"), [*_cases("good"), *_cases("near_miss")])
def test_good_and_near_miss_examples_stay_clean(rule, example):
    assert lint_text(example, "example.py", rules=[rule]) == []


@pytest.mark.parametrize(
    ("rule", "example"), [*_cases("bad"), *_cases("good"), *_cases("near_miss")]
)
def test_examples_are_valid_python(rule, example):
    ast.parse(example)


def test_every_rule_has_examples_of_each_kind():
    for rule in all_rules():
        assert rule.bad and rule.good and rule.near_miss, rule.code
