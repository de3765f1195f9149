"""Dossier statuses at the as-of date computed on the declared statuses' codes (engine/as_of_status.py) against the
row-by-row comparisons they replace: the same status, the same declared status and the same W030 rows."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.as_of_status import _DERIVED, dossier_status, dossiers_at

AS_OF = date(2024, 6, 30)


def _reference(frame: pd.DataFrame, as_of: date) -> tuple[pd.Series, pd.Series, pd.Series]:
    """The status, the declared status and W030's rows as first written: each comparison over every row."""
    given = frame["status"].to_numpy(dtype=object)
    declared_codes = np.where(pd.isna(given), "", given).astype(object)
    declared = pd.Series(declared_codes, index=frame.index, dtype=object)
    due = pd.to_datetime(frame["due"])
    returned = pd.to_datetime(frame["returned"])
    cutoff = pd.Timestamp(as_of)
    dated = due.notna() & returned.notna()
    open_ = due.notna() & returned.isna()
    derived = np.select(
        [declared.eq("dung-xu-ly"), dated & (returned < due), dated & (returned == due) & declared.eq("truoc-han"),
         dated & (returned == due), dated, open_ & (due < cutoff), open_],
        [0, 1, 1, 2, 3, 3, 4], default=0)
    status = np.where(derived > 0, _DERIVED[derived], np.where(declared_codes != "", declared_codes, None))
    status = pd.Series(status, index=frame.index, dtype=object)
    differs = (declared != "") & (declared != status.fillna(""))
    return status, declared, differs


_STATUS = st.one_of(st.sampled_from(["truoc-han", "dung-han", "qua-han", "dang-giai-quyet", "dung-xu-ly", ""]),
                    st.sampled_from([None, float("nan"), 1, 1.0, True]), st.text(max_size=3))
_DAY = st.one_of(st.none(), st.dates(date(2024, 6, 1), date(2024, 7, 31)))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_STATUS, _DAY, _DAY), max_size=25))
def test_statuses_from_codes_are_the_row_by_row_statuses(rows: list) -> None:
    frame = pd.DataFrame({"status": pd.Series([s for s, _, _ in rows], dtype=object),
                          "due": pd.Series([d for _, d, _ in rows], dtype=object),
                          "returned": pd.Series([r for _, _, r in rows], dtype=object),
                          "_row": pd.Series(range(2, len(rows) + 2), dtype="int64")})
    status, declared, differs = _reference(frame, AS_OF)
    fast_status, fast_declared = dossier_status(frame, AS_OF)
    assert fast_status.tolist() == status.tolist() and fast_declared.tolist() == declared.tolist()
    assert [type(v) for v in fast_declared] == [type(v) for v in declared]  # True stays True, never 1
    if frame["due"].notna().any() and all(isinstance(s, str) and s in _WORDS for s in declared if s):
        _, warnings = dossiers_at(frame, AS_OF, capped=False)
        assert [p.row for p in warnings] == frame.loc[differs, "_row"].tolist()


_WORDS = {"truoc-han", "dung-han", "qua-han", "dang-giai-quyet", "dung-xu-ly"}


def test_dates_with_times_give_the_row_by_row_statuses() -> None:
    frame = pd.DataFrame({"status": ["truoc-han", "dung-han"], "_row": [2, 3],
                          "due": [datetime(2024, 6, 10, 17), datetime(2024, 6, 10, 17)],
                          "returned": [datetime(2024, 6, 10, 17), datetime(2024, 6, 11, 8)]})
    assert dossier_status(frame, AS_OF)[0].tolist() == _reference(frame, AS_OF)[0].tolist()
