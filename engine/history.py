"""The history of the monthly mock assessment: saved runs under the case, read back as HistoryPoints.

`cchc assess --save` keeps the JSON result (with its manifest) as `<case>/lich-su/<as-of YYYY-MM-DD>.json`,
one file per as-of date. A run saved again for the same date is written only when it is the same result,
or when the person asks to replace it (`--ghi-de`). Reading the folder back, every file must be such a
result of this case; anything else is an error naming the file (E077, E078), never skipped unseen. Hidden
files (a dot first: the editor's or cchc's own temporary files) are not runs.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from engine.reports.inputs import HistoryPoint
from engine.reports.json_result import render
from engine.results import Assessment
from evidence.problems import InputError, Problem
from evidence.safe_write import write_atomically

HISTORY_DIR = "lich-su"
_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})\.json")


class _Item(BaseModel):
    model_config = ConfigDict(extra="ignore")
    requirement: str
    label: str
    owner: list[str]


class _Criterion(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str
    missing: list[_Item]


class _Appraisal(BaseModel):
    model_config = ConfigDict(extra="ignore")
    total: Decimal
    index_percent: Decimal
    classification: str


class SavedRun(BaseModel):
    """The figures of a saved JSON result that the history needs (the rest is kept in the file)."""

    model_config = ConfigDict(extra="ignore")
    case: str
    as_of: date
    unit: str | None
    total: Decimal
    max: Decimal
    reachable: Decimal
    index_percent: Decimal
    classification: str
    criteria: list[_Criterion]
    appraisal: _Appraisal | None = None  # TCCB's mock appraisal, in runs of a case that has one



def history_folder(case_folder: Path) -> Path:
    return case_folder / HISTORY_DIR


def save(result: Assessment, case_folder: Path, *, overwrite: bool = False) -> tuple[Path, str]:
    """Keep the department's result; ("created" | "same" | "replaced"). InputError C028 rather than
    overwrite a different result of the same as-of date unasked."""
    from engine import locations  # read at call time: a test stands in for site-packages

    if case_folder.resolve().is_relative_to(locations.INSTALLED.resolve()):  # data cchc carries is not the user's
        raise InputError(Problem.of("C022", case=case_folder.name))
    path = history_folder(case_folder) / f"{result.as_of.isoformat()}.json"
    text = render(result) + "\n"
    if path.exists():
        if path.read_bytes() == text.encode():
            return path, "same"
        if not overwrite:
            raise InputError(Problem.of("C028", as_of=result.as_of.isoformat(), path=str(path)))
    status = "replaced" if path.exists() else "created"
    write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return path, status


def read_run(path: Path, case_id: str | None = None) -> SavedRun:
    """One saved run, checked: a cchc result of this case, for the date its name says."""
    match = _NAME.fullmatch(path.name)
    if match is None:
        raise InputError(Problem.of("E078", file=path, name=path.name, detail="tên tệp cần dạng YYYY-MM-DD.json"))
    try:
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        run = SavedRun.model_validate(data)
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError and ValidationError are ValueErrors
        detail = f"thiếu hoặc sai {len(exc.errors())} mục (vd {'.'.join(map(str, exc.errors()[0]['loc']))})" \
            if isinstance(exc, ValidationError) else str(exc)[:200]
        raise InputError(Problem.of("E077", file=path, detail=detail)) from None
    if case_id is not None and run.case != case_id:
        raise InputError(Problem.of("E078", file=path, name=path.name, detail=f"kết quả của hồ sơ {run.case!r}"))
    if run.as_of.isoformat() != match.group(1):
        raise InputError(Problem.of("E078", file=path, name=path.name, detail=f"mốc trong tệp là {run.as_of}"))
    if run.unit is not None:
        raise InputError(Problem.of("E078", file=path, name=path.name,
                                    detail=f"chỉ phần của đơn vị {run.unit!r}, không phải cả Sở"))
    return run


def load_runs(case_folder: Path, case_id: str) -> list[SavedRun]:
    """Every saved run of the case, oldest first; InputError naming every file that is not one."""
    folder = history_folder(case_folder)
    if not folder.is_dir():
        return []
    runs, problems = [], []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        try:
            runs.append(read_run(path, case_id))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return sorted(runs, key=lambda r: r.as_of)


def item_key(criterion: str, requirement: str, label: str) -> tuple[str, str, str]:
    """An open item across runs. Labels end with what changes month to month ("…: hiện 3/5 = 60%",
    "NV-10 — …: chưa hoàn thành, trong hạn"): only the part before the first ": " names the item."""
    return criterion, requirement, label.split(": ", 1)[0]


def _items(run: SavedRun) -> Counter[tuple[tuple[str, str, str], tuple[str, ...]]]:
    return Counter((item_key(c.id, m.requirement, m.label), tuple(m.owner)) for c in run.criteria for m in c.missing)


def _by_unit(items: Counter[tuple[tuple[str, str, str], tuple[str, ...]]]) -> dict[str, int]:
    out: Counter[str] = Counter()
    for (_, owners), n in items.items():
        for unit in owners:
            out[unit] += n
    return dict(sorted(out.items()))


def points(runs: list[SavedRun]) -> tuple[HistoryPoint, ...]:
    """HistoryPoints, oldest first; items opened and closed are counted against the run before (none for the first)."""
    out = []
    previous: Counter | None = None
    for run in runs:
        items = _items(run)
        opened = {} if previous is None else _by_unit(items - previous)
        closed = {} if previous is None else _by_unit(previous - items)
        appraised = run.appraisal
        out.append(HistoryPoint(run.as_of, run.total, run.max, run.reachable, run.index_percent, run.classification,
                                opened, closed, None if appraised is None else appraised.total,
                                None if appraised is None else appraised.classification))
        previous = items
    return tuple(out)


def history(case_folder: Path, case_id: str) -> tuple[HistoryPoint, ...]:
    return points(load_runs(case_folder, case_id))
