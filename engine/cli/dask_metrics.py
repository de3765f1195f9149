"""`cchc assess --engine dask`: the dataset metrics of a case computed by Dask (engine/metrics.py).

Prints, for every rate over counted rows and every deadline requirement, the counts the pandas path
scores from: numerator, denominator, items lacking data; items per deadline status. The scoring itself
(documents, entered values, points) stays on the default path.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from engine.cli.common import EXIT_OK
from evidence.problems import InputError, Problem

STATE_WORDS = {"dung-han": "đúng hạn", "tre-han": "hoàn thành quá hạn", "qua-han": "quá hạn chưa hoàn thành",
               "trong-han": "còn trong hạn"}


def run_dask(args: argparse.Namespace, folder: Path, as_of: date | None) -> int:
    for option, used in (("--scenario", args.scenario), ("--save", args.save), ("--unit", args.unit),
                         ("--chi-tiet", args.detail)):
        if used:
            raise InputError(Problem.of("C039", option=option))
    try:
        import dask.dataframe  # noqa: F401 - only to say plainly that the extra is missing
    except ImportError:
        raise InputError(Problem.of("C037")) from None
    from engine.dask_datasets import case_frames, client_for
    from engine.locations import find_scheme
    from engine.metrics import dataset_metrics
    from engine.scheme_loader import load_scheme
    from evidence.case import UNITS_FILE, load_units, read_case_file

    case, _ = read_case_file(folder.resolve())
    scheme = load_scheme(find_scheme(case.scheme, folder.resolve()), units=set(load_units(folder / UNITS_FILE)))
    when = as_of or case.as_of
    try:
        client = client_for(args.scheduler)
    except OSError as exc:  # the address answers nothing (distributed raises OSError on a timeout)
        raise InputError(Problem.of("C038", address=args.scheduler or "DASK_SCHEDULER_ADDRESS",
                                    detail=str(exc))) from None
    try:
        counts = dataset_metrics(scheme, case_frames(folder, when), when)
    finally:
        if client is not None:
            client.close()
    if args.format == "json":
        print(json.dumps({"case": case.id, "as_of": when.isoformat(), "engine": "dask", "metrics": counts},
                         ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{case.title} — số liệu các bộ dữ liệu tại {when:%d/%m/%Y} (Dask)")
    for key, found in counts.items():
        if "numerator" in found:
            print(f"  {key}: {found['numerator']}/{found['denominator']}"
                  + (f", {found['unknown']} mục thiếu dữ liệu" if found["unknown"] else ""))
        else:
            print(f"  {key}: " + ", ".join(f"{found[k]} {w}" for k, w in STATE_WORDS.items()))
    return EXIT_OK
