"""How long generating every report of the seed case takes (issue 8's bar: under 3 s for all of them).

One run = load the case and scheme, assess once, then every writer listed in `engine.reports.WRITERS` writes
each extension it knows (a writer module not written yet is skipped and said so), plus the JSON and the
terminal report. The median of `--repeat` runs is compared with the goal; exit status 1 when above it.

    python benchmarks/bench_reports.py [--repeat 3] [--case ha-giang-sonnptnt-2023] [--goal 3]
"""

from __future__ import annotations

import argparse
import importlib
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402

from engine.history import history  # noqa: E402
from engine.pipeline import assessor, prepare  # noqa: E402
from engine.reports import WRITERS, json_result, terminal  # noqa: E402
from engine.reports.inputs import ReportInputs  # noqa: E402


def _writers() -> tuple[list[tuple[str, str, object]], list[str]]:
    """(kind, extension, module) for every writer that exists, and the kinds skipped."""
    found, skipped = [], []
    for kind, (module_name, extensions) in WRITERS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:  # the module exists but something it needs is missing: a real failure
                raise
            skipped.append(f"{kind} ({module_name})")
            continue
        found += [(kind, ext, module) for ext in extensions]
    return found, skipped


def one_run(case: str, out: Path, timings: dict[str, list[float]]) -> float:
    start = time.perf_counter()
    scheme, evidence = prepare(case)
    result = assessor(scheme, evidence).assess(evidence)
    inputs = ReportInputs(result, history=history(evidence.folder, evidence.case.id))
    timings.setdefault("nạp hồ sơ + chấm", []).append(time.perf_counter() - start)
    t = time.perf_counter()
    (out / "ket-qua.json").write_text(json_result.render(result), encoding="utf-8")
    terminal.render(result, Console(file=io.StringIO(), width=120), detail=True)
    timings.setdefault("json + terminal", []).append(time.perf_counter() - t)
    for kind, ext, module in _writers()[0]:
        t = time.perf_counter()
        module.write(inputs, out / f"{kind}{ext}")  # type: ignore[attr-defined]
        timings.setdefault(f"{kind} {ext}", []).append(time.perf_counter() - t)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--case", default="ha-giang-sonnptnt-2023")
    parser.add_argument("--goal", type=float, default=3.0, help="seconds for all reports (default 3)")
    args = parser.parse_args()

    writers, skipped = _writers()
    print(f"Python {sys.version.split()[0]}; writers: {', '.join(f'{k} {e}' for k, e, _ in writers) or 'none'}")
    if skipped:
        print(f"skipped (module not written yet): {', '.join(skipped)}")
    timings: dict[str, list[float]] = {}
    totals = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.repeat):
            totals.append(one_run(args.case, Path(folder), timings))
    for step, samples in timings.items():
        print(f"  {step}: median {statistics.median(samples) * 1000:.0f} ms")
    total = statistics.median(totals)
    verdict = "within" if total < args.goal else "ABOVE"
    print(f"all reports: median {total:.2f} s (min {min(totals):.2f}, n={len(totals)}) — {verdict} the "
          f"{args.goal} s goal")
    return 0 if total < args.goal else 1


if __name__ == "__main__":
    sys.exit(main())
