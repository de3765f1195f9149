"""Scoring methods: from requirement outcomes to points, in Decimal.

Scores here are unrounded; a criterion's points are rounded once, half up to 2
decimals, the way the council rounds, and totals add rounded criterion points.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from engine.outcomes import ONE, ZERO, Outcome
from engine.scheme import Score

CENT = Decimal("0.01")


def round_points(value: Decimal) -> Decimal:
    """The council's rounding: 2 decimals, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def index_percent(total: Decimal, maximum: Decimal) -> Decimal:
    """The index: total over the applicable maximum, in percent, rounded as points are."""
    return round_points(total / maximum * 100) if maximum else Decimal(0)


@dataclass(frozen=True)
class PartScore:
    id: str | None
    label: str | None
    points: Decimal  # unrounded
    max: Decimal
    method: str


def share(outcome: Outcome, below_threshold: str | None) -> Decimal:
    """A requirement's share of a proportional score: whole at or above its threshold (what the trace
    calls "Đạt"), else its ratio, or nothing when the rule says `below_threshold: zero`."""
    if outcome.met:
        return ONE
    return ZERO if below_threshold == "zero" else min(outcome.ratio or ZERO, ONE)


def score(spec: Score, cap: Decimal, outcomes: Mapping[str, Outcome]) -> Decimal:
    """Points for `spec` (at most `cap`), never below 0 nor above `cap`."""
    got = [outcomes[r] for r in spec.requires]
    m = spec.method
    if m == "sum":
        value = sum((score(p, p.max or ZERO, outcomes) for p in spec.parts), ZERO)
    elif m == "all_or_nothing":
        value = cap if all(o.met for o in got) else ZERO
    elif m == "proportional":
        value = cap * sum((share(o, spec.below_threshold) for o in got), ZERO) / len(got)
    elif m == "bands":
        ratio = got[0].ratio or ZERO
        reached = [b.points for b in spec.bands if ratio >= b.min]
        value = max(reached) if reached else ZERO
    elif m == "per_item":
        assert spec.per_item is not None
        value = spec.per_item * sum(o.good for o in got)
    elif m == "deduction":
        assert spec.per_violation is not None
        value = max(spec.floor, cap - spec.per_violation * sum(o.bad for o in got))
    elif m == "entered":
        o = got[0]
        value = o.value if o.value is not None else (cap if o.met else ZERO)
    else:  # pragma: no cover - the schema admits no other method
        raise ValueError(m)
    return min(max(value, ZERO), cap)


def breakdown(spec: Score, cap: Decimal, outcomes: Mapping[str, Outcome]) -> list[PartScore]:
    """Points of each sub-criterion of a `sum`, for the trace; one entry otherwise."""
    if spec.method != "sum":
        return [PartScore(spec.id, spec.label, score(spec, cap, outcomes), cap, spec.method)]
    return [PartScore(p.id, p.label, score(p, p.max or ZERO, outcomes), p.max or ZERO, p.method)
            for p in spec.parts]


def used_requirements(spec: Score) -> set[str]:
    """Requirements that can move points (not those only shown)."""
    return set(spec.requires).union(*(used_requirements(p) for p in spec.parts))
