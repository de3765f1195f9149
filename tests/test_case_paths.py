"""Files a register names are found whatever Unicode form the name was typed in, and nothing a
register folder or a `Tệp` cell reaches through a symlink lies outside the case (evidence/paths.py)."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence.paths import PathEscapeError, inside
from evidence.registers import load_registers

UNITS = {"tccb": "Phòng TCCB"}
HEADER = "\"Số, ký hiệu\",Ngày ban hành,Loại,Trích yếu,Đơn vị,Tệp\n"
FOLDER_NAME = "tài liệu"  # accented, so the folder component differs between NFC and NFD too
FILE_NAME = "Báo cáo tổng kết.pdf"


def _nf(form: str, text: str) -> str:
    return unicodedata.normalize(form, text)  # type: ignore[arg-type]


def _row(file: str) -> str:
    return f"12/BC-SNN,15/01/2024,BC,Báo cáo tổng kết,tccb,{file}\n"


@pytest.mark.parametrize(("disk", "typed"), [("NFD", "NFC"), ("NFC", "NFD")])
def test_a_file_named_in_the_other_unicode_form_is_found(tmp_path: Path, disk: str, typed: str) -> None:
    case = tmp_path / "case"
    folder = case / _nf(disk, FOLDER_NAME)
    folder.mkdir(parents=True)
    (folder / _nf(disk, FILE_NAME)).write_bytes(b"%PDF-1.4 bao cao")
    (case / "documents.csv").write_text(HEADER + _row(_nf(typed, f"{FOLDER_NAME}/{FILE_NAME}")), encoding="utf-8")
    read = load_registers(case / "documents.csv", case_folder=case, units=UNITS)
    assert [p.code for p in read.problems] == []  # no W023 "not found"
    (doc,) = read.documents
    assert doc.sha256 == hashlib.sha256(b"%PDF-1.4 bao cao").hexdigest()


def test_a_symlink_in_a_register_folder_leading_out_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "ngoai"
    outside.mkdir()
    (outside / "bi-mat.csv").write_text(HEADER + _row(""), encoding="utf-8")
    registers = tmp_path / "case" / "so-dang-ky"
    registers.mkdir(parents=True)
    (registers / "tccb.csv").write_text(HEADER + _row(""), encoding="utf-8")
    (registers / "lien-ket.csv").symlink_to(outside / "bi-mat.csv")
    read = load_registers(registers, case_folder=tmp_path / "case", units=UNITS)
    assert [(p.code, Path(p.file).name) for p in read.problems] == [("E005", "lien-ket.csv")]
    assert [r.source for r in read.files] == ["so-dang-ky/tccb.csv"]  # the outside file was never read


def test_a_tep_cell_through_a_symlinked_folder_leading_out_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "ngoai"
    outside.mkdir()
    (outside / "kh.pdf").write_bytes(b"%PDF")
    case = tmp_path / "case"
    case.mkdir()
    (case / "tai-lieu").symlink_to(outside, target_is_directory=True)
    (case / "documents.csv").write_text(HEADER + _row("tai-lieu/kh.pdf"), encoding="utf-8")
    read = load_registers(case / "documents.csv", case_folder=case, units=UNITS)
    assert "E005" in [p.code for p in read.problems]
    assert all(d.sha256 is None for d in read.documents)


VIETNAMESE = st.text(st.sampled_from("aăâeêioôơuưyđáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ -"),
                     min_size=1, max_size=12).map(str.strip).filter(bool)
FILES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FILES
@given(parts=st.lists(VIETNAMESE, min_size=1, max_size=3), disk=st.sampled_from(["NFC", "NFD"]),
       typed=st.sampled_from(["NFC", "NFD"]), link_out=st.booleans())
def test_names_match_in_nfc_and_never_leave_the_case(tmp_path: Path, parts: list[str], disk: str, typed: str,
                                                     link_out: bool) -> None:
    """A name stored in one form and typed in either is found, as the same file; through a symlink
    that leads out of the case it is refused, whatever form it is typed in."""
    root = tmp_path / f"case-{disk}-{typed}-{link_out}"
    outside = tmp_path / "ngoai"
    outside.mkdir(exist_ok=True)
    parent = root.joinpath(*(_nf(disk, p) for p in parts[:-1]))
    parent.mkdir(parents=True, exist_ok=True)
    stored = parent / (_nf(disk, parts[-1]) + ".pdf")
    if link_out:
        (outside / "x.pdf").write_bytes(b"x")
        if not stored.is_symlink():
            stored.symlink_to(outside / "x.pdf")
    else:
        stored.write_bytes(b"x")
    name = "/".join(_nf(typed, p) for p in parts) + ".pdf"
    if link_out:
        with pytest.raises(PathEscapeError):
            inside(root, name)
        return
    assert inside(root, name) == stored.resolve()


def test_a_tep_cell_too_long_for_the_file_system_is_no_crash(tmp_path: Path) -> None:
    """Found by test_register_hostile: a 5 000-letter `Tệp` cell raised OSError (File name too long)."""
    from evidence.paths import inside

    target = inside(tmp_path, "a" * 5000)
    assert target.parent == tmp_path.resolve() and not target.name.startswith("/")
