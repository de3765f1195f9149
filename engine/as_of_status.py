"""What state each dated item is in at the as-of date: tasks and procedures, and dossiers.

Both follow one rule: where the dates decide, the dates win, and a source that says otherwise
gets a warning (W005 for deadline items, W030 for dossiers); without dates the declared status
stands. Kept together so the two cannot drift apart.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from evidence.datasets import DOSSIER_STATUS, cap_warnings, header_of
from evidence.problems import Problem

STATUS_WORDS = {
    "dung-han": "hoàn thành đúng hạn",
    "tre-han": "hoàn thành quá hạn",
    "qua-han": "chưa hoàn thành, quá hạn",
    "trong-han": "chưa hoàn thành, trong hạn",
}

DOSSIER_WORDS = {code: labels[0] for code, labels in DOSSIER_STATUS.items()}


def deadline_status(frame: pd.DataFrame, as_of: date, source: str) -> tuple[pd.Series, list[Problem]]:
    """Each item's status at `as_of`: from its dates when they decide it, else as declared."""
    due = pd.to_datetime(frame["due"])
    done = pd.to_datetime(frame["done"])
    cutoff = pd.Timestamp(as_of)
    derived = pd.Series(
        np.select(
            [done.notna() & due.notna() & (done <= due), done.notna() & due.notna(),
             done.isna() & due.notna() & (due >= cutoff), done.isna() & due.notna()],
            ["dung-han", "tre-han", "trong-han", "qua-han"],
            default="",
        ),
        index=frame.index,
    )
    declared = frame["status"].fillna("")
    status = derived.where(derived != "", declared)
    warnings = [
        Problem.of("W005", file=source, row=int(r), column="Tình trạng", declared=STATUS_WORDS[d],
                   derived=STATUS_WORDS[v])
        for r, d, v in zip(frame["_row"], declared, derived, strict=True) if d and v and d != v
    ]
    return status, warnings


def dossier_status(frame: pd.DataFrame, as_of: date) -> tuple[pd.Series, pd.Series]:
    """Each dossier's status at `as_of`, and the status declared in the source ("" when blank).

    Dates win where they decide (the rule `deadline_status` uses for tasks), by calendar day:
    returned before the due day → trước hạn; on the due day → đúng hạn, or the declared trước hạn
    (a day cannot tell a return at 8:00 from one at 17:00, the source's own status can);
    after it → quá hạn. Not returned: quá hạn once the due day has passed at `as_of`, else đang
    giải quyết. A declared "dừng xử lý" is kept: no date says a dossier was stopped. Without a
    due date the declared status stands."""
    status, declared, _ = _statuses(frame, as_of)
    return status, declared


def _statuses(frame: pd.DataFrame, as_of: date) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """`dossier_status`, and where the declared status differs from it (a declared status only). The declared
    statuses are a few distinct values over 500 000 rows: each comparison is made once per distinct value and
    spread to the rows by their codes."""
    given = frame["status"].to_numpy(dtype=object)
    codes, uniques = pd.factorize(given)  # None and NaN (no status) are -1: "" below
    # object dtype throughout: pandas' string dtype would turn the None of "no status" into NaN
    if all(type(u) is str for u in uniques):
        names = np.array([*uniques, ""], dtype=object)
        codes = np.where(codes < 0, len(uniques), codes)
    else:  # hashing finds 1, 1.0 and True one value: each cell keeps its own (never so in a dataset cchc read)
        names = np.where(pd.isna(given), "", given).astype(object)
        codes = np.arange(len(given))
    declared_codes = names[codes]

    def declared_is(code: str) -> np.ndarray:
        return np.array([name == code for name in names], dtype=bool)[codes]

    due = pd.to_datetime(frame["due"])
    returned = pd.to_datetime(frame["returned"])
    cutoff = pd.Timestamp(as_of)
    dated = (due.notna() & returned.notna()).to_numpy()
    open_ = (due.notna() & returned.isna()).to_numpy()
    earlier, same_day = (returned < due).to_numpy(), (returned == due).to_numpy()
    # positions in _DERIVED, so that 500 000 rows share its few str objects ("" where the dates say nothing)
    derived = np.select(
        [declared_is("dung-xu-ly"),
         dated & earlier,
         dated & same_day & declared_is("truoc-han"),
         dated & same_day,
         dated,
         open_ & (due < cutoff).to_numpy(),
         open_],
        [0, 1, 1, 2, 3, 3, 4],
        default=0,
    )
    blank = np.array([name == "" for name in names], dtype=bool)
    status = np.where(derived > 0, _DERIVED[derived], np.where(blank[codes], None, declared_codes))
    # a declared status differs where the dates set another: `declared != status` for each (declared, derived)
    other = np.array([[name != shown for shown in _DERIVED] for name in names], dtype=bool)
    differs = ~blank[codes] & (derived > 0) & other[codes, derived]
    return (pd.Series(status, index=frame.index, dtype=object),
            pd.Series(declared_codes, index=frame.index, dtype=object), differs)


_DERIVED = np.array(["", "truoc-han", "dung-han", "qua-han", "dang-giai-quyet"], dtype=object)


def dossiers_at(frame: pd.DataFrame, as_of: date, *, capped: bool = True) -> tuple[pd.DataFrame, list[Problem]]:
    """The dossiers frame with `status` as it stands at `as_of`; W030 where the source says otherwise (at most
    MAX_ROW_WARNINGS and a W032 for the rest, unless not `capped`).
    A frame whose statuses were already set at `as_of` (attrs "statuses_at": the Dask path derives them block
    by block before it sums rows up, engine/dask_datasets.py) is returned as it is, with the W030 it found."""
    if "statuses_at" in frame.attrs:
        if frame.attrs["statuses_at"] != as_of:  # its rows are sums: nothing left to derive from
            raise ValueError(f"dossier statuses were set at {frame.attrs['statuses_at']}, not at {as_of}")
        return frame, list(frame.attrs.get("status_warnings", []))
    if frame["due"].isna().all():  # counts without dates (the seed case): nothing to derive
        return frame, []
    status, declared, differs = _statuses(frame, as_of)
    source = frame.attrs.get("path", frame.attrs.get("file", "dossiers"))
    header = frame.attrs.get("headers", {}).get("status") or header_of("dossiers", "status")
    # a dataset of several files names each row's own file (evidence/case.py, `_file`)
    files = frame.loc[differs, "_file"] if "_file" in frame else [source] * int(differs.sum())
    warnings = [Problem.of("W030", file=f, row=int(r), column=header, declared=DOSSIER_WORDS[d],
                           derived=DOSSIER_WORDS[s])
                for r, d, s, f in zip(frame.loc[differs, "_row"], declared[differs], status[differs], files,
                                      strict=True)]
    out = frame.copy(deep=False)  # a new status column; the others are shared, never written
    out["status"] = status
    return out, cap_warnings(warnings) if capped else warnings
