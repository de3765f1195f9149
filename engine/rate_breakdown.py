"""A rate split by unit (and by procedure): who pulls the department's figure below its threshold.

Takes the rows a rate counts (its denominator, already filtered) and which of them count as good,
and groups them with pandas: per group the numerator, the denominator and the rate, worst first.
Rows without a unit are a group of their own (key ""), so the groups always add up to the overall
figure — no row is dropped from the split. Kept apart from how the rate itself is computed, so a
different computation of the rate (another engine) can reuse it on its filtered frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # results.py imports the dataclasses: keep pandas out of start-up
    import pandas as pd

By = Literal["unit", "procedure"]
BY: tuple[By, ...] = ("unit", "procedure")
NO_KEY = ""  # rows whose unit (procedure) cell is blank


@dataclass(frozen=True)
class GroupRate:
    key: str  # unit id or procedure name; NO_KEY for rows without one
    numerator: int
    denominator: int

    @property
    def ratio(self) -> Decimal:
        return Decimal(self.numerator) / Decimal(self.denominator)

    @property
    def shortfall(self) -> int:
        """Items of the group not counted as good: what it adds to the department's gap."""
        return self.denominator - self.numerator


@dataclass(frozen=True)
class Breakdown:
    requirement: str
    label: str
    by: By
    threshold: Decimal
    groups: tuple[GroupRate, ...]  # worst first: lowest rate, then most items short, then key

    def below(self) -> tuple[GroupRate, ...]:
        return tuple(g for g in self.groups if g.ratio < self.threshold)

    def of(self, key: str) -> GroupRate | None:
        return next((g for g in self.groups if g.key == key), None)


def split(rows: pd.DataFrame, good: pd.Series, by: By) -> tuple[GroupRate, ...]:
    """Numerator and denominator (sums of `_n`) per value of column `by`, worst first; () when the
    column is absent or blank on every row (a summary table: nothing to split)."""
    import numpy as np
    import pandas as pd

    if rows.empty or by not in rows:
        return ()
    # one hashing pass over the cells (500 000 of them for a year's dossiers); None, NaN and NaT are -1 there
    given = rows[by].to_numpy(dtype=object)
    codes, uniques = pd.factorize(given)
    if (codes < 0).all():
        return ()
    if not all(type(k) is str for k in uniques):  # hashing finds 1, 1.0 and True equal: group by their text
        codes, uniques = pd.factorize(np.array([None if pd.isna(k) else str(k) for k in given], dtype=object))
    # keys as text, "" for none (one group with the blank cells, if any)
    keys = [*uniques, NO_KEY]
    codes = np.where(codes < 0, len(uniques), codes)
    if NO_KEY in uniques:
        merged, names = pd.factorize(np.array(keys, dtype=object))
        codes, keys = merged[codes], list(names)
    n = rows["_n"].to_numpy(dtype="int64")
    counted = good.reindex(rows.index, fill_value=False).to_numpy(dtype=bool)
    den = np.zeros(len(keys), dtype="int64")  # integer sums per group: exact, whatever the counts
    num = np.zeros(len(keys), dtype="int64")
    np.add.at(den, codes, n)
    np.add.at(num, codes, np.where(counted, n, 0))
    groups = [GroupRate(str(k), int(num[i]), int(den[i])) for i, k in enumerate(keys) if den[i] > 0]
    return tuple(sorted(groups, key=lambda g: (g.ratio, -g.shortfall, g.key)))


def breakdowns(requirement: str, label: str, threshold: Decimal, rows: pd.DataFrame,
               good: pd.Series) -> tuple[Breakdown, ...]:
    """The split by every column of `BY` the rows carry."""
    out = []
    for by in BY:
        groups = split(rows, good, by)
        if groups:
            out.append(Breakdown(requirement, label, by, threshold, groups))
    return tuple(out)
