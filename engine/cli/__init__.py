"""`cchc` command line: one module per command group, declared here and imported only when it runs.

Every command returns an exit status: 0 done, 1 problems found (checks), 2 input cchc cannot use, 3 a bug in
cchc, 141 the reader of the output went away (`cchc assess | head`). Input problems print one line each (file,
line or row, column, code, message) and never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from engine.cli.common import EXIT_INPUT, EXIT_INTERNAL, EXIT_PIPE_CLOSED, print_problems
from engine.cli.parser import LazySubParsers, VietnameseArgumentParser
from evidence.problems import InputError, Problem

# Each command: its module under engine/cli (whose register() adds its options) and its line in `cchc --help`,
# in the order `cchc --help` lists them.
COMMANDS = {
    "assess": ("assess_cmd", "chấm điểm một hồ sơ (case)"),
    "report": ("report_cmd",
               "xuất kết quả chấm thành tài liệu: bảng tính, báo cáo HTML, dự thảo kế hoạch, biểu tự chấm"),
    "history": ("history_cmd",
                "lịch sử chấm thử đã lưu: tổng điểm, tối đa còn đạt, mục mới thiếu và đã xong theo đơn vị"),
    "verify": ("verify_cmd", "kiểm lại một kết quả đã lưu: chấm lại từ hồ sơ và so sánh"),
    "rules": ("rules_cmd", "công cụ cho người soạn bộ tiêu chí"),
    "evidence": ("evidence_cmd", "công cụ cho tài liệu kiểm chứng của đơn vị"),
    "doctor": ("doctor_cmd",
               "kiểm tra bộ máy luật: phiên bản Python, durable-rules có nạp được không, bộ so khớp nào chạy"),
    "workspace": ("workspace_cmd", "kho dữ liệu dùng chung (cchc serve): tạo tài khoản, nhập, xuất, sao lưu"),
    "serve": ("serve_cmd",
              "mở trang web làm việc cho các đơn vị và Phòng TCCB (tải tài liệu lên, xem điểm, thẩm định thử)"),
}


def _parser() -> VietnameseArgumentParser:
    parser = VietnameseArgumentParser(
        prog="cchc",
        description="Tự chấm điểm Chỉ số cải cách hành chính (Chỉ số CCHC) từ tài liệu kiểm chứng, "
                    "giải thích từng điểm và liệt kê những gì còn thiếu.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH", action=LazySubParsers)
    for name, (module, help_line) in COMMANDS.items():
        sub.declare(name, f"engine.cli.{module}", help_line)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except InputError as exc:
        print_problems(exc.problems)
        print(f"({len(exc.problems)} lỗi; dừng, chưa có kết quả.)", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `| head` has read enough: not a bug, and nothing more can be said on stdout
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so that the flush at exit is quiet
        return EXIT_PIPE_CLOSED
    except MemoryError:  # every reader names its file (E054); this is the backstop for any other step
        print_problems([Problem.of("E054", what="dữ liệu của lệnh này")])
        print("(1 lỗi; dừng, chưa có kết quả.)", file=sys.stderr)
        return EXIT_INPUT
    except Exception as exc:  # a bug in cchc, not bad input: say so plainly
        if os.environ.get("CCHC_DEBUG"):
            raise
        print(f"Lỗi nội bộ của cchc ({type(exc).__name__}: {exc}). Hãy báo lỗi kèm lệnh đã chạy; "
              "đặt CCHC_DEBUG=1 để xem chi tiết.", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
