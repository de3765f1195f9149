"""Requirement patterns over document facts (see `patterns` for the contract).

`make_matcher` picks the durable-rules matcher when durable-rules imports, and otherwise the
plain-Python matcher, which has the same semantics. Importing this package never imports
durable-rules, so it works on Python 3.13, where durable-rules 2.0.28 does not load.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

from .durable_matcher import MatcherError
from .patterns import Matcher, MatchResult, Pattern, PatternError, Test
from .python_matcher import PythonMatcher

__all__ = [
    "MatchResult",
    "Matcher",
    "MatcherError",
    "Pattern",
    "PatternError",
    "PythonMatcher",
    "Test",
    "make_matcher",
]

_warned = False


def make_matcher(patterns: Sequence[Pattern], prefer: str = "durable") -> Matcher:
    """A matcher for `patterns`: durable-rules if `prefer == "durable"` and it imports,
    else the plain-Python matcher (warning once per process when durable-rules is missing)."""
    global _warned
    if prefer not in ("durable", "python"):
        raise ValueError(f"prefer must be 'durable' or 'python', not {prefer!r}")
    if prefer == "durable":
        from . import durable_matcher

        try:
            durable_matcher.load_durable()
        except (ImportError, OSError) as exc:  # 3.13: "undefined symbol: PyEval_CallObject"
            if not _warned:
                _warned = True
                warnings.warn(
                    f"durable-rules không dùng được trên Python này ({type(exc).__name__}); "
                    "dùng bộ so khớp Python thuần có cùng ngữ nghĩa.",
                    RuntimeWarning,
                    stacklevel=2,
                )
        else:
            return durable_matcher.DurableMatcher(patterns)
    return PythonMatcher(patterns)
