"""Plain-Python reference matcher: the semantics of `patterns.passes`, nothing more.

It is the oracle for the differential tests and the fallback where durable-rules does not
import (Python 3.13). Keep it short enough to be obviously correct.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import TypeVar

from .patterns import Fact, MatchResult, Pattern, Test, passes, validate_patterns

_V = TypeVar("_V")


def nfc(value: _V) -> _V:
    """NFC-normalise a string or the strings of a tuple; other values pass unchanged.

    Both matchers apply it to fact keys and values and to pattern fields and values, so a
    decomposed (NFD) "ộ" and a composed one compare equal everywhere (durable-rules compares
    raw UTF-8 bytes, notes §3).
    """
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(nfc(v) for v in value)  # type: ignore[return-value]
    return value


def nfc_pattern(pattern: Pattern) -> Pattern:
    """The pattern with NFC-normalised field names and string values (rule id unchanged)."""
    return Pattern(
        pattern.rule_id,
        tuple(tuple(Test(nfc(t.field), t.op, nfc(t.value)) for t in branch) for branch in pattern.branches),
    )


class PythonMatcher:
    name = "python"

    def __init__(self, patterns: Sequence[Pattern]) -> None:
        validate_patterns(patterns)
        self._patterns = tuple(nfc_pattern(p) for p in patterns)

    def match(self, facts: Sequence[Fact]) -> MatchResult:
        matched: dict[str, list[int]] = {p.rule_id: [] for p in self._patterns}
        for index, raw in enumerate(facts):
            fact = {nfc(k): nfc(v) for k, v in raw.items()}
            for p in self._patterns:
                if any(all(passes(t, fact) for t in branch) for branch in p.branches):
                    matched[p.rule_id].append(index)
        return MatchResult(
            matched={rule_id: tuple(ix) for rule_id, ix in matched.items()},
            absent=frozenset(rule_id for rule_id, ix in matched.items() if not ix),
        )
