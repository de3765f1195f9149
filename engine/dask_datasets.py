"""`cchc assess --engine dask`: a case's counted datasets read in blocks on Dask and summed up for scoring.

Each CSV file is cut into blocks of whole lines; each block (the header line put back in front) is read by
the pandas path's own reader (`evidence.datasets.read_dataset` or `evidence.exports.read_export`: the same
cleaning, cell readers and row checks) and its dossier statuses are set at the as-of date
(`engine.as_of_status.dossiers_at`). The blocks make one Dask DataFrame, and the counts the scoring reads
of it — sums of `_n` by every field a rate's filters, its per-unit and per-procedure breakdown and its
"can it still be reached" check look at — are computed on Dask (`groupby(...).sum()`), in one pass, on
whatever scheduler runs (processes on this machine, or a cluster). The result is a small pandas frame
with the dataset's columns and one row per distinct combination, which the unchanged scoring
(engine/dataset_requirements.py) reads: every count over it equals the count over the full rows.

Only datasets whose every requirement is a rate over counted rows are read this way (in practice the
one-stop dossiers export: the data that grows with a province); a dataset with deadline requirements lists
its open items one by one, and indicators are one row each, so they are read by the pandas path as usual.

What this path does not do (docs/evidence.md, "--engine dask"): list every bad row. A block refused by the
reader stops the run (C035, with the first problem of the first refused block, its row counted from the top
of the file); repeated rows and ids (W046, W033) are looked for within a block only and named per file by one
W071. Dossier status warnings (W030) are the pandas path's: the first twenty in file order, then W032.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from engine.scheme import DeadlineRequirement, RateRequirement, Scheme
from evidence.case_file import CaseFile
from evidence.datasets import MAX_ROW_WARNINGS
from evidence.problems import InputError, Problem

# (sums of `_n`, problems, data rows, first dossier status warnings, how many) of one block
_Block = tuple[pd.DataFrame, list[Problem], int, list[Problem], int]

DEFAULT_BLOCK = 32 << 20  # bytes: a block must stay within the reader's row limit (500 000 rows at 64 bytes)
_HEADER_ROW = 1  # every block's header is its first line (the file's own header line, put in front)


def client_for(address: str | None) -> Any:
    """A client of the Dask cluster at `address` (else DASK_SCHEDULER_ADDRESS); None: no cluster named."""
    address = address or os.environ.get("DASK_SCHEDULER_ADDRESS")
    if not address:
        return None
    from dask.distributed import Client

    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:  # refused, no answer, or not an address
        raise InputError(Problem.of("C038", address=address, detail=str(exc) or type(exc).__name__)) from None


def counted_datasets(scheme: Scheme, case: CaseFile) -> dict[str, set[str]]:
    """The case's datasets read on Dask (every requirement on them a rate over counted rows), each with the
    fields the scoring reads of its rows (filters, and the breakdown's unit and procedure)."""
    from evidence.datasets import SPECS

    fields: dict[str, set[str]] = {name: set() for name in case.datasets if name in SPECS and name != "indicators"}
    for crit in scheme.criteria():
        for req in crit.requires:
            name = getattr(req, "dataset", None)
            if name not in fields:
                continue
            if isinstance(req, DeadlineRequirement) or not isinstance(req, RateRequirement):
                del fields[name]  # its items are listed row by row: the pandas path reads it
                continue
            fields[name] |= set(req.denominator) | set(req.numerator)
    for name, used in fields.items():
        spec = {c.field for c in SPECS[name]}
        used |= {"unit", "procedure", "status"} & spec
    return fields


def readers(folder: Path, scheme: Scheme, case: CaseFile, units: dict[str, str], as_of: date,
            blocksize: int = DEFAULT_BLOCK) -> dict[str, Callable[[list[Path]], pd.DataFrame]]:
    """For evidence.case.read_case: dataset name → its files read and summed on Dask."""
    return {name: partial(summed_dataset, name, keys=keys, folder=folder, mapping=case.datasets[name].mapping,
                          units=units, as_of=as_of, blocksize=blocksize)
            for name, keys in counted_datasets(scheme, case).items()}


def summed_dataset(name: str, paths: list[Path], *, keys: set[str], folder: Path, mapping: str | None,
                   units: dict[str, str], as_of: date, blocksize: int = DEFAULT_BLOCK) -> pd.DataFrame:
    """One dataset's files as the frame scoring reads: sums of `_n` by `keys`, statuses at `as_of`."""
    import dask
    import dask.dataframe as dd

    from engine.rate_reach import LATE_STATUS
    from evidence.datasets import SPECS

    for path in paths:
        if path.suffix.lower() != ".csv":
            raise InputError(Problem.of("C036", file=path))
    mapping_path = None
    if mapping:
        from evidence.exports import mapping_file

        mapping_path = mapping_file(mapping, folder)
    fields = [c.field for c in SPECS[name]]
    keys_in_order = [f for f in fields if f in keys]
    # a late dossier's due date says when the rate was lost (engine/rate_reach.py): kept for those rows only
    late = LATE_STATUS.get(name) if "status" in keys and "due" in fields and "due" not in keys else None
    group_by = keys_in_order + (["due"] if late else [])
    read = partial(_block, name, mapping=mapping, folder=folder, units=units, as_of=as_of, group_by=group_by,
                   late=late)
    tasks = [dask.delayed(read, pure=True)(path, start, end, before)
             for path in paths for start, end, before in _spans(path, blocksize)]
    meta = pd.DataFrame({f: pd.Series(dtype=object) for f in group_by} | {"_n": pd.Series(dtype="int64")})
    frame = dd.from_delayed([dask.delayed(_first)(t) for t in tasks], meta=meta, verify_meta=False)
    # a tree of partial sums (split_out=1): the groups are few (units × procedures × statuses), no shuffle needed
    sums = frame.groupby(group_by, dropna=False, sort=False)["_n"].sum(split_out=1) if group_by else \
        frame["_n"].sum()
    # one compute for the sums and the blocks' problems: each block is read once (the same task feeds both);
    # a file of one block is read here, not sent to a worker that would first have to start and import cchc
    here = dask.config.set(scheduler="sync") if len(tasks) == 1 else nullcontext()
    with here:
        totals, parts = dask.compute(sums.to_delayed(), [dask.delayed(_rest)(t) for t in tasks])
    total = pd.concat(totals) if group_by else totals  # a grouped sum may come in parts, each its own groups
    refused = [p for problems, *_ in parts for p in problems if p.severity == "error"]
    if refused:
        raise InputError(Problem.of("C035", file=refused[0].file, row=refused[0].row, column=refused[0].column,
                                    first=refused[0].code, detail=refused[0].message))
    rows = sum(n for _, n, *_ in parts)
    out = _as_rows(total, group_by, fields, rows)
    out.attrs.update({"file": ", ".join(p.name for p in paths), "path": str(paths[0]),
                      "files": [str(p) for p in paths], "rows": rows, "warnings": _warnings(parts, paths)})
    if name == "dossiers":  # set block by block: engine.as_of_status.dossiers_at gives these back as they are
        out.attrs["statuses_at"] = as_of
        out.attrs["status_warnings"] = _status_warnings(parts)
    if mapping_path is not None:
        out.attrs["mapping_file"] = str(mapping_path)
        out.attrs["mapping"] = mapping
    return out


def _spans(path: Path, blocksize: int) -> list[tuple[int, int, int]]:
    """Byte ranges of whole lines, about `blocksize` each (the first holds the header line), each with the
    number of lines before it, so that a block's rows are said as rows of the file."""
    size = path.stat().st_size
    spans, start, lines = [], 0, 0
    with path.open("rb") as f:
        while start < size:
            f.seek(min(start + blocksize, size))
            f.readline()  # on to the end of the line the cut fell in
            end = min(f.tell(), size)
            spans.append((start, end, lines))
            f.seek(start)
            while f.tell() < end:
                lines += f.read(min(1 << 24, end - f.tell())).count(b"\n")
            f.seek(end)
            start = end
    return spans or [(0, 0, 0)]


def _block(name: str, path: Path, start: int, end: int, before: int, *, mapping: str | None, folder: Path,
           units: dict[str, str], as_of: date, group_by: list[str], late: str | None) -> _Block:
    """One block read by the pandas path's reader: sums of `_n` by `group_by`, its problems, its data rows and
    its dossier status warnings (W030: the first MAX_ROW_WARNINGS + 5 and how many). Runs on a Dask worker."""
    from engine.as_of_status import dossiers_at
    from evidence.datasets import read_dataset
    from evidence.exports import read_export

    with path.open("rb") as f:
        header = f.readline()
        f.seek(start)
        data = f.read(end - start)
    empty = pd.DataFrame({f: pd.Series(dtype=object) for f in group_by} | {"_n": pd.Series(dtype="int64")})
    with tempfile.TemporaryDirectory(prefix="cchc-dask-") as tmp:
        part = Path(tmp) / path.name
        part.write_bytes(data if start == 0 else header + data)
        try:
            frame = read_export(name, part, mapping, case_folder=folder, units=units) if mapping else \
                read_dataset(name, part, units=units)
        except InputError as exc:
            return empty, _placed(exc.problems, part, path, start, before), 0, [], 0
    found = list(frame.attrs.get("warnings", []))
    derived: list[Problem] = []
    if name == "dossiers":  # uncapped: the file's first 20 and the count of the rest are decided across blocks
        frame, derived = dossiers_at(frame, as_of, capped=False)
    status_warnings = _placed(derived[:MAX_ROW_WARNINGS + 5], part, path, start, before)
    # what a block says of the whole file (unmapped headers…) every block says again: the first one's is kept;
    # of warnings about rows only the code is kept (W071), so their rows are left as the block numbers them
    problems = [replace(p, file=str(path)) if p.file == str(part) else p
                for p in found if start == 0 or _about_rows(p)]
    rows = len(frame)
    if late:
        frame = frame.assign(due=frame["due"].where(frame["status"].eq(late), None))
    if not group_by:
        return pd.DataFrame({"_n": [int(frame["_n"].sum())]}), problems, rows, status_warnings, len(derived)
    sums = frame.groupby(group_by, dropna=False, sort=False)["_n"].sum().reset_index()
    return sums.astype({f: object for f in group_by}), problems, rows, status_warnings, len(derived)


def _placed(problems: list[Problem], part: Path, path: Path, start: int, before: int) -> list[Problem]:
    """A block's problems said of the real file: its name, and rows counted from the file's first line (rows
    of a block after the first are off by the `before` lines before it; the first line of those blocks is the
    header put in front). Exact unless a cell before holds a line break."""
    out = []
    for p in problems:
        if p.file != str(part):
            out.append(p)
            continue
        row = p.row
        if row is not None and start:
            row = row + before - _HEADER_ROW if row > _HEADER_ROW else None
        out.append(replace(p, file=str(path), row=row))
    return out


def _first(result: _Block) -> pd.DataFrame:
    return result[0]


def _rest(result: _Block) -> tuple[list[Problem], int, list[Problem], int]:
    return result[1], result[2], result[3], result[4]


def _status_warnings(parts: list[tuple[list[Problem], int, list[Problem], int]]) -> list[Problem]:
    """The dataset's W030 as the pandas path caps them over all its rows (evidence.datasets.cap_warnings): the
    first MAX_ROW_WARNINGS in file order, then one W032 with how many more and the rows of the next five."""
    first = [p for _, _, some, _ in parts for p in some]
    total = sum(n for _, _, _, n in parts)
    if total <= MAX_ROW_WARNINGS:
        return first
    rest = first[MAX_ROW_WARNINGS:]
    return [*first[:MAX_ROW_WARNINGS],
            Problem.of("W032", file=rest[0].file, column=rest[0].column, count=total - MAX_ROW_WARNINGS,
                       kind=rest[0].code, rows=", ".join(str(p.row) for p in rest[:5] if p.row is not None))]


def _as_rows(total: Any, group_by: list[str], fields: list[str], rows: int) -> pd.DataFrame:
    """The sums as a frame of the dataset's columns: fields not summed by are blank, `_row` 0 (no row)."""
    if not group_by:
        summed = pd.DataFrame({"_n": [int(total)]}) if rows else pd.DataFrame({"_n": pd.Series(dtype="int64")})
    else:
        summed = total.reset_index()
    out = pd.DataFrame({f: (summed[f].astype(object).where(summed[f].notna(), None) if f in summed
                            else pd.Series([None] * len(summed), dtype=object)) for f in fields}, dtype=object)
    out["_row"] = pd.Series(0, index=out.index, dtype="int64")
    out["_n"] = summed["_n"].astype("int64").to_numpy()
    return out


# warnings about rows that name no row: a summary of capped ones (W032), one id on several rows (W033)
_ROW_CODES = frozenset({"W032", "W033"})


def _about_rows(problem: Problem) -> bool:
    return (problem.row is not None and problem.row > _HEADER_ROW) or problem.code in _ROW_CODES


def _warnings(parts: list[tuple[list[Problem], int, list[Problem], int]], paths: list[Path]) -> list[Problem]:
    """A file's warnings about itself as the pandas path gives them; warnings about rows named per file, by
    code, in one W071: this path lists no rows, and a block's capped count is not the file's."""
    out: list[Problem] = []
    per_file: dict[str, set[str]] = {}
    for problems, *_ in parts:
        for p in problems:
            if _about_rows(p):
                per_file.setdefault(p.file or str(paths[0]), set()).add(p.code)
            else:
                out.append(p)
    for file, codes in per_file.items():
        out.append(Problem.of("W071", file=file, codes=", ".join(sorted(codes - {"W032"}) or codes)))
    return out


def prepare_on_dask(folder: Path, as_of: date | None, *, address: str | None = None,
                    blocksize: int = DEFAULT_BLOCK) -> tuple[Scheme, Any]:
    """engine.pipeline.prepare with the counted datasets read and summed on Dask: on the cluster at `address`
    (or DASK_SCHEDULER_ADDRESS), on one already connected (a `Client` made by the caller), or in processes
    on this machine."""
    try:
        import dask
        import dask.dataframe  # only to say plainly that the extra is missing
    except ImportError:
        raise InputError(Problem.of("C037")) from None
    from engine.locations import find_scheme
    from engine.pipeline import prepare
    from engine.scheme_loader import load_scheme
    from evidence.case import UNITS_FILE, load_units, read_case_file

    folder = folder.resolve()
    case, _ = read_case_file(folder)
    units = load_units(folder / UNITS_FILE)
    scheme = load_scheme(find_scheme(case.scheme, folder), units=set(units))
    by = readers(folder, scheme, case, units, as_of or case.as_of, blocksize)
    client = client_for(address)
    # Python reads the cells (the pandas path's readers): processes, not threads, use the cores here, unless
    # the caller chose a scheduler (dask.config) or connected a client
    chosen = client is not None or _connected() or dask.config.get("scheduler", None) is not None
    local = nullcontext() if chosen else dask.config.set(scheduler="processes")
    try:
        with local:
            return prepare(folder, load=lambda *_args, **_kw: scheme, readers=by)
    finally:
        if client is not None:
            client.close()


def _connected() -> bool:
    """A dask.distributed Client of the caller's is the default scheduler (tests, notebooks)."""
    try:
        from distributed import default_client
    except ImportError:
        return False
    try:
        default_client()
    except ValueError:
        return False
    return True
