"""Many cases in one run (a province's departments), and the ranking the province publishes.

Each scheme is compiled once per process (`Assessor` cached by scheme folder and matcher), cases run in
a process pool when there are several and more than one core, and a case that cannot be read is
reported with its errors while the others are still assessed and ranked.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from engine.locations import CASE_FILE, find_case, shown
from evidence.problems import InputError, Problem

if TYPE_CHECKING:  # `cchc assess` decides one case or many before anything heavy is loaded
    from engine.assess import Assessor
    from engine.results import Assessment
    from engine.scheme import Scheme


@dataclass(frozen=True)
class CaseRun:
    """One case of a run: its result, or the errors that kept it from being assessed."""

    case: str  # as shown to the user (a path relative to the working folder, or a name)
    result: Assessment | None
    errors: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Ranked:
    rank: int  # ties share a rank (1, 2, 2, 4), within one scheme
    case: str
    result: Assessment


def case_folders(given: Sequence[str]) -> tuple[list[Path], list[CaseRun]]:
    """Each argument as a case folder (a path or a known name), or a folder of cases: each of its subfolders
    that holds a case.yaml, in name order. Arguments that name no case come back as failed runs."""
    folders: list[Path] = []
    failed: list[CaseRun] = []
    for name in given:
        try:
            folder = find_case(name)
        except InputError as exc:
            failed.append(CaseRun(name, None, tuple(exc.problems)))
            continue
        inner = [] if (folder / CASE_FILE).is_file() else \
            sorted(p for p in folder.iterdir() if (p / CASE_FILE).is_file())
        folders += inner or [folder]  # a folder without cases fails as a case would: its missing case.yaml
    return list(dict.fromkeys(folders)), failed


def is_folder_of_cases(name: str) -> bool:
    """Whether one argument stands for several cases (a folder of case folders, itself no case)."""
    try:
        folder = find_case(name)
    except InputError:
        return False
    return not (folder / CASE_FILE).is_file() and any((p / CASE_FILE).is_file() for p in folder.iterdir())


# One Assessor per scheme folder and matcher, per process: compiling patterns and registering rules
# with the matcher is the part of an assessment that does not depend on the case.
_ASSESSORS: dict[tuple[str, str], Assessor] = {}


def _assessor(scheme_dir: Path, prefer: str, make: Callable[[], Assessor]) -> Assessor:
    key = (str(scheme_dir.resolve()), prefer)
    if key not in _ASSESSORS:
        _ASSESSORS[key] = make()
    return _ASSESSORS[key]


# Schemes loaded in this process, by folder, the units owners may name, and the SHA-256 of every rule file:
# reading the rule YAML is a third of a seed-sized case, and the content hash makes reuse exact.
_SCHEMES: dict[tuple[str, frozenset[str], str], Scheme] = {}


def _load_once(folder: Path, *, units: set[str] | None = None) -> Scheme:
    from engine.manifest import rule_files, rules_hash
    from engine.scheme_loader import load_scheme

    key = (str(folder.resolve()), frozenset(units or ()), rules_hash(rule_files(folder)))
    if key not in _SCHEMES:  # a scheme that fails to load raises every time, for every case that names it
        _SCHEMES[key] = load_scheme(folder, units=units)
    return _SCHEMES[key]


def assess_one(folder: Path, as_of: date | None, prefer: str, engine: str = "pandas",
               cluster: str | None = None) -> CaseRun:
    """One case, with the process's cached Assessor for its scheme; input problems become a failed run.
    `engine` "dask": its counted datasets summed on Dask (engine/dask_datasets.py), on `cluster` if named."""
    from dataclasses import replace

    from engine.manifest import scheme_folder
    from engine.pipeline import assessor, prepare

    name = shown(folder)
    try:
        if engine == "dask":
            from engine.dask_datasets import prepare_on_dask

            scheme, evidence = prepare_on_dask(folder, as_of, address=cluster)
        else:
            scheme, evidence = prepare(folder, load=_load_once)
        scorer = _assessor(scheme_folder(evidence), prefer, lambda: assessor(scheme, evidence, prefer=prefer))
        return CaseRun(name, replace(scorer.assess(evidence, as_of=as_of), dataset_engine=engine))
    except InputError as exc:
        return CaseRun(name, None, tuple(exc.problems))
    except MemoryError:  # every reader names its file (E054); this is the backstop, per case
        return CaseRun(name, None, (Problem.of("E054", what=f"hồ sơ {name}"),))


def _assess_args(args: tuple[Path, date | None, str, str, str | None]) -> CaseRun:
    return assess_one(*args)


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_jobs(cases: int) -> int:
    """Processes worth starting: one per core, never more than cases (measured: benchmarks/bench_many_cases.py)."""
    return max(1, min(cores(), cases))


def assess_many(folders: Sequence[Path], *, as_of: date | None = None, prefer: str = "durable",
                jobs: int | None = None, engine: str = "pandas", cluster: str | None = None) -> list[CaseRun]:
    """Every case, in the order given; in `jobs` processes (default: one per core) when there are several.
    On `engine` "dask" the cases run one after another: Dask spreads each case's blocks over the cores."""
    jobs = 1 if engine == "dask" else default_jobs(len(folders)) if jobs is None else max(1, min(jobs, len(folders)))
    work = [(Path(f), as_of, prefer, engine, cluster) for f in folders]
    if jobs == 1:
        return [_assess_args(w) for w in work]
    from concurrent.futures import ProcessPoolExecutor  # multiprocessing: only once there is a pool to start

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        # chunks of a few cases: each worker compiles each scheme once and pays one round trip per chunk
        return list(pool.map(_assess_args, work, chunksize=max(1, len(work) // (jobs * 4))))


def ranking(runs: Sequence[CaseRun]) -> list[list[Ranked]]:
    """The assessed cases ranked by index %, highest first, one ranking per scheme (cases scored against
    different criteria are not compared); equal indexes share a rank, as the province publishes."""
    by_scheme: dict[tuple[str, str], list[CaseRun]] = {}
    for run in runs:
        if run.result is not None:
            by_scheme.setdefault((run.result.scheme_id, run.result.scheme_version), []).append(run)
    out = []
    for group in by_scheme.values():
        ordered = sorted(group, key=lambda r: (-_index(r), r.result.unit_name if r.result else "", r.case))
        ranked: list[Ranked] = []
        for place, run in enumerate(ordered, 1):
            assert run.result is not None
            tied = ranked and _index(ordered[place - 2]) == _index(run)
            ranked.append(Ranked(ranked[-1].rank if tied else place, run.case, run.result))
        out.append(ranked)
    return out


def _index(run: CaseRun) -> Decimal:
    return run.result.index_percent if run.result is not None else Decimal(-1)
