"""A criterion's status and a proportional share tell the story the points tell (killed mutants, issue 7).

`_status` must say when points rest on an empty denominator (`if_empty: met`); `share` must give nothing
below the threshold under `below_threshold: zero`, and the ratio under `proportional`.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.assess import _status
from engine.outcomes import Outcome
from engine.scheme import Criterion, Score
from engine.scoring import score, share


def _criterion(max_points: str, requires: list[str]) -> Criterion:
    return Criterion.model_validate({
        "id": "9.9", "title": "t", "max": Decimal(max_points), "owners": ["u"], "remedy": "r",
        "source": {"document": "d", "verified": True},
        "requires": [{"id": r, "type": "document", "label": r, "owner": "u", "match": {"kind": "BC"}}
                     for r in requires],
        "score": {"method": "per_item", "per_item": Decimal(max_points) / len(requires), "requires": requires},
    })


MET = Outcome("a", "met", Decimal(1), good=1)
EMPTY = Outcome("b", "met", Decimal(1), good=1, empty=True)
MISSING = Outcome("b", "missing", None)


def test_full_points_on_an_empty_denominator_say_so() -> None:
    crit = _criterion("2", ["a", "b"])
    assert _status(crit, Decimal(2), {"a": MET, "b": EMPTY}) == "met_empty"
    assert _status(crit, Decimal(2), {"a": MET, "b": Outcome("b", "met", Decimal(1), good=1)}) == "met"


def test_partial_points_on_an_empty_denominator_say_so() -> None:
    crit = _criterion("3", ["a", "b", "c"])
    outcomes = {"a": MET, "b": EMPTY, "c": Outcome("c", "missing", None)}
    assert _status(crit, Decimal(2), outcomes) == "partial_empty"
    assert _status(crit, Decimal(1), {"a": MET, "b": MISSING, "c": MISSING}) == "partial"


@pytest.mark.parametrize(("mode", "expected"), [("zero", Decimal(0)), ("proportional", Decimal("0.5"))])
def test_a_share_below_the_threshold_follows_below_threshold(mode: str, expected: Decimal) -> None:
    below = Outcome("a", "failed", Decimal("0.5"), threshold=Decimal("0.95"), bad=1)
    assert share(below, mode) == expected
    spec = Score(method="proportional", below_threshold=mode, requires=["a"])
    assert score(spec, Decimal(2), {"a": below}) == 2 * expected
    at = Outcome("a", "met", Decimal("0.96"), threshold=Decimal("0.95"), good=1)
    assert share(at, mode) == 1 and score(spec, Decimal(2), {"a": at}) == 2
