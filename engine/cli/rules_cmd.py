"""`cchc rules …`: tools for rule authors (check, test, docs, diff).

Exit statuses: 0 nothing wrong; 1 problems found in the rules, their cases or their docs;
2 input that cannot be used (a path that is not a scheme, a case that does not load).
The logic lives in engine modules (criterion_cases, rules_docs, rules_diff); this module only
reads arguments and prints.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from engine import locations
from engine.cli.common import EXIT_OK, EXIT_PROBLEMS
from engine.locations import SCHEME_FILE, rules_root, shown, working_rules
from evidence.formatting import points
from evidence.problems import InputError, Problem, did_you_mean

PATH_HELP = ("thư mục bộ tiêu chí (có scheme.yaml), tên bộ trong rules/, hoặc thư mục chứa nhiều bộ; "
             "mặc định: mọi bộ trong rules/")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rules",
                       description="Kiểm tra, chạy ca kiểm thử, sinh tài liệu và so sánh các bộ tiêu chí.")
    rules = p.add_subparsers(dest="rules_command", required=True, metavar="LỆNH")

    check = rules.add_parser(
        "check", help="kiểm tra bộ tiêu chí và tệp ca kiểm thử, báo mọi lỗi một lần",
        description="Kiểm tra bộ tiêu chí: cấu trúc, khóa, mã trùng, đơn vị, mức xếp loại, ngưỡng, tổng điểm, "
                    "yêu cầu không dùng hoặc không tồn tại, tên bộ dữ liệu và loại văn bản; và cấu trúc các tệp "
                    "ca kiểm thử. Mỗi lỗi kèm tệp, dòng, mã tiêu chí, mã lỗi. Mã thoát: 0 không có lỗi (có thể "
                    "có cảnh báo), 1 có lỗi, 2 đường dẫn không dùng được.")
    check.add_argument("path", nargs="?", metavar="ĐƯỜNG_DẪN", help=PATH_HELP)
    check.set_defaults(run=run_check)

    test = rules.add_parser(
        "test", help="chạy các ca kiểm thử của từng tiêu chí và kiểm tra độ phủ",
        description="Chạy mọi ca trong rules/<bộ>/cases/<mã tiêu chí>.yaml bằng bộ chấm thật, so với điểm, "
                    "tình trạng, việc còn thiếu mong đợi; báo tiêu chí thiếu ca đủ điểm hoặc không đủ điểm, yêu "
                    "cầu chưa được thử cả khi đạt lẫn khi không đạt. Mã thoát: 0 tất cả đạt, 1 có ca sai hoặc "
                    "thiếu độ phủ, 2 bộ tiêu chí không nạp được.")
    test.add_argument("path", nargs="?", metavar="ĐƯỜNG_DẪN", help=PATH_HELP)
    test.add_argument("--criterion", "-c", metavar="MÃ", help="chỉ chạy ca của một tiêu chí, vd 1.1")
    test.add_argument("--matcher", choices=["durable", "python"], default="durable",
                      help="bộ so khớp tài liệu (mặc định: durable-rules; python: bộ tham chiếu)")
    test.set_defaults(run=run_test)

    docs = rules.add_parser(
        "docs", help="sinh tài liệu Markdown tiếng Việt cho bộ tiêu chí",
        description="Viết docs/rules/<bộ>.md: thông tin bộ, phiên bản, quyết định, xếp loại, đơn vị, từng tiêu "
                    "chí (điểm tối đa, yêu cầu, cách chấm bằng lời, đơn vị phụ trách, nguồn, đã đối chiếu chưa, "
                    "ca kiểm thử); và bảng so sánh với bộ năm trước nếu có. Mã thoát với --check: 1 nếu tài liệu "
                    "đã cũ.")
    docs.add_argument("path", nargs="?", metavar="ĐƯỜNG_DẪN", help=PATH_HELP)
    docs.add_argument("--out", metavar="THƯ_MỤC", type=Path,
                      help="thư mục ghi tài liệu (mặc định: docs/rules/ của kho mã)")
    docs.add_argument("--check", action="store_true",
                      help="không ghi gì; báo lỗi (mã thoát 1) nếu tài liệu đang có khác tài liệu sinh ra")
    docs.set_defaults(run=run_docs)

    diff = rules.add_parser(
        "diff", help="so sánh hai bộ tiêu chí (và điểm một hồ sơ theo mỗi bộ)",
        description="Những gì thay đổi giữa hai bộ tiêu chí: phiên bản, quyết định, tiêu chí thêm hoặc bỏ, điểm "
                    "tối đa, ngưỡng, yêu cầu, hạn, đơn vị phụ trách, cách chấm. Với --case: điểm của hồ sơ theo "
                    "từng bộ.")
    diff.add_argument("old", metavar="BỘ_CŨ", help="bộ tiêu chí cũ (thư mục hoặc tên trong rules/)")
    diff.add_argument("new", metavar="BỘ_MỚI", help="bộ tiêu chí mới (thư mục hoặc tên trong rules/)")
    diff.add_argument("--case", metavar="HỒ_SƠ", help="hồ sơ (thư mục hoặc tên trong cases/) để chấm theo cả hai bộ")
    diff.add_argument("--format", choices=["text", "markdown"], default="text",
                      help="dạng kết quả (mặc định: text; markdown để đưa vào tài liệu)")
    diff.set_defaults(run=run_diff)


# ---- which schemes --------------------------------------------------------------------------------

def scheme_folders(path: str | None) -> list[Path]:
    """A scheme folder, a scheme named under rules/, or a folder of schemes (default: rules/)."""
    root = rules_root()
    if path is None:
        if working_rules() is None and root.resolve().is_relative_to(locations.INSTALLED.resolve()):
            # the wheel's copy is never the file an author edits: say which rules these are
            _print([Problem.of("W013", path=shown(root))], indent="")
        return _schemes_in(root)
    given = Path(path)
    for candidate in (given, root / path):
        if (candidate / SCHEME_FILE).is_file():
            return [_shown(candidate)]
    if given.is_dir() and _schemes_in(given):
        return _schemes_in(given)
    known = [p.name for p in _schemes_in(root)]
    raise InputError(Problem.of("C010", name=path, hint=did_you_mean(path, known) or f" (có: {', '.join(known)})"))


def _one_scheme(path: str) -> Path:
    folders = scheme_folders(path)
    if len(folders) != 1:
        raise InputError(Problem.of("C010", name=path, hint=" (cần đúng một bộ tiêu chí, không phải thư mục chứa "
                                                            f"{len(folders)} bộ)"))
    return folders[0]


def _schemes_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(_shown(p) for p in folder.iterdir() if (p / SCHEME_FILE).is_file())


def _shown(path: Path) -> Path:
    """Relative to the current folder when inside it (still loadable), so messages name files as the author
    sees them; printing goes further through `shown` (the carried copy by its place in the source tree)."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def _print(problems: Iterable[Problem], indent: str = "  ") -> None:
    for p in problems:
        if p.file is not None:
            p = replace(p, file=shown(p.file))
        word = "Cảnh báo" if p.severity == "warning" else "Lỗi"
        print(f"{indent}{word}: {p}")


# ---- check ----------------------------------------------------------------------------------------

def run_check(args: argparse.Namespace) -> int:
    from decimal import Decimal

    from engine.authoring.criterion_cases import load_cases
    from engine.scheme_loader import read_scheme

    errors = 0
    for folder in scheme_folders(args.path):
        scheme, problems = read_scheme(folder)
        cases = None
        if scheme is not None:
            cases = load_cases(folder, scheme)
            problems = problems + cases.problems
        found = [p for p in problems if p.severity == "error"]
        warnings = [p for p in problems if p.severity == "warning"]
        errors += len(found)
        if scheme is None:
            print(f"{shown(folder)}: không nạp được bộ tiêu chí")
        else:
            n_cases = len(cases.cases) if cases else 0
            print(f"{scheme.id} (phiên bản {scheme.version}): {len(scheme.criteria())} tiêu chí, "
                  f"{points(scheme.total_max)} điểm, {n_cases} ca kiểm thử — {shown(folder)}")
        _print(found + warnings)
        unverified = [c for c in scheme.criteria() if not c.verified] if scheme else []
        summary = f"  → {len(found)} lỗi, {len(warnings)} cảnh báo"
        if unverified:
            at_stake = sum((c.max for c in unverified), Decimal(0))
            summary += (f"; {len(unverified)} tiêu chí chưa đối chiếu văn bản gốc (verified: false), "
                        f"{points(at_stake)} điểm")
        print(summary)
    return EXIT_PROBLEMS if errors else EXIT_OK


# ---- test -----------------------------------------------------------------------------------------

def run_test(args: argparse.Namespace) -> int:
    from engine.authoring.criterion_cases import run_scheme_cases
    from engine.results import STATUS
    from engine.scheme_loader import load_scheme

    total = passed = gaps = bad_files = 0
    seconds = 0.0
    for folder in scheme_folders(args.path):
        scheme = load_scheme(folder)
        if args.criterion and scheme.criterion(args.criterion) is None:
            raise InputError(Problem.of("C012", scheme=scheme.id, crit=args.criterion,
                                        hint=did_you_mean(args.criterion, [c.id for c in scheme.criteria()])))
        run = run_scheme_cases(folder, scheme, criterion=args.criterion, prefer=args.matcher)
        seconds += run.seconds
        file_errors = [p for p in run.cases.problems if p.severity == "error"]
        print(f"{scheme.id} (phiên bản {scheme.version}): {len(run.results)} ca")
        _print(run.cases.problems)
        bad_files += len(file_errors)
        for crit in scheme.criteria():
            if args.criterion and crit.id != args.criterion:
                continue
            mine = [r for r in run.results if r.case.criterion == crit.id]
            ok = [r for r in mine if r.passed]
            mark = "✓" if mine and len(ok) == len(mine) else "✗"
            print(f"  {mark} {crit.id:<5} {len(ok)}/{len(mine)} ca đạt — {crit.title}")
            for r in mine:
                if r.passed:
                    continue
                got = "không chấm được" if r.points is None else \
                    f"{points(r.points)} điểm, {STATUS[r.status or 'failed']}"
                print(f"      ✗ {r.case.name} ({got}): {r.case.description}")
                _print(r.problems, indent="        ")
                for line in r.trace:
                    print(f"          · {line}")
        if run.coverage:
            print("  Độ phủ chưa đủ:")
            _print(run.coverage, indent="    ")
        total += len(run.results)
        passed += sum(r.passed for r in run.results)
        gaps += len(run.coverage)
    coverage = "độ phủ đủ" if not gaps else f"{gaps} chỗ thiếu độ phủ"
    files = f", {bad_files} lỗi trong tệp ca kiểm thử" if bad_files else ""
    print(f"Tổng: {passed}/{total} ca đạt, {coverage}{files} ({_seconds(seconds)} giây)")
    return EXIT_OK if passed == total and not gaps and not bad_files else EXIT_PROBLEMS


def _seconds(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


# ---- docs -----------------------------------------------------------------------------------------

def run_docs(args: argparse.Namespace) -> int:
    from engine.authoring.rules_docs import default_docs_dir, render_all

    out = args.out or default_docs_dir()
    pages = render_all(scheme_folders(args.path))
    changed = []
    for name, text in pages.items():
        target = out / name
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current == text:
            continue
        changed.append(target)
        if not args.check:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            print(f"Đã ghi {target}")
    if args.check:
        _print([Problem.of("C011", file=t, path=t.name) for t in changed], indent="")
        print(f"{len(pages) - len(changed)}/{len(pages)} tệp tài liệu trong {out} đúng với bộ tiêu chí.")
        return EXIT_PROBLEMS if changed else EXIT_OK
    print(f"{len(changed)} tệp được ghi, {len(pages) - len(changed)} tệp không đổi ({out}).")
    return EXIT_OK


# ---- diff -----------------------------------------------------------------------------------------

def run_diff(args: argparse.Namespace) -> int:
    from engine.authoring.rules_diff import diff_folders, render_markdown, render_text

    result = diff_folders(_one_scheme(args.old), _one_scheme(args.new), case=args.case)
    print(render_markdown(result) if args.format == "markdown" else render_text(result), end="")
    return EXIT_OK
