"""How long reading evidence as units keep it takes: exports, Excel registers, scanned files.

    python benchmarks/bench_evidence.py [--rows 5000] [--files 100] [--repeat 5]

Prints medians of repeated runs for: a one-stop export through the shipped mapping (CSV and
.xlsx), an .xlsx document register, and scanning a folder of PDF and DOCX files into a register.
The files are generated with the tests' own generators (tests/ must be importable: run from the
repository root with the test extra installed).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from benchmarks.export_generator import generate, write_csv  # noqa: E402
from benchmarks.export_generator import write_xlsx as write_export_xlsx  # noqa: E402
from evidence.exports import read_export  # noqa: E402
from evidence.register import inspect_register  # noqa: E402
from evidence.scan import scan_folder  # noqa: E402
from tests.test_excel_register import write_xlsx as write_register_xlsx  # noqa: E402
from tests.test_scan import make_docx, make_pdf  # noqa: E402

UNITS = yaml.safe_load((ROOT / "cases" / "ha-giang-sonnptnt-2023" / "units.yaml").read_text(encoding="utf-8"))


def median_s(run: Callable[[], object], repeat: int) -> str:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return f"median {statistics.median(samples):.3f} s (min {min(samples):.3f}, n={repeat})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cchc-bench-"))
    try:
        records = generate(args.rows, seed=2024)
        for suffix, write in ((".csv", write_csv), (".xlsx", write_export_xlsx)):
            path = write(records, work / f"ho-so{suffix}")
            took = median_s(lambda p=path: read_export("dossiers", p, "mot-cua-dien-tu", case_folder=work,
                                                       units=UNITS), args.repeat)
            print(f"export of {args.rows:,} dossiers ({suffix}) through mot-cua-dien-tu: {took}")

        rows = [[f"{i}/BC-SNN", date(2023, 1 + i % 12, 1 + i % 28), "BC", f"Báo cáo số {i} về công tác CCHC",
                 "tccb", "cchc, bao-cao", "", "", ""] for i in range(1, args.rows + 1)]
        register = write_register_xlsx(work / "so-dang-ky.xlsx", rows)
        read = inspect_register(register, case_folder=work, units=UNITS)
        # the volume check moved here from the test suite: every row read, none refused
        assert read.rows == len(read.documents) == args.rows and not read.errors, (read.rows, read.errors[:3])
        took = median_s(lambda: inspect_register(register, case_folder=work, units=UNITS), args.repeat)
        print(f"register of {args.rows:,} rows (.xlsx): {took}")

        folder = work / "tai-lieu"
        folder.mkdir()
        for i in range(args.files):
            if i % 2:
                make_docx(folder / f"bc-{i}.docx", number=f"{i}/BC-SNN")
            else:
                make_pdf(folder / f"kh-{i}.pdf", number=f"{i}/KH-SNN-TCCB")

        def scan() -> None:
            out = work / "quet.csv"
            out.unlink(missing_ok=True)  # a fresh register each run: every file is added
            scan_folder(folder, out, case_folder=work)

        print(f"scan of {args.files} files (half PDF, half DOCX) into a new CSV register: "
              f"{median_s(scan, args.repeat)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
