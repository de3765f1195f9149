"""`cchc rules …`: tools for rule authors (check, test, docs, diff)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rules", help="công cụ cho người soạn bộ tiêu chí",
                       description="Kiểm tra, chạy ca kiểm thử, sinh tài liệu và so sánh các bộ tiêu chí.")
    p.add_subparsers(dest="rules_command", required=True, metavar="LỆNH")
