"""A province's year of dossiers: whole-process `cchc assess` on a generated one-stop export, side by side
with what a user would pick instead, on the same file in the same run.

    pip install -e '.[bench]'
    python benchmarks/bench_scale.py [--rows 5000 50000 500000] [--repeat 3] [--work /tmp/cchc-scale]

For each size: the generator (benchmarks/export_generator.py) writes the export and its ground truth;
a copy of the seed case reads it through the shipped mapping `mot-cua-dien-tu`. Then, each as a fresh
process (start-up, imports and reading included), median of `--repeat` runs:

- cchc: `cchc assess <case>` (the whole assessment, every criterion, the export among them);
- pandas: a plain script computing the on-time rate from the export (pyarrow engine);
- DuckDB: the same rate in one SQL query over the same file.

Peak RSS is the child's own (getrusage via wait4). The pandas and DuckDB answers are checked against the
ground truth, so the comparison is with a correct computation. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import children  # noqa: E402
from benchmarks.export_generator import AS_OF, generate, truth_path, write_csv, write_truth  # noqa: E402

SEED = ROOT / "cases" / "ha-giang-sonnptnt-2023"

# The on-time rate as the engine counts it: dates decide (a dossier returned by its due day is on time), a
# stopped dossier is left out, an open one counts once its due day has passed (late).
PANDAS = """
import sys, pandas as pd
f = pd.read_csv(sys.argv[1], engine="pyarrow", dtype=str, usecols=["Ngày hẹn trả", "Ngày trả kết quả",
                "Trạng thái hồ sơ"], encoding="utf-8-sig")
due = pd.to_datetime(f["Ngày hẹn trả"], format="%d/%m/%Y %H:%M").dt.normalize()
ret = pd.to_datetime(f["Ngày trả kết quả"], format="%d/%m/%Y %H:%M").dt.normalize()
live = f["Trạng thái hồ sơ"].fillna("") != "Dừng xử lý"
on_time = int((live & ret.notna() & (ret <= due)).sum())
decided = int((live & (ret.notna() | (due < pd.Timestamp(sys.argv[2])))).sum())
print(on_time, decided)
"""
DUCKDB = """
import sys, duckdb
q = '''
WITH d AS (
  SELECT "Trạng thái hồ sơ" AS s,
         CAST(strptime(NULLIF("Ngày hẹn trả", ''), '%d/%m/%Y %H:%M') AS DATE) AS due,
         CAST(strptime(NULLIF("Ngày trả kết quả", ''), '%d/%m/%Y %H:%M') AS DATE) AS ret
  FROM read_csv(?, all_varchar = true, header = true))
SELECT count(*) FILTER (WHERE s IS DISTINCT FROM 'Dừng xử lý' AND ret IS NOT NULL AND ret <= due),
       count(*) FILTER (WHERE s IS DISTINCT FROM 'Dừng xử lý' AND (ret IS NOT NULL OR due < CAST(? AS DATE)))
FROM d'''
print(*duckdb.execute(q, [sys.argv[1], sys.argv[2]]).fetchone())
"""

# What any cchc run on the file costs before it checks or scores anything: a fresh interpreter loading the
# libraries it is built on (pandas, pyarrow, pydantic) and cchc's own Arrow parse of every cell of the file as
# text. Whatever cchc does beyond it is checking cells, reading values and scoring; the goal's ratio has to
# fit in what the floor leaves.
FLOOR = """
import sys
from pathlib import Path
import gc
gc.disable()  # the libraries load as cchc loads them (engine/cli/startup.py)
import pandas, pydantic
from evidence import columnar
gc.freeze()
gc.enable()
path = Path(sys.argv[1])
with path.open("rb") as handle:
    bom = handle.read(3) == columnar._UTF8_BOM
table = columnar._parse(path, bom, columnar.BLOCK)
print(table.num_rows)
"""


def case_for(rows: int, work: Path) -> tuple[Path, Path]:
    """A copy of the seed case whose dossiers are a generated export of `rows` rows (kept between runs)."""
    folder = work / f"case-{rows}"
    export = folder / "exports" / "ho-so.csv"
    if export.is_file() and truth_path(export).is_file():
        return folder, export
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(SEED, folder)
    records = generate(rows, seed=2024)
    write_csv(records, export)
    write_truth(records, export)
    data = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    data["datasets"] = {**data["datasets"], "dossiers": {"path": "exports/ho-so.csv", "mapping": "mot-cua-dien-tu"}}
    data["as_of"] = AS_OF.isoformat()
    (folder / "case.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder, export


def measure(command: list[str], repeat: int) -> tuple[float, int, str]:
    run(command)  # uncounted: writes bytecode (benchmarks/children.py) and warms the file cache for every tool
    runs = [run(command) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs), runs[-1][2]


def run(command: list[str]) -> tuple[float, int, str]:
    """(seconds, peak RSS in MB, stdout) of one child process, start to exit; reaped with wait4 so that
    its own peak RSS is read."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT,
                             env=children.ENV)
    assert child.stdout is not None
    out = child.stdout.read().decode("utf-8", "replace")
    child.stdout.close()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    took = time.perf_counter() - started
    if child.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command[:4])} exited {child.returncode}")
    return took, usage.ru_maxrss // 1024, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[5000, 50_000, 500_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/cchc-scale"))
    args = parser.parse_args()
    python = sys.executable
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    print("| Hồ sơ | cchc assess | script pandas | DuckDB | cchc / DuckDB | RAM cchc (đỉnh) | sàn cchc "
          "| sàn / DuckDB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for rows in args.rows:
        case, export = case_for(rows, args.work)
        truth = json.loads(truth_path(export).read_text(encoding="utf-8"))["on_time"]
        expected = f"{truth['numerator']} {truth['denominator']}"
        cchc_s, cchc_mb, _ = measure([python, "-m", "engine.cli", "assess", str(case)], args.repeat)
        pandas_s, _, pandas_out = measure([python, "-c", PANDAS, str(export), AS_OF.isoformat()], args.repeat)
        duck_s, _, duck_out = measure([python, "-c", DUCKDB, str(export), AS_OF.isoformat()], args.repeat)
        floor_s, _, _ = measure([python, "-c", FLOOR, str(export)], args.repeat)
        for name, answer in (("pandas", pandas_out), ("DuckDB", duck_out)):
            if answer.split() != expected.split():
                raise SystemExit(f"{name} counted {answer.strip()} on-time/decided, the ground truth is {expected}")
        print(f"| {rows:,} | {cchc_s:.2f} s | {pandas_s:.2f} s | {duck_s:.2f} s | {cchc_s / duck_s:.1f}× "
              f"| {cchc_mb} MB "
              f"| {floor_s:.2f} s | {floor_s / duck_s:.1f}× |".replace(",", "."), flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
