"""Where `cchc assess --engine dask` starts to pay: the whole process against the default path, by size.

For each size, a copy of the seed case whose dossiers are a generated one-stop export
(benchmarks/export_generator.py, mapping `mot-cua-dien-tu`), in files of at most 500 000 rows (one per
month, say: `exports/ho-so-*.csv`, so the default path reads it within its limits too), is assessed as a
whole process three ways:

    pandas        cchc assess --format json
    dask          cchc assess --format json --engine dask      (Dask's process pool on this machine)
    dask-cluster  the same with --cluster tcp://…: a LocalCluster of 2 worker processes started beforehand
                  (what a real cluster runs; its start-up is not counted)

Wall time is what a user waits. CPU time is the process and the children it waited for (the process
pool's workers); the cluster's workers are not children, so dask-cluster shows the client's CPU only.
RSS is the largest single process's peak. Every run's result must be the pandas run's (the comparison
tests/test_dask_engine.py makes: the same document but for the manifest's engine and W071): checked here.

    python benchmarks/bench_dask.py [--sizes 50000 500000 2000000] [--keep DIR] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.export_generator import generate, write_csv  # noqa: E402

PER_FILE = 500_000  # the default path's CSV limit per file (evidence/tables.py)
ROW_WARNINGS = ("W030", "W032", "W033", "W046", "W071")


def case_of(size: int, where: Path) -> Path:
    done = where / f"case-{size}"
    if done.is_dir():
        return done
    folder = where / f"case-{size}.partial"  # renamed once every file is written: an interrupted run starts over
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(ROOT / "cases" / "ha-giang-sonnptnt-2023", folder)
    data = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    data["datasets"]["dossiers"] = {"path": "exports/ho-so-*.csv", "mapping": "mot-cua-dien-tu"}
    data["as_of"] = "2024-12-31"
    (folder / "case.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for part, start in enumerate(range(0, size, PER_FILE)):
        write_csv(generate(min(PER_FILE, size - start), seed=size + part), folder / "exports" / f"ho-so-{part:02}.csv")
    return folder.rename(done)


def _comparable(out: str) -> dict:
    document = json.loads(out)
    document["manifest"].pop("engine", None)
    document["warnings"] = [w for w in document["warnings"]
                            if not re.search(r"\[(" + "|".join(ROW_WARNINGS) + r")\]", w)]
    return document


# run in a fresh interpreter, so that the children's peak RSS is this run's own (getrusage keeps a maximum)
WRAP = """
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, check=False)
wall = time.perf_counter() - t0
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": kids.ru_utime + kids.ru_stime, "rss_mb": kids.ru_maxrss / 1024,
                  "code": done.returncode, "out": done.stdout, "err": done.stderr}))
"""


def measure(folder: Path, extra: list[str]) -> dict:
    exe = shutil.which("cchc")
    run = subprocess.run([sys.executable, "-c", WRAP, exe, "assess", str(folder), "--format", "json", *extra],
                         capture_output=True, text=True, check=True)
    got = json.loads(run.stdout)
    if got["code"] != 0:
        return {"error": (got["err"].strip().splitlines() or ["?"])[-1]}
    return {**got, "result": _comparable(got["out"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 500_000, 2_000_000])
    parser.add_argument("--ways", nargs="+", default=["pandas", "dask", "dask-cluster"])
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell; the median wall time is shown")
    parser.add_argument("--keep", type=Path, help="folder for the generated cases (reused when present)")
    args = parser.parse_args()
    where = args.keep or Path(tempfile.mkdtemp(prefix="cchc-bench-dask-"))
    where.mkdir(parents=True, exist_ok=True)
    cluster = None
    if "dask-cluster" in args.ways:
        from dask.distributed import LocalCluster

        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
    extra = {"pandas": [], "dask": ["--engine", "dask"],
             "dask-cluster": ["--engine", "dask", "--cluster", cluster.scheduler_address if cluster else ""]}
    print("| rows | " + " | ".join(f"{w}: wall s (CPU s, peak RSS MB)" for w in args.ways) + " |")
    print("|---:|" + "---:|" * len(args.ways))
    try:
        for size in args.sizes:
            folder = case_of(size, where)
            cells, reference = [], None
            for how in args.ways:
                runs = [measure(folder, extra[how]) for _ in range(args.repeat)]
                failed = next((r for r in runs if "error" in r), None)
                if failed:
                    cells.append(f"failed: {failed['error'][:80]}")
                    continue
                reference = reference or runs[0]["result"]
                same = "" if all(r["result"] == reference for r in runs) else " ≠ pandas!"
                wall = statistics.median(r["wall"] for r in runs)
                cells.append(f"{wall:.2f} ({statistics.median(r['cpu'] for r in runs):.2f}, "
                             f"{max(r['rss_mb'] for r in runs):.0f}){same}")
            print(f"| {size:,} | " + " | ".join(cells) + " |", flush=True)
    finally:
        if cluster is not None:
            cluster.close()
        if args.keep is None:
            shutil.rmtree(where, ignore_errors=True)


if __name__ == "__main__":
    main()
