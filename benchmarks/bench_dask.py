"""Where the Dask path starts to pay: the dataset metrics of a generated one-stop export, by size.

For each size, a copy of the seed case whose dossiers are a generated export (tests/export_generator.py,
mapping `mot-cua-dien-tu`) is measured three ways, each in its own process (wall and CPU time, peak RSS):

    pandas        the default path: read and check every cell (evidence/), then engine/metrics.py
    dask-threads  engine/dask_datasets.py + engine/metrics.py on Dask's local threaded scheduler
    dask-cluster  the same on a dask.distributed LocalCluster of 2 worker processes (what a real cluster runs)

CPU and RSS of dask-cluster are the client process's only (its workers are other processes), so compare
it by wall time. Every run must give the same counts as the pandas run (checked here); sizes above the pandas path's
row limit are measured with that limit lifted for the benchmark only (`--lift-limits`, default on).

    python benchmarks/bench_dask.py [--sizes 5000 50000 500000 2000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.export_generator import generate, write_csv  # noqa: E402

EXPORT = "exports/ho-so.csv"

RUN = r"""
import json, resource, sys, time
t0 = time.perf_counter()
sys.path.insert(0, sys.argv[3])
from pathlib import Path
folder, how = Path(sys.argv[1]), sys.argv[2]
from evidence import tables
# the benchmark measures reading, not the size limits (bound as defaults when read_table was defined)
tables.MAX_ROWS, tables.MAX_FILE_BYTES = 10**9, 1 << 40
if tables.read_table.__kwdefaults__:
    tables.read_table.__kwdefaults__.update({k: v for k, v in (("max_rows", 10**9), ("max_bytes", 1 << 40))
                                             if k in tables.read_table.__kwdefaults__})
from engine.metrics import dataset_metrics
if how == "pandas":
    from engine.as_of_status import dossiers_at
    from engine.pipeline import prepare
    scheme, evidence = prepare(folder)
    frames = dict(evidence.datasets)
    frames["dossiers"], _ = dossiers_at(frames["dossiers"], evidence.case.as_of)
    as_of = evidence.case.as_of
else:
    from engine.dask_datasets import case_frames
    from engine.locations import find_scheme
    from engine.scheme_loader import load_scheme
    from evidence.case import UNITS_FILE, load_units, read_case_file
    case, _ = read_case_file(folder)
    scheme = load_scheme(find_scheme(case.scheme, folder), units=set(load_units(folder / UNITS_FILE)))
    as_of = case.as_of
    client = None
    if how == "dask-cluster":
        from dask.distributed import Client, LocalCluster
        client = Client(LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None))
    frames = case_frames(folder, as_of)
counts = dataset_metrics(scheme, frames, as_of)
wall = time.perf_counter() - t0
own = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime,
                  "rss_mb": max(own.ru_maxrss, kids.ru_maxrss) / 1024, "counts": counts}))
"""


def case_of(size: int, where: Path) -> Path:
    folder = where / f"case-{size}"
    if folder.exists():
        return folder
    shutil.copytree(ROOT / "cases" / "ha-giang-sonnptnt-2023", folder)
    data = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    data["datasets"]["dossiers"] = {"path": EXPORT, "mapping": "mot-cua-dien-tu"}
    data["as_of"] = "2024-12-31"
    (folder / "case.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    write_csv(generate(size, seed=size), folder / EXPORT)
    return folder


def measure(folder: Path, how: str) -> dict:
    done = subprocess.run([sys.executable, "-c", RUN, str(folder), how, str(ROOT)], capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 50_000, 500_000, 2_000_000])
    parser.add_argument("--ways", nargs="+", default=["pandas", "dask-threads", "dask-cluster"])
    parser.add_argument("--keep", type=Path, help="folder for the generated cases (reused when present)")
    args = parser.parse_args()
    where = args.keep or Path(tempfile.mkdtemp(prefix="cchc-bench-dask-"))
    where.mkdir(parents=True, exist_ok=True)
    print("| rows | " + " | ".join(f"{w} wall s (CPU s, RSS MB)" for w in args.ways) + " |")
    print("|---:|" + "---:|" * len(args.ways))
    for size in args.sizes:
        folder = case_of(size, where)
        cells, reference = [], None
        for how in args.ways:
            got = measure(folder, how)
            if "error" in got:
                cells.append(f"failed: {got['error'][:60]}")
                continue
            reference = reference or got["counts"]
            same = "" if got["counts"] == reference else " ≠ pandas!"
            cells.append(f"{got['wall']:.2f} ({got['cpu']:.2f}, {got['rss_mb']:.0f}){same}")
        print(f"| {size:,} | " + " | ".join(cells) + " |", flush=True)
    if args.keep is None:
        shutil.rmtree(where, ignore_errors=True)


if __name__ == "__main__":
    main()
