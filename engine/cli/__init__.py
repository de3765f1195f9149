"""`cchc` command line: one module per command group, registered here.

Every command returns an exit status: 0 done, 1 problems found (checks), 2 input
cchc cannot use, 3 a bug in cchc, 141 the reader of the output went away (`cchc assess | head`). Input problems print one line each (file, line
or row, column, code, message) and never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from engine.cli import (
    assess_cmd,
    doctor_cmd,
    evidence_cmd,
    history_cmd,
    report_cmd,
    rules_cmd,
    serve_cmd,
    verify_cmd,
    workspace_cmd,
)
from engine.cli.common import EXIT_INPUT, EXIT_INTERNAL, EXIT_PIPE_CLOSED, print_problems
from engine.cli.parser import VietnameseArgumentParser
from evidence.problems import InputError, Problem

COMMAND_GROUPS = [assess_cmd, report_cmd, history_cmd, verify_cmd, rules_cmd, evidence_cmd, doctor_cmd, workspace_cmd,
                  serve_cmd]


def _parser() -> VietnameseArgumentParser:
    parser = VietnameseArgumentParser(
        prog="cchc",
        description="Tự chấm điểm Chỉ số cải cách hành chính (Chỉ số CCHC) từ tài liệu kiểm chứng, "
                    "giải thích từng điểm và liệt kê những gì còn thiếu.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")
    for group in COMMAND_GROUPS:
        group.register(sub)
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
