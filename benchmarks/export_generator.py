"""A realistic one-stop export, generated: several thousand dossiers of a Sở NN&PTNT across 2024.

The generator decides each dossier's true outcome first (early, on time, late, open, stopped),
then writes the dates, the status label and the other columns the way a provincial TTHC system's
export would, including the untidy parts: blank statuses, statuses that contradict the dates,
same-day returns labelled "trước hạn", blank units, "Không thu phí" for free procedures.
Tests count from the records (`Record.truth` and friends), never by re-reading the file, so the
engine's counts are checked against an independent source; `write_truth` writes those counts beside
the data (`<export>.truth.json`) for the benchmarks and anyone checking cchc by hand.

Deterministic: the same seed writes the same bytes. Shared by tests/ and benchmarks/:

    python benchmarks/export_generator.py --rows 500000 /tmp/ho-so.csv   # also /tmp/ho-so.truth.json
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

AS_OF = date(2024, 12, 31)
YEAR_START = date(2024, 1, 1)

# (procedure, field, unit id, charges a fee, days allowed) — procedures of a provincial Sở NN&PTNT
PROCEDURES = [
    ("Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở sản xuất, kinh doanh thực phẩm "
     "nông, lâm, thủy sản", "Quản lý chất lượng nông lâm sản và thủy sản", "chi-cuc-qlcl", True, 15),
    ("Cấp Giấy chứng nhận đủ điều kiện buôn bán thuốc bảo vệ thực vật", "Bảo vệ thực vật", "chi-cuc-tt-bvtv",
     True, 15),
    ("Cấp Giấy chứng nhận đủ điều kiện buôn bán phân bón", "Phân bón", "chi-cuc-tt-bvtv", True, 15),
    ("Cấp Quyết định công nhận cây đầu dòng, vườn cây đầu dòng", "Trồng trọt", "chi-cuc-tt-bvtv", True, 20),
    ("Xác nhận bảng kê lâm sản", "Lâm nghiệp", "chi-cuc-kiem-lam", False, 3),
    ("Cấp Giấy chứng nhận nguồn gốc lô giống cây trồng lâm nghiệp", "Lâm nghiệp", "chi-cuc-kiem-lam", False, 5),
    ("Cấp giấy phép cho các hoạt động trong phạm vi bảo vệ công trình thủy lợi", "Thủy lợi", "chi-cuc-thuy-loi",
     True, 20),
    ("Cấp giấy phép xả nước thải vào công trình thủy lợi", "Thủy lợi", "chi-cuc-thuy-loi", True, 20),
    ("Phê duyệt dự án, kế hoạch liên kết sản xuất, tiêu thụ sản phẩm nông nghiệp", "Kinh tế hợp tác và "
     "Phát triển nông thôn", "chi-cuc-ptnt", False, 25),
    ("Công nhận làng nghề", "Kinh tế hợp tác và Phát triển nông thôn", "chi-cuc-ptnt", False, 30),
]
UNIT_NAMES = {
    "chi-cuc-qlcl": "Chi cục Quản lý chất lượng Nông, lâm sản và Thủy sản",
    "chi-cuc-tt-bvtv": "Chi cục Trồng trọt và Bảo vệ thực vật",
    "chi-cuc-kiem-lam": "Chi cục Kiểm lâm",
    "chi-cuc-thuy-loi": "Chi cục Thủy lợi",
    "chi-cuc-ptnt": "Chi cục Phát triển nông thôn",
}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Lò", "Vàng", "Giàng", "Sùng"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thị Thu", "Mí", "Seo"]
GIVEN = ["An", "Bình", "Chiến", "Dung", "Hà", "Hải", "Hương", "Khánh", "Lan", "Mai", "Nam", "Pao", "Quỳnh",
         "Sơn", "Thắng", "Tú", "Vân", "Xuân", "Chứ", "Dìn"]

# true outcome → (share of dossiers, the export's status label)
OUTCOMES = {
    "truoc-han": (0.55, "Đã trả kết quả trước hạn"),
    "dung-han": (0.15, "Đã trả kết quả đúng hạn"),
    "qua-han": (0.10, "Đã trả kết quả quá hạn"),
    "dang-giai-quyet": (0.09, "Đang xử lý trong hạn"),
    "open-overdue": (0.09, "Đang xử lý quá hạn"),
    "dung-xu-ly": (0.02, "Dừng xử lý"),
}
CHANNELS = {  # code → (share, label)
    "truc-tuyen-toan-trinh": (0.42, "Trực tuyến toàn trình"),
    "truc-tuyen-mot-phan": (0.33, "Trực tuyến một phần"),
    "truc-tiep": (0.22, "Trực tiếp"),
    "buu-chinh": (0.03, "Bưu chính công ích"),
}
HEADERS = ["STT", "Mã hồ sơ", "Tên thủ tục", "Lĩnh vực", "Đơn vị xử lý", "Chủ hồ sơ", "Ngày tiếp nhận",
           "Ngày hẹn trả", "Ngày trả kết quả", "Trạng thái hồ sơ", "Hình thức nộp", "Thanh toán trực tuyến",
           "Số hóa", "Kết quả điện tử", "Xin lỗi", "Ghi chú"]


@dataclass(frozen=True)
class Record:
    """One dossier as the generator meant it, and as the export writes it."""

    id: str
    procedure: str
    field: str
    unit: str | None  # unit id, None when the export leaves the unit blank
    applicant: str
    received: datetime
    due: datetime
    returned: datetime | None
    outcome: str  # key of OUTCOMES
    status_label: str  # "" when the export leaves the status blank
    misdeclared: bool  # the label contradicts the dates (dates win, with a warning)
    channel: str
    paid: str | None  # co / khong / None (free procedure: "Không thu phí")
    digitised: str
    e_result: str | None  # co / khong / None (not returned yet)
    apology: str | None  # co / khong / None (blank)

    @property
    def truth(self) -> str:
        """The status the engine must reach at AS_OF."""
        if self.outcome == "open-overdue":
            return "qua-han"
        if self.outcome == "dang-giai-quyet" and self.due.date() < AS_OF:
            return "qua-han"
        if (self.outcome == "truoc-han" and not self.status_label and self.returned is not None
                and self.returned.date() == self.due.date()):
            return "dung-han"  # returned on the due day, status blank: a day cannot say "before the hour"
        return self.outcome

    def cells(self, index: int, *, xlsx: bool = False) -> list[object]:
        def when(value: datetime | None) -> object:
            if value is None:
                return None if xlsx else ""
            return value if xlsx else value.strftime("%d/%m/%Y %H:%M")

        yes_no = {
            "paid": {"co": "Đã thanh toán trực tuyến", "khong": "Thanh toán trực tiếp", None: "Không thu phí"},
            "digitised": {"co": "Đã số hóa", "khong": "Chưa số hóa"},
            "e_result": {"co": "Đã ký số", "khong": "Chưa ký số", None: ""},
            "apology": {"co": "Đã gửi thư xin lỗi", "khong": "Chưa gửi thư xin lỗi", None: ""},
        }
        return [
            index, self.id, self.procedure, self.field, UNIT_NAMES[self.unit] if self.unit else "", self.applicant,
            when(self.received), when(self.due), when(self.returned), self.status_label,
            CHANNELS[self.channel][1], yes_no["paid"][self.paid], yes_no["digitised"][self.digitised],
            yes_no["e_result"][self.e_result], yes_no["apology"][self.apology],
            "Trạng thái ghi nhầm khi nhập" if self.misdeclared else "",
        ]


def _pick(rng: random.Random, table: dict[str, tuple[float, str]]) -> str:
    return rng.choices(list(table), weights=[share for share, _ in table.values()])[0]


def _at(day: date, rng: random.Random, start: int = 7, end: int = 17) -> datetime:
    return datetime.combine(day, time(rng.randint(start, end - 1), rng.choice([0, 15, 30, 45])))


def generate(n: int = 5000, seed: int = 2024) -> list[Record]:
    rng = random.Random(seed)
    records: list[Record] = []
    for i in range(1, n + 1):
        procedure, field, unit, fee, days = rng.choice(PROCEDURES)
        outcome = _pick(rng, OUTCOMES)
        if outcome == "dang-giai-quyet":  # still within its time: received in the last `days` days
            received_day = AS_OF - timedelta(days=rng.randint(0, days - 1))
        elif outcome == "open-overdue":
            received_day = AS_OF - timedelta(days=days + rng.randint(1, 60))
        else:  # returned by AS_OF, even when late
            received_day = YEAR_START + timedelta(days=rng.randint(0, 364 - days - 25))
        received = _at(received_day, rng)
        due = datetime.combine(received_day + timedelta(days=days), time(17, 0))
        returned: datetime | None = None
        label = OUTCOMES[outcome][1]
        if outcome == "truoc-han":
            if rng.random() < 0.05:  # returned on the due day before 17:00: the system says "trước hạn"
                returned = _at(due.date(), rng, 8, 12)
            else:
                returned = _at(received_day + timedelta(days=rng.randint(0, days - 1)), rng)
        elif outcome == "dung-han":
            returned = _at(due.date(), rng, 13, 17)
        elif outcome == "qua-han":
            returned = _at(due.date() + timedelta(days=rng.randint(1, 20)), rng)
        elif outcome == "dung-xu-ly" and rng.random() < 0.5:
            returned = _at(received_day + timedelta(days=rng.randint(0, days)), rng)  # returned as refused
        misdeclared = outcome == "qua-han" and rng.random() < 0.08  # late, but keyed in as on time
        if misdeclared:
            label = OUTCOMES["dung-han"][1]
        elif outcome != "dung-xu-ly" and rng.random() < 0.02:
            label = ""  # status column left blank: derived from the dates
        channel = _pick(rng, CHANNELS)
        online = channel.startswith("truc-tuyen")
        paid = (("co" if rng.random() < (0.45 if online else 0.05) else "khong") if fee else None)
        returned_ok = returned is not None and outcome != "dung-xu-ly"
        e_result = ("co" if rng.random() < 0.9 else "khong") if returned_ok else None
        late = outcome in ("qua-han", "open-overdue")
        apology = rng.choices(["co", "khong", None], weights=[7, 2, 1])[0] if late else None
        records.append(Record(
            id=f"000.00.12.H99-{received_day:%y%m%d}-{i:04d}", procedure=procedure, field=field,
            unit=None if rng.random() < 0.01 else unit,
            applicant=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            received=received, due=due, returned=returned, outcome=outcome, status_label=label,
            misdeclared=misdeclared, channel=channel, paid=paid,
            digitised="co" if rng.random() < 0.85 else "khong", e_result=e_result, apology=apology,
        ))
    return records


def write_csv(records: list[Record], path: Path) -> Path:
    """As Excel's "CSV UTF-8" writes it: BOM, comma-separated, quoted where needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        for i, record in enumerate(records, 1):
            writer.writerow(record.cells(i))
    return path


def write_xlsx(records: list[Record], path: Path) -> Path:
    """One sheet, headers on row 1, real date cells (as the systems' Excel exports have them)."""
    from openpyxl import Workbook

    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách hồ sơ")
    sheet.append(HEADERS)
    for i, record in enumerate(records, 1):
        sheet.append(record.cells(i, xlsx=True))
    book.save(path)
    return path


ON_TIME = ("truoc-han", "dung-han")  # returned by the due date
DECIDED = (*ON_TIME, "qua-han")  # the on-time rate's denominator: every dossier whose outcome is known


def truth(records: list[Record]) -> dict[str, object]:
    """What cchc must count from the export, taken from the records, never from the file."""
    status = Counter(r.truth for r in records)
    on_time, decided = sum(status[s] for s in ON_TIME), sum(status[s] for s in DECIDED)
    return {
        "as_of": AS_OF.isoformat(),
        "rows": len(records),
        "status": dict(sorted(status.items())),
        "channel": dict(sorted(Counter(r.channel for r in records).items())),
        "unit": dict(sorted(Counter(r.unit or "" for r in records).items())),
        "misdeclared": sum(r.misdeclared for r in records),
        "on_time": {"numerator": on_time, "denominator": decided},
    }


def truth_path(export: Path) -> Path:
    return export.with_name(export.stem + ".truth.json")


def write_truth(records: list[Record], export: Path) -> Path:
    """The ground truth beside the export: `ho-so.csv` → `ho-so.truth.json`."""
    path = truth_path(export)
    path.write_text(json.dumps(truth(records), ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a generated one-stop export and its ground truth.")
    parser.add_argument("out", type=Path, help="the export to write (.csv or .xlsx)")
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    records = generate(args.rows, args.seed)
    (write_xlsx if args.out.suffix.lower() == ".xlsx" else write_csv)(records, args.out)
    print(args.out, write_truth(records, args.out))


if __name__ == "__main__":
    main()
