"""How long a large .xlsx one-stop export takes: openpyxl (before) against calamine (now), whole process.

    python benchmarks/bench_excel.py [--rows 100000] [--repeat 3] [--keep DIR]

Generates the export with the shared generator (benchmarks/export_generator.py),
puts it in a copy of the seed case as the `dossiers` dataset through the shipped
`mot-cua-dien-tu` mapping, and times, each as a whole process with its peak RSS:

- `cchc assess` with the fast reader (python-calamine for plain sheets: evidence/xlsx_fast.py);
- the same with openpyxl only (the reader before: the fast path switched off in that process);
- a plain pandas script, `pd.read_excel(engine="calamine")` and the on-time count, for comparison;

and in-process, `read_table` alone with each reader. Writing 100 000 rows with openpyxl takes about a
minute: `--keep DIR` keeps the export for the next run. Medians of `--repeat` runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from benchmarks.export_generator import generate, write_xlsx  # noqa: E402
from evidence import tables  # noqa: E402

SEED = ROOT / "cases" / "ha-giang-sonnptnt-2023"
OPENPYXL_ONLY = "import evidence.tables as t; t.read_plain = lambda *a, **k: None\n"
ASSESS = "import sys; from engine.cli import main; sys.exit(main(['assess', sys.argv[1], '--format', 'json']))\n"
PANDAS = """import sys
import pandas as pd
frame = pd.read_excel(sys.argv[1], engine="calamine")
returned = pd.to_datetime(frame["Ngày trả kết quả"], errors="coerce")
due = pd.to_datetime(frame["Ngày hẹn trả"], errors="coerce")
done = returned.notna()
print(int(done.sum()), int((returned[done] <= due[done]).sum()))
"""


def run(script: str, *args: str) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, stdout) of one Python process running `script`."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", script, *args], cwd=ROOT, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, peak RSS included
        took = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode not in (0, 1):  # 1: the assessment found criteria below the mark, not a failure
            raise SystemExit(f"process failed ({child.returncode}): {err.read()[-2000:]}")
        return took, usage.ru_maxrss / 1024, out.read()


def timed(script: str, *args: str, repeat: int) -> tuple[float, float, str]:
    samples = [run(script, *args) for _ in range(repeat)]
    return statistics.median(s[0] for s in samples), max(s[1] for s in samples), samples[-1][2]


def in_process(read: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        read()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="folder to keep (and reuse) the generated export in")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cchc-bench-excel-"))
    try:
        export = (args.keep or work) / f"ho-so-{args.rows}.xlsx"
        if not export.exists():
            export.parent.mkdir(parents=True, exist_ok=True)
            write_xlsx(generate(args.rows, seed=2024), export)
        case = work / "case"
        shutil.copytree(SEED, case)
        data = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
        dossiers = {"path": "exports/ho-so.xlsx", "mapping": "mot-cua-dien-tu"}
        data["datasets"] = {**data["datasets"], "dossiers": dossiers}
        data["as_of"] = "2024-12-31"
        (case / "case.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        (case / "exports").mkdir()
        shutil.copy(export, case / "exports" / "ho-so.xlsx")

        print(f"{args.rows:,} dossiers, .xlsx {export.stat().st_size / 1_048_576:.1f} MB; Python "
              f"{sys.version.split()[0]}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        # the child processes first: a child forked from this process once it holds a sheet reports this
        # process's peak as its own (ru_maxrss carries over the fork), so every row showed the same RSS
        rows = [("cchc assess, calamine (now)", *timed(ASSESS, str(case), repeat=args.repeat)),
                ("cchc assess, openpyxl (before)", *timed(OPENPYXL_ONLY + ASSESS, str(case), repeat=1)),
                ("pandas read_excel(engine='calamine') script", *timed(PANDAS, str(export), repeat=args.repeat))]
        fast = in_process(lambda: tables.read_table(export), args.repeat)
        print(f"read_table, calamine: {fast:.2f} s")
        original = tables.read_plain
        tables.read_plain = lambda *a, **k: None  # type: ignore[assignment]
        try:
            slow = in_process(lambda: tables.read_table(export), 1)
        finally:
            tables.read_plain = original
        print(f"read_table, openpyxl: {slow:.2f} s (one run)")
        print("\n| what | whole process | peak RSS |\n|---|---:|---:|")
        for what, took, rss, _ in rows:
            print(f"| {what} | {took:.1f} s | {rss:.0f} MB |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
