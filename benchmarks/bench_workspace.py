"""What a clerk waits for in the web workspace, on the seed case (SQLite, in process, no HTTP).

Each step is timed on a fresh data folder; median of `--repeat` runs:
import the seed case, first scoring, a cached read, staging the 2.2 report (content check and header
reading), the engine's preview before confirming, confirming, and the scoring after that write.

    pip install -e '.[workspace]' python-docx
    python benchmarks/bench_workspace.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workspace.service import Role, Workspace  # noqa: E402

SEED = ROOT / "cases" / "ha-giang-sonnptnt-2023"
SUBJECT = "Kết quả công tác theo dõi thi hành pháp luật năm 2023"


def report_docx() -> bytes:
    """The Sở's 2.2 report, drafted by Thanh tra (as tests/workspace/test_workspace_uploads.py builds it)."""
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "SỞ NÔNG NGHIỆP VÀ PTNT\nTHANH TRA SỞ"
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    table.cell(1, 0).text = "Số: 15/BC-SNN-TTr"
    table.cell(1, 1).text = "Hà Giang, ngày 20 tháng 11 năm 2023"
    document.add_paragraph("BÁO CÁO")
    document.add_paragraph(SUBJECT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def one_run(data: bytes) -> dict[str, float]:
    times: dict[str, float] = {}

    def timed(step: str, work: Callable[[], object]) -> object:
        start = time.perf_counter()
        result = work()
        times[step] = time.perf_counter() - start
        return result

    with tempfile.TemporaryDirectory(prefix="cchc-bench-ws-") as folder:
        ws = Workspace.open(Path(folder))
        try:
            timed("nhập hồ sơ mẫu", lambda: ws.import_case(SEED))
            tccb = ws.create_account(None, "tccb", "TCCB", Role.TCCB, None, "mat-khau-bench-tccb")
            clerk = ws.create_account(tccb, "thanhtra", "Thanh tra", Role.UNIT, "thanh-tra", "mat-khau-bench-tt")
            timed("chấm lần đầu", ws.assessment)
            timed("đọc lại (đã lưu)", ws.assessment)
            item = next(i for i in ws.checklist(clerk, "thanh-tra") if i.criterion == "2.2")
            staged = timed("nộp tệp (kiểm, đọc đầu văn bản)",
                           lambda: ws.stage_document(clerk, "thanh-tra", item.key, "bc.docx", data))
            args = (staged.reference, "20/11/2023", staged.kind, staged.subject)  # type: ignore[union-attr]
            timed("xem trước (bộ máy chấm thử)", lambda: ws.preview_document(clerk, staged.id, *args))  # type: ignore[union-attr]
            timed("xác nhận, ghi vào sổ", lambda: ws.confirm_document(clerk, staged.id, *args))  # type: ignore[union-attr]
            timed("chấm lại sau khi ghi", ws.assessment)
        finally:
            ws.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data = report_docx()
    runs = [one_run(data) for _ in range(args.repeat)]
    print(f"Hồ sơ mẫu, SQLite, trung vị {args.repeat} lần (tải trung bình {os.getloadavg()[0]:.1f}):")
    for step in runs[0]:
        print(f"  {step:<36} {statistics.median(r[step] for r in runs):7.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
