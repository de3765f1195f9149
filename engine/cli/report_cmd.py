"""`cchc report`: one assessment as the documents people use (workbook, HTML report, plan, form).

    cchc report [CASE] --out FILE [--loai KIND] [--unit UNIT] [--as-of DATE]

The format follows the file's extension (.xlsx results workbook, .html report, .docx/.md plan);
`--loai bieu-tu-cham` writes the self-scoring form as .xlsx. Every writer reads the same result.
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

from engine.cli.common import EXIT_OK, as_of_arg, check_unit
from engine.cli.startup import loading_libraries
from engine.locations import DEFAULT_CASE
from engine.reports import WRITERS
from evidence.problems import InputError, Problem


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        description="Xuất kết quả chấm của một hồ sơ thành tài liệu để gửi lãnh đạo và các đơn vị. Dạng tài liệu "
                    "theo đuôi tệp: .xlsx bảng tính kết quả, .html báo cáo (mở được không cần mạng), .docx hoặc "
                    ".md dự thảo kế hoạch khắc phục; --loai bieu-tu-cham cho biểu tự chấm điểm (.xlsx).",
    )
    p.add_argument("case", nargs="?", default=None,
                   help=f"thư mục hồ sơ hoặc tên hồ sơ có sẵn (mặc định: {DEFAULT_CASE})")
    p.add_argument("--out", required=True, metavar="TỆP", help="tệp sẽ tạo: .xlsx, .html, .docx hoặc .md")
    p.add_argument("--loai", choices=sorted(WRITERS), metavar="LOẠI",
                   help="loại tài liệu: " + ", ".join(sorted(WRITERS)) + " (mặc định: theo đuôi tệp)")
    p.add_argument("--unit", metavar="ĐƠN_VỊ", help="chỉ phần của một đơn vị (mã trong units.yaml)")
    p.add_argument("--as-of", metavar="NGÀY", help="mốc đánh giá, vd 30/10/2023")
    p.add_argument("--matcher", choices=["durable", "python"], default="durable",
                   help="bộ so khớp tài liệu (mặc định: durable-rules)")
    p.add_argument("--scenario", "--kich-ban", dest="scenario", metavar="TỆP",
                   help="kịch bản (YAML) tài liệu, số liệu dự kiến: tài liệu nêu điểm dự kiến bên cạnh điểm hiện tại")
    p.set_defaults(run=run)


def writer_kind(out: Path, kind: str | None) -> str:
    """The kind of document to write: as asked, else the first kind that writes this extension."""
    suffix = out.suffix.lower()
    if kind is not None:
        if suffix not in WRITERS[kind][1]:
            raise InputError(Problem.of("C020", path=str(out), kind=kind, allowed=", ".join(WRITERS[kind][1])))
        return kind
    for name, (_, suffixes) in WRITERS.items():
        if suffix in suffixes:
            return name
    known = sorted({s for _, suffixes in WRITERS.values() for s in suffixes})
    raise InputError(Problem.of("C021", path=str(out), allowed=", ".join(known)))


def run(args: argparse.Namespace) -> int:
    with loading_libraries():
        from engine import scenario
        from engine.history import history
        from engine.pipeline import assessor, prepare
        from engine.reports.inputs import ReportInputs

    out = Path(args.out)
    kind = writer_kind(out, args.loai)
    as_of = as_of_arg(args.as_of)
    scheme, evidence = prepare(args.case)
    check_unit(args.unit, evidence.units, evidence.folder)
    engine = assessor(scheme, evidence, prefer=args.matcher)
    result = engine.assess(evidence, as_of=as_of)
    projected = None
    if args.scenario:
        projected = scenario.project(engine, scenario.load_scenario(Path(args.scenario), scheme, evidence,
                                                                    current=result.as_of))
    saved = history(evidence.folder, evidence.case.id)  # the monthly runs kept by `cchc assess --save`
    if args.unit:
        result = result.for_unit(args.unit)
        projected = projected.for_unit(args.unit) if projected else None
    module = importlib.import_module(WRITERS[kind][0])
    module.write(ReportInputs(result, scenario=projected, scenario_name=args.scenario, history=saved), out)
    print(f"Đã tạo {out}")
    return EXIT_OK
