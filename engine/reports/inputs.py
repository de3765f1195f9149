"""What a report is given: one assessment, and what may sit beside it (a scenario, the history).

Every format reads this and nothing else; none recomputes a score.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from engine.results import Assessment


@dataclass(frozen=True)
class HistoryPoint:
    """One saved run of the monthly mock assessment (`cchc assess --save`)."""

    as_of: date
    total: Decimal
    max: Decimal
    reachable: Decimal
    index_percent: Decimal
    classification: str
    opened_by_unit: dict[str, int]  # items that appeared since the previous saved run, by unit
    closed_by_unit: dict[str, int]  # items resolved since the previous saved run, by unit
    appraised_total: Decimal | None = None  # the total after TCCB's mock appraisal, when the run had one
    appraised_classification: str | None = None


@dataclass(frozen=True)
class ReportInputs:
    result: Assessment  # the department's assessment (or one unit's view of it)
    scenario: Assessment | None = None  # the same case with a scenario's planned evidence layered over it
    scenario_name: str | None = None  # the scenario file as the user named it
    history: tuple[HistoryPoint, ...] = ()  # saved runs, oldest first (the current one included when saved)
