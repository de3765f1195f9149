"""Where the time of one `cchc assess` goes, stage by stage, in one process.

    python benchmarks/bench_stages.py [CASE] [--repeat 3]

CASE defaults to the 500 000-dossier case `bench_scale.py` builds (/tmp/cchc-scale/case-500000; run that first).
Each stage is the CPU time (all threads) spent inside the functions named beside it, measured by wrapping them;
the library imports are timed on their own first, and "the rest" is what the whole run spent outside the
stages listed (loading the rules, registers and documents, matching, scoring, building the result). The output
stage renders the text and the JSON report without printing them. Medians of `--repeat` runs in fresh
processes. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import children  # noqa: E402

# stage → the functions it is made of (module, name); a function called inside another stage's is counted once,
# in the innermost stage, because the wrapper pauses the outer clock
STAGES: dict[str, list[tuple[str, str]]] = {
    "Arrow tách tệp CSV": [("evidence.columnar", "_parse")],
    "kiểm ô, làm sạch giá trị khác nhau": [("evidence.columnar", "_clean_column"), ("evidence.columnar", "_any_match"),
                                           ("evidence.columnar", "_holds_nul")],
    "đọc giá trị (ngày, mã, đơn vị)": [("evidence.datasets", "_parse")],
    "hàng lặp, ngày sai thứ tự": [("evidence.datasets", "_check_dossiers"), ("evidence.datasets", "_repeated_rows")],
    "trạng thái hồ sơ tại ngày tính": [("engine.assess", "dossiers_at")],  # assess calls it by that name
    "tỷ lệ, theo đơn vị, còn kịp không": [("engine.dataset_requirements", "evaluate_rate")],
}

CHILD = """
import importlib, json, sys, time
from dataclasses import replace
clock = time.process_time
started = clock()
import gc
gc.disable()  # as `cchc assess` loads them (engine/cli/startup.py): collector paused, then everything frozen
import pandas, pyarrow.csv, pydantic
libraries = clock() - started
from engine.pipeline import assessor, prepare
from engine.reports import json_result, terminal
gc.freeze()
gc.enable()
cchc_modules = clock() - started - libraries
stages = json.loads(sys.argv[2])
spent = {stage: 0.0 for stage in stages}
running = []  # the stages entered and not left, innermost last: an inner one pauses the outer clock

def timed(stage, function):
    def wrapper(*args, **kwargs):
        now = clock()
        if running:
            spent[running[-1][0]] += now - running[-1][1]
        running.append([stage, now])
        try:
            return function(*args, **kwargs)
        finally:
            now = clock()
            spent[stage] += now - running.pop()[1]
            if running:
                running[-1][1] = now
    return wrapper

for stage, functions in stages.items():
    for module, name in functions:
        owner = importlib.import_module(module)
        setattr(owner, name, timed(stage, getattr(owner, name)))
begun = clock()
scheme, evidence = prepare(sys.argv[1])
result = assessor(scheme, evidence).assess(evidence)
scored = clock() - begun
begun = clock()
from io import StringIO
from rich.console import Console
terminal.render(result, Console(file=StringIO(), width=100, highlight=False))
json_result.render(result)
output = clock() - begun
print(json.dumps({"libraries": libraries, "cchc_modules": cchc_modules, "scored": scored, "output": output,
                  "stages": spent}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", nargs="?", default="/tmp/cchc-scale/case-500000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not Path(args.case).is_dir():
        raise SystemExit(f"{args.case}: no such case (python benchmarks/bench_scale.py builds it)")
    command = [sys.executable, "-c", CHILD, args.case, json.dumps(STAGES)]
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT, env=children.ENV)  # bytecode, file cache
    runs = [json.loads(subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT,
                                      env=children.ENV).stdout) for _ in range(args.repeat)]

    def median(pick: str | None = None, stage: str | None = None) -> float:
        return statistics.median(r["stages"][stage] if stage else r[pick] for r in runs)

    rows = [("nạp pandas, pyarrow, pydantic", median("libraries")), ("nạp mô-đun của cchc", median("cchc_modules"))]
    rows += [(stage, median(stage=stage)) for stage in STAGES]
    rows.append(("phần còn lại: luật, sổ, văn bản, so khớp, chấm", median("scored") - sum(r[1] for r in rows[2:])))
    rows.append(("kết quả: bảng chữ và JSON", median("output")))
    total = sum(r[1] for r in rows)
    print(f"{args.case}: CPU time (all threads), median of {args.repeat}; load average {os.getloadavg()[0]:.1f}")
    print("| Bước | CPU | Phần |\n|---|---:|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} s | {seconds / total:.0%} |".replace(".", ","))
    print(f"| **cộng** | **{total:.2f} s** | |".replace(".", ","))


if __name__ == "__main__":
    main()
