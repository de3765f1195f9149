"""Each scoring method on hand-built outcomes, and the council's rounding."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.outcomes import Outcome
from engine.scheme import Score, ScoreBand
from engine.scoring import round_points, score


def met(rid: str, ratio: str = "1", good: int = 1) -> Outcome:
    return Outcome(rid, "met", D(ratio), good=good)


def failed(rid: str, ratio: str = "0", good: int = 0, bad: int = 1) -> Outcome:
    return Outcome(rid, "failed", D(ratio), good=good, bad=bad)


def missing(rid: str) -> Outcome:
    return Outcome(rid, "missing", None, bad=1)


def test_all_or_nothing() -> None:
    spec = Score(method="all_or_nothing", requires=["a", "b"])
    assert score(spec, D("2.5"), {"a": met("a"), "b": met("b")}) == D("2.5")
    assert score(spec, D("2.5"), {"a": met("a"), "b": missing("b")}) == 0


def test_proportional_uses_the_mean_ratio_and_treats_no_evidence_as_zero() -> None:
    spec = Score(method="proportional", requires=["a", "b"])
    outcomes = {"a": failed("a", ratio="0.9375"), "b": missing("b")}
    assert score(spec, D(2), outcomes) == D(2) * D("0.9375") / 2


def test_bands_take_the_highest_band_reached() -> None:
    spec = Score(method="bands", requires=["a"], bands=[ScoreBand(min=D(1), points=D(2)),
                                                         ScoreBand(min=D("0.95"), points=D(1)),
                                                         ScoreBand(min=D(0), points=D(0))])
    assert score(spec, D(2), {"a": failed("a", "0.9493")}) == 0
    assert score(spec, D(2), {"a": failed("a", "0.95")}) == 1
    assert score(spec, D(2), {"a": met("a", "1")}) == 2


def test_per_item_caps_at_the_maximum() -> None:
    spec = Score(method="per_item", requires=["a", "b"], per_item=D("0.25"))
    assert score(spec, D(1), {"a": met("a", good=3), "b": failed("b", good=0)}) == D("0.75")
    assert score(spec, D(1), {"a": met("a", good=9), "b": met("b", good=9)}) == 1


def test_deduction_has_a_floor() -> None:
    spec = Score(method="deduction", requires=["a"], per_violation=D("0.5"), floor=D("0.5"))
    assert score(spec, D(2), {"a": failed("a", bad=1)}) == D("1.5")
    assert score(spec, D(2), {"a": failed("a", bad=10)}) == D("0.5")
    assert score(spec, D(2), {"a": met("a")}) == 2


def test_entered_points_are_clamped_to_the_part_maximum() -> None:
    spec = Score(method="entered", requires=["x"])
    assert score(spec, D(1), {"x": Outcome("x", "entered", None, value=D("0.69"))}) == D("0.69")
    assert score(spec, D(1), {"x": Outcome("x", "entered", None, value=D(7))}) == 1
    assert score(spec, D(1), {"x": missing("x")}) == 0


def test_sum_of_parts() -> None:
    spec = Score(method="sum", parts=[
        Score(method="proportional", id="a", max=D(1), requires=["t"]),
        Score(method="all_or_nothing", id="b", max=D(1), requires=["t"]),
    ])
    raw = score(spec, D(2), {"t": failed("t", ratio=str(D(15) / D(16)))})
    assert raw == D("0.9375") and round_points(raw) == D("0.94")


@pytest.mark.parametrize(("raw", "rounded"), [("0.125", "0.13"), ("0.476141", "0.48"), ("2.965", "2.97"),
                                              ("0.005", "0.01"), ("0.0049", "0.00")])
def test_rounding_is_half_up_to_two_decimals(raw: str, rounded: str) -> None:
    assert round_points(D(raw)) == D(rounded)


ratios = st.decimals(min_value=0, max_value=1, places=4)


@given(ratios, ratios, st.integers(0, 20), st.integers(0, 20))
def test_every_method_stays_within_zero_and_max(r1: D, r2: D, good: int, bad: int) -> None:
    outcomes = {"a": Outcome("a", "failed", r1, good=good, bad=bad), "b": Outcome("b", "met", r2, good=good)}
    specs = [
        Score(method="all_or_nothing", requires=["a", "b"]),
        Score(method="proportional", requires=["a", "b"]),
        Score(method="bands", requires=["a"], bands=[ScoreBand(min=D("0.5"), points=D(3))]),
        Score(method="per_item", requires=["a", "b"], per_item=D("0.4")),
        Score(method="deduction", requires=["a"], per_violation=D("0.3")),
    ]
    for spec in specs:
        assert D(0) <= score(spec, D("2.5"), outcomes) <= D("2.5")


@given(ratios, ratios)
def test_a_higher_ratio_never_scores_lower(low: D, high: D) -> None:
    low, high = min(low, high), max(low, high)
    for spec in (Score(method="proportional", requires=["a"]),
                 Score(method="bands", requires=["a"], bands=[ScoreBand(min=D("0.8"), points=D(1)),
                                                               ScoreBand(min=D("0.95"), points=D(2))])):
        assert score(spec, D(2), {"a": failed("a", str(low))}) <= score(spec, D(2), {"a": failed("a", str(high))})
