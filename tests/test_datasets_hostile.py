"""Hostile input to the dataset readers: every cell is either read (as text or a value) or reported as an
InputError naming its row and column — never another exception, never a hang."""

from __future__ import annotations

import csv
import string
import tempfile
import unicodedata
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.as_of_status import dossiers_at
from evidence import tables
from evidence.datasets import SPECS, Reading, fold_key, load_rows, read_dataset
from evidence.exports import MAPPINGS_DIR, ExportMapping, load_mapping, read_export
from evidence.problems import InputError
from evidence.tables import Table
from tests.conftest import SEED

UNITS = yaml.safe_load((SEED / "units.yaml").read_text(encoding="utf-8"))
VOCAB = [label for spec in SPECS.values() for c in spec for labels in c.vocab.values() for label in labels]
HOSTILE = [
    "=1+1", "@SUM(A1:A3)", "+1", "-1", '=HYPERLINK("http://x","y")', "'=1+1", "=cmd|' /C calc'!A0",
    "31/02/2024", "00/00/0000", "1/1/99999", "29/02/2023", "ngày 32 tháng 13 năm 2024", "2024-13-45",
    "9" * 60 + "/1/2024", "1/1/1899", "45164", "26/8/23", "2024-08-26T25:61:61",
    "-5", "1e309", "9" * 5000, "NaN", "Infinity", "sNaN", "1/0", "0/0", "<-1%", "<", "%", "٣", "１２", "1 000",
    "\x00", "\x1b[31m", "\u202e", "\ufeff", "\u200b", "a\r\nb", '"', "'", ",", "\\", "../../etc/passwd",
    "chi-cuc-ptnt", "Chi cục Kiểm lâm", "CHI CUC KIEM LAM", "", " ",
]
SETTINGS = settings(max_examples=120, deadline=timedelta(seconds=3),
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def cells() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.sampled_from(VOCAB),
        st.sampled_from(VOCAB).map(lambda s: unicodedata.normalize("NFD", s)),  # pasted from macOS
        st.sampled_from(VOCAB).map(str.upper),
        st.text(max_size=40),
        st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=5),  # control characters
        st.integers(-10**12, 10**12).map(str),
        st.dates(date(1, 1, 1), date(9999, 12, 31)).map(lambda d: f"{d.day}/{d.month}/{d.year}"),
        st.integers(1, 50).map(lambda n: "x" * (n * 1000)),
    )


def _table(headers: list[str], rows: list[list[str]]) -> Table:
    frame = pd.DataFrame([dict(zip(headers, r, strict=True)) for r in rows], columns=headers, dtype=object)
    return Table(Path("hostile.csv"), frame, "utf-8")


CELL_CODES = {"E003", "E004", "E006", "E008", "E009", "E012", "E017", "E034", "E035", "E036", "E037", "E038"}
FILE_CODES = {"E001", "E013", "E015", "E016"}  # the whole file: unreadable, too big, not a spreadsheet


def _assert_located(exc: InputError) -> None:
    """Cell problems name row and column; row problems (e.g. a CSV row longer than its header) the row."""
    for problem in exc.problems:
        assert problem.file and problem.message
        if problem.code not in FILE_CODES:
            assert problem.row is not None or problem.line is not None, str(problem)
        if problem.code in CELL_CODES:
            assert problem.row is not None and problem.column, str(problem)


@st.composite
def tables_of(draw: st.DrawFn) -> tuple[str, Table]:
    name = draw(st.sampled_from(list(SPECS)))
    headers = [c.header for c in SPECS[name]]
    rows = draw(st.lists(st.lists(cells(), min_size=len(headers), max_size=len(headers)), min_size=1, max_size=6))
    return name, _table(headers, rows)


@SETTINGS
@given(tables_of(), st.booleans())
def test_any_cells_are_read_or_reported_by_row_and_column(drawn: tuple[str, Table], mapped: bool) -> None:
    name, table = drawn
    cols = {c.field: c.header for c in SPECS[name]}
    reading = Reading()
    if mapped and name == "dossiers":  # the shipped mapping's value maps on top of the vocabulary
        mapping = load_mapping(MAPPINGS_DIR / "mot-cua-dien-tu.yaml")
        reading = Reading({f: {fold_key(k): v for k, v in m.items()} for f, m in mapping.values.items()})
    try:
        frame = load_rows(name, table, cols, UNITS, reading)
    except InputError as exc:
        _assert_located(exc)
        for problem in exc.problems:
            assert len(problem.message) < 2000  # a megabyte cell is never repeated whole
        return
    assert len(frame) == sum(1 for r in table.frame.to_dict("records") if any(r.values()))
    assert (frame["_n"] >= 0).all()
    if name == "dossiers":
        at, warnings = dossiers_at(frame, date(2024, 12, 31))
        assert set(at["status"].dropna()) <= set(next(c for c in SPECS[name] if c.field == "status").vocab)
        assert all(w.severity == "warning" for w in warnings)


@SETTINGS
@given(st.sampled_from(list(SPECS)), st.lists(st.lists(cells(), min_size=1, max_size=12), max_size=8),
       st.booleans())
def test_any_csv_file_is_read_or_reported(name: str, rows: list[list[str]], with_headers: bool) -> None:
    headers = [c.header for c in SPECS[name]] if with_headers else []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            if headers:
                writer.writerow(headers)
            writer.writerows(rows)
        try:
            frame = read_dataset(name, path, units=UNITS)
        except InputError as exc:
            _assert_located(exc)
            return
        assert len(frame) <= len(rows) and frame["_row"].is_unique  # never a row twice, never one not written
        assert set(frame["_row"]) <= set(range(2, len(rows) + 2))


_TASK_ROWS = st.tuples(st.from_regex(r"NV-[0-9]{1,4}", fullmatch=True), st.sampled_from(sorted(UNITS)),
                       st.dates(date(2000, 1, 1), date(2030, 12, 31)),
                       st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2030, 12, 31))), st.integers(1, 10**6))


@SETTINGS
@given(st.lists(_TASK_ROWS, min_size=1, max_size=10), st.sampled_from(["tasks", "procedures", "reports"]))
def test_a_deadline_dataset_reads_back_as_written(rows: list[tuple], name: str) -> None:
    """Accepted means read right: each id, unit, date and count comes back as written, in order, one row each."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["Mã", "Nội dung", "Đơn vị", "Hạn", "Ngày hoàn thành", "Số lượng"])
            for i, (code, unit, due, done, n) in enumerate(rows):
                writer.writerow([code, f"Nhiệm vụ {i}", unit, f"{due.day}/{due.month}/{due.year}",
                                 f"{done:%d/%m/%Y}" if done else "", f"{n:,}".replace(",", " ")])
        frame = read_dataset(name, path, units=UNITS)
    got = list(zip(frame["id"], frame["unit"], frame["due"], frame["done"], frame["_n"], frame["_row"], strict=True))
    assert got == [(code, unit, due, done, n, i + 2) for i, (code, unit, due, done, n) in enumerate(rows)]


@settings(max_examples=60, deadline=timedelta(seconds=3))
@given(st.binary(max_size=2000), st.sampled_from([".csv", ".xlsx"]))
def test_any_bytes_are_read_or_reported(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"ho-so{suffix}"
        path.write_bytes(data)
        try:
            read_dataset("dossiers", path, units=UNITS)
        except InputError as exc:
            assert exc.problems and all(p.file for p in exc.problems)
        try:
            read_export("dossiers", path, "mot-cua-dien-tu", case_folder=Path(tmp), units=UNITS)
        except InputError as exc:
            assert exc.problems and all(p.file for p in exc.problems)


YAML_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20),
              st.sampled_from(["dossiers", "tasks", "id", "status", "due", "co", "%d/%m/%Y", "%"])),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(st.text(max_size=10), st.integers(), st.booleans()), inner,
                                            max_size=4)),
    max_leaves=20,
)
KEYS = ["title", "description", "dataset", "sheet", "columns", "ignore", "values", "date_format", "colums"]


@settings(max_examples=150, deadline=timedelta(seconds=3))
@given(st.one_of(st.dictionaries(st.sampled_from(KEYS), YAML_VALUES, max_size=8), YAML_VALUES),
       st.text(max_size=200))
def test_any_mapping_file_is_loaded_or_reported_at_a_line(data: object, noise: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for text in (yaml.safe_dump(data, allow_unicode=True), noise):
            path = Path(tmp) / "anh-xa.yaml"
            path.write_text(text, encoding="utf-8")
            try:
                assert isinstance(load_mapping(path), ExportMapping)
            except InputError as exc:
                assert all(p.file == str(path) for p in exc.problems)


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["truoc-han", "dung-han", "qua-han", "dang-giai-quyet", "dung-xu-ly", None]),
                          st.one_of(st.none(), st.dates(date(1900, 1, 1), date(2100, 12, 31))),
                          st.one_of(st.none(), st.dates(date(1900, 1, 1), date(2100, 12, 31)))), min_size=1,
                max_size=30),
       st.dates(date(1900, 1, 1), date(2100, 12, 31)))
def test_dossier_status_at_any_date_is_a_known_status(rows: list[tuple], as_of: date) -> None:
    frame = pd.DataFrame({"status": [r[0] for r in rows], "due": [r[1] for r in rows],
                          "returned": [r[2] for r in rows], "_row": range(2, len(rows) + 2)}, dtype=object)
    at, warnings = dossiers_at(frame, as_of)
    for (declared, due, returned), status in zip(rows, at["status"], strict=True):
        assert status == _status_by_dates(declared, due, returned, as_of)
    assert len(warnings) <= 21


def _status_by_dates(declared: str | None, due: date | None, returned: date | None, as_of: date) -> str | None:
    """The README's rule, written out case by case: dates decide where they can, by calendar day."""
    if declared == "dung-xu-ly" or due is None:
        return declared
    if returned is None:
        return "qua-han" if due < as_of else "dang-giai-quyet"  # the due day itself is still within time
    if returned < due:
        return "truoc-han"
    if returned == due:
        return "truoc-han" if declared == "truoc-han" else "dung-han"
    return "qua-han"


# ---- the named hostile cases, one by one ------------------------------------------------------------------


def _one_row(name: str, values: dict[str, str]) -> Table:
    headers = [c.header for c in SPECS[name]]
    return _table(headers, [[values.get(h, "") for h in headers]])


@pytest.mark.parametrize("column", [c.header for c in SPECS["dossiers"]])
def test_a_megabyte_in_any_dossier_cell_is_text_or_a_short_message(column: str) -> None:
    big = "Đ" + "x" * 1_000_000
    table = _one_row("dossiers", {"Trạng thái": "Đúng hạn", column: big})
    try:
        frame = load_rows("dossiers", table, {c.field: c.header for c in SPECS["dossiers"]}, UNITS)
        assert big in frame.iloc[0].tolist()
    except InputError as exc:
        (problem,) = exc.problems
        assert (problem.row, problem.column) == (2, column) and len(problem.message) < 500


@pytest.mark.parametrize(("cell", "code"), [
    ("-5", "E006"), ("1e309", "E006"), ("9" * 5000, "E037"), ("1000000001", "E037"), ("=1+1", "E006"),
    ("1 000", None), ("0", None),
])
def test_counts(cell: str, code: str | None) -> None:
    table = _one_row("staff_evaluations", {"Nhóm": "Công chức", "Xếp loại": "Hoàn thành nhiệm vụ", "Số lượng": cell})
    cols = {c.field: c.header for c in SPECS["staff_evaluations"]}
    if code is None:
        assert load_rows("staff_evaluations", table, cols, UNITS)["_n"].tolist() == [int(cell.replace(" ", ""))]
        return
    with pytest.raises(InputError) as exc:
        load_rows("staff_evaluations", table, cols, UNITS)
    (problem,) = exc.value.problems
    assert (problem.code, problem.row, problem.column) == (code, 2, "Số lượng")
    assert len(problem.message) < 300


@pytest.mark.parametrize("cell", ["31/02/2024", "1/1/99999", "1/1/1899", "ngày 32 tháng 13 năm 2024", "45164",
                                  "26/8/23", "2024-13-45", "=TODAY()"])
def test_absurd_dates_are_e003_at_row_and_column(cell: str) -> None:
    table = _one_row("dossiers", {"Trạng thái": "Đúng hạn", "Ngày hẹn trả": cell})
    with pytest.raises(InputError) as exc:
        load_rows("dossiers", table, {c.field: c.header for c in SPECS["dossiers"]}, UNITS)
    (problem,) = exc.value.problems
    assert (problem.code, problem.row, problem.column) == ("E003", 2, "Ngày hẹn trả")


def test_formula_text_in_a_text_column_is_kept_as_text() -> None:
    table = _one_row("dossiers", {"Trạng thái": "Đúng hạn", "Thủ tục": "=1+1", "Mã hồ sơ": "@SUM(A1:A3)"})
    frame = load_rows("dossiers", table, {c.field: c.header for c in SPECS["dossiers"]}, UNITS)
    assert frame.loc[0, ["procedure", "id"]].tolist() == ["=1+1", "@SUM(A1:A3)"]


def test_an_excel_formula_cell_is_e017_at_row_and_column(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Mã hồ sơ", "Ngày hẹn trả", "Trạng thái"])
    sheet.append(["HS-1", "=TODAY()+3", "Đúng hạn"])
    sheet.append(["HS-2", "15/03/2024", "Đúng hạn"])
    book.save(tmp_path / "ho-so.xlsx")
    with pytest.raises(InputError) as exc:
        read_dataset("dossiers", tmp_path / "ho-so.xlsx", units=UNITS)
    (problem,) = exc.value.problems
    assert (problem.code, problem.row, problem.column) == ("E017", 2, "Ngày hẹn trả")


def test_a_file_over_the_row_or_size_limit_fails_with_a_message(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "ho-so.csv"
    path.write_text("Mã hồ sơ,Trạng thái\n" + "".join(f"HS-{i},Đúng hạn\n" for i in range(50)), encoding="utf-8")
    monkeypatch.setattr(tables, "MAX_CSV_ROWS", 20)
    with pytest.raises(InputError) as exc:
        read_dataset("dossiers", path, units=UNITS)
    assert [p.code for p in exc.value.problems] == ["E015"]
    monkeypatch.setattr(tables, "MAX_CSV_ROWS", 500_000)
    monkeypatch.setattr(tables, "MAX_CSV_BYTES", 100)
    with pytest.raises(InputError) as exc:
        read_export("dossiers", path, "mot-cua-dien-tu", case_folder=tmp_path, units=UNITS)
    assert [p.code for p in exc.value.problems] == ["E015"]


def test_a_megabyte_cell_in_a_file_is_refused_by_the_reader(tmp_path: Path) -> None:
    path = tmp_path / "ho-so.csv"
    path.write_text("Mã hồ sơ,Trạng thái\n" + "x" * 1_000_000 + ",Đúng hạn\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_dataset("dossiers", path, units=UNITS)
    (problem,) = exc.value.problems  # the csv module's own field limit (131 072) speaks first: E013 at the row
    assert problem.code in ("E013", "E015") and problem.row == 2 and len(problem.message) < 500


def test_vocabulary_labels_survive_nfd_case_and_spacing() -> None:
    status = unicodedata.normalize("NFD", "  ĐÃ   giải QUYẾT trước hạn ")
    table = _one_row("dossiers", {"Trạng thái": status, "Hình thức nộp": "TRUC TUYEN TOAN TRINH"})
    frame = load_rows("dossiers", table, {c.field: c.header for c in SPECS["dossiers"]}, UNITS)
    assert frame.loc[0, ["status", "channel"]].tolist() == ["truoc-han", "truc-tuyen-toan-trinh"]


def test_control_characters_in_csv_cells_never_reach_the_frame(tmp_path: Path) -> None:
    path = tmp_path / "ho-so.csv"
    path.write_text("Mã hồ sơ,Trạng thái\nHS\x00-1\x07,Đúng\x1b hạn\n", encoding="utf-8")
    frame = read_dataset("dossiers", path, units=UNITS)
    assert frame.loc[0, ["id", "status"]].tolist() == ["HS-1", "dung-han"]
    assert not set(frame.loc[0, "id"]) & set(string.printable[-5:]) - {" "}
