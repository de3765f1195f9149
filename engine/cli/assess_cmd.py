"""`cchc assess`: score a case and explain it."""

from __future__ import annotations

import argparse

from rich.console import Console

from engine.cli.common import EXIT_OK, as_of_arg
from engine.locations import DEFAULT_CASE
from evidence.problems import InputError, Problem, did_you_mean


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "assess", help="chấm điểm một hồ sơ (case)",
        description="Chấm điểm một hồ sơ: điểm từng tiêu chí, tình trạng, còn thiếu gì, ai phụ trách, "
                    "hạn nào, được bao nhiêu điểm nếu bổ sung.",
    )
    p.add_argument("case", nargs="?", default=None,
                   help=f"thư mục hồ sơ hoặc tên hồ sơ có sẵn (mặc định: {DEFAULT_CASE})")
    p.add_argument("--unit", metavar="ĐƠN_VỊ",
                   help="chỉ hiện tiêu chí và mục còn thiếu của một đơn vị (mã trong units.yaml)")
    p.add_argument("--as-of", metavar="NGÀY",
                   help="mốc đánh giá, vd 30/10/2023: mục có hạn sau mốc là 'chưa đến hạn'")
    p.add_argument("--chi-tiet", "--detail", dest="detail", action="store_true",
                   help="sau phần tóm tắt, in đủ bảng điểm từng tiêu chí, vết chấm điểm và giả định")
    p.add_argument("--format", choices=["text", "json"], default="text", help="dạng kết quả (mặc định: text)")
    p.add_argument("--matcher", choices=["durable", "python"], default="durable",
                   help="bộ so khớp tài liệu (mặc định: durable-rules; python: bộ tham chiếu)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from engine.assess import Assessor
    from engine.pipeline import prepare
    from engine.reports import json_result, terminal

    as_of = as_of_arg(args.as_of)
    scheme, evidence = prepare(args.case)
    if args.unit and args.unit not in evidence.units:
        raise InputError(Problem.of("E004", file=evidence.folder / "units.yaml", unit=args.unit,
                                    hint=did_you_mean(args.unit, list(evidence.units))))
    result = Assessor(scheme, prefer=args.matcher).assess(evidence, as_of=as_of)
    if args.unit:
        result = result.for_unit(args.unit)
    if args.format == "json":
        print(json_result.render(result))
    else:
        terminal.render(result, Console(highlight=False), detail=args.detail)
    return EXIT_OK
