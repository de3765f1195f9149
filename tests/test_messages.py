"""The message catalogue: every code renders, and location words are never template fields."""

from __future__ import annotations

import string

from evidence.messages import MESSAGES
from evidence.problems import Problem

LOCATION_KEYWORDS = {"file", "line", "row", "column", "criterion", "code"}


def test_templates_do_not_use_location_keywords() -> None:
    for code, template in MESSAGES.items():
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        assert not fields & LOCATION_KEYWORDS, code


def test_every_code_renders_with_its_fields() -> None:
    for code, template in MESSAGES.items():
        fields = {name: "x" for _, name, _, _ in string.Formatter().parse(template) if name}
        problem = Problem.of(code, file="f.csv", row=3, **fields)
        assert str(problem).startswith("f.csv, hàng 3: [") and code in str(problem)
        assert problem.severity == ("warning" if code.startswith("W") else "error")
