"""`cchc rules check|test|docs|diff` as a rule author meets them: messages with file, line, criterion and code;
exit status 0 (nothing wrong), 1 (problems found), 2 (input that cannot be used)."""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

import pytest

from engine.cli import _parser, main
from tests.conftest import RULES
from tests.editing import edit, line_of


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def scheme_2023(tmp_path: Path) -> Path:
    target = tmp_path / "ha-giang-2023-so"
    shutil.copytree(RULES / "ha-giang-2023-so", target)
    return target


@pytest.fixture
def scheme_2024(tmp_path: Path) -> Path:
    target = tmp_path / "ha-giang-2024-so"
    shutil.copytree(RULES / "ha-giang-2024-so", target)
    return target


# ---- check ----------------------------------------------------------------------------------------

def test_check_the_shipped_schemes(capsys) -> None:
    code, out, _ = run(capsys, "rules", "check")
    assert code == 0
    assert "ha-giang-2023-so (phiên bản 2023.1): 19 tiêu chí, 100 điểm, 70 ca kiểm thử" in out
    assert "ha-giang-2024-so (phiên bản 2024.1): 21 tiêu chí, 100 điểm" in out
    # unverified rules are warnings, listed with their points
    assert "tiêu chí khac: [W001] tiêu chí chưa được đối chiếu văn bản gốc (verified: false): 57,5 điểm" in out
    assert out.count("→ 0 lỗi") == 2 and "19 tiêu chí chưa đối chiếu văn bản gốc (verified: false), 100 điểm" in out


def test_a_broken_rule_file_is_caught_at_its_lines(capsys, scheme_2023: Path) -> None:
    field = scheme_2023 / "fields" / "3-thu-tuc-hanh-chinh.yaml"
    edit(field, "numerator: {status: [truoc-han, dung-han]}", "numerator: {status: [Trước hạn, dung-han]}")
    edit(field, "denominator: {status: [truoc-han, dung-han, qua-han]}",
          "denominator: {trang-thai: [truoc-han, dung-han, qua-han]}")
    edit(field, "        dataset: dossiers\n        numerator: {apology: co}",
          "        dataset: dosiers\n        numerator: {apology: co}")
    edit(field, "owners: [chi-cuc-ptnt]", "owners: [chi-cuc-ptn]")
    other = scheme_2023 / "fields" / "2-the-che.yaml"
    edit(other, "match: {kind: BC, tags: [thpl, ket-qua-thpl]", "match: {kind: Báo cáo, tags: [thpl, ket-qua-thpl]")
    code, out, _ = run(capsys, "rules", "check", str(scheme_2023))
    assert code == 1
    lines = [line for line in out.splitlines() if line.strip().startswith("Lỗi:")]
    expected = [
        (field, "numerator: {status: [Trước hạn", "tiêu chí 3.2: [R017]", 'có phải là "truoc-han"'),
        (field, "dataset: dosiers", "tiêu chí 3.2: [R015]", 'có phải là "dossiers"'),
        (field, "owners: [chi-cuc-ptn]", "tiêu chí 3.1: [R005]", 'có phải là "chi-cuc-ptnt"'),
        (other, "kind: Báo cáo", "tiêu chí 2.2: [R018]", 'có phải là "BC"'),
    ]
    for path, needle, code_at, hint in expected:
        where = f"{path}, dòng {line_of(path, needle)}, {code_at}"
        assert any(where in line and hint in line for line in lines), (where, lines)
    # the misspelt filter column is named too; every mistake at once
    assert any("[R016]" in line and "'trang-thai'" in line for line in lines)
    assert len(lines) == 5


def test_schema_errors_stop_the_scheme_with_lines(capsys, scheme_2024: Path) -> None:
    field = scheme_2024 / "fields" / "5-che-do-cong-vu.yaml"
    edit(field, "    max: 0.5\n    owners: [tccb]\n", "    max: nửa điểm\n    owners: [tccb]\n")
    edit(scheme_2024 / "fields" / "2-the-che.yaml", "    remedy: Thanh tra Sở chủ trì",
          "    remedi: Thanh tra Sở chủ trì")
    code, out, _ = run(capsys, "rules", "check", str(scheme_2024))
    assert code == 1 and "không nạp được bộ tiêu chí" in out
    assert f"{field}, dòng {line_of(field, 'max: nửa điểm')}, tiêu chí 5.1: [R002]" in out
    assert "[R003] khóa không hợp lệ 'remedi' (có phải là \"remedy\"?)" in out


def test_a_date_that_does_not_exist_is_a_line_not_a_crash(capsys, scheme_2024: Path) -> None:
    field = scheme_2024 / "fields" / "1-chi-dao-dieu-hanh.yaml"
    edit(field, "due: 2024-11-09", "due: 2024-11-31")
    code, out, _ = run(capsys, "rules", "check", str(scheme_2024))
    assert code == 1
    assert f"{field}, dòng {line_of(field, 'due: 2024-11-31')}: [R001] YAML không đọc được: ngày không có thật " \
           "'2024-11-31'" in out


def test_thresholds_bands_duplicates_and_totals(capsys, scheme_2024: Path) -> None:
    field = scheme_2024 / "fields" / "3-thu-tuc-hanh-chinh.yaml"
    edit(field, "        threshold: 1\n        if_empty: met", "        threshold: 100\n        if_empty: met")
    edit(field, '  - id: "3.5"', '  - id: "3.4"')
    edit(scheme_2024 / "scheme.yaml", "{label: Khá, min: 70, below: 80}", "{label: Khá, min: 70, below: 79}")
    code, out, _ = run(capsys, "rules", "check", str(scheme_2024))
    assert code == 1
    for needle in ("[R007] ngưỡng 100 nằm ngoài [0, 1]", "[R004] mã trùng '3.4'", "[R006]", "khoảng trống [79, 80)"):
        assert needle in out, needle


def test_scoring_and_requirements_that_do_not_meet(capsys, scheme_2024: Path) -> None:
    field = scheme_2024 / "fields" / "2-the-che.yaml"
    edit(field, "score: {method: all_or_nothing, requires: [bao-cao-thpl]}",
          "score: {method: all_or_nothing, requires: [bao-cao-tphl]}")
    code, out, _ = run(capsys, "rules", "check", str(scheme_2024))
    assert code == 1
    assert ("[R010] phương pháp chấm điểm dùng yêu cầu không tồn tại 'bao-cao-tphl' "
            "(có phải là \"bao-cao-thpl\"?)") in out
    assert "[R009] yêu cầu 'bao-cao-thpl' không được phương pháp chấm điểm nào dùng" in out


def test_warnings_for_next_years_set(capsys, scheme_2024: Path) -> None:
    """A date left in last year, a scheme without its decision or units: warnings, exit 0."""
    edit(scheme_2024 / "fields" / "1-chi-dao-dieu-hanh.yaml", "due: 2024-11-09", "due: 2023-11-09")
    head = scheme_2024 / "scheme.yaml"
    text = head.read_text(encoding="utf-8")
    head.write_text(text.split("decision: >-")[0] + "total_max:" + text.split("total_max:")[1], encoding="utf-8")
    (scheme_2024 / "units.yaml").unlink()
    code, out, _ = run(capsys, "rules", "check", str(scheme_2024))
    assert code == 0
    assert "tiêu chí 1.1: [W011] hạn 09/11/2023 không thuộc năm 2024 của bộ tiêu chí" in out
    assert "[W010] bộ tiêu chí chưa nêu quyết định ban hành (decision)" in out
    assert "[W012]" in out


def test_check_a_path_that_is_no_scheme(capsys) -> None:
    code, _, err = run(capsys, "rules", "check", "ha-giang-2023-s")
    assert code == 2 and "[C010]" in err and 'có phải là "ha-giang-2023-so"' in err


# ---- test -----------------------------------------------------------------------------------------

def test_rules_test_summary(capsys) -> None:
    code, out, _ = run(capsys, "rules", "test")
    assert code == 0
    assert "✓ 1.5   5/5 ca đạt — Các phòng, đơn vị báo cáo Ban Giám đốc Sở" in out
    assert re.search(r"Tổng: (\d+)/\1 ca đạt, độ phủ đủ", out)


def test_rules_test_one_criterion_and_failures(capsys, scheme_2024: Path) -> None:
    cases = scheme_2024 / "cases" / "1.5.yaml"
    edit(cases, "expect: {points: 0.38, status: đạt một phần", "expect: {points: 0.37, status: đạt một phần")
    code, out, _ = run(capsys, "rules", "test", str(scheme_2024), "-c", "1.5")
    assert code == 1
    assert "✗ 1.5   4/5 ca đạt" in out
    assert "✗ mot-bao-cao-muon (0,38 điểm, đạt một phần)" in out
    assert f"1.5.yaml, dòng {line_of(cases, 'name: mot-bao-cao-muon')}, tiêu chí 1.5: [R022]" in out
    assert "điểm mong đợi 0,37, được 0,38" in out
    assert "3 đúng hạn, 1 hoàn thành quá hạn" in out  # the engine's own explanation follows
    assert "Tổng: 4/5 ca đạt, độ phủ đủ" in out


def test_rules_test_unusable_input(capsys, scheme_2024: Path) -> None:
    code, _, err = run(capsys, "rules", "test", str(scheme_2024), "-c", "1.9")
    assert code == 2 and "[C012]" in err
    edit(scheme_2024 / "fields" / "9-khac.yaml", "    max: 56.5\n", "    max: 57\n")
    code, _, err = run(capsys, "rules", "test", str(scheme_2024))
    assert code == 2 and "[R008]" in err


# ---- docs and diff --------------------------------------------------------------------------------

def test_docs_check_and_write(capsys, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "rules", "docs", "--check")
    assert code == 0 and "3/3 tệp tài liệu" in out
    out_dir = tmp_path / "docs"
    code, out, _ = run(capsys, "rules", "docs", "ha-giang-2024-so", "--out", str(out_dir))
    assert code == 0
    assert sorted(p.name for p in out_dir.iterdir()) == ["ha-giang-2023-so-vs-ha-giang-2024-so.md",
                                                          "ha-giang-2024-so.md"]
    (out_dir / "ha-giang-2024-so.md").write_text("cũ\n", encoding="utf-8")
    code, out, _ = run(capsys, "rules", "docs", "ha-giang-2024-so", "--out", str(out_dir), "--check")
    assert code == 1 and "[C011] tài liệu chưa cập nhật theo bộ tiêu chí: ha-giang-2024-so.md" in out


def test_diff_text_and_markdown(capsys) -> None:
    code, out, _ = run(capsys, "rules", "diff", "ha-giang-2023-so", "ha-giang-2024-so")
    assert code == 0
    assert "~ phiên bản: 2023.1 → 2024.1" in out
    assert "yêu cầu `bao-cao-giao-duc-chinh-tri`: hạn: 09/11/2023 → 09/11/2024" in out
    code, md, _ = run(capsys, "rules", "diff", "ha-giang-2023-so", "ha-giang-2024-so", "--format", "markdown")
    assert code == 0 and md.startswith("# So sánh bộ tiêu chí") and "| Phiên bản | 2023.1 | 2024.1 |" in md


def test_diff_with_a_case(capsys) -> None:
    code, out, _ = run(capsys, "rules", "diff", "ha-giang-2023-so", "ha-giang-2024-so",
                       "--case", "ha-giang-sonnptnt-2024-q3")
    assert code == 0
    assert "Điểm hồ sơ ha-giang-sonnptnt-2024-q3 (mốc 30/09/2024) theo từng bộ:" in out
    assert "→ 83/100 (Tốt)" in out
    assert "[W002] hồ sơ được lập cho phiên bản '2024.1' của bộ tiêu chí, đang dùng phiên bản '2023.1'" in out


def test_diff_needs_two_schemes(capsys) -> None:
    code, _, err = run(capsys, "rules", "diff", "ha-giang-2023-so", "khong-co")
    assert code == 2 and "[C010]" in err


def test_every_rules_argument_has_vietnamese_help() -> None:
    rules = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)).choices["rules"]
    sub = next(a for a in rules._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == {"check", "test", "docs", "diff"}
    for name, parser in sub.choices.items():
        assert parser.description and any(ch in parser.description for ch in "ạảấầẩẫậắằẳẵặếềểễệốồổỗộớờởỡợ"), name
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help and not action.help.isascii(), (name, action.dest)
