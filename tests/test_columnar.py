"""Reading CSV column-wise (evidence/columnar.py) gives exactly the table the row reader gives; counts from
generated exports equal the ground truth the generator writes; a dataset too big for one file is split into
several (a list or a glob in case.yaml) with identical results."""

from __future__ import annotations

import csv
import io
import json
import shutil
import unicodedata
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.export_generator import AS_OF, HEADERS, generate, truth_path, write_csv, write_truth
from engine.as_of_status import dossiers_at
from engine.pipeline import prepare, run
from evidence import columnar, tables
from evidence.case import read_case
from evidence.columnar import NOT_EMPTY, NOT_SPACE, clean_distinct
from evidence.exports import read_export
from evidence.problems import InputError
from evidence.tables import _csv_cell, read_table, strip_control
from evidence.text import clean
from tests.conftest import SEED

UNITS = yaml.safe_load((SEED / "units.yaml").read_text(encoding="utf-8"))
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# cells as exports and hostile files have them: Vietnamese, NFD, Unicode spaces, controls, zero-width,
# apostrophes before formulas, quotes, commas and line breaks inside quoted cells
CELL_CHARS = st.sampled_from([*"aZ09 ,\"'=+-@\t\r\n\x00\x0b\x0c\x1c\x1f\x7f\x85\xa0\u2003\u200b\ufeff\u3000",
                              "Đ", "ú", "ng", "ha\u0323n", "\u0301", "ơ", "ệ", "/"])
CELL = st.lists(CELL_CHARS, max_size=6).map("".join)



@pytest.fixture(autouse=True)
def _columnar_whatever_the_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """The files here are small: the columnar reader must read them all the same (tables.COLUMNAR_MIN_BYTES)."""
    from evidence import tables as tables_module

    monkeypatch.setattr(tables_module, "COLUMNAR_MIN_BYTES", 0)

def _row_reader(path: Path, **kwargs: object) -> object:
    """read_table as it was before the columnar reader: every CSV read row by row."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(columnar, "read_csv_columnar", lambda *args: None)
        return _outcome(path, **kwargs)


def _outcome(path: Path, **kwargs: object) -> object:
    try:
        table = read_table(path, **kwargs)  # type: ignore[arg-type]
    except InputError as exc:
        return [p.message for p in exc.problems]
    return (table.frame.to_dict("list"), table.rows, table.header_row, table.encoding, dict(table.letters),
            [p.message for p in table.warnings])


@SETTINGS
@given(header=st.lists(st.sampled_from(["Mã", "Trạng thái", "", "Ngày", "Mã ", "Ghi chú"]), min_size=1, max_size=4),
       body=st.lists(st.lists(CELL, min_size=4, max_size=4), max_size=6), bom=st.booleans(),
       blank_lines=st.booleans())
def test_the_columnar_reader_gives_the_row_readers_table(tmp_path: Path, header: list[str], body: list[list[str]],
                                                        bom: bool, blank_lines: bool) -> None:
    """Same frame, row numbers, warnings (W025) and problems (E018…) on any CSV: the class of "the fast
    reader reads a cell differently" in one property."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    for cells in body:
        writer.writerow(cells[:len(header)])
        if blank_lines:
            out.write("\r\n")
    path = tmp_path / "bang.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8"))
    assert _outcome(path, expect=["Mã", "Trạng thái"]) == _row_reader(path, expect=["Mã", "Trạng thái"])


def _spy_on_parse(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The block size of every Arrow parse read_csv_columnar makes."""
    tries: list[int] = []
    parse = columnar._parse
    monkeypatch.setattr(columnar, "_parse", lambda path, bom, block: tries.append(block) or parse(path, bom, block))
    return tries


def _write(path: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    path.write_bytes(out.getvalue().encode("utf-8"))
    return path


@SETTINGS
@given(body=st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=1, max_size=12),
       block=st.integers(min_value=1, max_value=64))
def test_blocks_of_any_size_never_misread_a_quoted_line_break(tmp_path: Path, body: list[list[str]],
                                                              block: int) -> None:
    """Blocks of a few bytes: quoted cells with CR, LF or CRLF, commas and Vietnamese letters meet a block's end
    anywhere; the table is still the row reader's (or, for a record longer than a block, the row reader reads)."""
    path = _write(tmp_path / "bang.csv", [["Mã", "Trạng thái", "Ghi chú"], *body])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(columnar, "BLOCK", block)
        got = _outcome(path, expect=["Mã", "Trạng thái"])
    assert got == _row_reader(path, expect=["Mã", "Trạng thái"])


def test_a_quoted_carriage_return_at_a_blocks_end_is_read_whole(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by the property above against blocks cut at any line break, blind to quotes (an earlier, faster
    reading): a block ending after the CR of "a\r" lost that row and the nine after it without a word. Arrow
    cutting between records reads it whole."""
    body = [["", "", ""], ["", "", "a,"], ["a\r", "", ""], *[["", "", ""]] * 9, ["", "", "aaaa"]]
    path = _write(tmp_path / "bang.csv", [["Mã", "Trạng thái", "Ghi chú"], *body])
    monkeypatch.setattr(columnar, "BLOCK", 43)
    table = columnar.read_csv_columnar(path, ("Mã",), 10_000, None)
    assert table is not None
    assert list(table.frame["Mã"]) == ["", "a", ""]  # the rows with data: "a," in Ghi chú, "a\r", "aaaa"
    assert _outcome(path, expect=["Mã"]) == _row_reader(path, expect=["Mã"])


def test_quoted_line_breaks_are_parsed_once_in_small_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [[f"HS-{i}", f"Đúng hạn\r\ncòn dòng {i}" if i % 3 == 0 else "Trước hạn"] for i in range(3000)]
    path = _write(tmp_path / "bang.csv", [["Mã", "Trạng thái"], *rows])
    monkeypatch.setattr(columnar, "BLOCK", 4096)
    tries = _spy_on_parse(monkeypatch)
    table = columnar.read_csv_columnar(path, ("Mã",), 10_000, None)
    assert tries == [4096]
    assert table is not None
    assert [str(v) for v in table.frame["Trạng thái"]] == [clean(r[1]) for r in rows]
    assert table.rows == tuple(range(2, 3002))
    assert _outcome(path, expect=["Mã"]) == _row_reader(path, expect=["Mã"])


@pytest.mark.parametrize("encoding", ["cp1258", "latin-1"])
def test_a_file_not_in_utf8_is_parsed_once_then_left_to_the_row_reader(tmp_path: Path, encoding: str,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """One parse of a big file, then the row reader says which encoding it is (Windows-1258, legacy fonts)."""
    path = tmp_path / "bang.csv"
    text = "Mã,Trạng thái\n" + "HS-1,Đúng hạn\n" * 3000 if encoding == "cp1258" else "Mã,Tên\n" + "HS-1,é\n" * 3000
    path.write_bytes(unicodedata.normalize("NFD" if encoding == "cp1258" else "NFC", text).encode(encoding))
    tries = _spy_on_parse(monkeypatch)
    assert columnar.read_csv_columnar(path, ("Mã",), 10_000, None) is None
    assert tries == [columnar.BLOCK]
    assert _outcome(path, expect=["Mã"]) == _row_reader(path, expect=["Mã"])


@pytest.mark.parametrize("text", [
    "M\x00ã,Trạng thái\nHS-1,Đúng hạn\n",  # in the header
    "Mã,Trạng thái\nHS-1,\"Đúng\x00 hạn\"\n",  # in a quoted cell
    "Mã,Trạng thái\nHS-1,Đúng hạn\n\x00,x",  # alone, on a last line without its line break
    "\x00\x00Mã,Trạng thái\nHS-1,Đúng hạn\n",  # among the first bytes
    "\ufeffMã,Trạng thái\n" + "HS-1,Đúng hạn\n" * 3000 + "HS-2,\x00\n",  # far into the file, behind a BOM
])
def test_a_nul_byte_anywhere_sends_the_file_to_the_row_reader(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bang.csv"
    path.write_text(text, encoding="utf-8")
    assert columnar.read_csv_columnar(path, (), 1000, None) is None
    assert _outcome(path) == _row_reader(path)


@SETTINGS
@given(values=st.lists(CELL, max_size=20))
def test_cleaning_distinct_values_in_arrow_is_the_row_readers_cleaning(values: list[str]) -> None:
    assert clean_distinct(pa.array(values, pa.string())) == [clean(strip_control(_csv_cell(v))) for v in values]


@given(text=st.text(max_size=8))
def test_the_blank_tests_agree_with_python(text: str) -> None:
    """Arrow's regular expressions say "blank" exactly where the row reader's str.strip and clean do."""
    import pyarrow.compute as pc

    column = pa.array([text], pa.string())
    assert pc.match_substring_regex(column, NOT_SPACE)[0].as_py() == bool(text.strip())
    assert pc.match_substring_regex(column, NOT_EMPTY)[0].as_py() == bool(clean(strip_control(text)))


def test_only_mapped_columns_become_python_text_and_w031_still_names_the_others(tmp_path: Path) -> None:
    path = write_csv(generate(50, seed=1), tmp_path / "ho-so.csv")
    text = path.read_text(encoding="utf-8-sig").replace("Chủ hồ sơ", "Cột lạ", 1)
    path.write_text(text, encoding="utf-8-sig")
    table = read_table(path, columns=["Mã hồ sơ", "Trạng thái hồ sơ"])
    assert list(table.frame.columns) == ["Mã hồ sơ", "Trạng thái hồ sơ"]
    assert table.all_headers == [h if h != "Chủ hồ sơ" else "Cột lạ" for h in HEADERS]
    frame = read_export("dossiers", path, "mot-cua-dien-tu", case_folder=tmp_path, units=UNITS)
    (w031,) = [w for w in frame.attrs["warnings"] if w.code == "W031"]
    assert "Cột lạ" in w031.message and len(frame) == 50


def test_a_row_with_data_only_in_an_ignored_column_is_still_a_row(tmp_path: Path) -> None:
    """STT filled, everything cchc reads blank: a dossier with neither status nor due date (E034), as the row
    reader said, never a blank line skipped because its only cell is in a column not read."""
    path = write_csv(generate(1, seed=1), tmp_path / "ho-so.csv")
    with path.open("a", encoding="utf-8") as out:
        out.write("2" + "," * (len(HEADERS) - 1) + "\n")
    with pytest.raises(InputError) as exc:
        read_export("dossiers", path, "mot-cua-dien-tu", case_folder=tmp_path, units=UNITS)
    assert [(p.code, p.row) for p in exc.value.problems] == [("E034", 3)]


# ---- ground truth ---------------------------------------------------------------------------------------


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.integers(1, 400), seed=st.integers(0, 10_000))
def test_counts_equal_the_ground_truth_written_beside_the_export(tmp_path_factory: pytest.TempPathFactory,
                                                                rows: int, seed: int) -> None:
    folder = tmp_path_factory.mktemp("truth")
    records = generate(rows, seed=seed)
    export = write_csv(records, folder / "ho-so.csv")
    truth = json.loads(write_truth(records, export).read_text(encoding="utf-8"))
    frame = read_export("dossiers", export, "mot-cua-dien-tu", case_folder=folder, units=UNITS)
    statuses, _ = dossiers_at(frame, AS_OF)
    assert len(frame) == truth["rows"]
    assert dict(Counter(statuses["status"])) == truth["status"]
    assert dict(Counter(frame["channel"])) == truth["channel"]
    assert dict(Counter(frame["unit"].fillna(""))) == truth["unit"]
    on_time = statuses["status"].isin(["truoc-han", "dung-han"]).sum()
    decided = statuses["status"].isin(["truoc-han", "dung-han", "qua-han"]).sum()
    assert {"numerator": on_time, "denominator": decided} == truth["on_time"]
    assert truth_path(export).is_file()


# ---- several files ------------------------------------------------------------------------------------


def _case(folder: Path, path: object) -> Path:
    shutil.copytree(SEED, folder)
    data = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    data["datasets"] = {**data["datasets"], "dossiers": {"path": path, "mapping": "mot-cua-dien-tu"}}
    data["as_of"] = AS_OF.isoformat()
    (folder / "case.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def _scores(folder: Path) -> list[tuple[str, object, object]]:
    result = run(folder, prefer="python")
    return [(c.id, c.points, c.status) for c in result.criteria] + [("total", result.total, None)]


def test_a_file_over_the_row_limit_is_refused_and_the_same_rows_split_into_files_are_accepted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = generate(300, seed=7)
    whole = _case(tmp_path / "whole", "exports/ho-so.csv")
    write_csv(records, whole / "exports" / "ho-so.csv")
    listed = _case(tmp_path / "listed", ["exports/ho-so-1.csv", "exports/ho-so-2.csv"])
    globbed = _case(tmp_path / "globbed", "exports/ho-so-*.csv")
    for folder in (listed, globbed):
        write_csv(records[:150], folder / "exports" / "ho-so-1.csv")
        write_csv(records[150:], folder / "exports" / "ho-so-2.csv")
    expected = _scores(whole)
    monkeypatch.setattr(tables, "MAX_CSV_ROWS", 200)
    problems = read_case(whole).problems
    (refused,) = [p for p in problems if p.code == "E015"]
    assert "tách thành nhiều tệp" in refused.message and "glob" in refused.message
    for folder in (listed, globbed):
        assert not [p for p in read_case(folder).problems if p.severity == "error"]
        assert _scores(folder) == expected
    _, evidence = prepare(globbed)
    frame = evidence.datasets["dossiers"]
    assert [Path(f).name for f in frame["_file"]] == ["ho-so-1.csv"] * 150 + ["ho-so-2.csv"] * 150
    assert frame["_row"].tolist() == list(range(2, 152)) * 2  # each file's own rows


def test_a_bad_cell_in_the_second_file_names_that_file_and_its_own_row(tmp_path: Path) -> None:
    folder = _case(tmp_path / "case", "exports/*.csv")
    records = generate(20, seed=3)
    write_csv(records[:10], folder / "exports" / "a.csv")
    second = write_csv(records[10:], folder / "exports" / "b.csv")
    lines = second.read_text(encoding="utf-8-sig").splitlines()
    lines[3] = lines[3].replace(lines[3].split(",")[1], "", 1).replace("/2024", "/24", 1)
    second.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    bad = [p for p in read_case(folder).problems if p.severity == "error"]
    assert bad and {(Path(str(p.file)).name, p.row) for p in bad} == {("b.csv", 4)}


@pytest.mark.parametrize("pattern", ["../*.csv", "exports/../../*.csv", "/tmp/*.csv"])
def test_a_glob_cannot_leave_the_case_folder(tmp_path: Path, pattern: str) -> None:
    (tmp_path / "outside.csv").write_text("x\n", encoding="utf-8")
    folder = _case(tmp_path / "case", pattern)
    assert [p.code for p in read_case(folder).problems if p.severity == "error"] == ["E005"]


def test_a_link_inside_the_case_leading_out_is_not_followed_by_a_glob(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    write_csv(generate(5, seed=1), outside / "ho-so.csv")
    folder = _case(tmp_path / "case", "exports/*.csv")
    (folder / "exports").mkdir(exist_ok=True)
    (folder / "exports" / "ho-so.csv").symlink_to(outside / "ho-so.csv")
    assert [p.code for p in read_case(folder).problems if p.severity == "error"] == ["E005"]


def test_a_glob_matching_nothing_is_e001(tmp_path: Path) -> None:
    folder = _case(tmp_path / "case", "exports/ho-so-*.csv")
    assert [p.code for p in read_case(folder).problems if p.severity == "error"] == ["E001"]
