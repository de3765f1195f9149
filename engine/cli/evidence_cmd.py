"""`cchc evidence …`: tools for the evidence units keep (templates, scanning, checks).

    cchc evidence template CASE --unit UNIT --out FILE.xlsx   the unit's Excel register, pre-filled
    cchc evidence scan DIR --out REGISTER [--unit UNIT]        PDF/DOCX files → register rows
    cchc evidence check CASE                                   every problem, and counts per file

Exit status: 0 done (check: no errors; warnings alone are listed), 1 problems found (check:
errors; scan: files that could not be added), 2 input cchc cannot use.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from engine.cli.common import EXIT_OK, EXIT_PROBLEMS
from engine.locations import find_case, find_scheme, shown
from evidence.dates import format_date
from evidence.problems import InputError, Problem, did_you_mean

if TYPE_CHECKING:  # imported where used: `cchc --help` must not load pydantic models and pandas
    from engine.scheme import Scheme
    from evidence.case_file import CaseFile
    from evidence.excel_template import OtherDuty, TemplateRow


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evidence",
                       description="Mẫu sổ đăng ký Excel, quét thư mục tài liệu, kiểm tra hồ sơ.")
    commands = p.add_subparsers(dest="evidence_command", required=True, metavar="LỆNH")

    t = commands.add_parser("template", help="tạo sổ đăng ký Excel điền sẵn cho một đơn vị",
                            description="Tạo sổ đăng ký tài liệu kiểm chứng (.xlsx) cho một đơn vị: mỗi tài liệu đơn "
                                        "vị phải có là một hàng điền sẵn tiêu chí, yêu cầu, loại, hạn; kèm trang "
                                        "hướng dẫn.")
    t.add_argument("case", metavar="HỒ_SƠ", help="thư mục hồ sơ hoặc tên hồ sơ có sẵn")
    t.add_argument("--unit", required=True, metavar="ĐƠN_VỊ", help="mã đơn vị trong units.yaml")
    t.add_argument("--out", required=True, metavar="TỆP.xlsx", help="tệp Excel sẽ tạo")
    t.add_argument("--force", action="store_true", help="ghi đè nếu tệp đã có (mất dữ liệu đã điền)")
    t.set_defaults(run=run_template)

    s = commands.add_parser("scan", help="đọc thư mục tệp PDF/Word và thêm vào sổ đăng ký",
                            description="Đọc số, ký hiệu, ngày, loại, trích yếu của từng tệp PDF (có lớp chữ) và "
                                        "Word (.docx) trong thư mục, thêm vào sổ đăng ký kèm SHA-256. Không sửa "
                                        "hàng người đã nhập; liệt kê mọi tệp không đọc được và lý do.")
    s.add_argument("dir", metavar="THƯ_MỤC", help="thư mục chứa tệp (trong thư mục hồ sơ)")
    s.add_argument("--out", required=True, metavar="SỔ", help="sổ đăng ký .csv hoặc .xlsx (tạo mới nếu chưa có)")
    s.add_argument("--unit", metavar="ĐƠN_VỊ", help="mã đơn vị ghi vào cột Đơn vị của hàng mới")
    s.add_argument("--case", metavar="HỒ_SƠ",
                   help="thư mục hồ sơ (mặc định: thư mục gần nhất có case.yaml chứa sổ đăng ký)")
    s.set_defaults(run=run_scan)

    c = commands.add_parser("check", help="kiểm tra mọi tệp của hồ sơ, báo từng lỗi theo tệp, hàng, cột",
                            description="Kiểm tra hồ sơ: mọi lỗi và cảnh báo kèm tệp, hàng, cột và điều cần có; "
                                        "số hàng đọc, nhận, loại của từng tệp.")
    c.add_argument("case", nargs="?", default=None, metavar="HỒ_SƠ",
                   help="thư mục hồ sơ hoặc tên hồ sơ có sẵn (mặc định: hồ sơ mẫu)")
    c.set_defaults(run=run_check)


# ---- template -------------------------------------------------------------------------------


def template_rows(scheme: Scheme, unit: str, case: CaseFile) -> tuple[list[TemplateRow], list[OtherDuty]]:
    """The unit's document requirements as template rows, and what else it owes (datasets, entered values)."""
    from engine.scheme import DeadlineRequirement, DocumentRequirement, InputRequirement, RateRequirement
    from evidence.excel_template import OtherDuty, TemplateRow

    rows: list[TemplateRow] = []
    others: list[OtherDuty] = []
    for crit in scheme.criteria():
        for req in crit.requires:
            if unit not in req.owner:
                continue
            if isinstance(req, DocumentRequirement):
                m = req.match
                rows.append(TemplateRow(crit.id, req.id, req.label, m.kind, tuple(m.tags), m.issuer, m.period,
                                        req.due, req.basis))
            elif isinstance(req, DeadlineRequirement | RateRequirement):
                others.append(OtherDuty(crit.id, req.id, req.label,
                                        f"bộ dữ liệu {req.dataset} ({case.dataset_path(req.dataset)})"))
            elif isinstance(req, InputRequirement):
                others.append(OtherDuty(crit.id, req.id, req.label,
                                        f"giá trị nhập ngoài kèm nguồn ({case.inputs or 'inputs.yaml'}: "
                                        f"{crit.id}/{req.id})"))
    return rows, others


def _case_and_scheme(name: str | None) -> tuple[Path, CaseFile, dict[str, str], Scheme]:
    """Only what a template needs: one unit's template must not wait on another unit's bad rows."""
    from engine.scheme_loader import load_scheme
    from evidence.case import UNITS_FILE, load_units, read_case_file

    folder = find_case(name).resolve()
    case, _ = read_case_file(folder)
    units = load_units(folder / UNITS_FILE)
    scheme = load_scheme(find_scheme(case.scheme, folder), units=set(units))
    return folder, case, units, scheme


def run_template(args: argparse.Namespace) -> int:
    from evidence.excel_template import write_template
    from evidence.safe_write import write_atomically

    folder, case, units, scheme = _case_and_scheme(args.case)
    if args.unit not in units:
        raise InputError(Problem.of("E004", file=folder / "units.yaml", unit=args.unit,
                                    hint=did_you_mean(args.unit, list(units))))
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise InputError(Problem.of("E022", file=out, path=str(out), detail="mẫu sổ đăng ký là tệp .xlsx"))
    if out.exists() and not args.force:
        raise InputError(Problem.of("E022", file=out, path=str(out),
                                    detail="tệp đã có (có thể đã được điền); chọn tên khác hoặc thêm --force"))
    rows, others = template_rows(scheme, args.unit, case)
    write_atomically(out, lambda temporary: write_template(
        temporary, rows=rows, others=others, unit=args.unit, unit_name=units[args.unit], case_title=case.title,
        period=case.period, units=list(units)))
    print(f"Đã tạo {out}: {len(rows)} tài liệu của {units[args.unit]} ({args.unit}) cần đăng ký"
          + (f"; {len(others)} mục khác (bộ dữ liệu, giá trị nhập ngoài) liệt kê ở trang «Hướng dẫn»." if others
             else "."))
    if not rows:
        print("Đơn vị không phụ trách tài liệu nào trong bộ tiêu chí; sổ chỉ có các hàng trống để ghi thêm.")
    return EXIT_OK


# ---- scan -----------------------------------------------------------------------------------


def _case_folder_of(register: Path, folder: Path, given: str | None) -> Path:
    if given:
        return find_case(given).resolve()
    for start in (register.resolve().parent, folder.resolve()):
        for candidate in (start, *start.parents):
            if (candidate / "case.yaml").is_file():
                return candidate
    return register.resolve().parent


def run_scan(args: argparse.Namespace) -> int:
    from evidence.case import UNITS_FILE, load_units
    from evidence.scan import scan_folder

    register, folder = Path(args.out), Path(args.dir)
    case_folder = _case_folder_of(register, folder, args.case)
    if not (case_folder / "case.yaml").is_file():
        print(f"Không thấy case.yaml: đường dẫn cột Tệp tính từ thư mục {case_folder}.")
    if args.unit and (case_folder / UNITS_FILE).is_file():
        units = load_units(case_folder / UNITS_FILE)
        if args.unit not in units:
            raise InputError(Problem.of("E004", file=case_folder / UNITS_FILE, unit=args.unit,
                                        hint=did_you_mean(args.unit, list(units))))
    started = time.perf_counter()
    report = scan_folder(folder, register, case_folder=case_folder, unit=args.unit)
    elapsed = time.perf_counter() - started
    shown = os.path.relpath(register)
    print(f"Đã quét {report.files_seen} tệp trong {folder} ({elapsed:.1f} giây).")
    if report.added:
        print(f"Đã thêm {len(report.added)} hàng vào {shown}:")
        for added in report.added:
            h = added.file.header
            when = f" ngày {format_date(h.issued)}" if h.issued else " (không rõ ngày)"
            ref = h.reference.raw if h.reference else "(không số)"
            print(f"  hàng {added.row}: {added.file.relative} — {ref}{when} «{h.subject or added.file.path.stem}»")
            for note in h.notes:
                print(f"      lưu ý: {note}")
    if report.filled:
        print(f"Đã điền ô còn trống của {len(report.filled)} hàng (không sửa ô đã có dữ liệu):")
        for filled in report.filled:
            print(f"  hàng {filled.row}: {filled.relative} — {', '.join(filled.columns)}")
    if report.already:
        print(f"Đã có trong sổ, bỏ qua {len(report.already)} tệp:")
        for relative, where in report.already:
            print(f"  {relative}: {where}")
    if report.rewritten_as_utf8:
        print(f"Lưu ý: {shown} được lưu lại dạng CSV UTF-8 (trước đây là Windows-1258); nội dung không đổi.")
    if report.problems:
        print(f"Không thêm được {len(report.problems)} tệp hoặc hàng cần kiểm tra lại:")
        for problem in report.problems:
            print(f"  {_relative(problem, case_folder)}")
        return EXIT_PROBLEMS
    if not (report.added or report.filled):
        print("Không có gì mới để thêm.")
    return EXIT_OK


# ---- check ----------------------------------------------------------------------------------


def _relative(problem: Problem, folder: Path) -> Problem:
    """The problem with its file shown relative to the case folder, as people name it."""
    if problem.file is None:
        return problem
    try:
        return replace(problem, file=Path(problem.file).resolve().relative_to(folder).as_posix())
    except ValueError:  # a rule file or another file outside the case: named as every command names it
        return replace(problem, file=shown(problem.file))


def run_check(args: argparse.Namespace) -> int:
    from engine.cli.startup import loading_libraries

    with loading_libraries():
        from engine.case_checks import check_against_scheme
        from evidence.check import check_case

    folder = find_case(args.case).resolve()
    # the same reading and checks as `cchc assess`: an error here is exactly what assess refuses
    checked = check_against_scheme(folder)  # no usable case.yaml: exit status 2, nothing to check
    report = check_case(checked.read, problems=checked.problems)

    print(f"Kiểm tra hồ sơ {folder}")
    for problem in report.problems:
        word = "Cảnh báo" if problem.severity == "warning" else "Lỗi"
        print(f"{word}: {_relative(problem, folder)}")
    if report.files:
        names = [f"{f.file} ({f.role})" for f in report.files]
        width = max(len(n) for n in [*names, "Tệp"]) + 2
        print()
        print(f"{'Tệp':<{width}} {'Đọc':>6} {'Nhận':>6} {'Loại':>6} {'Chưa có':>8} {'Trùng':>6}")
        for f, name in zip(report.files, names, strict=True):
            if not f.readable:
                print(f"{name:<{width}} không đọc được (xem lỗi ở trên)")
                continue
            extra = "" if f.placeholders is None else f" {f.placeholders:>8} {f.duplicates or 0:>6}"
            print(f"{name:<{width}} {f.rows:>6} {f.accepted:>6} {f.rejected:>6}{extra}")
        print("(Đọc: hàng dữ liệu đã đọc; Nhận: hàng dùng được; Loại: hàng có lỗi, không dùng; Chưa có: hàng ghi "
              "tài liệu chưa có; Trùng: hàng trùng tài liệu đã khai, chỉ tính một lần.)")
    evidence = checked.read.evidence
    if evidence.appraisal is not None:  # read and checked like the rest; the engine scores it (cchc assess)
        print(f"\nThẩm định thử của TCCB: {evidence.appraisal_file}, {len(evidence.appraisal)} tiêu chí chấm lại.")
    errors, warnings = len(report.errors), len(report.warnings)
    print(f"\n{errors} lỗi, {warnings} cảnh báo." + (" Hồ sơ dùng được để chấm điểm." if not errors else ""),
          file=sys.stdout)
    return EXIT_PROBLEMS if errors else EXIT_OK
