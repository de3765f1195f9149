"""Where the time of one `cchc assess` goes, stage by stage, in one process.

    python benchmarks/bench_stages.py [CASE] [--repeat 3]

CASE defaults to the 500 000-dossier case `bench_scale.py` builds (/tmp/cchc-scale/case-500000; run that first).
Each stage is the CPU time (all threads) spent inside the functions named beside it, measured by wrapping them;
the library imports are timed on their own first, and "the rest" is what the whole run spent outside the
stages listed (loading the rules, registers and documents, matching, scoring, building the result). The output
stage renders the text and the JSON report without printing them. Medians of `--repeat` runs in fresh
processes. Then, from the same runs: how long the interpreter takes to tear itself down after the last line
(cchc pays it too), and the case's biggest CSV parsed by Arrow in blocks of 1 MB and of cchc's 16 MB
(evidence/columnar.py). Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
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

from evidence import columnar
parse_csv = columnar._parse  # itself, not the stage's wrapper: for the comparison after the run
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
cuts = {}
if sys.argv[3]:  # the case's biggest CSV, parsed again both ways (wall time: Arrow parses on every core)
    from pathlib import Path
    big = Path(sys.argv[3])
    with big.open("rb") as handle:
        bom = handle.read(3) == columnar._UTF8_BOM
    for size in (1 << 20, columnar.BLOCK):
        begun = time.perf_counter()
        parse_csv(big, bom, size)
        cuts[size] = time.perf_counter() - begun
print(json.dumps({"libraries": libraries, "cchc_modules": cchc_modules, "scored": scored, "output": output,
                  "stages": spent, "small_blocks": cuts.get(1 << 20),
                  "large_blocks": cuts.get(columnar.BLOCK),
                  "ended": time.time()}), flush=True)
# and now the interpreter's own teardown, which every `cchc` run pays too: the parent times it
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", nargs="?", default="/tmp/cchc-scale/case-500000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not Path(args.case).is_dir():
        raise SystemExit(f"{args.case}: no such case (python benchmarks/bench_scale.py builds it)")
    csvs = sorted(Path(args.case).rglob("*.csv"), key=lambda f: f.stat().st_size)
    command = [sys.executable, "-c", CHILD, args.case, json.dumps(STAGES), str(csvs[-1]) if csvs else ""]
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT, env=children.ENV)  # bytecode, file cache
    runs = [run(command) for _ in range(args.repeat)]

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
    print(f"Trình thông dịch dọn dẹp khi thoát: {median('teardown'):.2f} s".replace(".", ",") + " (thời gian chờ)")
    if csvs:
        cut = f"khối 1 MB {median('small_blocks'):.2f} s, khối 16 MB {median('large_blocks'):.2f} s"
        print(f"Arrow tách {csvs[-1].name} ({csvs[-1].stat().st_size / 1e6:.0f} MB), thời gian chờ: "
              + cut.replace(".", ","))


def run(command: list[str]) -> dict:
    """One child's figures, with the time from its last line to its exit: the interpreter tearing itself down."""
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                             env=children.ENV)
    out, err = child.communicate()
    exited = time.time()
    if child.returncode != 0:
        raise SystemExit(err[-2000:])
    figures = json.loads(out)
    figures["teardown"] = exited - figures["ended"]
    return figures


if __name__ == "__main__":
    main()
