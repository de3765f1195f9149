"""A case's datasets as Dask DataFrames, for the metrics of engine/metrics.py past one machine.

Read with `dask.dataframe.read_csv`, in blocks, on whichever scheduler is active (a local one, or a
cluster: `dask.distributed.Client(address)`). The column mapping is the pandas path's: the engine's
headers (evidence/datasets.py SPECS) or the case's export mapping (evidence/exports.py), and every cell
goes through the same reader (`evidence.datasets._reader`), once per distinct value in each block.

What this path assumes, and does not check (docs/evidence.md, "Dask"): the files were accepted by
`cchc evidence check` (the pandas path names every bad cell by row and column; here a bad cell stops
the run with C035 and no row), they are CSV with the header on the first line, and W-warnings
(repeated rows, statuses the dates contradict) are not gathered.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from engine.as_of_status import dossiers_at
from evidence.case import UNITS_FILE, load_units, read_case_file
from evidence.datasets import PLAIN, SPECS, Column, Reading, _Bad, _reader, fold_key
from evidence.exports import load_mapping, mapping_file
from evidence.paths import PathEscapeError, inside
from evidence.problems import InputError, Problem


def client_for(address: str | None) -> Any:
    """A Dask client on the cluster at `address` (or DASK_SCHEDULER_ADDRESS); None: Dask's local scheduler."""
    import os

    address = address or os.environ.get("DASK_SCHEDULER_ADDRESS")
    if not address:
        return None
    from dask.distributed import Client

    return Client(address)


def _columns(name: str, headers: list[str], mapping: Any) -> tuple[dict[str, str | None], Reading]:
    """field → the file's header (None: absent), and how to read values, exactly as the pandas path maps them."""
    present = {fold_key(h): h for h in headers}
    if mapping is None:
        return {c.field: present.get(fold_key(c.header)) for c in SPECS[name]}, PLAIN
    cols: dict[str, str | None] = {c.field: None for c in SPECS[name]}
    for header, target in mapping.columns.items():
        cols[target] = present.get(fold_key(header))
    reading = Reading(values={f: {fold_key(k): v for k, v in t.items()} for f, t in mapping.values.items()},
                      date_format=mapping.date_format)
    return cols, reading


def _converted(block: pd.Series, read: Callable[[str, str], object], header: str, path: str) -> pd.Series:
    """One block of one column: each distinct text read once by the pandas path's reader."""
    values: dict[str, object] = {}
    for raw in block.unique():
        try:
            values[raw] = read(raw, header)
        except _Bad as bad:
            raise InputError(Problem.of("C035", file=path, column=header, header=header, value=raw,
                                        kind=bad.code)) from None
    return block.map(values).astype(object)


def read_dataset(name: str, paths: list[Path], units: dict[str, str], mapping: Any = None,
                 blocksize: str | int = "64MB") -> Any:
    """One dataset (one or several CSV files, concatenated) as a Dask DataFrame with the engine's fields,
    `_n` (items per row) and `_row` (0: rows are not numbered on this path)."""
    import dask
    import dask.dataframe as dd

    # cells become Python values (dates, codes, None) as on the pandas path: no conversion to Arrow strings
    dask.config.set({"dataframe.convert-string": False})
    for path in paths:
        if path.suffix.lower() != ".csv":
            raise InputError(Problem.of("C036", file=path))
    raw = dd.read_csv([str(p) for p in paths], dtype=str, keep_default_na=False, blocksize=blocksize,
                      encoding="utf-8-sig")
    cols, reading = _columns(name, list(raw.columns), mapping)
    unit_names = {fold_key(label): code for code, label in units.items()}
    spec: tuple[Column, ...] = SPECS[name]
    parts: dict[str, Any] = {}
    for column in spec:
        header = cols.get(column.field)
        if header is None:
            parts[column.field] = raw[raw.columns[0]].map(lambda _: None, meta=(column.field, object))
            continue
        read = _reader(column, units, unit_names, reading)
        parts[column.field] = raw[header].map_partitions(_converted, read, header, str(paths[0]),
                                                         meta=(column.field, object))
    out = raw.assign(**parts)[[c.field for c in spec]]
    out["_row"] = 0
    if "n" in parts:  # as the pandas path: a row without a count is one item
        out["_n"] = out["n"].map_partitions(lambda s: s.fillna(1).astype("int64"), meta=("_n", "int64"))
    else:
        out["_n"] = 1
    return out


def case_frames(folder: Path, as_of: date, datasets: list[str] | None = None,
                blocksize: str | int = "64MB") -> dict[str, Any]:
    """Every CSV dataset of the case at `folder` as a Dask DataFrame, dossier statuses at `as_of`."""
    folder = folder.resolve()
    case, _ = read_case_file(folder)
    units = load_units(folder / UNITS_FILE)
    frames: dict[str, Any] = {}
    for name, source in case.datasets.items():
        if datasets is not None and name not in datasets:
            continue
        try:
            path = inside(folder, source.path)
        except PathEscapeError:
            raise InputError(Problem.of("E005", file=folder / "case.yaml", path=source.path)) from None
        mapping = load_mapping(mapping_file(source.mapping, folder)) if source.mapping else None
        frame = read_dataset(name, [path], units, mapping, blocksize)
        if name == "dossiers":
            frame = frame.map_partitions(lambda part: dossiers_at(part, as_of)[0], meta=frame._meta)
        frames[name] = frame
    return frames
