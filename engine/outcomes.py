"""What the evidence says about one requirement: an `Outcome`.

An outcome carries the share achieved (`ratio`), a state that keeps "no evidence"
apart from "evidence shows failure", the trace a civil servant reads, and the open
items (missing, failed, not yet due). Each item knows the outcome that would follow
if it were resolved, so points at stake are computed by re-scoring, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from engine.rate_breakdown import Breakdown
    from evidence.register import Document

State = Literal["met", "failed", "missing", "not_due", "entered"]

ONE = Decimal(1)
ZERO = Decimal(0)


@dataclass(frozen=True)
class Item:
    """One thing a unit must still supply or fix."""

    requirement: str
    label: str
    owner: tuple[str, ...]
    due: date | None
    state: Literal["missing", "failed", "not_due"]
    resolved: Outcome  # the requirement's outcome if this item alone were resolved
    # At the as-of date: can the item still be resolved in full? A task done late, a document
    # whose deadline passed, a year's rate that can no longer reach its threshold cannot.
    lost: bool = False
    lost_on: date | None = None  # when full resolution stopped being possible (None: not known)
    now: Outcome | None = None  # for a lost item: the best still possible (None: nothing better than today)


@dataclass(frozen=True)
class Outcome:
    requirement: str
    state: State
    ratio: Decimal | None  # share achieved in [0, 1]; None when there is no evidence
    threshold: Decimal = ONE
    good: int = 0  # items that count for per_item scoring
    bad: int = 0  # violations for deduction scoring
    value: Decimal | None = None  # points entered from outside (input requirements)
    trace: tuple[str, ...] = ()
    items: tuple[Item, ...] = ()
    empty: bool = False  # met only because nothing was to be counted (the rule's `if_empty: met`)
    evidence: tuple[Document, ...] = ()  # the register rows that met a document requirement (self-scoring form)
    breakdowns: tuple[Breakdown, ...] = ()  # a counted rate split by unit / procedure (engine/rate_breakdown.py)
    # outcome if the items at these indexes were all resolved (items can compound, e.g. counts)
    resolver: Callable[[tuple[int, ...]], Outcome] | None = field(default=None, compare=False, repr=False)

    def resolve(self, indexes: tuple[int, ...]) -> Outcome:
        if not indexes:
            return self
        if self.resolver is not None:
            return self.resolver(indexes)
        if len(indexes) == 1:
            return self.items[indexes[0]].resolved
        return fully_met(self, "")

    def resolve_now(self, indexes: tuple[int, ...]) -> Outcome:
        """The outcome if these items were resolved as well as is still possible at the as-of date."""
        winnable = tuple(i for i in indexes if not self.items[i].lost)
        if self.resolver is not None or len(indexes) != 1:
            return self.resolve(winnable)  # lost items add nothing to a count
        item = self.items[indexes[0]]
        return item.resolved if not item.lost else item.now or self

    @property
    def met(self) -> bool:
        return self.state in ("met", "entered") and (self.ratio is None or self.ratio >= self.threshold)


def fully_met(outcome: Outcome, note: str) -> Outcome:
    """The outcome once its shortfall is made good: the counterfactual for points at stake."""
    ratio = ONE if outcome.ratio is None or outcome.threshold >= ONE else max(outcome.ratio, outcome.threshold)
    return replace(outcome, state="met", ratio=ratio, good=max(outcome.good + outcome.bad, 1), bad=0, trace=(note,),
                   items=())
