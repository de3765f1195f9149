"""`cchc history [CASE]`: the saved runs of the monthly mock assessment (`cchc assess --save`)."""

from __future__ import annotations

import argparse

from engine.cli.common import EXIT_OK
from engine.locations import DEFAULT_CASE


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "history",
        description="Các lần chấm thử đã lưu bằng cchc assess --save (thư mục lich-su/ của hồ sơ): mỗi mốc một "
                    "dòng với tổng điểm, chỉ số, điểm tối đa còn đạt, xếp loại, và số mục mới thiếu, đã xong của "
                    "từng đơn vị so với lần lưu trước.",
    )
    p.add_argument("case", nargs="?", default=None,
                   help=f"thư mục hồ sơ hoặc tên hồ sơ có sẵn (mặc định: {DEFAULT_CASE})")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from engine.cli.console import CommandConsole
    from engine.history import history
    from engine.locations import find_case
    from engine.reports.terminal_runs import render_history
    from evidence.case import read_case_file

    folder = find_case(args.case)
    case, _ = read_case_file(folder)
    render_history(history(folder, case.id), CommandConsole(highlight=False), case.title)
    return EXIT_OK
