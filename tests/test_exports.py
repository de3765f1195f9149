"""System exports read through a mapping: a generated 5 000-dossier export of a provincial one-stop
system, loaded through the shipped mapping and scored, against counts taken from the generator."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from benchmarks.export_generator import AS_OF, HEADERS, Record, generate, write_csv, write_xlsx
from engine.as_of_status import dossiers_at
from engine.dataset_requirements import evaluate_deadlines, evaluate_rate
from engine.pipeline import prepare, run
from engine.scheme import DeadlineRequirement, RateRequirement
from evidence.case import load_case
from evidence.datasets import read_dataset
from evidence.exports import MAPPINGS_DIR, load_mapping, read_export, shipped_mappings
from evidence.problems import InputError, Problem
from tests.conftest import SEED

UNITS = yaml.safe_load((SEED / "units.yaml").read_text(encoding="utf-8"))
EXPORT = "exports/ho-so-2024.csv"


def _case(folder: Path, datasets: dict[str, object], as_of: str = "2024-12-31") -> Path:
    """A copy of the seed case whose datasets are replaced by `datasets` (as case.yaml writes them)."""
    shutil.copytree(SEED, folder)
    data = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    data["datasets"] = {**data["datasets"], **datasets}
    data["as_of"] = as_of
    (folder / "case.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return generate(5000, seed=2024)


@pytest.fixture(scope="module")
def export_case(tmp_path_factory: pytest.TempPathFactory, records: list[Record]) -> Path:
    folder = _case(tmp_path_factory.mktemp("export") / "case",
                   {"dossiers": {"path": EXPORT, "mapping": "mot-cua-dien-tu"}})
    write_csv(records, folder / EXPORT)
    return folder


@pytest.fixture(scope="module")
def dossiers(export_case: Path):
    _, evidence = prepare(export_case)
    frame, warnings = dossiers_at(evidence.datasets["dossiers"], AS_OF)
    return frame, warnings


# ---- the generated export ---------------------------------------------------------------------------


def test_every_row_is_read_with_engine_codes(dossiers, records: list[Record]) -> None:
    frame, _ = dossiers
    assert len(frame) == len(records) == 5000
    assert frame["_row"].tolist() == list(range(2, 5002))
    assert Counter(frame["status"]) == Counter(r.truth for r in records)
    assert Counter(frame["channel"]) == Counter(r.channel for r in records)
    assert Counter(frame["unit"].fillna("")) == Counter(r.unit or "" for r in records)  # unit names → unit ids
    assert frame["id"].tolist() == [r.id for r in records]
    assert frame["received"].tolist() == [r.received.date() for r in records]


def _count(records: list[Record], keep: Callable[[Record], bool]) -> int:
    return sum(1 for r in records if keep(r))


RATES: list[tuple[str, dict[str, object], dict[str, object], Callable[[Record], bool], Callable[[Record], bool]]] = [
    ("dung-han", {"status": ["truoc-han", "dung-han"]}, {"status": ["truoc-han", "dung-han", "qua-han"]},
     lambda r: r.truth in ("truoc-han", "dung-han"), lambda r: r.truth in ("truoc-han", "dung-han", "qua-han")),
    ("toan-trinh", {"channel": "truc-tuyen-toan-trinh"}, {},
     lambda r: r.channel == "truc-tuyen-toan-trinh", lambda r: True),
    ("thanh-toan", {"paid_online": "co"}, {"paid_online": ["co", "khong"]},
     lambda r: r.paid == "co", lambda r: r.paid is not None),
    ("so-hoa", {"digitised": "co"}, {}, lambda r: r.digitised == "co", lambda r: True),
    ("ket-qua-dien-tu", {"e_result": "co"}, {"e_result": ["co", "khong"]},
     lambda r: r.e_result == "co", lambda r: r.e_result is not None),
]


@pytest.mark.parametrize(("rid", "numerator", "denominator", "num", "den"), RATES, ids=[r[0] for r in RATES])
def test_rates_match_counts_from_the_generator(dossiers, records: list[Record], rid: str, numerator: dict,
                                               denominator: dict, num: Callable, den: Callable) -> None:
    frame, _ = dossiers
    req = RateRequirement.model_validate({"id": rid, "type": "rate", "label": rid, "dataset": "dossiers",
                                          "owner": "mot-cua", "numerator": numerator, "denominator": denominator,
                                          "threshold": 1, "if_empty": "missing"})
    outcome = evaluate_rate(req, frame, AS_OF)
    expected_den = _count(records, den)
    expected_num = _count(records, lambda r: den(r) and num(r))
    assert 0 < expected_num < expected_den
    assert outcome.ratio == Decimal(expected_num) / Decimal(expected_den)
    assert f"{expected_num}/{expected_den}" in outcome.trace[0]
    assert outcome.state == "failed"


def test_blank_apology_cells_make_the_apology_rate_missing_data(dossiers, records: list[Record]) -> None:
    frame, _ = dossiers
    req = RateRequirement.model_validate({"id": "xin-loi", "type": "rate", "label": "Xin lỗi", "dataset": "dossiers",
                                          "owner": "mot-cua",
                                          "numerator": {"apology": "co"}, "denominator": {"status": "qua-han"},
                                          "threshold": 1, "if_empty": "met"})
    outcome = evaluate_rate(req, frame, AS_OF)
    blanks = _count(records, lambda r: r.truth == "qua-han" and r.apology is None)
    assert outcome.state == "missing"
    assert f"“Thư xin lỗi” cho {blanks} trường hợp" in outcome.trace[0]


def test_status_contradicting_dates_warns_once_per_row_then_summarises(dossiers, records: list[Record]) -> None:
    _, warnings = dossiers
    wrong = [i + 2 for i, r in enumerate(records) if r.misdeclared]
    assert len(wrong) > 20
    rows = [w.row for w in warnings if w.code == "W030"]
    assert rows == wrong[:20]
    assert all(w.column == "Trạng thái hồ sơ" and "dùng trạng thái tính từ ngày" in w.message
               for w in warnings if w.code == "W030")
    (summary,) = [w for w in warnings if w.code == "W032"]
    assert f"còn {len(wrong) - 20} cảnh báo [W030]" in summary.message


def test_all_5000_rows_are_read(export_case: Path) -> None:
    """(Speed: benchmarks/bench_evidence.py.)"""
    frame = read_export("dossiers", export_case / EXPORT, "mot-cua-dien-tu", case_folder=export_case, units=UNITS)
    assert len(frame) == 5000 and frame["_row"].tolist() == list(range(2, 5002))


def test_assessment_scores_3_2_from_the_export(export_case: Path, records: list[Record]) -> None:
    result = run(export_case, prefer="python")
    crit = next(c for c in result.criteria if c.id == "3.2")
    on_time = _count(records, lambda r: r.truth in ("truoc-han", "dung-han"))
    judged = on_time + _count(records, lambda r: r.truth == "qua-han")
    assert any(f"{on_time}/{judged}" in line for line in crit.trace)
    codes = Counter(w.code for w in result.warnings)
    assert codes["W030"] == 20 and codes["W032"] == 1 and "W031" not in codes
    assert EXPORT in result.hashes


def test_xlsx_export_reads_like_the_csv(tmp_path: Path, records: list[Record], dossiers) -> None:
    """xlsx is read (evidence/tables.py): a reader that cannot is a failure here, never a skip."""
    path = write_xlsx(records, tmp_path / "ho-so-2024.xlsx")
    frame = read_export("dossiers", path, "mot-cua-dien-tu", case_folder=tmp_path, units=UNITS)
    expected, _ = dossiers
    at, _ = dossiers_at(frame, AS_OF)
    columns = ["id", "unit", "received", "due", "returned", "status", "channel", "paid_online", "digitised",
               "e_result", "apology", "_row"]
    assert at[columns].equals(expected[columns])


# ---- how a dossier's status is derived -----------------------------------------------------------------

SMALL_HEADERS = ["Mã hồ sơ", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả", "Trạng thái hồ sơ",
                 "Hình thức nộp"]


# every other column the shipped mapping names: a mapped column missing from an export is an error (E032)
REST = [h for h in yaml.safe_load((MAPPINGS_DIR / "mot-cua-dien-tu.yaml").read_text(encoding="utf-8"))["columns"]
        if h not in SMALL_HEADERS]


def _small(tmp_path: Path, rows: list[list[str]], headers: list[str] = SMALL_HEADERS,
           mapping: str = "mot-cua-dien-tu"):
    path = tmp_path / "ho-so.csv"
    headers = [*headers, *REST]
    lines = [",".join(headers)] + [",".join(f'"{c}"' if "," in c else c for c in [*row, *[""] * len(REST)])
                                   for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return read_export("dossiers", path, mapping, case_folder=tmp_path, units=UNITS)


def test_status_from_dates_by_calendar_day(tmp_path: Path) -> None:
    frame = _small(tmp_path, [
        ["HS-1", "01/03/2024", "15/03/2024 17:00", "14/03/2024 09:00", "", "Trực tiếp"],
        ["HS-2", "01/03/2024", "15/03/2024 17:00", "15/03/2024 09:00", "Đã trả kết quả trước hạn", "Trực tiếp"],
        ["HS-3", "01/03/2024", "15/03/2024 17:00", "15/03/2024 16:00", "", "Trực tiếp"],
        ["HS-4", "01/03/2024", "15/03/2024 17:00", "18/03/2024 08:00", "", "Trực tiếp"],
        ["HS-5", "01/12/2024", "20/12/2024", "", "", "Trực tiếp"],
        ["HS-6", "20/12/2024", "10/01/2025", "", "", "Trực tiếp"],
        ["HS-7", "01/03/2024", "15/03/2024", "20/03/2024", "Dừng xử lý", "Trực tiếp"],
        ["HS-8", "", "", "", "Đúng hạn", "Trực tiếp"],
    ])
    at, warnings = dossiers_at(frame, date(2024, 12, 31))
    assert at["status"].tolist() == ["truoc-han", "truoc-han", "dung-han", "qua-han", "qua-han", "dang-giai-quyet",
                                     "dung-xu-ly", "dung-han"]
    assert warnings == []
    earlier, _ = dossiers_at(frame, date(2024, 12, 10))  # before HS-5's due day: still within its time
    assert earlier.loc[4, "status"] == "dang-giai-quyet"


def test_declared_status_that_dates_contradict_gives_way_with_w030(tmp_path: Path) -> None:
    row = ["HS-1", "01/03/2024", "15/03/2024", "20/03/2024", "Đã trả kết quả đúng hạn", "Trực tiếp"]
    frame = _small(tmp_path, [row])
    at, (warning,) = dossiers_at(frame, AS_OF)
    assert at.loc[0, "status"] == "qua-han"
    assert (warning.code, warning.row, warning.column) == ("W030", 2, "Trạng thái hồ sơ")
    assert "'Đúng hạn'" in warning.message and "'Quá hạn'" in warning.message


def test_seed_dossiers_without_dates_keep_their_statuses(seed) -> None:
    _, evidence = seed
    frame = evidence.datasets["dossiers"]
    at, warnings = dossiers_at(frame, AS_OF)
    assert at is frame and warnings == []
    assert frame.groupby("status")["_n"].sum().to_dict() == {
        "truoc-han": 358, "dung-han": 42, "qua-han": 71, "dang-giai-quyet": 164, "dung-xu-ly": 1}


def _problems(exc: pytest.ExceptionInfo[InputError]) -> list[Problem]:
    return exc.value.problems


def test_a_dossier_without_status_or_due_date_is_e034_at_its_row(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        _small(tmp_path, [["HS-1", "01/03/2024", "15/03/2024", "", "Đúng hạn", "Trực tiếp"],
                          ["HS-2", "01/03/2024", "", "10/03/2024", "", "Trực tiếp"]])
    (problem,) = _problems(exc)
    assert (problem.code, problem.row, problem.column) == ("E034", 3, "Trạng thái hồ sơ")


def test_dates_out_of_order_are_e035(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        _small(tmp_path, [["HS-1", "15/03/2024", "30/03/2024", "10/03/2024", "", "Trực tiếp"]])
    (problem,) = _problems(exc)
    assert (problem.code, problem.row, problem.column) == ("E035", 2, "Ngày trả kết quả")
    assert "Ngày trả kết quả 10/03/2024 trước Ngày tiếp nhận 15/03/2024" in problem.message


def test_bad_cells_are_named_by_row_and_export_header(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        _small(tmp_path, [["HS-1", "31/02/2024", "15/03/2024", "", "", "Qua Zalo"]])
    found = {(p.code, p.row, p.column) for p in _problems(exc)}
    assert found == {("E003", 2, "Ngày tiếp nhận"), ("E008", 2, "Hình thức nộp")}
    e008 = next(p for p in _problems(exc) if p.code == "E008")
    assert "Trực tuyến toàn trình" in e008.message


def test_a_repeated_mistake_is_listed_20_times_then_summarised(tmp_path: Path) -> None:
    rows = [[f"HS-{i}", "01/03/2024", "15/03/2024", "", "", "Qua Zalo"] for i in range(100)]
    with pytest.raises(InputError) as exc:
        _small(tmp_path, rows)
    problems = _problems(exc)
    assert [p.code for p in problems] == ["E008"] * 20 + ["E036"]
    assert "còn 80 ô khác có cùng lỗi [E008] ở cột 'Hình thức nộp' (hàng 22, 23, 24, 25, 26…)" in problems[-1].message


def test_repeated_dossier_ids_are_w033(tmp_path: Path) -> None:
    frame = _small(tmp_path, [["HS-1", f"0{day}/03/2024", "15/03/2024", "", "", "Trực tiếp"] for day in (1, 2, 3)])
    (warning,) = frame.attrs["warnings"]
    assert warning.code == "W033" and "'HS-1' lặp lại ở 3 hàng (2, 3, 4)" in warning.message


def test_identical_export_rows_are_w046_once_not_also_w033(tmp_path: Path) -> None:
    """Three identical rows: each repeat names the first row (W046); W033 (same id, rows that differ)
    would only say the same pair again, so it stays silent; all three rows are still counted."""
    frame = _small(tmp_path, [["HS-1", "01/03/2024", "15/03/2024", "", "", "Trực tiếp"]] * 3)
    assert [(w.code, w.row) for w in frame.attrs["warnings"]] == [("W046", 3), ("W046", 4)]
    assert "giống hệt hàng 2" in frame.attrs["warnings"][0].message
    assert len(frame) == 3


# ---- the mapping file and the export's headers ----------------------------------------------------------


def test_shipped_mappings_load_and_ship_beside_the_code() -> None:
    assert {"mot-cua-dien-tu", "theo-doi-nhiem-vu"} <= set(shipped_mappings())
    for name in shipped_mappings():
        mapping = load_mapping(MAPPINGS_DIR / f"{name}.yaml")
        assert mapping.title and mapping.columns


def test_headers_the_mapping_does_not_mention_are_one_w031(tmp_path: Path) -> None:
    frame = _small(tmp_path, [["HS-1", "01/03/2024", "15/03/2024", "", "", "Trực tiếp", "x", "0912", ""]],
                   headers=[*SMALL_HEADERS, "Mã số thuế", "Số điện thoại", ""])  # a blank header over no data: layout
    (warning,) = frame.attrs["warnings"]
    assert warning.code == "W031" and warning.row == 1 and warning.file.endswith("ho-so.csv")
    assert "1 cột" in warning.message and "'Mã số thuế'" in warning.message  # Số điện thoại is in ignore
    assert "'mot-cua-dien-tu'" in warning.message


def test_a_mapped_header_missing_from_the_export_names_mapping_and_export(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        _small(tmp_path, [["HS-1", "01/03/2024", "15/03/2024", "", "", "Trực tiếp"]],
               headers=[*SMALL_HEADERS[:5], "Hinh thuc nop ho so"])
    (problem,) = _problems(exc)
    assert problem.code == "E032" and problem.file.endswith("ho-so.csv")
    assert "'Hình thức nộp'" in problem.message and "'mot-cua-dien-tu'" in problem.message
    assert 'có phải là "Hinh thuc nop ho so"' in problem.message


def _mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "anh-xa.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """title: Thử
dataset: dossiers
columns:
  Mã hồ sơ: id
  Trạng thái hồ sơ: status
"""


@pytest.mark.parametrize(("text", "code", "line", "needle"), [
    (GOOD.replace("columns:", "columns: ["), "R001", 5, "expected ',' or ']'"),
    (GOOD + "colums: {}\n", "R003", 6, 'có phải là "columns"'),
    (GOOD.replace(": status", ": trang-thai"), "E031", 5, "không có trường 'trang-thai'"),
    (GOOD + "values:\n  status:\n    Xong: xong\n", "E031", 8, "mã không có trong danh mục"),
    (GOOD + "ignore: [true]\n", "E031", 6, "dấu nháy"),
    (GOOD + "  Trạng thái: status\n", "E031", 6, "cùng ánh xạ vào trường 'status'"),
    (GOOD + "date_format: '%d/%m'\n", "E031", 6, "%d, %m và %Y"),
    (GOOD.replace("dossiers", "ho-so"), "E031", 2, "không có bộ dữ liệu 'ho-so'"),
    (GOOD.replace("  Trạng thái hồ sơ: status\n", ""), "E031", 3, "'status' (Trạng thái), 'due' (Ngày hẹn trả)"),
    (GOOD + "ignore: [STT, mã HỒ SƠ]\n", "E031", 6, "vừa có trong columns vừa có trong ignore"),
    (GOOD + "ignore: STT\n", "R002", 6, "ignore"),
], ids=["cu-phap", "khoa-sai", "truong-sai", "ma-sai", "ignore-true", "trung-truong", "dinh-dang-ngay",
        "bo-du-lieu-sai", "thieu-truong", "vua-doc-vua-bo", "ignore-khong-phai-danh-sach"])
def test_a_malformed_mapping_is_reported_at_its_line(tmp_path: Path, text: str, code: str, line: int,
                                                     needle: str) -> None:
    path = _mapping(tmp_path, text)
    with pytest.raises(InputError) as exc:
        load_mapping(path)
    problem = _problems(exc)[0]
    assert (problem.code, problem.line, problem.file) == (code, line, str(path)), str(problem)
    assert needle in problem.message


def test_a_mapping_for_another_dataset_is_e033(tmp_path: Path) -> None:
    path = tmp_path / "nv.csv"
    path.write_text("Mã nhiệm vụ,Nội dung nhiệm vụ\nNV-1,Báo cáo\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_export("dossiers", path, "theo-doi-nhiem-vu", case_folder=tmp_path, units=UNITS, where="case.yaml",
                    line=12)
    (problem,) = _problems(exc)
    assert (problem.code, problem.file, problem.line) == ("E033", "case.yaml", 12)


def test_case_yaml_naming_an_unknown_mapping_or_one_outside_the_case(tmp_path: Path) -> None:
    folder = _case(tmp_path / "case", {"dossiers": {"path": "datasets/dossiers.csv", "mapping": "mot-cua-dien-t"},
                                       "tasks": {"path": "datasets/tasks.csv", "mapping": "../anh-xa.yaml"}})
    with pytest.raises(InputError) as exc:
        load_case(folder)
    found = {p.code: p for p in _problems(exc)}
    assert set(found) == {"E030", "E005"}
    assert 'có phải là "mot-cua-dien-tu"' in found["E030"].message
    assert found["E030"].file.endswith("case.yaml") and found["E030"].line is not None


def test_header_below_a_title_block_is_found(tmp_path: Path) -> None:
    path = tmp_path / "ho-so.csv"
    path.write_text("DANH SÁCH HỒ SƠ,,\nTừ ngày 01/01/2024 đến ngày 31/12/2024,,\n"
                    "Mã hồ sơ,Ngày hẹn trả,Trạng thái hồ sơ\nHS-1,15/03/2024,Đúng hạn\n", encoding="utf-8")
    mapping = _mapping(tmp_path, GOOD + "  Ngày hẹn trả: due\n")
    frame = read_export("dossiers", path, mapping.name, case_folder=tmp_path, units=UNITS)
    assert frame["_row"].tolist() == [4] and frame.attrs["warnings"] == []


def test_the_mapping_chooses_the_sheet_and_an_unknown_sheet_is_named(tmp_path: Path, records: list[Record]) -> None:
    """Exports often open on a summary sheet; the data sit on another."""
    import openpyxl

    path = write_xlsx(records[:3], tmp_path / "ho-so.xlsx")
    book = openpyxl.load_workbook(path)
    book.active.title = "Chi tiết hồ sơ"
    summary = book.create_sheet("Tổng hợp", 0)
    summary.append(["Tổng số hồ sơ", 3])
    book.save(path)
    shipped = (MAPPINGS_DIR / "mot-cua-dien-tu.yaml").read_text(encoding="utf-8")
    frame = read_export("dossiers", path, _mapping(tmp_path, shipped + "sheet: chi tiet ho so\n").name,
                        case_folder=tmp_path, units=UNITS)
    assert len(frame) == 3
    with pytest.raises(InputError) as exc:
        read_export("dossiers", path, _mapping(tmp_path, shipped + "sheet: Chi tiết\n").name, case_folder=tmp_path,
                    units=UNITS)
    (problem,) = _problems(exc)
    assert problem.code == "E016" and "'Chi tiết'" in problem.message and "Chi tiết hồ sơ" in problem.message


def test_date_format_hint_reads_month_first_exports(tmp_path: Path) -> None:
    mapping = _mapping(tmp_path, GOOD + "  Ngày hẹn trả: due\ndate_format: '%m/%d/%Y'\n")
    path = tmp_path / "ho-so.csv"
    path.write_text("Mã hồ sơ,Ngày hẹn trả,Trạng thái hồ sơ\nHS-1,03/15/2024,Đúng hạn\nHS-2,2024-03-16,Đúng hạn\n"
                    "HS-3,15/03/2024,Đúng hạn\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_export("dossiers", path, mapping.name, case_folder=tmp_path, units=UNITS)
    (problem,) = _problems(exc)
    assert (problem.code, problem.row, problem.column) == ("E038", 4, "Ngày hẹn trả")
    path.write_text(path.read_text(encoding="utf-8").replace("15/03/2024", "03/17/2024"), encoding="utf-8")
    frame = read_export("dossiers", path, mapping.name, case_folder=tmp_path, units=UNITS)
    assert frame["due"].tolist() == [date(2024, 3, 15), date(2024, 3, 16), date(2024, 3, 17)]


# ---- tasks, staff evaluations, and case.yaml forms ------------------------------------------------------------


def test_tasks_export_through_the_shipped_mapping(tmp_path: Path) -> None:
    path = tmp_path / "nhiem-vu.csv"
    path.write_text(
        "STT,Mã nhiệm vụ,Nội dung nhiệm vụ,Văn bản giao nhiệm vụ,Đơn vị chủ trì,Hạn xử lý,Ngày hoàn thành,"
        "Tình trạng xử lý,Người giao,Ghi chú\n"
        "1,NV-01,Báo cáo kết quả theo dõi thi hành pháp luật,142/TB-UBND,Thanh tra Sở,15/11/2024,10/11/2024,"
        "Hoàn thành đúng hạn,UBND tỉnh,\n"
        "2,NV-02,Rà soát vị trí việc làm,3823/UBND-NCPC,Phòng Tổ chức cán bộ,30/11/2024,05/12/2024,"
        "Hoàn thành đúng hạn,UBND tỉnh,\n"
        "3,NV-03,Kế hoạch chuyển đổi số,245/UBND-NCPC,Văn phòng Sở,31/12/2025,,Đang thực hiện trong hạn,UBND tỉnh,\n",
        encoding="utf-8")
    frame = read_export("tasks", path, "theo-doi-nhiem-vu", case_folder=tmp_path, units=UNITS)
    assert frame["unit"].tolist() == ["thanh-tra", "tccb", "van-phong"]
    req = DeadlineRequirement.model_validate({"id": "nv", "type": "deadlines", "label": "Nhiệm vụ",
                                              "dataset": "tasks", "owner": "van-phong", "if_empty": "missing"})
    outcome, warnings = evaluate_deadlines(req, frame, AS_OF, "nhiem-vu.csv")
    assert outcome.ratio == Decimal(1) / Decimal(2)
    assert [(w.code, w.row) for w in warnings] == [("W005", 3)]  # "đúng hạn" though done after the deadline


def test_staff_evaluations_through_a_mapping_kept_in_the_case(tmp_path: Path) -> None:
    folder = _case(tmp_path / "case", {"staff_evaluations": {"path": "exports/danh-gia.csv",
                                                             "mapping": "exports/anh-xa-danh-gia.yaml"}})
    (folder / "exports").mkdir()
    (folder / "exports" / "anh-xa-danh-gia.yaml").write_text(
        "title: Tổng hợp kết quả đánh giá, xếp loại của phần mềm quản lý cán bộ\n"
        "dataset: staff_evaluations\n"
        "columns: {Đối tượng: group, Mức xếp loại: grade, Số người: n}\n"
        "values:\n  group: {CC: cong-chuc, VC: vien-chuc}\n"
        "  grade: {HTXSNV: htxs, HTTNV: htt, HTNV: ht, KHTNV: khtnv}\n",
        encoding="utf-8")
    (folder / "exports" / "danh-gia.csv").write_text(
        "Đối tượng,Mức xếp loại,Số người\nCC,HTXSNV,40\nCC,HTTNV,260\nCC,HTNV,16\nCC,KHTNV,5\nVC,HTTNV,159\n",
        encoding="utf-8")
    evidence = load_case(folder)
    frame = evidence.datasets["staff_evaluations"]
    assert frame.groupby("grade")["_n"].sum().to_dict() == {"htxs": 40, "htt": 419, "ht": 16, "khtnv": 5}
    assert "exports/anh-xa-danh-gia.yaml" in evidence.hashes and "exports/danh-gia.csv" in evidence.hashes


def test_procedure_publications_through_a_mapping_score_3_1(tmp_path: Path) -> None:
    """Procedures to publish load like tasks; 3.1 is scored from the export's dates."""
    folder = _case(tmp_path / "case", {"procedures": {"path": "exports/cong-bo.csv",
                                                      "mapping": "exports/anh-xa-cong-bo.yaml"}},
                   as_of="2023-12-26")
    (folder / "exports").mkdir()
    (folder / "exports" / "anh-xa-cong-bo.yaml").write_text(
        "title: Danh sách TTHC trình công bố (sổ theo dõi của Chi cục)\n"
        "dataset: procedures\n"
        "columns: {Mã TTHC: id, Tên TTHC: title, Quyết định công bố: basis, Đơn vị trình: unit,"
        " Hạn trình: due, Ngày trình: done}\n",
        encoding="utf-8")
    (folder / "exports" / "cong-bo.csv").write_text(
        "Mã TTHC,Tên TTHC,Quyết định công bố,Đơn vị trình,Hạn trình,Ngày trình\n"
        "1.001,Cấp giấy phép khai thác nước,1029/QĐ-UBND,chi-cuc-ptnt,30/5/2023,20/5/2023\n"
        "1.002,Phê duyệt phương án trồng rừng thay thế,1029/QĐ-UBND,chi-cuc-kiem-lam,30/5/2023,02/6/2023\n",
        encoding="utf-8")
    result = run(folder)
    c31 = next(c for c in result.criteria if c.id == "3.1")
    assert (c31.points, c31.status) == (Decimal(0), "failed")  # 1/2 on time: below the 100% the rule asks
    assert [(m.label.split(" — ")[0], m.owner) for m in c31.missing] == [("1.002", ("chi-cuc-kiem-lam",))]


def test_case_yaml_path_form_without_mapping_reads_like_the_plain_form(tmp_path: Path) -> None:
    folder = _case(tmp_path / "case", {"dossiers": {"path": "datasets/dossiers.csv"}}, as_of="2023-12-26")
    evidence = load_case(folder)
    plain = read_dataset("dossiers", SEED / "datasets" / "dossiers.csv", units=UNITS)
    assert evidence.datasets["dossiers"].drop(columns="_row").equals(plain.drop(columns="_row"))
    assert evidence.case.dataset_path("dossiers") == "datasets/dossiers.csv"


def test_export_written_by_the_generator_has_the_shipped_headers() -> None:
    mapping = load_mapping(MAPPINGS_DIR / "mot-cua-dien-tu.yaml")
    assert set(HEADERS) <= set(mapping.columns) | set(mapping.ignore)


def test_the_mapping_example_in_the_docs_loads(tmp_path: Path) -> None:
    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "case-format.md").read_text(encoding="utf-8")
    section = doc.split("## Dữ liệu xuất từ hệ thống một cửa", 1)[1]
    example = section.split("Một bảng ánh xạ:\n\n```yaml\n", 1)[1].split("```", 1)[0]
    mapping = load_mapping(_mapping(tmp_path, example))
    assert mapping.values["paid_online"] == {"Không thu phí": None}


def test_the_rate_rules_in_the_docs_score_the_generated_export(dossiers) -> None:
    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "case-format.md").read_text(encoding="utf-8")
    block = doc.split("nên mẫu số chỉ lấy những hồ sơ mà chỉ tiêu áp dụng:\n\n```yaml\n", 1)[1].split("```", 1)[0]
    frame, _ = dossiers
    rules = yaml.safe_load(block)
    assert len(rules) == 5
    for rule in rules:
        outcome = evaluate_rate(RateRequirement.model_validate({"type": "rate", **rule}), frame, AS_OF)
        assert outcome.state in ("met", "failed") and outcome.ratio is not None, rule["id"]
