"""The dataset metrics, written once for pandas and Dask DataFrames.

A rate is a numerator and a denominator count over filtered rows; a deadline requirement is the
count of items in each status. Counts are sums of `_n` (a row may stand for several items). Every
function here uses only what both libraries share (`isin`, boolean masks, `isna`, `sum`), so the same
specification gives the same numbers on one machine (pandas) or on a cluster (Dask): Dask values
stay lazy until `computed` evaluates them all in one pass over the data.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from engine.as_of_status import deadline_status

if TYPE_CHECKING:
    from engine.scheme import Filter, Scheme

DEADLINE_STATES = ("dung-han", "tre-han", "qua-han", "trong-han")


def where(frame: Any, filters: Filter) -> Any:
    """Rows whose every filtered field holds one of the listed codes (all rows without filters)."""
    mask = frame["_n"].notnull()  # `_n` is never empty: an all-true mask aligned with the frame
    for field, codes in filters.items():
        mask &= frame[field].isin(list(codes))
    return mask


def rate_counts(frame: Any, denominator: Filter, numerator: Filter) -> tuple[Any, Any, Any]:
    """(numerator, denominator, denominator items whose numerator fields are blank), lazy on Dask."""
    den = frame[where(frame, denominator)]
    unknown = den["_n"][den[list(numerator)].isna().any(axis=1)].sum()
    num = den["_n"][where(den, numerator)].sum()
    return num, den["_n"].sum(), unknown


def status_counts(n: Any, status: Any) -> dict[str, Any]:
    """Items per deadline status (sums of `n` where `status` holds the code), lazy on Dask."""
    return {code: n[status == code].sum() for code in DEADLINE_STATES}


def statuses(frame: Any, as_of: date) -> Any:
    """Each deadline item's status at `as_of` (engine.as_of_status): row by row, so per partition on Dask."""
    if hasattr(frame, "map_partitions"):
        return frame.map_partitions(lambda part: deadline_status(part, as_of, "")[0], meta=("status", object))
    return deadline_status(frame, as_of, "")[0]


def computed(values: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """Every lazy count evaluated together (one pass over each Dask frame), as plain ints."""
    flat = [(outer, inner, value) for outer, inner_values in values.items() for inner, value in inner_values.items()]
    results = [v for _, _, v in flat]
    if any(hasattr(v, "dask") for v in results):
        import dask

        results = list(dask.compute(*results))
    out: dict[str, dict[str, int]] = {}
    for (outer, inner, _), value in zip(flat, results, strict=True):
        out.setdefault(outer, {})[inner] = int(value)
    return out


def dataset_metrics(scheme: Scheme, frames: Mapping[str, Any], as_of: date) -> dict[str, dict[str, int]]:
    """Counts behind every rate over counted rows and every deadline requirement of `scheme`, by
    `criterion/requirement`. `frames`: dataset name → frame, dossier statuses already at `as_of`."""
    from engine.scheme import DeadlineRequirement, RateRequirement

    lazy: dict[str, dict[str, Any]] = {}
    for crit in scheme.criteria():
        for req in crit.requires:
            frame = frames.get(getattr(req, "dataset", ""))
            key = f"{crit.id}/{req.id}"
            if frame is None:
                continue
            if isinstance(req, RateRequirement) and req.dataset != "indicators":
                num, den, unknown = rate_counts(frame, req.denominator, req.numerator)
                lazy[key] = {"numerator": num, "denominator": den, "unknown": unknown}
            elif isinstance(req, DeadlineRequirement):
                rows = frame[where(frame, req.where)]
                lazy[key] = status_counts(rows["_n"], statuses(rows, as_of))
    return computed(lazy)
