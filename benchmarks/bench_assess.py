"""How long an assessment of the seed case takes.

In-process: one Assessor (scheme compiled, matcher registered once), `assess()` repeated,
median reported — the cost a monthly TCCB run pays per case. Also the cold path
(load case + scheme + compile + assess) and the whole `cchc assess` process.

    python benchmarks/bench_assess.py [--repeat 50] [--process-runs 5] [--process-only]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import children  # noqa: E402
from engine.assess import Assessor  # noqa: E402
from engine.pipeline import prepare  # noqa: E402


def _median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.1f} ms (min {min(samples) * 1000:.1f}, n={len(samples)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--process-runs", type=int, default=5)
    parser.add_argument("--process-only", action="store_true", help="only the whole-process timings")
    args = parser.parse_args()

    print(f"Python {sys.version.split()[0]}; load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if not args.process_only:
        in_process(args.repeat)
    processes(args.process_runs)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


def in_process(repeat: int) -> None:
    for prefer in ("durable", "python"):
        scheme, evidence = prepare("ha-giang-sonnptnt-2023")
        assessor = Assessor(scheme, prefer=prefer)
        assessor.assess(evidence)  # warm-up
        warm = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            result = assessor.assess(evidence)
            warm.append(time.perf_counter() - t0)
        assert str(result.total) == "75.66"
        print(f"in-process assess, matcher={result.matcher}: median {_median_ms(warm)}")

    cold = []
    for _ in range(max(5, repeat // 5)):
        t0 = time.perf_counter()
        scheme, evidence = prepare("ha-giang-sonnptnt-2023")
        Assessor(scheme).assess(evidence)
        cold.append(time.perf_counter() - t0)
    print(f"in-process load + compile + assess: median {_median_ms(cold)}")



FLOOR = "import gc; gc.disable(); import pandas, pyarrow.csv, pydantic; gc.freeze(); gc.enable()"


def processes(runs: int) -> None:
    exe = shutil.which("cchc")
    if exe is None:
        print("cchc is not installed in this environment: process timing skipped")
        return
    env = children.ENV  # as installed, with bytecode; the first run of each command is not counted
    # Wall time is what a user waits; CPU time (user + system of the child) is the same work without the
    # waiting a busy machine adds, so before/after comparisons on a shared machine use it.
    # the floor: an interpreter that only imports the libraries reading and scoring a case needs, and exits; loaded
    # as cchc loads them (the collector paused, then everything frozen: engine/cli/startup.py)
    floor = [sys.executable, "-c", FLOOR]
    for command in (["assess"], ["assess", "--format", "json"], ["--help"], floor):
        command = [exe, *command] if command is not floor else floor
        subprocess.run(command, check=True, capture_output=True, env=env)
        walls, cpus = [], []
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env=env)
            walls.append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        what = "the floor (pandas, pyarrow.csv, pydantic loaded, then out)" if command is floor else \
            f"whole `cchc {' '.join(command[1:])}` process"
        print(f"{what}: wall median {_median_ms(walls)}; CPU median {_median_ms(cpus)}")


if __name__ == "__main__":
    main()
