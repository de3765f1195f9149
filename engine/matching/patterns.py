"""The matching contract: requirement patterns over document facts.

Every document requirement of a scheme compiles to one `Pattern`. A matcher
answers, for a list of facts, which facts satisfy each pattern and which
patterns no fact satisfies. Two matchers implement it with the same
semantics: `durable_matcher` (durable-rules, a Rete engine) and
`python_matcher` (plain Python, the reference). Nothing else in cchc may
depend on which one runs.

Fact values are NFC-normalised strings, ints, or tuples of strings; dates
are ints `yyyymmdd` so that ordering is numeric, never textual.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

FactValue = str | int | tuple[str, ...] | None
Fact = Mapping[str, FactValue]

Op = Literal["eq", "has", "lte", "gte"]
"""eq: fact[field] == value (str or int).
has: value is an element of the tuple fact[field].
lte / gte: fact[field] (int) <= / >= value (int).
A test on a field the fact lacks (or holds None) is false."""


@dataclass(frozen=True)
class Test:
    __test__ = False  # not a pytest test class, despite the name

    field: str
    op: Op
    value: str | int


@dataclass(frozen=True)
class Pattern:
    """A fact satisfies the pattern when it passes every test of at least one branch."""

    rule_id: str
    branches: tuple[tuple[Test, ...], ...]


@dataclass(frozen=True)
class MatchResult:
    """`matched[rule_id]` lists fact indexes in ascending order (every rule id present,
    possibly empty); `absent` holds the rule ids no fact satisfies."""

    matched: Mapping[str, tuple[int, ...]]
    absent: frozenset[str] = field(default_factory=frozenset)


class Matcher(Protocol):
    name: str

    def match(self, facts: Sequence[Fact]) -> MatchResult: ...


class PatternError(ValueError):
    """A pattern the matchers cannot evaluate safely (raised when a matcher is built)."""


def passes(test: Test, fact: Fact) -> bool:
    """Reference semantics of one test; both matchers must agree with it."""
    seen = fact.get(test.field)
    if seen is None:
        return False
    if test.op == "eq":
        return type(seen) is type(test.value) and seen == test.value
    if test.op == "has":
        return isinstance(seen, tuple) and test.value in seen
    if not isinstance(seen, int) or isinstance(seen, bool) or not isinstance(test.value, int):
        return False
    return seen <= test.value if test.op == "lte" else seen >= test.value


def validate_patterns(patterns: Sequence[Pattern]) -> None:
    """Reject what either matcher would mis-evaluate: empty branches, duplicate ids,
    order tests on non-ints, reserved field names."""
    seen: set[str] = set()
    for pattern in patterns:
        if pattern.rule_id in seen:
            raise PatternError(f"duplicate rule id {pattern.rule_id!r}")
        seen.add(pattern.rule_id)
        if not pattern.branches:
            raise PatternError(f"rule {pattern.rule_id!r} has no branch")
        for branch in pattern.branches:
            if not branch:
                raise PatternError(f"rule {pattern.rule_id!r} has an empty branch")
            for t in branch:
                if t.field in RESERVED_FIELDS:
                    raise PatternError(f"rule {pattern.rule_id!r} tests reserved field {t.field!r}")
                if t.op in ("lte", "gte") and (not isinstance(t.value, int) or isinstance(t.value, bool)):
                    raise PatternError(f"rule {pattern.rule_id!r}: {t.op} needs an int")
                if t.op == "has" and not isinstance(t.value, str):
                    raise PatternError(f"rule {pattern.rule_id!r}: has needs a str")


RESERVED_FIELDS = frozenset({"id", "sid", "$s", "go"})
