"""Many departments in one run: `cchc assess <folder of cases>` against one `cchc assess` per department.

    python benchmarks/bench_many_cases.py [--departments 30] [--dossiers 500000] [--skip-mock]

1. Thirty seed-sized departments (copies of the seed case): thirty `cchc assess <case>` processes one after
   another, against one `cchc assess <folder>` run (one process per core, and --jobs 1).
2. The Sở Nội vụ's mock run: thirty departments sharing 500 000 dossiers (≈16 700 each, a generated one-stop
   export per department read through the shipped mapping), one `cchc assess <folder> --format json` run,
   with --jobs 1 and one process per core. Goal: under 20 s on this machine.

Whole processes, wall clock, one sample each (the runs are long); the generated files are written once,
outside the timings. Run from the repository root with the test extra installed (the export generator
lives with the tests).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import children  # noqa: E402
from benchmarks.export_generator import generate, write_csv  # noqa: E402

SEED = ROOT / "cases" / "ha-giang-sonnptnt-2023"
EXPORT = "exports/ho-so.csv"


def cchc() -> list[str]:
    exe = shutil.which("cchc")
    return [exe] if exe else [sys.executable, "-m", "engine.cli"]


def department(folder: Path, i: int, dossiers: int | None = None) -> Path:
    """A copy of the seed case for department i; with `dossiers`, its dossiers are a generated export."""
    shutil.copytree(SEED, folder, ignore=shutil.ignore_patterns("lich-su"))
    data = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    data["id"], data["unit"] = folder.name, f"Sở số {i:02d}"
    if dossiers is not None:
        write_csv(generate(dossiers, seed=i), folder / EXPORT)
        data["datasets"]["dossiers"] = {"path": EXPORT, "mapping": "mot-cua-dien-tu"}
        data["as_of"] = "2024-12-31"
    (folder / "case.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                          env=children.ENV)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return took


def seed_sized(work: Path, n: int, cores: int | None) -> None:
    seeds = work / "seed-sized"
    seeds.mkdir()
    folders = [department(seeds / f"so-{i:02d}", i) for i in range(1, n + 1)]
    apart = sum(timed([*cchc(), "assess", str(f)]) for f in folders)
    print(f"{n} seed-sized departments as {n} processes: {apart:.1f} s")
    for jobs in ("1", str(cores)):
        took = timed([*cchc(), "assess", str(seeds), "--jobs", jobs])
        print(f"{n} seed-sized departments in one run, --jobs {jobs}: {took:.1f} s ({apart / took:.1f}× faster)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=30)
    parser.add_argument("--dossiers", type=int, default=500_000, help="in total, over all departments")
    parser.add_argument("--skip-mock", action="store_true", help="only the seed-sized departments")
    parser.add_argument("--only-mock", action="store_true", help="only the mock run")
    args = parser.parse_args()
    n = args.departments
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"Python {sys.version.split()[0]}, {cores} cores, load average {os.getloadavg()[0]:.1f}")
    work = Path(tempfile.mkdtemp(prefix="cchc-many-"))
    try:
        if not args.only_mock:
            seed_sized(work, n, cores)
        if args.skip_mock:
            return
        mock = work / "mock"
        mock.mkdir()
        each = -(-args.dossiers // n)
        started = time.perf_counter()
        for i in range(1, n + 1):
            department(mock / f"so-{i:02d}", i, dossiers=each)
        print(f"(generated {n} exports of {each:,} dossiers in {time.perf_counter() - started:.0f} s, not timed)")
        for jobs in ("1", str(cores)):
            took = timed([*cchc(), "assess", str(mock), "--format", "json", "--jobs", jobs])
            print(f"mock run, {n} departments × {each:,} dossiers ({n * each:,} in total), --jobs {jobs}: "
                  f"{took:.1f} s (goal < 20 s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
