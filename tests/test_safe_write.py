"""`cchc evidence scan --out` and `template --out` write a register all or nothing, keep its mode and
owner, refuse a read-only one and an impossible folder with E022 (exit 2), never a traceback
(evidence/safe_write.py). The tests run as root, who ignores permission bits: they check the bits."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.cli import main
from evidence.problems import InputError
from evidence.safe_write import write_atomically
from tests.conftest import SEED
from tests.test_scan import make_pdf

REGISTER = '"Số, ký hiệu",Ngày ban hành,Loại,Trích yếu,Đơn vị,Tệp\n'


@pytest.fixture
def case(tmp_path: Path) -> Path:
    folder = tmp_path / "case"
    make_pdf(folder / "tai-lieu" / "kh.pdf")
    (folder / "case.yaml").write_text("id: x\n", encoding="utf-8")
    (folder / "so.csv").write_text(REGISTER, encoding="utf-8")
    return folder


def _scan(case: Path, out: Path) -> int:
    return main(["evidence", "scan", str(case / "tai-lieu"), "--out", str(out), "--case", str(case)])


def test_scan_keeps_the_registers_mode_and_owner(case: Path) -> None:
    register = case / "so.csv"
    os.chmod(register, 0o664)
    os.chown(register, 1234, 2345)  # someone else's file, as the office share holds it
    assert _scan(case, register) == 0
    after = register.stat()
    assert "62/KH-SNN-TCCB" in register.read_text(encoding="utf-8-sig")
    assert (stat.S_IMODE(after.st_mode), after.st_uid, after.st_gid) == (0o664, 1234, 2345)
    assert [p.name for p in case.iterdir() if p.name.startswith(".cchc-")] == []


def test_a_new_register_gets_an_ordinary_mode(case: Path) -> None:
    out = case / "moi.xlsx"
    mask = os.umask(0o022)
    try:
        assert _scan(case, out) == 0
    finally:
        os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644  # not mkstemp's 0600


def test_a_read_only_register_is_refused_not_replaced(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    register = case / "so.csv"
    os.chmod(register, 0o444)
    assert _scan(case, register) == 2
    assert "E022" in capsys.readouterr().err
    assert register.read_text(encoding="utf-8") == REGISTER and stat.S_IMODE(register.stat().st_mode) == 0o444


def test_an_impossible_folder_is_e022_not_a_crash(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (case / "ghi-chu.txt").write_text("một tệp, không phải thư mục", encoding="utf-8")
    assert _scan(case, case / "ghi-chu.txt" / "so.csv") == 2
    assert "E022" in capsys.readouterr().err


def test_template_force_refuses_a_read_only_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mau.xlsx"
    assert main(["evidence", "template", str(SEED), "--unit", "thanh-tra", "--out", str(out)]) == 0
    os.chmod(out, 0o440)
    before = out.read_bytes()
    assert main(["evidence", "template", str(SEED), "--unit", "thanh-tra", "--out", str(out), "--force"]) == 2
    assert "E022" in capsys.readouterr().err and out.read_bytes() == before


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "so.csv"
    target.write_text("cũ", encoding="utf-8")

    def half(temporary: Path) -> None:
        temporary.write_text("một nửa", encoding="utf-8")
        raise OSError(28, "No space left on device")

    with pytest.raises(InputError) as exc:
        write_atomically(target, half)
    assert exc.value.problems[0].code == "E022"
    assert target.read_text(encoding="utf-8") == "cũ" and [p.name for p in tmp_path.iterdir()] == ["so.csv"]


MODES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@MODES
@given(mode=st.integers(0, 0o7777))
def test_any_mode_is_kept_or_the_write_refused(tmp_path: Path, mode: int) -> None:
    """Whatever the target's mode: with a write bit the new content lands and the mode is unchanged;
    without one nothing is written. Either way no temporary file is left behind."""
    folder = tmp_path / f"m{mode:o}"
    folder.mkdir(exist_ok=True)  # hypothesis may try a mode twice in one test's folder
    target = folder / "so.csv"
    target.write_text("cũ", encoding="utf-8")
    os.chmod(target, mode)
    writable = bool(mode & 0o222)
    try:
        write_atomically(target, lambda temporary: temporary.write_text("mới", encoding="utf-8"))
    except InputError as exc:
        assert not writable and exc.problems[0].code == "E022"
    else:
        assert writable
    assert target.read_text(encoding="utf-8") == ("mới" if writable else "cũ")
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert [p.name for p in folder.iterdir()] == ["so.csv"]
