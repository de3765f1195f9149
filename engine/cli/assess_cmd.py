"""`cchc assess`: score a case and explain it."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from engine.cli.common import EXIT_OK, as_of_arg, check_unit
from engine.cli.startup import loading_libraries
from engine.locations import DEFAULT_CASE, find_case, shown
from evidence.problems import InputError, Problem


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "assess",
        description="Chấm điểm một hồ sơ: điểm từng tiêu chí, tình trạng, còn thiếu gì, ai phụ trách, "
                    "hạn nào, được bao nhiêu điểm nếu bổ sung.",
    )
    p.add_argument("case", nargs="*", default=[], metavar="HỒ_SƠ",
                   help=f"thư mục hồ sơ hoặc tên hồ sơ có sẵn (mặc định: {DEFAULT_CASE}); nhiều hồ sơ, hoặc một "
                        "thư mục chứa các hồ sơ: chấm tất cả trong một lần chạy và xếp hạng theo chỉ số")
    p.add_argument("--unit", metavar="ĐƠN_VỊ",
                   help="chỉ hiện tiêu chí và mục còn thiếu của một đơn vị (mã trong units.yaml)")
    p.add_argument("--as-of", metavar="NGÀY",
                   help="mốc đánh giá, vd 30/10/2023: mục có hạn sau mốc là 'chưa đến hạn'")
    p.add_argument("--chi-tiet", "--detail", dest="detail", action="store_true",
                   help="sau phần tóm tắt, in đủ bảng điểm từng tiêu chí, vết chấm điểm và giả định")
    p.add_argument("--format", choices=["text", "json"], default="text", help="dạng kết quả (mặc định: text)")
    p.add_argument("--matcher", choices=["durable", "python"], default="durable",
                   help="bộ so khớp tài liệu (mặc định: durable-rules; python: bộ tham chiếu)")
    p.add_argument("--scenario", "--kich-ban", dest="scenario", metavar="TỆP",
                   help="kịch bản (YAML): tài liệu, số liệu, giá trị dự kiến; in điểm dự kiến bên cạnh điểm hiện tại, "
                        "không sửa hồ sơ")
    p.add_argument("--save", "--luu", dest="save", action="store_true",
                   help="lưu kết quả cả Sở kèm bản kê vào <hồ sơ>/lich-su/<mốc>.json (xem: cchc history)")
    p.add_argument("--ghi-de", "--overwrite", dest="overwrite", action="store_true",
                   help="với --save: thay kết quả đã lưu cho cùng mốc khi kết quả mới khác")
    p.add_argument("--jobs", "--so-tien-trinh", dest="jobs", type=_jobs, metavar="N",
                   help="với nhiều hồ sơ: số tiến trình chấm song song (mặc định: số lõi CPU, không quá số hồ sơ)")
    p.add_argument("--engine", choices=["pandas", "dask"], default="pandas",
                   help="dask: đọc và cộng các bộ dữ liệu tính tỷ lệ (tệp xuất một cửa) theo khối bằng Dask, cho dữ "
                        "liệu quá lớn cho một lần đọc; kết quả chấm như đường mặc định (docs/evidence.md)")
    p.add_argument("--cluster", "--scheduler", dest="scheduler", metavar="ĐỊA_CHỈ",
                   help="với --engine dask: địa chỉ bộ điều phối cụm Dask, vd tcp://10.0.0.5:8786 (mặc định: biến môi "
                        "trường DASK_SCHEDULER_ADDRESS; không có thì chạy bằng các tiến trình trên máy này)")
    p.set_defaults(run=run)


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"cần số nguyên từ 1 trở lên, không phải {text!r}")
    return int(text)


def run(args: argparse.Namespace) -> int:
    from engine.many_cases import is_folder_of_cases

    if len(args.case) > 1 or (args.case and is_folder_of_cases(args.case[0])):
        return run_many(args)
    args.case = args.case[0] if args.case else None
    return run_one(args)


def run_many(args: argparse.Namespace) -> int:
    """Several cases: each assessed (in parallel where there are cores), failures reported, the rest ranked."""
    from engine.cli.common import EXIT_INPUT, print_problems
    from engine.many_cases import assess_many, case_folders, ranking

    as_of = as_of_arg(args.as_of)
    folders, failed = case_folders(args.case)
    count = len(folders) + len(failed)
    for option, used in (("--unit", args.unit), ("--scenario", args.scenario), ("--save", args.save)):
        if used:
            raise InputError(Problem.of("C031", option=option, count=count))
    with loading_libraries():
        import engine.pipeline  # noqa: F401  # what every case needs (pandas...), loaded before the pool starts
        from engine.reports import ranking as ranking_report
        from engine.reports import terminal
    runs = [*failed, *assess_many(folders, as_of=as_of, prefer=args.matcher, jobs=args.jobs, engine=args.engine,
                                  cluster=args.scheduler)]
    for r in runs:
        if r.result is None:
            print_problems(r.errors)
            print_problems([Problem.of("C030", case=r.case, count=len(r.errors))])
    ranked = ranking(runs)
    if len(ranked) > 1:
        schemes = ", ".join(f"{g[0].result.scheme_id} {g[0].result.scheme_version}" for g in ranked)
        print_problems([Problem.of("W065", count=len(ranked), schemes=schemes)])
    if args.format == "json":
        print(ranking_report.render_json(runs, ranked))
    else:
        from engine.cli.console import CommandConsole

        console = CommandConsole(highlight=False)
        if args.detail:
            for r in runs:
                if r.result is not None:
                    terminal.render(r.result, console, detail=True)
                    console.print()
        ranking_report.render_text(ranked, console)
    return EXIT_INPUT if any(r.result is None for r in runs) else EXIT_OK


def run_one(args: argparse.Namespace) -> int:
    as_of = as_of_arg(args.as_of)
    folder = find_case(args.case)  # C002 and C001 are said before pandas, pydantic and rich are loaded
    if args.engine == "dask" and args.scenario:
        raise InputError(Problem.of("C039", option="--scenario"))

    with loading_libraries():
        from engine.pipeline import assessor, prepare

        if args.engine == "dask":
            from engine.dask_datasets import prepare_on_dask

    if args.engine == "dask":
        scheme, evidence = prepare_on_dask(folder, as_of, address=args.scheduler)
    else:
        scheme, evidence = prepare(folder)
    check_unit(args.unit, evidence.units, evidence.folder)
    engine = assessor(scheme, evidence, prefer=args.matcher)
    result = replace(engine.assess(evidence, as_of=as_of), dataset_engine=args.engine)
    projected, planned = None, None
    if args.scenario:
        from engine import scenario

        planned = scenario.load_scenario(Path(args.scenario), scheme, evidence, current=result.as_of)
        projected = scenario.project(engine, planned)
    saved = None
    if args.save:
        from engine import history

        saved = history.save(result, evidence.folder, overwrite=args.overwrite)
    if args.unit:
        result = result.for_unit(args.unit)
        projected = projected.for_unit(args.unit) if projected else None
    if args.format == "json":
        from engine.reports import json_result

        print(json_result.render(result, scenario=projected, scenario_name=args.scenario))
    else:
        from engine.cli.console import CommandConsole
        from engine.reports import terminal, terminal_runs

        console = CommandConsole(highlight=False)
        terminal.render(result, console, detail=args.detail)
        if projected is not None and planned is not None:
            terminal_runs.render_scenario(result, projected, args.scenario, console, planned.title)
    if saved is not None:
        path, status = saved
        said = {"created": "Đã lưu", "replaced": "Đã ghi đè", "same": "Đã có sẵn, giống hệt"}[status]
        print(f"{said}: {shown(path)}", file=sys.stderr)
    return EXIT_OK
