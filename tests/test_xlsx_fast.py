"""The fast .xlsx reader (python-calamine, evidence/xlsx_fast.py) reads a plain sheet exactly as openpyxl
does, and hands every other sheet to openpyxl: formulas are reported, never their cached values; error
cells stay errors; a far cell is a refusal (E015), not a Rust allocation that aborts the process."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from benchmarks.export_generator import generate, write_xlsx
from evidence import tables, xlsx_fast
from evidence.problems import InputError
from evidence.tables import read_table

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FORMATS = ["General", "0", "0.00", "#,##0", "0%", "@", "0.00E+00", "dd/mm/yyyy", "d/m/yy", "yyyy-mm-dd",
           "dd/mm/yyyy hh:mm", "h:mm", "h:mm:ss AM/PM", "[h]:mm:ss", "mm:ss", "mmm-yy", '"Ngày "dd" tháng "mm',
           "[$-42A]dd/mm/yyyy", "dd/mm/yyyy;@", "# ?/?"]


def _patched(path: Path, replace: tuple[bytes, bytes]) -> Path:
    """The workbook at `path` with one replacement made in its first sheet's XML (what other software writes)."""
    out = path.with_name("sua-" + path.name)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                assert replace[0] in data
                data = data.replace(*replace)
            target.writestr(member, data)
    return out


def _book(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def test_a_plain_export_is_read_by_calamine_exactly_as_by_openpyxl(tmp_path: Path) -> None:
    path = write_xlsx(generate(300, seed=9), tmp_path / "ho-so.xlsx")
    assert xlsx_fast.read_plain(path, None, tables.SHEET_NAMES, 1000) is not None
    assert tables._xlsx_records(path, 1000) == tables._openpyxl_records(path, 1000, None)


def test_a_formula_with_a_cached_value_is_reported_not_its_value(tmp_path: Path) -> None:
    # Excel stores a formula's last result beside it; calamine would read the 3 and never see the formula.
    path = _patched(_book(tmp_path / "so.xlsx", [["Số", "Ngày"], ["A", 1]]),
                    (b'<c r="B2" t="n"><v>1</v></c>', b'<c r="B2"><f>SUM(1,2)</f><v>3</v></c>'))
    assert xlsx_fast.read_plain(path, None, tables.SHEET_NAMES, 1000) is None
    table = read_table(path)
    assert table.frame["Ngày"].tolist() == ["=SUM(1,2)"] and table.kind(0, "Ngày") == "formula"


def test_an_error_cell_stays_an_error_not_a_blank(tmp_path: Path) -> None:
    path = _patched(_book(tmp_path / "so.xlsx", [["Số", "Ngày"], ["A", 1]]),
                    (b'<c r="B2" t="n"><v>1</v></c>', b'<c r="B2" t="e"><v>#N/A</v></c>'))
    table = read_table(path)
    assert table.frame["Ngày"].tolist() == ["#N/A"] and table.kind(0, "Ngày") == "error"


def test_an_escaped_character_is_read_as_openpyxl_reads_it(tmp_path: Path) -> None:
    path = _book(tmp_path / "so.xlsx", [["Số", "Ghi chú"], ["A", "x_x000D_y"]])
    assert read_table(path).frame["Ghi chú"].tolist() == ["x_x000D_y"]


@pytest.mark.parametrize(("cells", "detail"), [
    ({"A1": "Số", "XFD1048576": "xa"}, "hàng"),  # calamine would allocate 17 billion cells and abort
    ({"A1": "Số", "XFD3": "xa"}, "cột"),
    ({"A1": "Số", "A1000000": "xa", "GR3": "z"}, "hàng"),  # 208 million cells: 6.6 GB
])
def test_a_tiny_file_with_a_far_cell_is_refused_not_aborted(tmp_path: Path, cells: dict[str, str],
                                                            detail: str) -> None:
    workbook = openpyxl.Workbook()
    for ref, value in cells.items():
        workbook.active[ref] = value
    path = tmp_path / "xa.xlsx"
    workbook.save(path)
    # In a child process: were the guard missing, the abort would kill pytest itself.
    script = ("import sys; from pathlib import Path; from evidence.tables import read_table\n"
              "from evidence.problems import InputError\n"
              "try:\n    read_table(Path(sys.argv[1]))\nexcept InputError as e:\n"
              "    print(*[(p.code, p.message) for p in e.problems])\n")
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, cwd=ROOT,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-500:]
    assert "E015" in done.stdout and detail in done.stdout


@given(limit=st.integers(0, 10**7), number=st.integers(1, 10**8))
def test_the_row_limit_pattern_matches_exactly_the_numbers_above_it(limit: int, number: int) -> None:
    assert bool(re.fullmatch(xlsx_fast._above(limit), f'{number}"')) == (number > limit)


def _trimmed(read: tuple) -> tuple:
    """Records without trailing blank cells: openpyxl's row ends where the XML's last cell does, calamine's
    where the sheet's widest row does; a missing cell and a blank one read the same (tables._build)."""
    title, records, kinds, merges = read
    trimmed = []
    for number, cells in records:
        while cells and cells[-1] == "":
            cells = cells[:-1]
        trimmed.append((number, cells))
    return title, trimmed, kinds, merges


values = st.one_of(
    st.text(max_size=20).map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s)),
    st.sampled_from(["Báo cáo", "  có khoảng trắng  ", "=1+1", "'=1", "+84 912", "#N/A", "TRUE", "45164", ""]),
    st.integers(-10**15 + 1, 10**15 - 1), st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(), st.none(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2200, 1, 1)).map(
        lambda d: d.replace(microsecond=0)),
    st.dates(min_value=date(1900, 3, 1)), st.times().map(lambda t: t.replace(microsecond=0)),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=50)).map(lambda d: timedelta(seconds=d.seconds)),
)


@SETTINGS
@given(rows=st.lists(st.lists(st.tuples(values, st.sampled_from(FORMATS)), max_size=6), min_size=1, max_size=8),
       top=st.integers(1, 4), merge=st.none() | st.tuples(st.integers(1, 4), st.integers(1, 10),
                                                         st.integers(0, 1), st.integers(0, 3)),
       strange=st.sampled_from([None, "formula", "error", "escape"]))
def test_the_fast_reader_never_reads_a_sheet_differently(tmp_path: Path, rows: list[list[tuple[object, str]]],
                                                        top: int, merge: tuple[int, int, int, int] | None,
                                                        strange: str | None) -> None:
    """Random values, number formats (dates among them), blank rows, merges and, now and then, a formula,
    an error or an escape: the records, kinds and merges are those openpyxl reads, wherever they come from."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for r, row in enumerate(rows, start=top):
        for c, (value, number_format) in enumerate(row, start=1):
            cell = sheet.cell(r, c, value)
            cell.number_format = number_format
    if strange == "formula":
        sheet.cell(top, 1, "=SUM(B1:B3)")
    elif strange == "error":
        sheet.cell(top, 1, "#DIV/0!").data_type = "e"
    elif strange == "escape":
        sheet.cell(top, 1, "a_x0041_b")
    if merge is not None:
        col, row, wide, tall = merge
        sheet.merge_cells(start_row=row, start_column=col, end_row=row + tall, end_column=col + wide)
    path = tmp_path / "ngau-nhien.xlsx"
    workbook.save(path)
    exact = tables._openpyxl_records(path, 1000, None)
    assert _trimmed(tables._xlsx_records(path, 1000)) == _trimmed(exact)
    if strange is not None and exact[1]:
        assert xlsx_fast.read_plain(path, None, tables.SHEET_NAMES, 1030) is None


def test_hidden_and_named_sheets_are_chosen_as_before(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Danh mục"
    workbook.active.append(["ẩn"])
    workbook.active.sheet_state = "hidden"
    workbook.create_sheet("Sổ đăng ký").append(["Số"])
    workbook.create_sheet("Khác").append(["khác"])
    path = tmp_path / "so.xlsx"
    workbook.save(path)
    assert tables._xlsx_records(path, 100)[:2] == ("Sổ đăng ký", [(1, ["Số"])])
    assert tables._xlsx_records(path, 100, "danh muc")[:2] == ("Danh mục", [(1, ["ẩn"])])
    with pytest.raises(InputError) as exc:
        tables._xlsx_records(path, 100, "Không có")
    assert [p.code for p in exc.value.problems] == ["E016"] and "Danh mục, Sổ đăng ký, Khác" in str(exc.value)


def test_a_time_of_day_cell_reads_the_same(tmp_path: Path) -> None:
    path = _book(tmp_path / "gio.xlsx", [["Giờ"], [time(8, 30)], [datetime(2024, 1, 2, 0, 0)]])
    assert tables._xlsx_records(path, 100) == tables._openpyxl_records(path, 100, None)
